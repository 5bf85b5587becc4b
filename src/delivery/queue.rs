//! Batches waiting to be delivered, in order, with a byte budget and a storage format that
//! survives a reload.

use super::batch::Batch;
use super::body::BodyWriter;
use crate::config::Compression;
use crate::json::push_u64;
use std::borrow::Cow;

/// Which batch: its window, first event index and event count.
pub type BatchKey = (String, u64, usize);

/// A batch on its way: which session and window it belongs to, and its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub session_id: String,
    pub window_id: String,
    pub batch: Batch,
    /// The encoded request body, made once when first needed.
    pub body: Option<Vec<u8>>,
}

impl Pending {
    pub fn bytes(&self) -> usize {
        self.batch.bytes()
    }

    /// Which batch this is: its window, first event index and event count (the same events
    /// whatever its body or session).
    pub fn key(&self) -> (&str, u64, usize) {
        (&self.window_id, self.batch.seq, self.batch.events.len())
    }

    /// [`key`](Self::key) as owned values, for work that outlives a borrow of the queue.
    pub fn owned_key(&self) -> BatchKey {
        let (window, seq, count) = self.key();
        (window.to_string(), seq, count)
    }

    /// A writer of this batch's request body, sent at `sent_at`.
    pub fn writer(&self, sent_at: u64, compression: Compression, implied_ids: bool) -> BodyWriter {
        BodyWriter::new(
            &self.session_id,
            &self.window_id,
            &self.batch,
            sent_at,
            compression,
            implied_ids,
        )
    }

    /// Its two halves by event index, each still to be encoded (after a 413, or to fit one
    /// unload request); `None` for a single event.
    pub fn split(&self) -> Option<(Pending, Pending)> {
        let (a, b) = self.batch.split()?;
        let half = |batch| Pending {
            session_id: self.session_id.clone(),
            window_id: self.window_id.clone(),
            batch,
            body: None,
        };
        Some((half(a), half(b)))
    }

    /// The storage key: one entry per batch, ordered by window and event index.
    pub fn storage_key(&self, prefix: &str) -> String {
        let mut key = [prefix, &self.window_id, ":"].concat();
        let mut seq = String::new();
        push_u64(&mut seq, self.batch.seq);
        for _ in seq.len()..12 {
            key.push('0');
        }
        key.push_str(&seq);
        key
    }

    /// The stored form: `sessionId`, `windowId`, `seq`, then one event per line (event JSON
    /// never contains a raw newline), so a batch can be split again after a reload. The
    /// recorder hands [`storage_lines`](Self::storage_lines) to JS, which joins them; this
    /// joined text is for tests.
    #[cfg(test)]
    pub fn to_storage(&self) -> String {
        let lines: Vec<Cow<'_, str>> = self.storage_lines().collect();
        lines.join("\n")
    }

    /// The lines of [`to_storage`](Self::to_storage)'s text, without a copy of the events.
    pub fn storage_lines(&self) -> impl Iterator<Item = Cow<'_, str>> {
        let mut seq = String::new();
        push_u64(&mut seq, self.batch.seq);
        [
            Cow::Borrowed(self.session_id.as_str()),
            Cow::Borrowed(self.window_id.as_str()),
            Cow::Owned(seq),
        ]
        .into_iter()
        .chain(self.batch.events.iter().map(|e| Cow::Borrowed(e.as_str())))
    }

    /// The length of [`to_storage`](Self::to_storage)'s text in UTF-16 code units (what
    /// Web Storage quotas count), without writing it.
    pub fn storage_units(&self) -> usize {
        // A char is one unit, or two from U+10000 on (four UTF-8 bytes, lead byte ≥ 0xF0).
        let utf16 = |s: &str| {
            s.bytes()
                .map(|b| usize::from((b & 0xC0) != 0x80) + usize::from(b >= 0xF0))
                .sum::<usize>()
        };
        // Lines and the newlines between them.
        self.storage_lines().map(|l| utf16(&l) + 1).sum::<usize>() - 1
    }

    pub fn from_storage(text: &str) -> Option<Pending> {
        let mut lines = text.split('\n');
        let session_id = lines.next().filter(|s| is_id(s))?.to_string();
        let window_id = lines.next().filter(|s| is_id(s))?.to_string();
        let seq = lines.next()?.parse().ok()?;
        let events: Vec<String> = lines.map(String::from).collect();
        if events.is_empty()
            || events
                .iter()
                .any(|e| !e.starts_with('{') || !e.ends_with('}'))
        {
            return None;
        }
        Some(Pending {
            session_id,
            window_id,
            batch: Batch { seq, events },
            body: None,
        })
    }
}

/// Ids the protocol accepts: 1–64 of `[A-Za-z0-9_-]`.
pub fn is_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// What was dropped to stay within the byte budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dropped {
    pub batches: usize,
    pub events: usize,
    pub bytes: usize,
}

