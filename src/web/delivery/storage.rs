//! Web Storage for delivery: the session and window in sessionStorage (per tab, survives
//! reloads), undelivered batches in localStorage (survives closing the tab; resent on the
//! next page load of the site). Every access tolerates storage being unavailable.

use crate::delivery::queue::Pending;
use wasm_bindgen::prelude::*;
use web_sys::{Storage, Window};

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    fn storage_set_lines(storage: &Storage, key: &str, lines: &js_sys::Array) -> bool;
}

/// The most any browser's localStorage holds per origin, keys and values together, in UTF-16
/// code units: 5 MiB of them (Chrome counts 10 MiB of UTF-16 text; Firefox and Safari 5 MiB).
const LOCAL_STORAGE_QUOTA_UNITS: usize = 5 * 1024 * 1024;

pub struct Stores {
    local: Option<Storage>,
    tab: Option<Storage>,
    /// Key prefix: one namespace per endpoint, so recorders sending elsewhere don't mix.
    pub prefix: String,
}

impl Stores {
    pub fn new(window: &Window, endpoint: &str) -> Self {
        Stores {
            local: window.local_storage().ok().flatten(),
            tab: window.session_storage().ok().flatten(),
            prefix: {
                // `tapedeck:{crc:08x}:`, without the `core::fmt` machinery.
                let crc = crate::delivery::gzip::crc32(endpoint.as_bytes());
                let mut p = String::from("tapedeck:");
                for shift in (0..8).rev() {
                    p.push(b"0123456789abcdef"[(crc >> (shift * 4)) as usize & 15] as char);
                }
                p.push(':');
                p
            },
        }
    }

    fn batch_prefix(&self) -> String {
        [&self.prefix, "b:"].concat()
    }

    pub fn tab_get(&self, name: &str) -> Option<String> {
        self.tab
            .as_ref()?
            .get_item(&[&self.prefix, name].concat())
            .ok()
            .flatten()
    }

    pub fn tab_set(&self, name: &str, value: &str) {
        if let Some(tab) = &self.tab {
            let _ = tab.set_item(&[&self.prefix, name].concat(), value);
        }
    }

    pub fn tab_remove(&self, name: &str) {
        if let Some(tab) = &self.tab {
            let _ = tab.remove_item(&[&self.prefix, name].concat());
        }
    }

    /// Stores a batch; false when storage is unavailable or full, or the batch is larger than
    /// any localStorage can hold (it is then only kept in memory, and retried from there).
    pub fn save(&self, pending: &Pending) -> bool {
        let Some(local) = &self.local else {
            return false;
        };
        // Its text is not even written: `setItem` would refuse it, and a copy of a large page's
        // snapshot (8 MB at 100,000 nodes) would raise wasm memory's high-water mark for good.
        // (A text has at most as many UTF-16 units as UTF-8 bytes: most batches are not counted.)
        if pending.bytes() > LOCAL_STORAGE_QUOTA_UNITS
            && pending.storage_units() > LOCAL_STORAGE_QUOTA_UNITS
        {
            return false;
        }
        // `Pending::to_storage`'s text, joined in JS: each event crosses as a JS string, and no
        // copy of the batch is made in wasm memory.
        let lines = js_sys::Array::new();
        for line in pending.storage_lines() {
            lines.push(&JsValue::from_str(&line));
        }
        storage_set_lines(local, &pending.storage_key(&self.batch_prefix()), &lines)
    }

    pub fn remove(&self, pending: &Pending) {
        if let Some(local) = &self.local {
            let _ = local.remove_item(&pending.storage_key(&self.batch_prefix()));
        }
    }

    /// Every stored batch (of any tab of this site sending to this endpoint).
    pub fn load_all(&self) -> Vec<Pending> {
        let Some(local) = &self.local else {
            return Vec::new();
        };
        let prefix = self.batch_prefix();
        let mut keys = Vec::new();
        for i in 0..local.length().unwrap_or(0) {
            if let Ok(Some(key)) = local.key(i) {
                if key.starts_with(&prefix) {
                    keys.push(key);
                }
            }
        }
        let mut out = Vec::new();
        for key in keys {
            match local
                .get_item(&key)
                .ok()
                .flatten()
                .and_then(|v| Pending::from_storage(&v))
            {
                Some(p) => out.push(p),
                // Unreadable (another version's format, or damaged): never resent, so removed.
                None => {
                    let _ = local.remove_item(&key);
                }
            }
        }
        out
    }
}
