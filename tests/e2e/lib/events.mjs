// Helpers to inspect rrweb 2.x events (plain objects, as emitted).
import assert from 'node:assert/strict';

export const EventType = { DomContentLoaded: 0, Load: 1, FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4, Custom: 5, Plugin: 6 };
export const NodeType = { Document: 0, DocumentType: 1, Element: 2, Text: 3, CDATA: 4, Comment: 5 };
export const IncrementalSource = {
  Mutation: 0,
  MouseMove: 1,
  MouseInteraction: 2,
  Scroll: 3,
  ViewportResize: 4,
  Input: 5,
  TouchMove: 6,
  MediaInteraction: 7,
  StyleSheetRule: 8,
  CanvasMutation: 9,
  Font: 10,
  Log: 11,
  Drag: 12,
  StyleDeclaration: 13,
  Selection: 14,
  AdoptedStyleSheet: 15,
  CustomElement: 16,
};
export const MouseInteraction = { MouseUp: 0, MouseDown: 1, Click: 2, ContextMenu: 3, DblClick: 4, Focus: 5, Blur: 6 };

/** Incremental events of one source. */
export function incrementalEvents(events, source) {
  return events.filter((e) => e.type === EventType.IncrementalSnapshot && e.data?.source === source);
}

export function metaEvent(events) {
  return events.find((e) => e.type === EventType.Meta);
}

export function fullSnapshot(events) {
  const e = events.find((ev) => ev.type === EventType.FullSnapshot);
  assert.ok(e, 'no FullSnapshot event (type 2) was emitted');
  return e;
}

export function mutationEvents(events) {
  return events.filter((e) => e.type === EventType.IncrementalSnapshot && e.data?.source === IncrementalSource.Mutation);
}

/** Depth-first list of { node, parent, depth } below (and including) a serialized node. */
export function flatten(root, parent = null) {
  const out = [];
  (function walk(node, parent, depth) {
    out.push({ node, parent, depth });
    for (const child of node.childNodes || []) walk(child, node, depth + 1);
  })(root, parent, 0);
  return out;
}

/**
 * Every serialized node the events carry: the full snapshot's tree plus the subtrees added by
 * Mutation events. Each entry: { node, parent (serialized parent or null), event, parentId }.
 */
export function allNodes(events) {
  const out = [];
  for (const e of events) {
    if (e.type === EventType.FullSnapshot) {
      for (const x of flatten(e.data.node)) out.push({ ...x, event: e, parentId: x.parent?.id ?? null });
    } else if (e.type === EventType.IncrementalSnapshot && e.data?.source === IncrementalSource.Mutation) {
      for (const add of e.data.adds || []) {
        for (const x of flatten(add.node)) {
          out.push({ ...x, event: e, parentId: x.parent ? x.parent.id : add.parentId, add });
        }
      }
    }
  }
  return out;
}

export function isElement(node, tagName) {
  return node.type === NodeType.Element && (!tagName || node.tagName.toLowerCase() === tagName.toLowerCase());
}

export function elements(nodes, tagName, pred = () => true) {
  return nodes.map((x) => x.node).filter((n) => isElement(n, tagName) && pred(n));
}

/** Concatenated text content of a serialized subtree (text nodes only). */
export function textContent(node) {
  if (node.type === NodeType.Text) return node.textContent || '';
  return (node.childNodes || []).map(textContent).join('');
}

/** CSS text of a <style>/<link> node: _cssText attribute or its text children. */
export function cssTextOf(node) {
  return node.attributes?._cssText ?? textContent(node);
}

/** Mutation adds that attach a Document node to the iframe element with id iframeId. */
export function attachedDocuments(events, iframeId) {
  const out = [];
  for (const e of mutationEvents(events)) {
    for (const add of e.data.adds || []) {
      if (add.parentId === iframeId && add.node?.type === NodeType.Document) out.push({ event: e, add, doc: add.node });
    }
  }
  return out;
}

/** Structural checks every recording must pass. */
export function assertWellFormed(events, { href, width, height }) {
  assert.ok(Array.isArray(events) && events.length >= 2, `expected at least Meta + FullSnapshot, got ${events.length} events`);
  for (const [i, e] of events.entries()) {
    assert.equal(typeof e.type, 'number', `event #${i} has no numeric type`);
    assert.equal(typeof e.timestamp, 'number', `event #${i} has no numeric timestamp`);
    if (i > 0) assert.ok(e.timestamp >= events[i - 1].timestamp, `event #${i} timestamp goes backwards`);
  }
  const meta = events[0];
  assert.equal(meta.type, EventType.Meta, `first event must be Meta (4), got type ${meta.type}`);
  assert.equal(meta.data.href, href, 'Meta href');
  assert.equal(meta.data.width, width, 'Meta width = viewport width');
  assert.equal(meta.data.height, height, 'Meta height = viewport height');
  const fullIndex = events.findIndex((e) => e.type === EventType.FullSnapshot);
  assert.equal(fullIndex, 1, 'the FullSnapshot must directly follow the Meta event');
  const full = events[fullIndex];
  assert.equal(full.data.node.type, NodeType.Document, 'FullSnapshot root must be a Document node');
  assert.equal(typeof full.data.initialOffset?.top, 'number', 'FullSnapshot initialOffset.top');
  assert.equal(typeof full.data.initialOffset?.left, 'number', 'FullSnapshot initialOffset.left');

  // Node ids: positive integers, unique across the snapshot and all added subtrees;
  // every mutation add hangs off a node that exists.
  const seen = new Set();
  for (const { node, parentId, add } of allNodes(events)) {
    assert.ok(Number.isInteger(node.id) && node.id > 0, `node id must be a positive integer: ${JSON.stringify(node).slice(0, 120)}`);
    assert.ok(!seen.has(node.id), `duplicate node id ${node.id}`);
    seen.add(node.id);
    if (add && node === add.node) assert.ok(seen.has(parentId), `mutation adds node ${node.id} under unknown parent ${parentId}`);
  }
}
