//! Web Storage for delivery: the session and window in sessionStorage (per tab, survives
//! reloads), undelivered batches in localStorage (survives closing the tab; resent on the
//! next page load of the site). Every access tolerates storage being unavailable.

use crate::delivery::queue::Pending;
use web_sys::{Storage, Window};

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

    /// Stores a batch; false when storage is unavailable or full.
    pub fn save(&self, pending: &Pending) -> bool {
        let Some(local) = &self.local else {
            return false;
        };
        local
            .set_item(
                &pending.storage_key(&self.batch_prefix()),
                &pending.to_storage(),
            )
            .is_ok()
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
