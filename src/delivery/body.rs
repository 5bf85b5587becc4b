//! A batch's request body (PROTOCOL.md's envelope, gzipped or plain), written a piece at a
//! time: the envelope's head, each event (in its compact form with implied ids), then the
//! tail go straight into the output. Neither the envelope nor an event's compact form is
//! ever held whole: for a 100,000-node page each was one more copy of an 8 MB snapshot, and
//! wasm memory keeps its high-water mark for good. An event is written from its own text,
//! skipping the ranges its compact form leaves out ([`crate::wire::compact_plan`]).

use super::batch::{protocol_version, Batch};
use super::gzip::GzipStream;
use crate::config::Compression;
use crate::json::JsonWriter;
use crate::protocol::Timestamp;
use crate::wire::Plan;

/// Gzip output is reserved at this fraction of the events' size: compact events compress
/// about 15 to 20 times; a larger body grows its buffer once or twice.
const GZIP_RESERVE_DIVISOR: usize = 12;

/// An event at least this large has its nodes counted in one step and its compaction worked
/// out in the next, so a caller that watches the clock between steps can put them in tasks
/// of their own (together they took 37 ms on an 8 MB snapshot).
const COUNT_ALONE_BYTES: usize = 1024 * 1024;

struct Current {
    cuts: Vec<(usize, usize)>,
    at: usize,
    next_cut: usize,
}

/// Input gathered before it goes to the compressor: an event is written in pieces between
/// the ranges left out (tens of bytes each), and each call into the compressor has a cost
/// of its own.
const GZIP_INPUT_BYTES: usize = 16 * 1024;

enum Out {
    Gzip {
        /// Made when the first input is ready for it, not before: the compressor's state
        /// (about 300 KB) then takes memory that the first event's compaction has used and
        /// freed, rather than adding to it.
        stream: Option<GzipStream>,
        /// The expected output size, reserved when the stream is made.
        expected: usize,
        input: Vec<u8>,
    },
    Plain(Vec<u8>),
}

impl Out {
    fn write(&mut self, bytes: &[u8]) {
        match self {
            Out::Gzip {
                stream,
                expected,
                input,
            } => {
                if input.len() + bytes.len() > GZIP_INPUT_BYTES {
                    let stream = stream.get_or_insert_with(|| GzipStream::new(*expected));
                    stream.write(input);
                    input.clear();
                }
                if bytes.len() >= GZIP_INPUT_BYTES {
                    let stream = stream.get_or_insert_with(|| GzipStream::new(*expected));
                    stream.write(bytes);
                } else {
                    input.extend_from_slice(bytes);
                }
            }
            Out::Plain(out) => out.extend_from_slice(bytes),
        }
    }
}

/// The body of one batch in the making. Each [`step`](Self::step) is given the same batch
/// (the writer holds no borrow of it, so the queue can keep it meanwhile).
pub struct BodyWriter {
    out: Out,
    implied_ids: bool,
    /// The envelope up to the opening `[` of `events`, until it is written.
    head: Option<String>,
    /// The next event to write.
    next: usize,
    /// Its size, when counted in a step of their own (see `COUNT_ALONE_BYTES`).
    nodes: Option<crate::wire::Estimate>,
    /// The event being written: the ranges its compact form leaves out, and where writing
    /// goes on (a byte of the event, and the first of those ranges not yet passed).
    current: Option<Current>,
    done: bool,
}

impl BodyWriter {
    pub fn new(
        session_id: &str,
        window_id: &str,
        batch: &Batch,
        sent_at: Timestamp,
        compression: Compression,
        implied_ids: bool,
    ) -> Self {
        let mut head = JsonWriter::with_capacity(160);
        head.begin_object()
            .member_uint("v", protocol_version(implied_ids))
            .member_str("sessionId", session_id)
            .member_str("windowId", window_id)
            .member_uint("seq", batch.seq)
            .member_uint("sentAt", sent_at)
            .key("events")
            .begin_array();
        let size = batch.bytes();
        let out = match compression {
            Compression::Gzip => Out::Gzip {
                stream: None,
                expected: size / GZIP_RESERVE_DIVISOR,
                input: Vec::with_capacity(GZIP_INPUT_BYTES.min(size + 160)),
            },
            Compression::None => Out::Plain(Vec::with_capacity(size + 160)),
        };
        BodyWriter {
            out,
            implied_ids,
            head: Some(head.into_string()),
            next: 0,
            nodes: None,
            current: None,
            done: false,
        }
    }

