//! Events → batches. Events arrive as JSON text; a batch is cut when it reaches the byte
//! limit or when the flush timer fires, and is written as the protocol's envelope.

/// The protocol version of an envelope (see PROTOCOL.md): 3 when numbers implied by the
/// events' structure are left out ([`crate::wire::VERSION`]), 1 when every event is sent in full.
pub fn protocol_version(implied_ids: bool) -> u64 {
    if implied_ids {
        crate::wire::VERSION
    } else {
        1
    }
}

/// Events waiting to become a batch.
#[derive(Debug, Default)]
pub struct Batcher {
    events: Vec<String>,
    bytes: usize,
}

/// A cut batch, before it is encoded: the window's index of its first event and the events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub seq: u64,
    pub events: Vec<String>,
}

impl Batcher {
    pub fn push(&mut self, mut event: String) {
        // A writer grows its buffer by doubling: up to half of it is spare, held as long as
        // the event waits to be delivered. Given back in place (no copy), it can hold the
        // event's compaction and compression instead of new memory.
        event.shrink_to_fit();
        self.bytes += event.len() + 1;
        self.events.push(event);
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Cuts everything waiting into batches of at most `max_bytes` of events each (an event
    /// larger than that goes alone). `next_seq` is the window's next event index; it advances.
    pub fn cut(&mut self, max_bytes: usize, next_seq: &mut u64) -> Vec<Batch> {
        let mut batches = Vec::new();
        let mut current = Vec::new();
        let mut size = 0;
        for event in self.events.drain(..) {
            if !current.is_empty() && size + event.len() + 1 > max_bytes {
                let events = std::mem::take(&mut current);
                batches.push(Batch {
                    seq: *next_seq,
                    events,
                });
                *next_seq += batches.last().map_or(0, |b| b.events.len() as u64);
                size = 0;
            }
            size += event.len() + 1;
            current.push(event);
        }
        if !current.is_empty() {
            let count = current.len() as u64;
            batches.push(Batch {
                seq: *next_seq,
                events: current,
            });
            *next_seq += count;
        }
        self.bytes = 0;
        batches
    }
}

impl Batch {
    /// Bytes of event JSON, a separator counted per event (what the byte limits count).
    pub fn bytes(&self) -> usize {
        self.events.iter().map(|e| e.len() + 1).sum()
    }

    /// The envelope JSON: `{"v","sessionId","windowId","seq","sentAt","events"}`. With
    /// `implied_ids` the events go in their compact form (see [`crate::wire`]): the queue keeps
    /// full events, so what is stored stays valid whatever a later page load configures.
    /// Requests are written by [`BodyWriter`](super::body::BodyWriter) without this whole text;
    /// this is the reference its tests compare with.
    #[cfg(test)]
    pub fn envelope(
        &self,
        session_id: &str,
        window_id: &str,
        sent_at: crate::protocol::Timestamp,
        implied_ids: bool,
    ) -> String {
        let body = super::body::BodyWriter::new(
            session_id,
            window_id,
            self,
            sent_at,
            crate::config::Compression::None,
            implied_ids,
        )
        .finish(self);
        // Made of `&str`s: always UTF-8.
        String::from_utf8(body).unwrap_or_default()
    }

    /// Splits the batch in two halves by event index (after a 413), or `None` for a single
    /// event. Each half keeps the index of its first event, so the collector still stores
    /// every event once.
    pub fn split(&self) -> Option<(Batch, Batch)> {
        if self.events.len() < 2 {
            return None;
        }
        let mid = self.events.len() / 2;
        let first = Batch {
            seq: self.seq,
            events: self.events[..mid].to_vec(),
        };
        let second = Batch {
            seq: self.seq + mid as u64,
            events: self.events[mid..].to_vec(),
        };
        Some((first, second))
    }

    /// True when the batch begins with a Meta + FullSnapshot pair (a replay can start here).
    pub fn starts_with_snapshot(&self) -> bool {
        self.events
            .first()
            .is_some_and(|e| e.starts_with(r#"{"type":4,"#))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(n: usize) -> String {
        format!(r#"{{"type":3,"data":{{"n":{n}}},"timestamp":1}}"#)
    }

    #[test]
    fn cuts_by_bytes_and_keeps_order_and_indices() {
        let mut b = Batcher::default();
        for n in 0..10 {
            b.push(ev(n));
        }
        let one = ev(0).len() + 1;
        let mut seq = 100;
        let batches = b.cut(one * 4, &mut seq);
        assert_eq!(
            batches
                .iter()
                .map(|x| (x.seq, x.events.len()))
                .collect::<Vec<_>>(),
            [(100, 4), (104, 4), (108, 2)]
        );
        assert_eq!(seq, 110);
        assert!(b.is_empty());
        assert_eq!(b.bytes(), 0);
        assert_eq!(batches[1].events[0], ev(4));
    }

    #[test]
    fn an_event_larger_than_the_limit_goes_alone() {
        let mut b = Batcher::default();
        b.push(ev(1));
        b.push("x".repeat(500));
        b.push(ev(2));
        let mut seq = 0;
        let batches = b.cut(100, &mut seq);
        assert_eq!(
            batches.iter().map(|x| x.events.len()).collect::<Vec<_>>(),
            [1, 1, 1]
        );
        assert_eq!(batches.iter().map(|x| x.seq).collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn envelope_golden_and_valid_json() {
        let batch = Batch {
            seq: 7,
            events: vec![ev(1), ev(2)],
        };
        let json = batch.envelope("s-1", "w-2", 99, false);
        assert_eq!(
            json,
            r#"{"v":1,"sessionId":"s-1","windowId":"w-2","seq":7,"sentAt":99,"events":[{"type":3,"data":{"n":1},"timestamp":1},{"type":3,"data":{"n":2},"timestamp":1}]}"#
        );
        serde_json::from_str::<serde_json::Value>(&json).unwrap();
        // v2: the same events, node ids implied.
        let snapshot = r#"{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":3,"textContent":"a","id":2}],"id":1},"initialOffset":{"top":0,"left":0}},"timestamp":1}"#;
        let batch = Batch {
            seq: 0,
            events: vec![snapshot.into(), ev(1)],
        };
        assert_eq!(
            batch.envelope("s", "w", 5, true),
            r#"{"v":3,"sessionId":"s","windowId":"w","seq":0,"sentAt":5,"events":[{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":3,"textContent":"a"}]},"initialOffset":{"top":0,"left":0}},"timestamp":1},{"type":3,"data":{"n":1},"timestamp":1}]}"#
        );
        assert_eq!(batch.events[0], snapshot);
    }

    #[test]
    fn split_keeps_event_indices() {
        let batch = Batch {
            seq: 10,
            events: (0..5).map(ev).collect(),
        };
        let (a, b) = batch.split().unwrap();
        assert_eq!(
            (a.seq, a.events.len(), b.seq, b.events.len()),
            (10, 2, 12, 3)
        );
        assert!(Batch {
            seq: 0,
            events: vec![ev(0)]
        }
        .split()
        .is_none());
        assert!(Batch {
            seq: 0,
            events: vec![r#"{"type":4,"data":{}}"#.into()]
        }
        .starts_with_snapshot());
        assert!(!batch.starts_with_snapshot());
    }
}
