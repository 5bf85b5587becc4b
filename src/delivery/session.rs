//! The recording session and the tab (window) as the delivery protocol names them: a session
//! survives reloads and navigations in a tab and ends after 30 minutes without user activity;
//! a window is one tab and numbers its events across reloads.

use crate::json::push_u64;

/// A session ends after this long without user activity (PostHog's and Sentry's convention).
pub const SESSION_IDLE_MS: u64 = 30 * 60_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionState {
    pub id: String,
    pub started_at: u64,
    pub last_activity: u64,
    /// Whether this session is recorded at all (`sampleRate`, decided once per session).
    pub sampled: bool,
}

impl SessionState {
    pub fn new(id: String, now: u64, sampled: bool) -> Self {
        SessionState {
            id,
            started_at: now,
            last_activity: now,
            sampled,
        }
    }

    pub fn expired(&self, now: u64) -> bool {
        now.saturating_sub(self.last_activity) > SESSION_IDLE_MS
    }

    /// How long the session has run.
    pub fn age(&self, now: u64) -> u64 {
        now.saturating_sub(self.started_at)
    }

    /// `id|started|last|sampled`, for sessionStorage.
    pub fn to_storage(&self) -> String {
        let mut out = [&self.id, "|"].concat();
        push_u64(&mut out, self.started_at);
        out.push('|');
        push_u64(&mut out, self.last_activity);
        out.push_str(if self.sampled { "|1" } else { "|0" });
        out
    }

    pub fn from_storage(text: &str) -> Option<SessionState> {
        let mut parts = text.split('|');
        let id = parts.next().filter(|s| super::queue::is_id(s))?.to_string();
        let started_at = parts.next()?.parse().ok()?;
        let last_activity = parts.next()?.parse().ok()?;
        let sampled = match parts.next()? {
            "1" => true,
            "0" => false,
            _ => return None,
        };
        parts.next().is_none().then_some(SessionState {
            id,
            started_at,
            last_activity,
            sampled,
        })
    }
}

/// The tab: its id and the index of its next event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowState {
    pub id: String,
    pub next_seq: u64,
}

impl WindowState {
    pub fn to_storage(&self) -> String {
        let mut out = [&self.id, "|"].concat();
        push_u64(&mut out, self.next_seq);
        out
    }

    pub fn from_storage(text: &str) -> Option<WindowState> {
        let (id, seq) = text.split_once('|')?;
        super::queue::is_id(id).then_some(())?;
        Some(WindowState {
            id: id.to_string(),
            next_seq: seq.parse().ok()?,
        })
    }
}

/// The session to continue after a (re)load: the stored one unless it has expired.
pub fn resume(stored: Option<SessionState>, now: u64) -> Option<SessionState> {
    stored.filter(|s| !s.expired(now))
}

/// A new id: a prefix, the time in base 36 (ids sort by creation), and 64 random bits.
pub fn new_id(prefix: char, now: u64, random: [u32; 2]) -> String {
    let mut id = String::with_capacity(32);
    id.push(prefix);
    id.push('-');
    push_base36(&mut id, now);
    id.push('-');
    push_base36(&mut id, (u64::from(random[0]) << 32) | u64::from(random[1]));
    id
}

fn push_base36(out: &mut String, mut n: u64) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 13];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(b as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_after_thirty_idle_minutes() {
        let s = SessionState::new("s-a".into(), 1_000, true);
        assert!(!s.expired(1_000 + SESSION_IDLE_MS));
        assert!(s.expired(1_001 + SESSION_IDLE_MS));
        assert_eq!(resume(Some(s.clone()), 2_000), Some(s.clone()));
        assert_eq!(resume(Some(s), 2_000 + SESSION_IDLE_MS), None);
        assert_eq!(resume(None, 0), None);
    }

    #[test]
    fn storage_round_trips_and_rejects_garbage() {
        let s = SessionState {
            id: "s-x_1".into(),
            started_at: 5,
            last_activity: 9,
            sampled: false,
        };
        assert_eq!(SessionState::from_storage(&s.to_storage()), Some(s));
        for bad in [
            "",
            "s|1|2",
            "s|1|2|2",
            "s|a|2|1",
            "bad id|1|2|1",
            "s|1|2|1|extra",
        ] {
            assert_eq!(SessionState::from_storage(bad), None, "{bad:?}");
        }
        let w = WindowState {
            id: "w-1".into(),
            next_seq: 77,
        };
        assert_eq!(WindowState::from_storage(&w.to_storage()), Some(w));
        assert_eq!(WindowState::from_storage("w-1|x"), None);
        assert_eq!(WindowState::from_storage("w 1|1"), None);
    }

    #[test]
    fn ids_are_valid_protocol_ids() {
        let id = new_id('s', 1_795_780_432_021, [0xdead_beef, 0x0123_4567]);
        assert_eq!(id, "s-mwyxaxed-3dwoaqqx0mhd3");
        assert!(super::super::queue::is_id(&id));
        assert_eq!(new_id('w', 0, [0, 0]), "w-0-0");
    }
}