    /// Writes about `budget` more bytes of the envelope (at least one, or the rest of an
    /// event's compaction); true once all of it is written.
    pub fn step(&mut self, batch: &Batch, budget: usize) -> bool {
        let mut left = budget.max(1);
        if let Some(head) = self.head.take() {
            self.out.write(head.as_bytes());
            left = left.saturating_sub(head.len());
        }
        while !self.done && left > 0 {
            let Some(event) = batch.events.get(self.next) else {
                self.out.write(b"]}");
                self.done = true;
                break;
            };
            if self.current.is_none() {
                let plan = match (self.implied_ids, self.nodes.take()) {
                    (false, _) => Plan::Same,
                    (true, None) if event.len() >= COUNT_ALONE_BYTES => {
                        self.nodes = Some(crate::wire::node_estimate(event));
                        return false;
                    }
                    (true, nodes) => {
                        let nodes = nodes.unwrap_or_else(|| crate::wire::node_estimate(event));
                        crate::wire::compact_plan_sized(event, nodes)
                    }
                };
                if self.next > 0 {
                    self.out.write(b",");
                }
                let (cuts, at) = match plan {
                    Plan::Same => (Vec::new(), 0),
                    Plan::Cuts(cuts) => (cuts, 0),
                    // The marker takes the place of the opening `{` (see `wire::compact`).
                    Plan::Explicit if event.starts_with('{') => {
                        self.out.write(crate::wire::EXPLICIT.as_bytes());
                        (Vec::new(), 1)
                    }
                    Plan::Explicit => (Vec::new(), 0),
                };
                self.current = Some(Current {
                    cuts,
                    at,
                    next_cut: 0,
                });
            }
            let Some(current) = self.current.as_mut() else {
                break;
            };
            let text = event.as_bytes();
            while left > 0 && current.at < text.len() {
                // Up to the next range left out, or the end.
                let (stop, skip_to) = match current.cuts.get(current.next_cut) {
                    Some(&(start, end)) => (start, end),
                    None => (text.len(), text.len()),
                };
                let end = stop.min(current.at.saturating_add(left));
                let piece = text.get(current.at..end).unwrap_or_default();
                self.out.write(piece);
                left -= piece.len();
                current.at = end;
                if end == stop {
                    current.at = skip_to;
                    current.next_cut += 1;
                }
            }
            if current.at >= text.len() {
                // Dropped at once: the next event's ranges may reuse its memory.
                self.current = None;
                self.next += 1;
            }
        }
        self.done
    }