/// The delivery queue. The head may be in flight; it is never dropped while it is.
#[derive(Debug, Default)]
pub struct Queue {
    items: Vec<Pending>,
    bytes: usize,
    pub head_in_flight: bool,
}

impl Queue {
    pub fn push(&mut self, pending: Pending) {
        self.bytes += pending.bytes();
        self.items.push(pending);
    }

    /// Adds batches restored from storage before the ones recorded since, in event order,
    /// skipping any already queued.
    pub fn restore(&mut self, mut restored: Vec<Pending>) {
        // Insertion sort: a handful of stored batches, and no second sort algorithm in the wasm.
        for i in 1..restored.len() {
            let mut j = i;
            while j > 0 && restored[j - 1].key() > restored[j].key() {
                restored.swap(j - 1, j);
                j -= 1;
            }
        }
        restored.retain(|r| {
            !self
                .items
                .iter()
                .any(|p| p.window_id == r.window_id && p.batch.seq == r.batch.seq)
        });
        let at = usize::from(self.head_in_flight && !self.items.is_empty());
        self.bytes += restored.iter().map(Pending::bytes).sum::<usize>();
        self.items.splice(at..at, restored);
    }

    pub fn head(&mut self) -> Option<&mut Pending> {
        self.items.first_mut()
    }

    /// The head, if it is still the batch `key` and has no body yet: a body made across
    /// tasks (or by the browser) belongs to the batch it was made for.
    pub fn head_awaiting(&mut self, key: &BatchKey) -> Option<&mut Pending> {
        let (window, seq, count) = key;
        self.head()
            .filter(|head| head.body.is_none() && head.key() == (window.as_str(), *seq, *count))
    }

    pub fn pop_head(&mut self) -> Option<Pending> {
        if self.items.is_empty() {
            return None;
        }
        self.head_in_flight = false;
        let p = self.items.remove(0);
        self.bytes -= p.bytes();
        Some(p)
    }

