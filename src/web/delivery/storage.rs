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
            prefix: format!(
                "tapedeck:{:08x}:",
                crate::delivery::gzip::crc32(endpoint.as_bytes())
            ),
        }
    }

    fn batch_prefix(&self) -> String {
        format!("{}b:", self.prefix)
    }

    pub fn tab_get(&self, name: &str) -> Option<String> {
        self.tab
            .as_ref()?
            .get_item(&format!("{}{name}", self.prefix))
            .ok()
            .flatten()
    }

    pub fn tab_set(&self, name: &str, value: &str) {
        if let Some(tab) = &self.tab {
            let _ = tab.set_item(&format!("{}{name}", self.prefix), value);
        }
    }

    pub fn tab_remove(&self, name: &str) {
        if let Some(tab) = &self.tab {
            let _ = tab.remove_item(&format!("{}{name}", self.prefix));
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
