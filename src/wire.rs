//! Implied node ids on the wire (protocol v2, see PROTOCOL.md).
//!
//! A serialized node may leave out its `id` when that id is the id of the node before it in
//! pre-order (parent before children, children in `childNodes` order) within the same event,
//! plus 1; the first node of an event has predecessor id 0. Snapshot ids are handed out in
//! pre-order, so nearly every id goes: the sequential numbers compress badly, and a 10k-node
//! snapshot shrinks by ~40 % once gzipped.
//!
//! Nodes are `data.node` and its `childNodes` items in a FullSnapshot (type 2), and
//! `data.adds[].node` and their `childNodes` in a Mutation (type 3, source 0), which includes the
//! attach events of iframe documents. The rule is structural: rrweb writes a node's `id` after
//! its `childNodes`, so the scanner follows the tree, not the text order.
//!
//! [`compact`] (SDK, at send time) and [`restore`] (collector) work on the event's JSON text and
//! keep everything else byte for byte: `restore(compact(e)) == e` for the SDK's key order, where
//! `id` comes before `isShadowHost` / `isShadow`, else last.

use std::borrow::Cow;

/// Why an event's nodes cannot be restored (the collector answers 400 with it).
#[derive(Debug, PartialEq, Eq)]
pub struct WireError(pub String);

/// Where in the event a node sits: which kind of event its ids belong to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tree {
    /// `data.node` of a FullSnapshot.
    Snapshot,
    /// `data.adds[].node` of a Mutation.
    Adds,
}

#[derive(Clone, Copy, Debug)]
enum Role {
    Event,
    Data,
    /// A value that must be a node object.
    Node(Tree),
    /// An open node object (index into `nodes`).
    InNode(usize),
    Children(Tree),
    Adds,
    Add,
    /// The `type` of the event / `source` of its data / `id` of a node.
    EventType,
    Source,
    Id(usize),
    Other,
}

#[derive(Clone, Copy, Debug, Default)]
struct IdMember {
    /// The id, when it is a plain non-negative integer.
    value: Option<u64>,
    /// Position of the `,` or `{` before the member, of the key's `"`, and after the value.
    sep: usize,
    key: usize,
    end: usize,
}

#[derive(Clone, Copy, Debug)]
struct NodeInfo {
    tree: Tree,
    id: Option<IdMember>,
    /// Position of the separator before the first `isShadowHost` / `isShadow` member.
    flag_sep: Option<usize>,
    /// Position of the closing `}` and whether the object has members.
    close: usize,
    has_members: bool,
}

struct Frame {
    role: Role,
    is_object: bool,
    /// Position of the last `{` or `,` of this object (the separator before the next key).
    sep: usize,
}

