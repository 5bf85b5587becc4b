//! The node ↔ id mirror: the single truth for which id a DOM node has.

use js_sys::WeakMap;
use wasm_bindgen::prelude::*;
use web_sys::Node;

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    /// The node's id, or -1.
    fn mirror_get(ids: &WeakMap, node: &Node) -> f64;
    fn mirror_set(ids: &WeakMap, node: &Node, id: u32);
}

/// Ids are handed out from 1 (the first document) upward and never reused within a recording,
/// even across full snapshots; the map is weak so the page's nodes are never kept alive by it.
pub struct Mirror {
    ids: WeakMap,
    next_id: u32,
}

impl Default for Mirror {
    fn default() -> Self {
        Mirror {
            ids: WeakMap::new(),
            next_id: 1,
        }
    }
}

impl Mirror {
    pub fn id_of(&self, node: &Node) -> Option<u32> {
        let id = mirror_get(&self.ids, node);
        (id >= 0.0).then_some(id as u32)
    }

    /// Gives `node` a fresh id.
    pub fn assign(&mut self, node: &Node) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        mirror_set(&self.ids, node, id);
        id
    }

    /// Hands out `count` consecutive ids at once and returns the first; the caller records
    /// them in `ids()` itself (the snapshot does it in JS, without a crossing per node).
    pub fn reserve(&mut self, count: u32) -> u32 {
        let base = self.next_id;
        self.next_id += count;
        base
    }

    pub fn ids(&self) -> &WeakMap {
        &self.ids
    }

    /// The id the next new node will get.
    pub fn next_id(&self) -> u32 {
        self.next_id
    }

    /// Forgets one node (its id is never handed out again).
    pub fn forget(&mut self, node: &Node) {
        self.ids.delete(node);
    }

    /// Forgets every node (a new full snapshot re-identifies the page) but keeps counting, so
    /// no id is reused.
    pub fn reset(&mut self) {
        self.ids = WeakMap::new();
    }
}
