//! Mouse, touch and drag moves: sampled positions buffered and sent as one event per flush.

use crate::json::JsonWriter;
use crate::protocol::{begin_incremental, end_incremental, Timestamp};

/// One sampled pointer position: client coordinates, the target's id, when it was seen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub x: f64,
    pub y: f64,
    pub id: u32,
    pub time: Timestamp,
}

/// Positions waiting for the next flush. rrweb flushes through a leading+trailing throttle
/// (`mousemoveCallback`, see [`super::throttle::Throttle`]): the first move goes out at once
/// (the replay shows the cursor without delay), later ones as one event per window.
#[derive(Debug, Default)]
pub struct MoveBuffer {
    /// `MOUSE_MOVE`, `TOUCH_MOVE` or `DRAG`: the source of every buffered position.
    source: u64,
    positions: Vec<Position>,
}

impl MoveBuffer {
    /// Buffers one sampled position. If the buffer holds positions of another source (a drag
    /// began while mouse moves waited), those are returned as their own event first: rrweb
    /// would label them all with one source.
    pub fn add(&mut self, source: u64, position: Position, now: Timestamp) -> Option<String> {
        let earlier = if source != self.source {
            self.take_event(now)
        } else {
            None
        };
        self.source = source;
        self.positions.push(position);
        earlier
    }

    /// Takes the buffered positions as one event stamped `now`; each `timeOffset` is the
    /// position's time relative to it (≤ 0).
    pub fn take_event(&mut self, now: Timestamp) -> Option<String> {
        if self.positions.is_empty() {
            return None;
        }
        let event = moves_event(self.source, &self.positions, now);
        self.positions.clear();
        Some(event)
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }
}

/// `{source, positions: [{x, y, id, timeOffset}]}`.
pub fn moves_event(source: u64, positions: &[Position], timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(64 + positions.len() * 48);
    begin_incremental(&mut w, source);
    w.key("positions").begin_array();
    for p in positions {
        let offset = -(timestamp.saturating_sub(p.time) as i64);
        w.begin_object()
            .key("x")
            .number(p.x)
            .key("y")
            .number(p.y)
            .member_uint("id", p.id.into())
            .member_int("timeOffset", offset)
            .end_object();
    }
    w.end_array();
    end_incremental(&mut w, timestamp);
    w.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::incremental_source::{DRAG, MOUSE_MOVE, TOUCH_MOVE};

    fn at(x: f64, time: Timestamp) -> Position {
        Position {
            x,
            y: x + 1.0,
            id: 7,
            time,
        }
    }

    #[test]
    fn golden_moves_event() {
        let positions = [at(10.0, 1000), at(12.5, 1060)];
        assert_eq!(
            moves_event(MOUSE_MOVE, &positions, 1500),
            r#"{"type":3,"data":{"source":1,"positions":[{"x":10,"y":11,"id":7,"timeOffset":-500},{"x":12.5,"y":13.5,"id":7,"timeOffset":-440}]},"timestamp":1500}"#
        );
        assert_eq!(
            moves_event(TOUCH_MOVE, &[at(1.0, 9)], 9),
            r#"{"type":3,"data":{"source":6,"positions":[{"x":1,"y":2,"id":7,"timeOffset":0}]},"timestamp":9}"#
        );
    }

    #[test]
    fn flushes_carry_offsets_relative_to_the_flush() {
        let mut b = MoveBuffer::default();
        assert_eq!(b.add(MOUSE_MOVE, at(2.0, 1050), 1050), None);
        b.add(MOUSE_MOVE, at(3.0, 1100), 1100);
        b.add(MOUSE_MOVE, at(4.0, 1150), 1150);
        let batch: serde_json::Value = serde_json::from_str(&b.take_event(1500).unwrap()).unwrap();
        let offsets: Vec<i64> = batch["data"]["positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["timeOffset"].as_i64().unwrap())
            .collect();
        assert_eq!(offsets, [-450, -400, -350]);
        assert_eq!(batch["timestamp"], 1500);
        assert!(b.is_empty());
        assert_eq!(b.take_event(2000), None, "nothing buffered, nothing sent");
    }

    #[test]
    fn a_new_source_flushes_the_old_batch_under_its_own_source() {
        let mut b = MoveBuffer::default();
        b.add(MOUSE_MOVE, at(2.0, 100), 100);
        let early = b.add(DRAG, at(3.0, 200), 200).unwrap();
        let early: serde_json::Value = serde_json::from_str(&early).unwrap();
        assert_eq!(early["data"]["source"], MOUSE_MOVE);
        assert_eq!(early["data"]["positions"].as_array().unwrap().len(), 1);
        assert_eq!(early["data"]["positions"][0]["timeOffset"], -100);
        let drag: serde_json::Value = serde_json::from_str(&b.take_event(500).unwrap()).unwrap();
        assert_eq!(drag["data"]["source"], DRAG);
        assert_eq!(drag["data"]["positions"][0]["timeOffset"], -300);
    }
}