    /// Writes whatever is left and returns the body.
    pub fn finish(mut self, batch: &Batch) -> Vec<u8> {
        self.step(batch, usize::MAX);
        match self.out {
            Out::Gzip {
                stream,
                expected,
                input,
            } => {
                let mut stream = stream.unwrap_or_else(|| GzipStream::new(expected));
                stream.write(&input);
                stream.finish()
            }
            Out::Plain(out) => out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// The envelope as it was built before bodies were streamed: the reference every body
    /// must equal byte for byte.
    fn reference(batch: &Batch, sent_at: Timestamp, implied_ids: bool) -> String {
        let mut w = JsonWriter::new();
        w.begin_object()
            .member_uint("v", protocol_version(implied_ids))
            .member_str("sessionId", "s-1")
            .member_str("windowId", "w-1")
            .member_uint("seq", batch.seq)
            .member_uint("sentAt", sent_at)
            .key("events")
            .begin_array();
        for event in &batch.events {
            if implied_ids {
                w.raw(&crate::wire::compact(event));
            } else {
                w.raw(event);
            }
        }
        w.end_array().end_object();
        w.into_string()
    }

    fn snapshot(nodes: u32) -> String {
        let mut e = crate::snapshot::NodeEncoder::full_snapshot();
        let meta = crate::snapshot::NodeMeta::top;
        e.open_document(meta(1), "CSS1Compat");
        for id in 2..nodes {
            e.text(meta(id), &format!("text é {id}"));
        }
        e.close();
        e.finish_full_snapshot(0, 0, 1)
    }

    fn batch() -> Batch {
        Batch {
            seq: 7,
            events: vec![
                r#"{"type":4,"data":{"href":"h","width":1,"height":1},"timestamp":1}"#.into(),
                snapshot(3000),
                r#"{"type":3,"data":{"source":2,"type":1,"id":5,"x":1,"y":2},"timestamp":1}"#
                    .into(),
                snapshot(40),
                // A node without its id: the rules cannot express it, it goes behind the marker.
                r#"{"type":2,"data":{"node":{"type":0,"childNodes":[]}},"timestamp":1}"#.into(),
            ],
        }
    }

    fn gunzip(bytes: &[u8]) -> String {
        let mut out = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn a_streamed_body_equals_the_envelope_byte_for_byte() {
        let batch = batch();
        for implied in [false, true] {
            let expected = reference(&batch, 99, implied);
            assert_eq!(
                batch.envelope("s-1", "w-1", 99, implied),
                expected,
                "implied {implied}"
            );
            // Written in pieces of every kind of size, plain and gzipped.
            for budget in [1, 7, 1000, 32 * 1024, usize::MAX] {
                for compression in [Compression::None, Compression::Gzip] {
                    let mut w = BodyWriter::new("s-1", "w-1", &batch, 99, compression, implied);
                    let mut steps = 0;
                    while !w.step(&batch, budget) {
                        steps += 1;
                    }
                    assert!(budget > 1000 || steps > 10, "written a piece at a time");
                    let body = w.finish(&batch);
                    let text = match compression {
                        Compression::None => String::from_utf8(body).unwrap(),
                        Compression::Gzip => gunzip(&body),
                    };
                    assert!(text == expected, "implied {implied}, budget {budget}");
                }
            }
        }
        // v2 leaves the snapshot's ids out: the body is smaller than v1's.
        let v1 = batch.envelope("s-1", "w-1", 99, false);
        let v2 = batch.envelope("s-1", "w-1", 99, true);
        assert!(v2.len() < v1.len() * 9 / 10);
        assert!(v2.contains(crate::wire::EXPLICIT), "the marked event");
        serde_json::from_str::<serde_json::Value>(&v2).unwrap();
    }

    #[test]
    fn a_large_event_is_counted_then_compacted_in_later_steps() {
        let big = snapshot(60_000);
        assert!(big.len() >= COUNT_ALONE_BYTES);
        let batch = Batch {
            seq: 0,
            events: vec![r#"{"type":4,"data":{},"timestamp":1}"#.into(), big],
        };
        let mut w = BodyWriter::new("s-1", "w-1", &batch, 3, Compression::None, true);
        assert!(!w.step(&batch, 1 << 20), "stops after counting");
        assert_eq!(
            w.nodes,
            Some(crate::wire::node_estimate(&batch.events[1])),
            "counted"
        );
        assert!(!w.step(&batch, 1), "then compacts and writes on");
        assert!(w.nodes.is_none() && w.current.is_some());
        let body = w.finish(&batch);
        assert!(String::from_utf8(body).unwrap() == reference(&batch, 3, true));
    }

    #[test]
    fn gzip_in_pieces_matches_gzip_at_once() {
        let batch = batch();
        let whole = super::super::gzip::gzip(reference(&batch, 5, true).as_bytes());
        let mut w = BodyWriter::new("s-1", "w-1", &batch, 5, Compression::Gzip, true);
        while !w.step(&batch, 4096) {}
        assert_eq!(w.finish(&batch), whole, "the same deflate stream");
    }
}