#[derive(Default)]
struct Scan {
    event_type: Option<u64>,
    source: Option<u64>,
    nodes: Vec<NodeInfo>,
    /// Nodes in the order their `id` members appear in the text.
    ids_in_text: Vec<usize>,
    /// Node positions holding something other than an object: (tree, position, what it was).
    not_objects: Vec<(Tree, usize, &'static str)>,
}

impl Scan {
    fn tree(&self) -> Option<Tree> {
        match (self.event_type, self.source) {
            (Some(2), _) => Some(Tree::Snapshot),
            (Some(3), Some(0)) => Some(Tree::Adds),
            _ => None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Position after the object or array starting at `i`.
fn skip_container(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => {
                i = skip_string(b, i)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Position after the string starting at `i` (its opening `"`).
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

fn what(byte: u8) -> &'static str {
    match byte {
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    }
}

/// A plain non-negative integer (no sign, fraction or exponent).
fn integer(text: &[u8]) -> Option<u64> {
    if text.is_empty() || (text[0] == b'0' && text.len() > 1) {
        return None;
    }
    text.iter().try_fold(0u64, |n, &d| {
        if d.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        } else {
            None
        }
    })
}

/// About how many nodes the SDK's text of an event holds, at least as many as there are: it
/// writes every node as `{"type":` and a digit first (the event itself is counted too; an
/// attribute named `type` has a string value). [`compact_cuts_sized`] takes it, counted
/// beforehand: on a large snapshot the count and the scan are two separate pieces of work.
pub fn node_estimate(event: &str) -> usize {
    let b = event.as_bytes();
    const OPEN: &[u8] = br#"{"type":"#;
    let mut count = 0;
    let mut i = 0;
    while let Some(at) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'{'))
    {
        i += at + 1;
        let after = i - 1 + OPEN.len();
        if b.get(i - 1..after) == Some(OPEN) && b.get(after).is_some_and(u8::is_ascii_digit) {
            count += 1;
        }
    }
    count
}

/// Scans one event that holds about `nodes` nodes ([`node_estimate`]). `None` when the text is
/// not well-formed JSON.
fn scan(text: &str, nodes: usize) -> Option<Scan> {
    let b = text.as_bytes();
    let mut out = Scan::default();
    // Sized once: grown by doubling, the node list of a large snapshot (tens of bytes per
    // node) would take up to three times its size while it is copied.
    out.nodes.reserve_exact(nodes);
    out.ids_in_text.reserve_exact(nodes);
    let mut stack: Vec<Frame> = Vec::with_capacity(32);
    let mut i = 0;
    // The role of the next value; `None` once a value is complete.
    let mut expect: Option<Role> = Some(Role::Event);
    loop {
        i = skip_ws(b, i);
        if let Some(role) = expect.take() {
            let &c = b.get(i)?;
            match c {
                b'{' | b'['
                    if matches!(
                        role,
                        Role::Other | Role::Source | Role::EventType | Role::Id(_)
                    ) =>
                {
                    // Nothing inside can matter: skip it whole, without tracking its structure.
                    i = skip_container(b, i)?;
                }
                b'{' => {
                    let role = match role {
                        Role::Node(tree) => {
                            out.nodes.push(NodeInfo {
                                tree,
                                id: None,
                                flag_sep: None,
                                close: 0,
                                has_members: false,
                            });
                            Role::InNode(out.nodes.len() - 1)
                        }
                        Role::Event | Role::Data | Role::Add => role,
                        _ => Role::Other,
                    };
                    stack.push(Frame {
                        role,
                        is_object: true,
                        sep: i,
                    });
                    i += 1;
                    if let Some(after) = object_key(b, &mut i, &mut stack, &mut out)? {
                        expect = Some(after);
                    }
                    continue;
                }
                b'[' => {
                    let role = match role {
                        Role::Children(_) | Role::Adds => role,
                        Role::Node(tree) => {
                            out.not_objects.push((tree, i, "an array"));
                            Role::Other
                        }
                        _ => Role::Other,
                    };
                    stack.push(Frame {
                        role,
                        is_object: false,
                        sep: i,
                    });
                    i = skip_ws(b, i + 1);
                    if b.get(i) == Some(&b']') {
                        stack.pop();
                        i += 1;
                    } else {
                        expect = Some(item_role(role));
                        continue;
                    }
                }
                b'"' => {
                    if let Role::Node(tree) = role {
                        out.not_objects.push((tree, i, "a string"));
                    }
                    i = skip_string(b, i)?;
                }
                _ => {
                    let start = i;
                    while i < b.len()
                        && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                    {
                        i += 1;
                    }
                    if i == start {
                        return None;
                    }
                    let value = &b[start..i];
                    match role {
                        Role::EventType => out.event_type = integer(value),
                        Role::Source => out.source = integer(value),
                        Role::Id(n) => {
                            if let Some(m) = out.nodes[n].id.as_mut() {
                                m.value = integer(value);
                                m.end = i;
                                out.ids_in_text.push(n);
                            }
                        }
                        Role::Node(tree) => out.not_objects.push((tree, start, what(c))),
                        _ => {}
                    }
                }
            }
        }
        // A value is complete: what follows it in the enclosing container?
        i = skip_ws(b, i);
        let Some(frame) = stack.last_mut() else {
            return (i == b.len()).then_some(out);
        };
        match (b.get(i)?, frame.is_object) {
            (b',', true) => {
                frame.sep = i;
                i += 1;
                if let Some(after) = object_key(b, &mut i, &mut stack, &mut out)? {
                    expect = Some(after);
                }
            }
            (b',', false) => {
                i += 1;
                expect = Some(item_role(frame.role));
            }
            (b'}', true) | (b']', false) => {
                close(&mut stack, &mut out, i);
                i += 1;
            }
            _ => return None,
        }
    }
}

fn item_role(array: Role) -> Role {
    match array {
        Role::Children(tree) => Role::Node(tree),
        Role::Adds => Role::Add,
        _ => Role::Other,
    }
}

fn close(stack: &mut Vec<Frame>, out: &mut Scan, at: usize) {
    if let Some(Frame {
        role: Role::InNode(n),
        ..
    }) = stack.pop()
    {
        out.nodes[n].close = at;
    }
}

/// After `{` or `,` in an object: reads a key and its `:`, or the closing `}` (then also closes
/// containers that end right there). Returns the role of the member's value, or `None` when
/// the object closed.
fn object_key(
    b: &[u8],
    i: &mut usize,
    stack: &mut Vec<Frame>,
    out: &mut Scan,
) -> Option<Option<Role>> {
    *i = skip_ws(b, *i);
    let frame = stack.last()?;
    if b.get(*i) == Some(&b'}') && b[frame.sep] == b'{' {
        close(stack, out, *i);
        *i += 1;
        return Some(None);
    }
    if b.get(*i) != Some(&b'"') {
        return None;
    }
    let key_start = *i;
    let key_end = skip_string(b, key_start)?;
    let key = &b[key_start + 1..key_end - 1];
    *i = skip_ws(b, key_end);
    if b.get(*i) != Some(&b':') {
        return None;
    }
    *i += 1;
    let sep = frame.sep;
    let role = match (frame.role, key) {
        (Role::Event, b"type") => Role::EventType,
        (Role::Event, b"data") => Role::Data,
        (Role::Data, b"source") => Role::Source,
        (Role::Data, b"node") => Role::Node(Tree::Snapshot),
        (Role::Data, b"adds") => Role::Adds,
        (Role::Add, b"node") => Role::Node(Tree::Adds),
        (Role::InNode(n), _) => {
            let node = &mut out.nodes[n];
            node.has_members = true;
            match key {
                b"childNodes" => Role::Children(node.tree),
                b"id" => {
                    node.id = Some(IdMember {
                        value: None,
                        sep,
                        key: key_start,
                        end: *i,
                    });
                    Role::Id(n)
                }
                b"isShadowHost" | b"isShadow" => {
                    node.flag_sep.get_or_insert(sep);
                    Role::Other
                }
                _ => Role::Other,
            }
        }
        _ => Role::Other,
    };
    Some(Some(role))
}

/// The compact form of one event: node ids implied by the rule are left out. Any event the
/// rule does not touch (or text that is not well-formed JSON) comes back unchanged.
pub fn compact(event: &str) -> Cow<'_, str> {
    let Some(cuts) = compact_cuts(event) else {
        return Cow::Borrowed(event);
    };
    let mut out = String::with_capacity(event.len());
    let mut at = 0;
    for (start, end) in cuts {
        out.push_str(event.get(at..start).unwrap_or_default());
        at = end;
    }
    out.push_str(event.get(at..).unwrap_or_default());
    Cow::Owned(out)
}

/// What [`compact`] leaves out of `event`: byte ranges `(start, end)` in text order, each
/// between ASCII bytes; `None` when nothing. For a writer that streams the compact form
/// without holding it whole (a large page's snapshot is megabytes).
pub fn compact_cuts(event: &str) -> Option<Vec<(usize, usize)>> {
    compact_cuts_sized(event, node_estimate(event))
}

/// [`compact_cuts`] for an event of about `nodes` nodes ([`node_estimate`]).
pub fn compact_cuts_sized(event: &str, nodes: usize) -> Option<Vec<(usize, usize)>> {
    // Only a FullSnapshot or a Mutation holds nodes; the SDK writes both with these openings,
    // so other events (scrolls, inputs, stylesheet rules…) are not scanned at all. An event
    // written otherwise stays whole, which is always valid.
    if !event.starts_with(r#"{"type":2,"#) && !event.starts_with(r#"{"type":3,"data":{"source":0,"#)
    {
        return None;
    }
    let scan = scan(event, nodes)?;
    let tree = scan.tree()?;
    let b = event.as_bytes();
    let mut implied = vec![false; scan.nodes.len()];
    let mut any = false;
    let mut previous = Some(0u64);
    for (n, node) in scan.nodes.iter().enumerate() {
        if node.tree != tree {
            continue;
        }
        let Some(id) = node.id else {
            // Cannot be restored after it; keep the text as it is.
            return None;
        };
        if let (Some(value), Some(p)) = (id.value, previous) {
            implied[n] = p.checked_add(1) == Some(value);
            any |= implied[n];
        }
        previous = id.value;
    }
    if !any {
        return None;
    }
    // Cut in text order (no sort needed: the scan met the ids in that order). Every position
    // is at an ASCII byte.
    let mut cuts = Vec::with_capacity(scan.ids_in_text.len());
    for &n in &scan.ids_in_text {
        let Some(id) = scan.nodes[n].id.filter(|_| implied[n]) else {
            continue;
        };
        cuts.push(if b[id.sep] == b',' {
            (id.sep, id.end)
        } else {
            // First member: take the comma after it instead.
            let after = skip_ws(b, id.end);
            let end = if b.get(after) == Some(&b',') {
                after + 1
            } else {
                id.end
            };
            (id.key, end)
        });
    }
    Some(cuts)
}

/// The full rrweb event of a compact one: every node without an `id` gets the id the rule
/// implies, written before `isShadowHost` / `isShadow`, else as the last member. Fails, naming
/// the node, when a node is not an object or has no id the rule can give it.
pub fn restore(event: &str) -> Result<Cow<'_, str>, WireError> {
    let scan = scan(event, node_estimate(event))
        .ok_or_else(|| WireError("is not well-formed JSON".into()))?;
    let Some(tree) = scan.tree() else {
        return Ok(Cow::Borrowed(event));
    };
    let path = match tree {
        Tree::Snapshot => "data.node",
        Tree::Adds => "data.adds[].node",
    };
    if let Some(&(_, at, kind)) = scan.not_objects.iter().find(|n| n.0 == tree) {
        return Err(WireError(format!(
            "a node in `{path}` (or its `childNodes`) must be an object, got {kind} at byte {at}"
        )));
    }
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut previous = Some(0u64);
    for (index, node) in scan.nodes.iter().filter(|n| n.tree == tree).enumerate() {
        if let Some(id) = node.id {
            previous = id.value;
            continue;
        }
        let id = previous.and_then(|p| p.checked_add(1)).ok_or_else(|| {
            WireError(format!(
                "node {index} of `{path}` (pre-order) has no `id`, and none is implied: the node before it has no integer id"
            ))
        })?;
        previous = Some(id);
        inserts.push(match node.flag_sep {
            Some(sep) if event.as_bytes()[sep] == b',' => (sep, format!(",\"id\":{id}")),
            Some(sep) => (sep + 1, format!("\"id\":{id},")),
            None if node.has_members => (node.close, format!(",\"id\":{id}")),
            None => (node.close, format!("\"id\":{id}")),
        });
    }
    if inserts.is_empty() {
        return Ok(Cow::Borrowed(event));
    }
    inserts.sort_unstable_by_key(|x| x.0);
    let added: usize = inserts.iter().map(|(_, s)| s.len()).sum();
    let mut out = String::with_capacity(event.len() + added);
    let mut at = 0;
    for (pos, text) in inserts {
        out.push_str(&event[at..pos]);
        out.push_str(&text);
        at = pos;
    }
    out.push_str(&event[at..]);
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mutation::MutationWriter;
    use crate::snapshot::{ElementFlags, NodeEncoder, NodeMeta};

    fn meta(id: u32) -> NodeMeta {
        NodeMeta {
            id,
            root_id: None,
            is_shadow: false,
        }
    }

    fn round_trip(event: &str) -> String {
        let nodes = scan(event, 0).unwrap().nodes.len();
        assert!((nodes..=nodes + 1).contains(&node_estimate(event)));
        let small = compact(event).into_owned();
        assert_eq!(restore(&small).unwrap(), event, "compact: {small}");
        // Restoring a full event changes nothing, and compacting twice equals once.
        assert_eq!(restore(event).unwrap(), event);
        assert_eq!(compact(&small), small);
        serde_json::from_str::<serde_json::Value>(&small).expect("valid JSON");
        small
    }

    const SNAPSHOT: &str = concat!(
        r#"{"type":2,"data":{"node":{"type":0,"childNodes":["#,
        r#"{"type":1,"name":"html","publicId":"","systemId":"","id":2},"#,
        r#"{"type":2,"tagName":"html","attributes":{"lang":"en"},"childNodes":["#,
        r#"{"type":2,"tagName":"svg","attributes":{"viewBox":"0 0 1 1"},"childNodes":[],"isSVG":true,"id":4},"#,
        r#"{"type":2,"tagName":"x-card","attributes":{"id":"x","childNodes":[]},"childNodes":["#,
        r#"{"type":3,"textContent":"hi \"there\" \\","id":6,"isShadow":true}],"isCustom":true,"id":5,"isShadowHost":true},"#,
        r#"{"type":5,"textContent":" c ","id":7},"#,
        r#"{"type":4,"textContent":"","id":8}],"id":3}],"id":1},"#,
        r#""initialOffset":{"top":120,"left":0}},"timestamp":1700000000000}"#
    );

    #[test]
    fn snapshot_golden_drops_every_sequential_id() {
        let small = round_trip(SNAPSHOT);
        assert_eq!(
            small,
            concat!(
                r#"{"type":2,"data":{"node":{"type":0,"childNodes":["#,
                r#"{"type":1,"name":"html","publicId":"","systemId":""},"#,
                r#"{"type":2,"tagName":"html","attributes":{"lang":"en"},"childNodes":["#,
                r#"{"type":2,"tagName":"svg","attributes":{"viewBox":"0 0 1 1"},"childNodes":[],"isSVG":true},"#,
                r#"{"type":2,"tagName":"x-card","attributes":{"id":"x","childNodes":[]},"childNodes":["#,
                r#"{"type":3,"textContent":"hi \"there\" \\","isShadow":true}],"isCustom":true,"isShadowHost":true},"#,
                r#"{"type":5,"textContent":" c "},"#,
                r#"{"type":4,"textContent":""}]}]},"#,
                r#""initialOffset":{"top":120,"left":0}},"timestamp":1700000000000}"#
            )
        );
    }

    #[test]
    fn ids_not_in_sequence_stay() {
        // 1, 2, 7 (kept), 8, 3 (kept), 4; the first node's predecessor is 0.
        let event = concat!(
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":["#,
            r#"{"type":2,"tagName":"a","attributes":{},"childNodes":["#,
            r#"{"type":2,"tagName":"b","attributes":{},"childNodes":[{"type":3,"textContent":"","id":8}],"id":7},"#,
            r#"{"type":3,"textContent":"","id":3},{"type":3,"textContent":"","id":4}],"id":2}],"id":1},"#,
            r#""initialOffset":{"top":0,"left":0}},"timestamp":1}"#
        );
        let small = round_trip(event);
        assert_eq!(small.matches(r#""id""#).count(), 2, "{small}");
        assert!(small.contains(r#""id":7"#) && small.contains(r#""id":3"#));
        // First node not 1: explicit.
        let event = r#"{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":5}},"timestamp":1}"#;
        assert_eq!(round_trip(event), event);
    }

    #[test]
    fn mutation_adds_chain_across_adds() {
        let mut m = MutationWriter::new();
        m.text(3, "t");
        m.remove(1, 2, false);
        let mut m = m.into_adds();
        let adds = m.entry();
        adds.begin_add(4, None);
        adds.open_element(meta(20), "li", &[], ElementFlags::default());
        adds.text(meta(21), "hi");
        adds.close();
        adds.end_add();
        let adds = m.entry();
        adds.begin_add(20, Some(21));
        adds.text(meta(22), "x");
        adds.end_add();
        let adds = m.entry();
        adds.begin_add(20, None);
        adds.comment(meta(40), "y");
        adds.end_add();
        let event = m.finish(9).unwrap();
        let small = round_trip(&event);
        // 20 and 40 stay; 21 and 22 follow their predecessor; texts/removes ids are not nodes.
        assert!(small.contains(r#""texts":[{"id":3,"#), "{small}");
        assert!(
            small.contains(r#""removes":[{"parentId":1,"id":2}"#),
            "{small}"
        );
        assert!(small.contains(r#""id":20"#) && small.contains(r#""id":40"#));
        assert!(!small.contains(r#""id":21"#) && !small.contains(r#""id":22"#));
    }

    #[test]
    fn iframe_attach_and_shadow_roots() {
        let mut e = NodeEncoder::attach_subtree(9);
        let root = |id| NodeMeta {
            id,
            root_id: Some(10),
            is_shadow: false,
        };
        e.open_document(root(10), "BackCompat");
        e.open_element(
            root(11),
            "html",
            &[],
            ElementFlags {
                is_shadow_host: true,
                ..ElementFlags::default()
            },
        );
        e.text(
            NodeMeta {
                id: 12,
                root_id: Some(10),
                is_shadow: true,
            },
            "s",
        );
        e.close();
        e.close();
        let event = e.finish_attach_subtree(7);
        let small = round_trip(&event);
        assert!(small.contains(r#""id":10"#), "{small}");
        assert_eq!(small.matches(r#""id":"#).count(), 1, "{small}");
    }

    #[test]
    fn other_events_pass_through() {
        for event in [
            r#"{"type":3,"data":{"source":2,"type":1,"id":5,"x":1,"y":2},"timestamp":1}"#,
            r#"{"type":3,"data":{"source":1,"positions":[{"x":1,"y":1,"id":1,"timeOffset":0}]},"timestamp":1}"#,
            r#"{"type":4,"data":{"href":"h","width":1,"height":1},"timestamp":1}"#,
            r#"{"type":5,"data":{"tag":"t","payload":{"node":{"id":1}}},"timestamp":1}"#,
        ] {
            assert!(matches!(compact(event), Cow::Borrowed(_)));
            assert!(matches!(restore(event), Ok(Cow::Borrowed(_))));
        }
        // Not JSON: the SDK leaves it alone, the collector refuses it.
        assert_eq!(
            compact(r#"{"type":2,"data":{"node":{"id":1}"#),
            r#"{"type":2,"data":{"node":{"id":1}"#
        );
        assert!(restore(r#"{"type":2,"data":"#).is_err());
    }

    #[test]
    fn restore_order_and_whitespace() {
        // Key order independent of the text: source after adds, spaces everywhere.
        let event = r#"{ "data" : { "adds" : [ { "node" : { "type" : 3 , "isShadow" : true } , "parentId" : 1 } , {"node":{}}], "source" : 0 } , "type" : 3 }"#;
        assert_eq!(
            restore(event).unwrap(),
            r#"{ "data" : { "adds" : [ { "node" : { "type" : 3 ,"id":1, "isShadow" : true } , "parentId" : 1 } , {"node":{"id":2}}], "source" : 0 } , "type" : 3 }"#
        );
        // `id` first: the comma after it goes.
        let event =
            r#"{"type":2,"data":{"node":{"id":1,"type":0,"childNodes":[{"id":2,"type":3}]}}}"#;
        assert_eq!(
            compact(event),
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":3}]}}}"#
        );
    }

    #[test]
    fn restore_refuses_what_the_rule_cannot_fill() {
        let err = |e: &str| restore(e).unwrap_err().0;
        assert_eq!(
            err(r#"{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":3,"id":"a"},{"type":3}],"id":1}}}"#),
            "node 2 of `data.node` (pre-order) has no `id`, and none is implied: the node before it has no integer id"
        );
        assert_eq!(
            err(r#"{"type":2,"data":{"node":{"type":0,"childNodes":[4],"id":1}}}"#),
            "a node in `data.node` (or its `childNodes`) must be an object, got a number at byte 49"
        );
        assert_eq!(
            err(r#"{"type":3,"data":{"source":0,"adds":[{"parentId":1,"node":null}]}}"#),
            "a node in `data.adds[].node` (or its `childNodes`) must be an object, got null at byte 58"
        );
        assert!(err(
            r#"{"type":2,"data":{"node":{"type":0,"id":18446744073709551615,"childNodes":[{}]}}}"#
        )
        .contains("node 1"));
        assert!(err(r#"{"type":2,"data":{"node":null},"timestamp":5}"#).contains("got null"));
        // The same shapes outside a node tree are no concern.
        assert!(restore(r#"{"type":3,"data":{"source":5,"adds":[{"node":null}]}}"#).is_ok());
    }

    /// A small deterministic generator: random trees, mostly sequential ids with jumps.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    fn random_tree(e: &mut NodeEncoder, rng: &mut Rng, id: &mut u32, depth: u32) {
        let children = if depth > 5 { 0 } else { rng.next(4) };
        for _ in 0..children {
            *id += if rng.next(5) == 0 {
                1 + rng.next(50) as u32
            } else {
                1
            };
            let node = NodeMeta {
                id: *id,
                root_id: (rng.next(4) == 0).then_some(1),
                is_shadow: rng.next(6) == 0,
            };
            match rng.next(4) {
                0 => e.text(node, "t\"\\,}{]["),
                1 => e.comment(node, ""),
                _ => {
                    let flags = ElementFlags {
                        is_svg: rng.next(3) == 0,
                        is_custom: rng.next(3) == 0,
                        is_shadow_host: rng.next(3) == 0,
                    };
                    e.open_element(
                        node,
                        "div",
                        &[("id".into(), crate::snapshot::AttrValue::Int(3))],
                        flags,
                    );
                    random_tree(e, rng, id, depth + 1);
                    e.close();
                }
            }
        }
    }

    #[test]
    fn random_trees_round_trip() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..300 {
            let mut e = NodeEncoder::full_snapshot();
            let mut id = rng.next(3) as u32;
            e.open_document(meta(id), "CSS1Compat");
            random_tree(&mut e, &mut rng, &mut id, 0);
            e.close();
            round_trip(&e.finish_full_snapshot(0, 0, 1));

            let mut m = MutationWriter::new().into_adds();
            for _ in 0..1 + rng.next(3) {
                let adds = m.entry();
                adds.begin_add(1, None);
                id += rng.next(3) as u32;
                adds.open_element(meta(id), "p", &[], ElementFlags::default());
                random_tree(adds, &mut rng, &mut id, 2);
                adds.close();
                adds.end_add();
            }
            round_trip(&m.finish(1).unwrap());
        }
    }
}

#[cfg(test)]
mod timing {
    /// `cargo test --release --lib wire::timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn compact_speed() {
        let mut e = crate::snapshot::NodeEncoder::full_snapshot();
        let meta = |id| crate::snapshot::NodeMeta {
            id,
            root_id: None,
            is_shadow: false,
        };
        e.open_document(meta(1), "CSS1Compat");
        let mut id = 1;
        for b in 0..5000 {
            id += 1;
            e.open_element(
                meta(id),
                "div",
                &[(
                    "class".into(),
                    crate::snapshot::AttrValue::Str(format!("row row-{b}")),
                )],
                Default::default(),
            );
            for _ in 0..9 {
                id += 1;
                let words = [
                    "alpha", "beta", "gamma", "delta", "menu", "item", "price", "€", "sale", "new",
                    "click", "here", "x",
                ];
                let text: Vec<&str> = (0..6)
                    .map(|k| words[((id as usize) * 7 + k * 13 + (id as usize) / 3) % words.len()])
                    .collect();
                e.text(meta(id), &format!("{} {}", text.join(" "), id * 37 % 1000));
            }
            e.close();
        }
        e.close();
        let json = e.finish_full_snapshot(0, 0, 1);
        let mut small = super::compact(&json);
        let t = std::time::Instant::now();
        for _ in 0..20 {
            small = super::compact(&json);
        }
        let dt = t.elapsed() / 20;
        for level in [6u8, 9] {
            let t = std::time::Instant::now();
            let z = miniz_oxide::deflate::compress_to_vec(small.as_bytes(), level);
            eprintln!(
                "deflate level {level}: {} bytes in {:?}",
                z.len(),
                t.elapsed()
            );
        }
        eprintln!(
            "{} bytes → {} in {:?} ({:.0} MB/s)",
            json.len(),
            small.len(),
            dt,
            json.len() as f64 / dt.as_secs_f64() / 1e6
        );
    }
}