    /// Replaces the head with its two halves (after a 413).
    pub fn split_head(&mut self) -> bool {
        if self.items.first().is_none_or(|p| p.batch.events.len() < 2) {
            return false;
        }
        // Moved, not copied: the events are split where they are, the body is dropped.
        let mut first = self.items.remove(0);
        let mid = first.batch.events.len() / 2;
        let second = Pending {
            session_id: first.session_id.clone(),
            window_id: first.window_id.clone(),
            batch: Batch {
                seq: first.batch.seq + mid as u64,
                events: first.batch.events.split_off(mid),
            },
            body: None,
        };
        first.body = None;
        self.items.splice(0..0, [first, second]);
        self.head_in_flight = false;
        true
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn iter(&self) -> impl Iterator<Item = &Pending> {
        self.items.iter()
    }

    /// Drops the oldest batches (never the one in flight) until the queue fits in `max_bytes`,
    /// then any batches that would no longer replay (incremental data whose snapshot is gone),
    /// up to the next batch that starts with a snapshot. Returns what was dropped, with the
    /// dropped batches so the caller can remove them from storage.
    ///
    /// The budget stretches to twice the newest full snapshot: dropping a snapshot for being
    /// larger than the budget would ask for a new one, as large, dropped in turn, forever (a
    /// 50,000-node page has a 4 MB snapshot; the default budget is 4 MiB).
    pub fn enforce_limit(&mut self, max_bytes: usize) -> (Dropped, Vec<Pending>) {
        let newest_snapshot = self
            .items
            .iter()
            .rev()
            .flat_map(|p| p.batch.events.iter().rev())
            .find(|e| e.starts_with(r#"{"type":2,"#))
            .map_or(0, |e| e.len() + 1);
        let max_bytes = max_bytes.max(newest_snapshot.saturating_mul(2));
        let mut dropped = Dropped::default();
        let mut removed = Vec::new();
        let first = usize::from(self.head_in_flight);
        while self.bytes > max_bytes && self.items.len() > first {
            let p = self.items.remove(first);
            self.bytes -= p.bytes();
            removed.push(p);
        }
        if !removed.is_empty() {
            while self.items.len() > first && !self.items[first].batch.starts_with_snapshot() {
                let p = self.items.remove(first);
                self.bytes -= p.bytes();
                removed.push(p);
            }
        }
        for p in &removed {
            dropped.batches += 1;
            dropped.events += p.batch.events.len();
            dropped.bytes += p.bytes();
        }
        (dropped, removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(seq: u64, events: &[&str]) -> Pending {
        Pending {
            session_id: "s-1".into(),
            window_id: "w-1".into(),
            batch: Batch {
                seq,
                events: events.iter().map(|e| e.to_string()).collect(),
            },
            body: None,
        }
    }

    const META: &str = r#"{"type":4,"data":{},"timestamp":1}"#;
    const FULL: &str = r#"{"type":2,"data":{},"timestamp":1}"#;
    const INC: &str = r#"{"type":3,"data":{"x":"a\nb"},"timestamp":2}"#;

    #[test]
    fn storage_round_trip_and_validation() {
        let p = pending(42, &[META, FULL, INC]);
        let text = p.to_storage();
        assert_eq!(Pending::from_storage(&text), Some(p.clone()));
        assert_eq!(p.storage_key("td:"), "td:w-1:000000000042");
        assert_eq!(Pending::from_storage("s\nw\nx\n{}"), None, "bad seq");
        assert_eq!(Pending::from_storage("s\nw\n1"), None, "no events");
        assert_eq!(Pending::from_storage("s s\nw\n1\n{}"), None, "bad id");
        assert_eq!(Pending::from_storage("s\nw\n1\nnot json"), None);
        for p in [p.clone(), pending(1, &["{\"x\":\"é€😀\"}", INC])] {
            assert_eq!(p.storage_units(), p.to_storage().encode_utf16().count());
        }
        assert!(is_id("w-lx2k9q_0a") && !is_id("") && !is_id(&"a".repeat(65)) && !is_id("a/b"));
    }

    #[test]
    fn splitting_the_head_and_popping() {
        let mut q = Queue::default();
        q.push(pending(0, &[META, FULL, INC, INC]));
        q.push(pending(4, &[INC]));
        q.head_in_flight = true;
        let whole = q.head().unwrap().clone();
        assert!(q.split_head());
        assert!(!q.head_in_flight);
        assert_eq!(
            (q.iter().next().cloned(), q.iter().nth(1).cloned()),
            (whole.split().map(|h| h.0), whole.split().map(|h| h.1)),
            "the same halves as Pending::split"
        );
        let seqs: Vec<u64> = q.iter().map(|p| p.batch.seq).collect();
        assert_eq!(seqs, [0, 2, 4]);
        assert_eq!(q.bytes(), q.iter().map(Pending::bytes).sum::<usize>());
        assert_eq!(q.pop_head().unwrap().batch.events.len(), 2);
        assert_eq!(q.len(), 2);
    }

    #[test]
    fn a_snapshot_larger_than_the_budget_is_kept() {
        let big = format!(
            r#"{{"type":2,"data":{{"x":"{}"}},"timestamp":1}}"#,
            "a".repeat(100)
        );
        let mut q = Queue::default();
        q.push(pending(0, &[META]));
        q.push(pending(1, &[&big]));
        let (dropped, removed) = q.enforce_limit(50);
        assert_eq!(
            (dropped.batches, removed.len()),
            (0, 0),
            "the snapshot stays"
        );
        // Incremental data after it: kept up to twice the snapshot, then the oldest goes.
        q.push(pending(2, &[&"x".repeat(60)]));
        assert_eq!(q.enforce_limit(50).0.batches, 0);
        q.push(pending(3, &[&"x".repeat(60)]));
        let (dropped, _) = q.enforce_limit(50);
        assert!(dropped.batches > 0, "over twice the snapshot: dropped");
    }

    #[test]
    fn over_budget_drops_oldest_incremental_data_up_to_a_snapshot() {
        let mut q = Queue::default();
        q.push(pending(0, &[META, FULL, INC]));
        q.push(pending(3, &[INC, INC]));
        q.push(pending(5, &[INC]));
        q.push(pending(6, &[META, FULL]));
        q.push(pending(8, &[INC]));
        let budget = q.bytes() - 1;
        let (dropped, removed) = q.enforce_limit(budget);
        assert_eq!(
            dropped,
            Dropped {
                batches: 3,
                events: 6,
                bytes: removed.iter().map(Pending::bytes).sum()
            }
        );
        assert_eq!(
            q.iter().map(|p| p.batch.seq).collect::<Vec<_>>(),
            [6, 8],
            "replay resumes at a snapshot"
        );
        let (none, _) = q.enforce_limit(usize::MAX);
        assert_eq!(none, Dropped::default());
    }

    #[test]
    fn the_batch_in_flight_is_never_dropped() {
        let mut q = Queue::default();
        q.push(pending(0, &[META, FULL]));
        q.push(pending(2, &[INC]));
        q.head_in_flight = true;
        let (dropped, _) = q.enforce_limit(0);
        assert_eq!(dropped.batches, 1);
        assert_eq!(q.len(), 1);
        assert_eq!(q.head().unwrap().batch.seq, 0);
    }

    #[test]
    fn restored_batches_go_first_in_order_without_duplicates() {
        let mut q = Queue::default();
        q.push(pending(10, &[INC]));
        q.head_in_flight = true;
        q.restore(vec![
            pending(5, &[INC]),
            pending(3, &[INC]),
            pending(10, &[INC]),
        ]);
        assert_eq!(
            q.iter().map(|p| p.batch.seq).collect::<Vec<_>>(),
            [10, 3, 5]
        );
        assert_eq!(q.bytes(), q.iter().map(Pending::bytes).sum::<usize>());
    }
}
