//! Implied numbers on the wire (protocols v2 and v3, see PROTOCOL.md).
//!
//! Node ids and the ids mutations refer to are mostly sequential, and sequential numbers
//! compress badly. The rules let the SDK leave such a number out where the structure of the
//! event implies it; a collector writes it back before it stores the event.
//!
//! - v2: a serialized node (`data.node` of a FullSnapshot, `data.adds[].node` of a Mutation,
//!   and their `childNodes`) may leave out its `id` when it is the id of the node before it in
//!   pre-order, plus 1 (the first node of an event has predecessor id 0).
//! - v3 adds, in a Mutation (type 3, source 0): an add may leave out its `parentId`, and its
//!   `nextId`, when that is the id of the node before the add's node in pre-order; an entry of
//!   `texts`, `attributes` or `removes` may leave out its `id` when it continues the list's
//!   step (the previous entry's id plus the difference of the two before, 1 at first).
//!
//! The rules are structural: rrweb writes a node's `id` after its `childNodes`, so the scanner
//! follows the tree, not the text order. [`compact`] (SDK, at send time, one event at a time)
//! leaves a number out only where [`restore`] (collector) writes it back, byte for byte, so
//! `restore(compact(e)) == e` for every event. An event the rules cannot express (a node or
//! entry without its id, a node that is not an object) is sent whole behind a marker member,
//! [`EXPLICIT`], which the collector removes.

use std::borrow::Cow;

/// Why an event's numbers cannot be restored (the collector answers 400 with it).
#[derive(Debug, PartialEq, Eq)]
pub struct WireError(pub String);

/// The protocol version [`compact`] writes.
pub const VERSION: u64 = 3;

/// The opening of an event sent exactly as it is (v3): nothing in it is implied. A collector
/// removes the `"implied":false,` member and stores the rest.
pub const EXPLICIT: &str = r#"{"implied":false,"#;

/// Where in the event a node sits: which kind of event its ids belong to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tree {
    /// `data.node` of a FullSnapshot.
    Snapshot,
    /// `data.adds[].node` of a Mutation.
    Adds,
}

/// `data.texts`, `data.attributes`, `data.removes` of a Mutation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum List {
    Texts,
    Attributes,
    Removes,
}

/// The lists' names, by `List as usize`.
const LISTS: [&str; 3] = ["texts", "attributes", "removes"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Node(Tree),
    Entry(List),
}

#[derive(Clone, Copy, Debug)]
enum Role {
    Event,
    Data,
    /// A value that must be a node object / a list entry.
    Item(Kind),
    /// An open node or entry object (index into `objs`).
    InObj(usize),
    Children(Tree),
    List(List),
    Adds,
    Add,
    /// An open add object (index into `adds`).
    InAdd(usize),
    /// The `type` of the event / `source` of its data.
    EventType,
    Source,
    /// A member that may be implied (index into `members`).
    Member(usize),
    Other,
}

/// A member that may be implied: `id`, `parentId`, `nextId`.
#[derive(Clone, Copy, Debug, Default)]
struct Member {
    /// The value, when it is a plain non-negative integer.
    value: Option<u64>,
    /// Written `"key":value` with nothing in between (the form a collector writes back).
    tight: bool,
    /// Position of the `,` or `{` before the member, of the key's `"`, and after the value.
    sep: usize,
    key: usize,
    end: usize,
    /// What [`compact`] leaves out for the member, `(0, 0)` when nothing.
    cut: (usize, usize),
}

/// A node or list entry.
#[derive(Clone, Copy, Debug)]
struct Obj {
    kind: Kind,
    /// Whether it is an object (else `open` is where the value starts).
    object: bool,
    id: Option<usize>,
    /// Position of the separator before the first `isShadowHost` / `isShadow` member.
    flag_sep: Option<usize>,
    /// Positions of the opening and closing braces (or of the value that is not an object).
    open: usize,
    close: usize,
    has_members: bool,
}

#[derive(Clone, Copy, Debug)]
struct Add {
    /// The last node of `data.adds` before the add opened (index into `objs`).
    before: Option<usize>,
    parent: Option<usize>,
    next: Option<usize>,
    open: usize,
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
    /// The first `type` / `data.source` (`Some(None)`: not an integer).
    event_type: Option<Option<u64>>,
    source: Option<Option<u64>>,
    /// Nodes and entries in text order (which is pre-order for nodes).
    objs: Vec<Obj>,
    /// The last node of `data.adds` so far (index into `objs`).
    last_add_node: Option<usize>,
    adds: Vec<Add>,
    /// Members in text order.
    members: Vec<Member>,
    /// Set for a Mutation whose opening names it (see [`compact_plan_sized`]): the records
    /// are decided and dropped as each add or list entry closes.
    stream: Option<Stream>,
}

/// The decisions on a Mutation made while it is scanned. An add's numbers (and its nodes')
/// depend only on the chains carried from the adds and entries before it, so the records of a
/// finished add or list entry are turned into cuts and dropped: the scan holds the largest
/// add, not the whole event.
struct Stream {
    chain: Chain,
    /// The id of the last node of `data.adds` already decided (`None`: none, or not an
    /// integer): the `before` of an add whose records hold no node before it.
    before: Option<u64>,
    cuts: Vec<(usize, usize)>,
    /// The event must go explicit (the scan goes on: text that is not JSON stays the same).
    explicit: bool,
}

impl Scan {
    fn note_add_node(&mut self, kind: Kind) {
        if kind == Kind::Node(Tree::Adds) {
            self.last_add_node = Some(self.objs.len() - 1);
        }
    }

    /// Decides the records scanned so far (all closed) and drops them.
    fn flush(&mut self, b: &[u8]) {
        let Some(s) = self.stream.as_mut() else {
            return;
        };
        if !s.explicit {
            let decided = decide(
                b,
                Tree::Adds,
                &self.objs,
                &self.adds,
                &mut self.members,
                &mut s.chain,
                s.before,
            );
            match decided {
                Some(_) => s
                    .cuts
                    .extend(self.members.iter().filter(|x| x.cut.1 > 0).map(|x| x.cut)),
                None => {
                    s.explicit = true;
                    s.cuts = Vec::new();
                }
            }
        }
        if let Some(k) = self.last_add_node.take() {
            s.before = self.objs[k].id.and_then(|id| self.members[id].value);
        }
        self.objs.clear();
        self.adds.clear();
        self.members.clear();
    }

    fn tree(&self) -> Option<Tree> {
        match (self.event_type, self.source) {
            (Some(Some(2)), _) => Some(Tree::Snapshot),
            (Some(Some(3)), Some(Some(0))) => Some(Tree::Adds),
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

/// Scans one event. `None` when the text is not well-formed JSON.
/// How large an event's scan will be, counted from the SDK's writing (an upper bound, close
/// for the SDK's text): every node opens with `{"type":` and a digit, a `texts` or
/// `attributes` entry with `{"id":`, a `removes` entry or an add with `{"parentId":`.
/// [`compact_plan_sized`] takes it, counted beforehand: on a large snapshot the count and the
/// scan are two separate pieces of work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Estimate {
    nodes: usize,
    entries: usize,
    parents: usize,
}

pub fn node_estimate(event: &str) -> Estimate {
    let b = event.as_bytes();
    let mut e = Estimate::default();
    let mut i = 0;
    while let Some(at) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'{'))
    {
        i += at + 1;
        let rest = &b[i..];
        if let Some(after) = rest.strip_prefix(br#""type":"#) {
            e.nodes += usize::from(after.first().is_some_and(u8::is_ascii_digit));
        } else if rest.starts_with(br#""id":"#) {
            e.entries += 1;
        } else if rest.starts_with(br#""parentId":"#) {
            e.parents += 1;
        }
    }
    e
}

/// Scans one event of the size `size` ([`node_estimate`]) says; `stream`: a Mutation whose
/// opening names it, decided add by add ([`Stream`]).
fn scan(text: &str, size: Estimate, stream: bool) -> Option<Scan> {
    let b = text.as_bytes();
    let mut out = Scan::default();
    // Sized once: grown by doubling, the lists of a large event (tens of bytes per node) would
    // take up to three times their size while they are copied. A node or entry is an object
    // with an id member; an add has a `parentId` and a `nextId` (a remove only the first).
    let Estimate {
        nodes,
        entries,
        parents,
    } = size;
    if stream {
        // At most one cut per node, entry and add; the records hold one add at a time.
        out.stream = Some(Stream {
            chain: Chain::new(),
            before: None,
            cuts: Vec::with_capacity(nodes + entries + parents),
            explicit: false,
        });
    } else {
        out.objs.reserve_exact(nodes + entries + parents);
        out.adds.reserve_exact(parents);
        out.members.reserve_exact(nodes + entries + 2 * parents);
    }
    let mut stack: Vec<Frame> = Vec::with_capacity(32);
    let mut i = 0;
    // The role of the next value; `None` once a value is complete.
    let mut expect: Option<Role> = Some(Role::Event);
    loop {
        i = skip_ws(b, i);
        if let Some(role) = expect.take() {
            let &c = b.get(i)?;
            let start = i;
            if let Role::Item(kind) = role {
                if c != b'{' {
                    out.objs.push(Obj {
                        kind,
                        object: false,
                        id: None,
                        flag_sep: None,
                        open: start,
                        close: start,
                        has_members: false,
                    });
                    out.note_add_node(kind);
                }
            }
            match c {
                b'{' | b'['
                    if matches!(
                        role,
                        Role::Other | Role::Source | Role::EventType | Role::Member(_)
                    ) =>
                {
                    // Nothing inside can matter: skip it whole, without tracking its structure.
                    i = skip_container(b, i)?;
                }
                b'{' => {
                    let role = match role {
                        Role::Item(kind) => {
                            out.objs.push(Obj {
                                kind,
                                object: true,
                                id: None,
                                flag_sep: None,
                                open: i,
                                close: 0,
                                has_members: false,
                            });
                            out.note_add_node(kind);
                            Role::InObj(out.objs.len() - 1)
                        }
                        Role::Add => {
                            out.adds.push(Add {
                                before: out.last_add_node,
                                parent: None,
                                next: None,
                                open: i,
                                has_members: false,
                            });
                            Role::InAdd(out.adds.len() - 1)
                        }
                        Role::Event | Role::Data => role,
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
                        Role::Children(_) | Role::Adds | Role::List(_) => role,
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
                b'"' => i = skip_string(b, i)?,
                _ => {
                    while i < b.len()
                        && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                    {
                        i += 1;
                    }
                    if i == start {
                        return None;
                    }
                    let value = integer(&b[start..i]);
                    match role {
                        // The first wins, as in `compact`'s look at the event's opening.
                        Role::EventType => _ = out.event_type.get_or_insert(value),
                        Role::Source => _ = out.source.get_or_insert(value),
                        Role::Member(m) => {
                            let m = &mut out.members[m];
                            m.value = value;
                            m.tight &= start == m.end;
                        }
                        _ => {}
                    }
                }
            }
            if let Role::Member(m) = role {
                let m = &mut out.members[m];
                m.tight &= m.value.is_some();
                m.end = i;
            }
        }
        // A value is complete: what follows it in the enclosing container?
        i = skip_ws(b, i);
        let Some(frame) = stack.last_mut() else {
            if i != b.len() {
                return None;
            }
            out.flush(b);
            return Some(out);
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
                close(b, &mut stack, &mut out, i);
                i += 1;
            }
            _ => return None,
        }
    }
}

fn item_role(array: Role) -> Role {
    match array {
        Role::Children(tree) => Role::Item(Kind::Node(tree)),
        Role::List(list) => Role::Item(Kind::Entry(list)),
        Role::Adds => Role::Add,
        _ => Role::Other,
    }
}

fn close(b: &[u8], stack: &mut Vec<Frame>, out: &mut Scan, at: usize) {
    match stack.pop() {
        Some(Frame {
            role: Role::InObj(n),
            ..
        }) => out.objs[n].close = at,
        Some(Frame {
            role: Role::InAdd(_),
            ..
        }) => {}
        _ => return,
    }
    // An add, a list entry or `data.node` is complete: nothing open refers to the records.
    if out.stream.is_some()
        && matches!(
            stack.last(),
            Some(Frame {
                role: Role::Adds | Role::List(_) | Role::Data,
                ..
            })
        )
    {
        out.flush(b);
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
        close(b, stack, out, *i);
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
    let member = |out: &mut Scan| {
        out.members.push(Member {
            value: None,
            tight: *i == key_end + 1,
            sep,
            key: key_start,
            end: *i,
            cut: (0, 0),
        });
        out.members.len() - 1
    };
    let role = match (frame.role, key) {
        (Role::Event, b"type") => Role::EventType,
        (Role::Event, b"data") => Role::Data,
        (Role::Data, b"source") => Role::Source,
        (Role::Data, b"node") => Role::Item(Kind::Node(Tree::Snapshot)),
        (Role::Data, b"adds") => Role::Adds,
        (Role::Data, _) => LISTS
            .iter()
            .position(|name| name.as_bytes() == key)
            .map_or(Role::Other, |k| {
                Role::List([List::Texts, List::Attributes, List::Removes][k])
            }),
        (Role::InAdd(a), _) => {
            out.adds[a].has_members = true;
            match key {
                b"node" => Role::Item(Kind::Node(Tree::Adds)),
                b"parentId" | b"nextId" => {
                    let m = member(out);
                    let add = &mut out.adds[a];
                    let field = if key == b"nextId" {
                        &mut add.next
                    } else {
                        &mut add.parent
                    };
                    field.get_or_insert(m);
                    Role::Member(m)
                }
                _ => Role::Other,
            }
        }
        (Role::InObj(n), _) => {
            let kind = out.objs[n].kind;
            let role = match key {
                b"childNodes" => match kind {
                    Kind::Node(tree) => Role::Children(tree),
                    Kind::Entry(_) => Role::Other,
                },
                b"id" => {
                    let m = member(out);
                    out.objs[n].id.get_or_insert(m);
                    Role::Member(m)
                }
                b"isShadowHost" | b"isShadow" => {
                    out.objs[n].flag_sep.get_or_insert(sep);
                    Role::Other
                }
                _ => Role::Other,
            };
            out.objs[n].has_members = true;
            role
        }
        _ => Role::Other,
    };
    Some(Some(role))
}

const TYPE: &[u8] = br#"{"type":"#;
const SOURCE: &[u8] = br#"{"type":3,"data":{"source":"#;

/// The integer at `at`, when a `,` or `}` follows it.
fn opening_number(event: &[u8], at: usize) -> Option<u64> {
    let rest = event.get(at..).unwrap_or_default();
    let digits = rest.iter().take_while(|d| d.is_ascii_digit()).count();
    match rest.get(digits) {
        Some(b',' | b'}') => integer(&rest[..digits]),
        _ => None,
    }
}

/// Whether the event opens as the SDK writes a Mutation: its first `type` is 3 and its first
/// `data.source` 0, so the rules of `data.adds` apply before anything else is read.
fn opens_as_mutation(event: &[u8]) -> bool {
    event.starts_with(SOURCE) && opening_number(event, SOURCE.len()) == Some(0)
}

/// Whether the event's opening (as the SDK writes it) shows that no rule applies: a type other
/// than 2 and 3, or a type 3 whose `data.source` is not 0. Anything else is scanned.
fn untouched(event: &[u8]) -> bool {
    let number = |at: usize| opening_number(event, at);
    if event.starts_with(SOURCE) {
        return number(SOURCE.len()).is_some_and(|source| source != 0);
    }
    event.starts_with(TYPE) && number(TYPE.len()).is_some_and(|t| t != 2 && t != 3)
}

/// The numbers the rules give, in the order they are met: per list, and for the nodes (slot 3,
/// whose step stays 1), the previous id (`None`: missing or not an integer) and the step.
struct Chain([(Option<u64>, i128); 4]);

impl Chain {
    fn new() -> Self {
        Chain([(None, 1), (None, 1), (None, 1), (Some(0), 1)])
    }

    fn slot(kind: Kind) -> usize {
        match kind {
            Kind::Node(_) => 3,
            Kind::Entry(list) => list as usize,
        }
    }

    /// The id the rule gives the next node or entry of `kind`.
    fn implied(&self, kind: Kind) -> Option<u64> {
        let (previous, step) = self.0[Self::slot(kind)];
        u64::try_from(i128::from(previous?) + step).ok()
    }

    /// Moves on past a node or entry whose id is `id` (`None`: missing, or not an integer).
    fn push(&mut self, kind: Kind, id: Option<u64>) {
        let slot = Self::slot(kind);
        let (previous, step) = &mut self.0[slot];
        if slot < 3 {
            *step = match (*previous, id) {
                (Some(p), Some(id)) => i128::from(id) - i128::from(p),
                _ => 1,
            };
        }
        *previous = id;
    }
}

/// Whether the rules of the version (`v3` or v2) apply to a node or entry, in an event of `tree`.
fn covered(kind: Kind, tree: Tree, v3: bool) -> bool {
    match kind {
        Kind::Node(t) => t == tree,
        Kind::Entry(_) => v3 && tree == Tree::Adds,
    }
}

/// The event sent exactly as it is, behind [`EXPLICIT`].
fn explicit(event: &str) -> Cow<'_, str> {
    match event.strip_prefix('{') {
        Some(rest) => Cow::Owned([EXPLICIT, rest].concat()),
        // Not the SDK's writing: nothing can be marked.
        None => Cow::Borrowed(event),
    }
}

/// What [`compact`] makes of an event, worked out without writing it, for a writer that
/// streams the compact form rather than holding it whole (a large page's snapshot is
/// megabytes).
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// The event as it is.
    Same,
    /// The event behind [`EXPLICIT`] (which takes the place of its opening `{`).
    Explicit,
    /// The event without these byte ranges `(start, end)`, in text order, each between ASCII
    /// bytes.
    Cuts(Vec<(usize, usize)>),
}

/// The compact (v3) form of one event: the numbers the rules imply are left out, where a
/// collector writes them back. Events no rule touches (or text that is not well-formed JSON)
/// come back unchanged; events the rules cannot express come back behind [`EXPLICIT`].
pub fn compact(event: &str) -> Cow<'_, str> {
    match compact_plan(event) {
        Plan::Same => Cow::Borrowed(event),
        Plan::Explicit => explicit(event),
        Plan::Cuts(cuts) => {
            let mut out = String::with_capacity(event.len());
            let mut at = 0;
            for (start, end) in cuts {
                // Every position is at an ASCII byte, so the `get`s always succeed.
                out.push_str(event.get(at..start).unwrap_or_default());
                at = end;
            }
            out.push_str(event.get(at..).unwrap_or_default());
            Cow::Owned(out)
        }
    }
}

/// [`compact`]'s plan for an event.
pub fn compact_plan(event: &str) -> Plan {
    compact_plan_sized(event, node_estimate(event))
}

/// [`compact_plan`] for an event whose size is counted already ([`node_estimate`]).
pub fn compact_plan_sized(event: &str, size: Estimate) -> Plan {
    plan(event, size, true)
}

/// [`compact_plan_sized`]; `stream`: a Mutation whose opening names it is decided add by add
/// (else it is scanned whole first, as every other event: the same plan, more memory).
fn plan(event: &str, size: Estimate, stream: bool) -> Plan {
    let b = event.as_bytes();
    if b.starts_with(EXPLICIT.as_bytes()) {
        return Plan::Explicit;
    }
    // The SDK writes `type` first and `data.source` first: other events (scrolls, inputs,
    // stylesheet rules…) are not scanned at all.
    if untouched(b) {
        return Plan::Same;
    }
    let Some(mut scan) = scan(event, size, stream && opens_as_mutation(b)) else {
        return Plan::Same;
    };
    if let Some(stream) = scan.stream.take() {
        return match stream {
            Stream { explicit: true, .. } => Plan::Explicit,
            Stream { cuts, .. } if cuts.is_empty() => Plan::Same,
            Stream { cuts, .. } => Plan::Cuts(cuts),
        };
    }
    let Some(tree) = scan.tree() else {
        return Plan::Same;
    };
    let Scan {
        objs,
        adds,
        members: m,
        ..
    } = &mut scan;
    match decide(b, tree, objs, adds, m, &mut Chain::new(), None) {
        None => Plan::Explicit,
        Some(false) => Plan::Same,
        Some(true) => Plan::Cuts(m.iter().filter(|x| x.cut.1 > 0).map(|x| x.cut).collect()),
    }
}

/// Marks in `m` what [`compact`] leaves out of the nodes, entries and adds scanned, in an event
/// of `tree`, the chains going on from `chain` (and from `before`, the id of the node of
/// `data.adds` before these records). Whether anything is left out; `None` when the event must
/// go explicit.
fn decide(
    b: &[u8],
    tree: Tree,
    objs: &[Obj],
    adds: &[Add],
    m: &mut [Member],
    chain: &mut Chain,
    before: Option<u64>,
) -> Option<bool> {
    let mut any = false;
    for obj in objs {
        let mine = covered(obj.kind, tree, true);
        if !mine {
            continue;
        }
        if !obj.object {
            if let Kind::Node(_) = obj.kind {
                return None;
            }
            chain.push(obj.kind, None);
            continue;
        }
        let id = obj.id?;
        let member = m[id];
        if member.tight && member.value.is_some() && member.value == chain.implied(obj.kind) {
            let first =
                obj.kind == Kind::Entry(List::Texts) || obj.kind == Kind::Entry(List::Attributes);
            let cut = if first {
                home_first(b, &member, obj.open, obj.close)
            } else {
                home_last(b, &member, obj.open, obj.close, obj.flag_sep)
            };
            if let Some(cut) = cut {
                m[id].cut = cut;
                any = true;
            }
        }
        chain.push(obj.kind, member.value);
    }
    if tree == Tree::Adds {
        for add in adds {
            let (p, n) = (add.parent?, add.next?);
            let before = match add.before {
                Some(k) => objs[k].id.and_then(|id| m[id].value),
                None => before,
            };
            let (parent, next) = (m[p], m[n]);
            let implied = |x: &Member| x.tight && x.value.is_some() && x.value == before;
            let parent_cut = implied(&parent)
                .then(|| home_first(b, &parent, add.open, usize::MAX))
                .flatten();
            // `nextId` goes right after `parentId`.
            let next_after = implied(&next)
                && b[next.sep] == b','
                && next.sep == parent.end
                && next.key == next.sep + 1;
            match (parent_cut, next_after, b.get(next.end)) {
                // Both go: `{"parentId":P,"nextId":N,` (or `…N}`).
                (Some((start, _)), true, Some(b',')) => m[p].cut = (start, next.end + 1),
                (Some((start, _)), true, Some(b'}')) => m[p].cut = (start, next.end),
                (Some(cut), _, _) => m[p].cut = cut,
                (None, true, _) => m[n].cut = (next.sep, next.end),
                (None, false, _) => continue,
            }
            any = true;
        }
    }
    Some(any)
}

/// The cut of a member a collector writes back as the first member of its object: `{"k":v,`
/// (or `{"k":v}`), with nothing in between. `close` is `usize::MAX` when not known.
fn home_first(b: &[u8], m: &Member, open: usize, close: usize) -> Option<(usize, usize)> {
    if m.sep != open || m.key != open + 1 {
        return None;
    }
    match b.get(m.end) {
        Some(b',') => Some((m.key, m.end + 1)),
        Some(b'}') if m.end == close || close == usize::MAX => Some((m.key, m.end)),
        _ => None,
    }
}

/// The cut of a member a collector writes back before the first `isShadowHost` / `isShadow`
/// member, else as the last member.
fn home_last(
    b: &[u8],
    m: &Member,
    open: usize,
    close: usize,
    flag: Option<usize>,
) -> Option<(usize, usize)> {
    let before = flag.unwrap_or(close);
    if m.end != before || m.key != m.sep + 1 {
        return None;
    }
    match (b[m.sep], flag) {
        (b',', _) => Some((m.sep, m.end)),
        // The first member: `{"id":1,"isShadow":true}`, or the only one.
        (_, Some(_)) => Some((m.key, m.end + 1)),
        (_, None) if m.sep == open => Some((m.key, m.end)),
        _ => None,
    }
}

/// The full rrweb event of a compact one, for an envelope of protocol `version`: every number
/// left out gets the number the rules imply, written where the SDK writes it. Fails, naming
/// the node or member, when a node is not an object or a number left out is not implied.
pub fn restore(event: &str, version: u64) -> Result<Cow<'_, str>, WireError> {
    let v3 = version >= 3;
    if version < 2 {
        return Ok(Cow::Borrowed(event));
    }
    if v3 {
        if let Some(rest) = event.strip_prefix(EXPLICIT) {
            return Ok(Cow::Owned(["{", rest].concat()));
        }
    }
    // Events whose opening shows no rule applies (scrolls, inputs, …) are not scanned.
    if untouched(event.as_bytes()) {
        return Ok(Cow::Borrowed(event));
    }
    let scan = scan(event, node_estimate(event), false)
        .ok_or_else(|| WireError("is not well-formed JSON".into()))?;
    let Some(tree) = scan.tree() else {
        return Ok(Cow::Borrowed(event));
    };
    let path = match tree {
        Tree::Snapshot => "data.node",
        Tree::Adds => "data.adds[].node",
    };
    let b = event.as_bytes();
    let m = &scan.members;
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut chain = Chain::new();
    // The id of each node and entry once restored.
    let mut ids: Vec<Option<u64>> = Vec::with_capacity(scan.objs.len());
    let mut counts = [0usize; 4];
    for obj in &scan.objs {
        let mine = covered(obj.kind, tree, v3);
        let (slot, name) = match obj.kind {
            Kind::Node(_) => (3, ""),
            Kind::Entry(list) => (list as usize, LISTS[list as usize]),
        };
        let index = counts[slot];
        if mine {
            counts[slot] += 1;
        }
        let id = match (obj.object, obj.id) {
            (_, _) if !mine => None,
            (false, _) => {
                if let Kind::Node(_) = obj.kind {
                    return Err(WireError(format!(
                        "a node in `{path}` (or its `childNodes`) must be an object, got {} at byte {}",
                        what(b[obj.open]),
                        obj.open
                    )));
                }
                None
            }
            (true, Some(id)) => m[id].value,
            (true, None) => {
                let id = chain.implied(obj.kind).ok_or_else(|| {
                    WireError(match obj.kind {
                        Kind::Node(_) => format!(
                            "node {index} of `{path}` (pre-order) has no `id`, and none is implied: the node before it has no integer id"
                        ),
                        Kind::Entry(_) => format!(
                            "`data.{name}[{index}]` has no `id`, and none is implied: the entry before it has no integer id (or the step leaves the integers)"
                        ),
                    })
                })?;
                let first = matches!(obj.kind, Kind::Entry(List::Texts | List::Attributes));
                inserts.push(match obj.flag_sep {
                    _ if first && obj.has_members => (obj.open + 1, format!("\"id\":{id},")),
                    Some(sep) if !first && b[sep] == b',' => (sep, format!(",\"id\":{id}")),
                    Some(sep) if !first => (sep + 1, format!("\"id\":{id},")),
                    _ if obj.has_members => (obj.close, format!(",\"id\":{id}")),
                    _ => (obj.close, format!("\"id\":{id}")),
                });
                Some(id)
            }
        };
        ids.push(id);
        if mine {
            chain.push(obj.kind, id);
        }
    }
    if v3 && tree == Tree::Adds {
        for (index, add) in scan.adds.iter().enumerate() {
            if add.parent.is_some() && add.next.is_some() {
                continue;
            }
            let before = add.before.map(|k| ids[k]);
            let implied = |field: &str| {
                before.flatten().ok_or_else(|| {
                    WireError(format!(
                        "`data.adds[{index}]` has no `{field}`, and none is implied: {}",
                        if before.is_some() {
                            "the node before it has no integer id"
                        } else {
                            "no node comes before it"
                        }
                    ))
                })
            };
            match add.parent {
                None => {
                    let mut text = format!("\"parentId\":{}", implied("parentId")?);
                    if add.next.is_none() {
                        text += &format!(",\"nextId\":{}", implied("nextId")?);
                    }
                    if add.has_members {
                        text.push(',');
                    }
                    inserts.push((add.open + 1, text));
                }
                Some(p) => inserts.push((m[p].end, format!(",\"nextId\":{}", implied("nextId")?))),
            }
        }
    }
    if inserts.is_empty() {
        return Ok(Cow::Borrowed(event));
    }
    inserts.sort_by_key(|x| x.0);
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
    use crate::snapshot::{AttrValue, ElementFlags, NodeEncoder, NodeMeta};

    fn meta(id: u32) -> NodeMeta {
        NodeMeta::top(id)
    }

    /// For events the SDK writes: at least one per node, at most one more.
    fn assert_estimate(event: &str) {
        let e = node_estimate(event);
        let s = scan(event, Estimate::default(), false).unwrap();
        let nodes = s
            .objs
            .iter()
            .filter(|o| matches!(o.kind, Kind::Node(_)))
            .count();
        assert!((nodes..=nodes + 1).contains(&e.nodes), "{event}");
        assert!(s.objs.len() <= e.nodes + e.entries + e.parents, "{event}");
        assert!(s.adds.len() <= e.parents, "{event}");
        assert!(
            s.members.len() <= e.nodes + e.entries + 2 * e.parents,
            "{event}"
        );
    }

    fn round_trip(event: &str) -> String {
        let small = compact(event).into_owned();
        assert_eq!(restore(&small, 3).unwrap(), event, "compact: {small}");
        // Restoring a full event changes nothing (the ones sent explicit may be incomplete).
        if !small.starts_with(EXPLICIT) {
            assert_eq!(restore(event, 3).unwrap(), event);
        }
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
            assert!(matches!(restore(event, 3), Ok(Cow::Borrowed(_))));
        }
        // Not JSON: the SDK leaves it alone, the collector refuses it.
        assert_eq!(
            compact(r#"{"type":2,"data":{"node":{"id":1}"#),
            r#"{"type":2,"data":{"node":{"id":1}"#
        );
        assert!(restore(r#"{"type":2,"data":"#, 3).is_err());
    }

    #[test]
    fn restore_order_and_whitespace() {
        // v2: key order independent of the text: source after adds, spaces everywhere.
        let event = r#"{ "data" : { "adds" : [ { "node" : { "type" : 3 , "isShadow" : true } , "parentId" : 1 } , {"node":{}}], "source" : 0 } , "type" : 3 }"#;
        assert_eq!(
            restore(event, 2).unwrap(),
            r#"{ "data" : { "adds" : [ { "node" : { "type" : 3 ,"id":1, "isShadow" : true } , "parentId" : 1 } , {"node":{"id":2}}], "source" : 0 } , "type" : 3 }"#
        );
        // v3 also needs each add's `nextId`, which nothing implies before the first node.
        assert_eq!(
            restore(event, 3).unwrap_err().0,
            "`data.adds[0]` has no `nextId`, and none is implied: no node comes before it"
        );
        // A number stays wherever a collector would not write it back in the same bytes: `id`
        // first in a node, spaces around it, a node's `id` after its flags.
        for event in [
            r#"{"type":2,"data":{"node":{"id":1,"type":0,"childNodes":[{"id":2,"type":3}]}}}"#,
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":[],"id" :1}}}"#,
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":[],"id": 1}}}"#,
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":[], "id":1}}}"#,
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":[],"id":1 }}}"#,
            r#"{"type":2,"data":{"node":{"type":0,"isShadow":true,"id":1}}}"#,
            r#"{"type":3,"data":{"source":0,"texts":[{"id":1,"value":""},{"value":"","id":2},{ "id":3,"value":""}]}}"#,
            r#"{"type":3,"data":{"source":0,"adds":[{"parentId":1,"nextId":null,"node":{"id":4}},{"nextId":4,"parentId":4,"node":{"id":9}}]}}"#,
        ] {
            assert_eq!(round_trip(event), event);
        }
        // Where it is written back, whatever else the object holds.
        assert_eq!(
            round_trip(r#"{"type":2,"data":{"node":{"id":1,"isShadow":true}}}"#),
            r#"{"type":2,"data":{"node":{"isShadow":true}}}"#
        );
        assert_eq!(
            round_trip(r#"{"type":2,"data":{"node":{"id":1}}}"#),
            r#"{"type":2,"data":{"node":{}}}"#
        );
    }

    /// A Mutation as the SDK writes it: the v3 rules on every list.
    #[test]
    fn mutation_golden_v3() {
        let mut m = MutationWriter::new();
        for (id, value) in [(7, "a"), (8, "b"), (9, "c"), (20, "d")] {
            m.text(id, value);
        }
        // Steps of 2, then 3: the third of each run is implied.
        for id in [100, 102, 104, 106, 109, 112] {
            m.attributes(id, &[("class", Some(AttrValue::Str("foo".into())))]);
        }
        // Going down, a shadow root's child, and a jump.
        for (id, shadow) in [
            (50, false),
            (49, false),
            (48, true),
            (47, false),
            (3, false),
        ] {
            m.remove(5, id, shadow);
        }
        let mut m = m.into_adds();
        // A chain (parent = the node before), a sibling inserted before the node before, and
        // an add with a subtree (iframe document).
        for (parent, next, id) in [(1, None, 30), (30, None, 31), (30, Some(31), 32)] {
            let adds = m.entry();
            adds.begin_add(parent, next);
            adds.open_element(meta(id), "div", &[], ElementFlags::default());
            adds.close();
            adds.end_add();
        }
        let adds = m.entry();
        adds.begin_add(32, None);
        adds.open_document(meta(33), "CSS1Compat");
        adds.text(meta(34), "t");
        adds.close();
        adds.end_add();
        let adds = m.entry();
        adds.begin_add(34, Some(34));
        adds.comment(meta(35), "c");
        adds.end_add();
        let event = m.finish(9).unwrap();
        assert_eq!(
            round_trip(&event),
            concat!(
                r#"{"type":3,"data":{"source":0,"#,
                r#""texts":[{"id":7,"value":"a"},{"value":"b"},{"value":"c"},{"id":20,"value":"d"}],"#,
                r#""attributes":[{"id":100,"attributes":{"class":"foo"}},{"id":102,"attributes":{"class":"foo"}},"#,
                r#"{"attributes":{"class":"foo"}},{"attributes":{"class":"foo"}},{"id":109,"attributes":{"class":"foo"}},"#,
                r#"{"attributes":{"class":"foo"}}],"#,
                r#""removes":[{"parentId":5,"id":50},{"parentId":5,"id":49},{"parentId":5,"isShadow":true},"#,
                r#"{"parentId":5},{"parentId":5,"id":3}],"#,
                r#""adds":[{"parentId":1,"nextId":null,"node":{"type":2,"tagName":"div","attributes":{},"childNodes":[],"id":30}},"#,
                r#"{"nextId":null,"node":{"type":2,"tagName":"div","attributes":{},"childNodes":[]}},"#,
                r#"{"parentId":30,"node":{"type":2,"tagName":"div","attributes":{},"childNodes":[]}},"#,
                r#"{"nextId":null,"node":{"type":0,"childNodes":[{"type":3,"textContent":"t"}]}},"#,
                r#"{"node":{"type":5,"textContent":"c"}}]},"timestamp":9}"#
            )
        );
        // A collector that knows only v2 cannot read it: the adds lack what v3 implies.
        let small = compact(&event);
        assert_ne!(restore(&small, 2).unwrap(), event);
    }

    /// Events the rules cannot express go whole, behind the marker.
    #[test]
    fn inexpressible_events_go_explicit() {
        for event in [
            // A node without id, after one with an id (a collector would give it 2).
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":3}],"id":1}},"timestamp":1}"#,
            // A node that is not an object.
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":[7,null,"x",[]],"id":1}},"timestamp":1}"#,
            r#"{"type":3,"data":{"source":0,"adds":[{"parentId":1,"nextId":null,"node":null}]},"timestamp":1}"#,
            // An add without `nextId` / `parentId`, an entry without `id`.
            r#"{"type":3,"data":{"source":0,"adds":[{"parentId":1,"node":{"id":2}}]},"timestamp":1}"#,
            r#"{"type":3,"data":{"source":0,"adds":[{"nextId":null,"node":{"id":2}}]},"timestamp":1}"#,
            r#"{"type":3,"data":{"source":0,"attributes":[{"id":1,"attributes":{}},{"attributes":{}}]},"timestamp":1}"#,
            r#"{"type":3,"data":{"source":0,"removes":[{"parentId":1}]},"timestamp":1}"#,
            // An event that looks explicit already.
            r#"{"implied":false,"type":5,"data":{},"timestamp":1}"#,
        ] {
            let small = round_trip(event);
            assert!(small.starts_with(EXPLICIT), "{small}");
        }
        // The same shapes where no rule applies, or in v2, stay as they are.
        for event in [
            r#"{"type":3,"data":{"source":5,"adds":[{"node":null}],"texts":[{}]},"timestamp":1}"#,
            r#"{"type":2,"data":{"node":{"id":5},"texts":[{}],"adds":[{"node":{"id":6}}]},"timestamp":1}"#,
        ] {
            assert!(matches!(compact(event), Cow::Borrowed(_)));
            assert_eq!(round_trip(event), event);
            assert_eq!(restore(event, 2).unwrap(), event);
        }
        // A v2 collector knows no marker; a v1 collector restores nothing.
        let e = r#"{"implied":false,"type":2,"data":{}}"#;
        assert_eq!(restore(e, 2).unwrap(), e);
        assert_eq!(restore(e, 1).unwrap(), e);
    }

    #[test]
    fn numbers_that_are_not_plain_ids_stay() {
        for event in [
            // Negative, fractional, exponent, leading zero, past u64, strings, null.
            r#"{"type":3,"data":{"source":0,"texts":[{"id":-1,"value":""},{"id":0,"value":""},{"id":1.0,"value":""},{"id":2,"value":""},{"id":3e0,"value":""},{"id":4,"value":""}]}}"#,
            r#"{"type":3,"data":{"source":0,"removes":[{"parentId":1,"id":18446744073709551614},{"parentId":1,"id":18446744073709551615},{"parentId":1,"id":18446744073709551616},{"parentId":1,"id":18446744073709551617}]}}"#,
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":3,"id":"2"},{"type":3,"id":3},{"type":3,"id":null},{"type":3,"id":true}],"id":1}}}"#,
            // `"id":` inside strings, and keys that only look like it.
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":3,"textContent":"\"id\":2,","id":2},{"type":2,"attributes":{"id":3,"\"id\"":4},"tagName":"{\"id\":3}","childNodes":[],"i\u0064":3,"id":3}],"id":1}}}"#,
            r#"{"type":3,"data":{"source":0,"attributes":[{"id":9,"attributes":{"id":"10"}},{"id":10,"attributes":{"id":11}},{"id":11,"attributes":{"\"id\":12":"x"}}]}}"#,
            // Ids going down past zero: the step stops at the integers.
            r#"{"type":3,"data":{"source":0,"removes":[{"parentId":1,"id":4},{"parentId":1,"id":2},{"parentId":1,"id":0},{"parentId":1,"id":2}]}}"#,
        ] {
            let small = round_trip(event);
            assert!(!small.starts_with(EXPLICIT), "{small}");
        }
        let small = compact(
            r#"{"type":3,"data":{"source":0,"texts":[{"id":18446744073709551614,"value":""},{"id":18446744073709551615,"value":""}]}}"#,
        );
        assert!(!small.contains("18446744073709551615"), "{small}");
    }

    #[test]
    fn restore_refuses_what_the_rule_cannot_fill() {
        let err = |e: &str| restore(e, 3).unwrap_err().0;
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
        assert!(restore(
            r#"{"type":3,"data":{"source":5,"adds":[{"node":null}]}}"#,
            3
        )
        .is_ok());
    }

    #[test]
    fn restore_names_what_v3_cannot_fill() {
        let err = |e: &str| restore(e, 3).unwrap_err().0;
        assert_eq!(
            err(r#"{"type":3,"data":{"source":0,"texts":[{"value":"a"}]}}"#),
            "`data.texts[0]` has no `id`, and none is implied: the entry before it has no integer id (or the step leaves the integers)"
        );
        assert_eq!(
            err(r#"{"type":3,"data":{"source":0,"removes":[{"parentId":1,"id":1},{"parentId":1,"id":0},{"parentId":1}]}}"#),
            "`data.removes[2]` has no `id`, and none is implied: the entry before it has no integer id (or the step leaves the integers)"
        );
        assert_eq!(
            err(r#"{"type":3,"data":{"source":0,"attributes":[{"id":"1","attributes":{}},{"attributes":{}}]}}"#),
            "`data.attributes[1]` has no `id`, and none is implied: the entry before it has no integer id (or the step leaves the integers)"
        );
        assert_eq!(
            err(r#"{"type":3,"data":{"source":0,"adds":[{"parentId":1,"nextId":null,"node":{"id":"x"}},{"nextId":null,"node":{"id":5}}]}}"#),
            "`data.adds[1]` has no `parentId`, and none is implied: the node before it has no integer id"
        );
        assert_eq!(
            err(r#"{"type":3,"data":{"source":0,"adds":[{"node":{"id":5}}]}}"#),
            "`data.adds[0]` has no `parentId`, and none is implied: no node comes before it"
        );
        // What v3 fills, for the same lists: 2, then 3 (step 1), then 5 (step 2 after 3, 5).
        assert_eq!(
            restore(r#"{"type":3,"data":{"source":0,"texts":[{"id":1,"value":""},{"value":""}],"removes":[{"parentId":1,"id":1},{"parentId":1,"id":3},{"parentId":1}],"adds":[{"parentId":1,"nextId":null,"node":{"id":7}},{"node":{}}]}}"#, 3).unwrap(),
            r#"{"type":3,"data":{"source":0,"texts":[{"id":1,"value":""},{"id":2,"value":""}],"removes":[{"parentId":1,"id":1},{"parentId":1,"id":3},{"parentId":1,"id":5}],"adds":[{"parentId":1,"nextId":null,"node":{"id":7}},{"parentId":7,"nextId":7,"node":{"id":8}}]}}"#
        );
    }

    /// An object's members: each key and what writes its value.
    type Members = Vec<(&'static str, Box<dyn FnOnce(&mut Gen)>)>;
    struct Gen {
        rng: Rng,
        last: u64,
        out: String,
    }
    impl Gen {
        fn ws(&mut self) {
            if self.rng.next(40) == 0 {
                self.out.push(' ');
            }
        }
        fn number(&mut self, usual: u64) -> String {
            match self.rng.next(40) {
                0 => "-1".into(),
                1 => "1.5".into(),
                2 => "18446744073709551616".into(),
                3 => "\"7\"".into(),
                4 => "null".into(),
                5..=8 => (usual + self.rng.next(5)).to_string(),
                _ => usual.to_string(),
            }
        }
        /// An object of the members given (each written by its closure), sometimes shuffled,
        /// sometimes with one left out.
        fn object(&mut self, mut members: Members) {
            if self.rng.next(6) == 0 {
                let n = members.len() as u64;
                for k in 0..members.len() {
                    members.swap(k, self.rng.next(n) as usize);
                }
            }
            if !members.is_empty() && self.rng.next(30) == 0 {
                let k = self.rng.next(members.len() as u64) as usize;
                drop(members.remove(k));
            }
            self.out.push('{');
            for (k, (key, write)) in members.into_iter().enumerate() {
                if k > 0 {
                    self.ws();
                    self.out.push(',');
                }
                self.ws();
                self.out.push_str(&format!("\"{key}\""));
                self.ws();
                self.out.push(':');
                self.ws();
                write(self);
                self.ws();
            }
            self.out.push('}');
        }
        fn value(&mut self, v: String) {
            self.out.push_str(&v);
        }
        fn node(&mut self, depth: u32) {
            if self.rng.next(60) == 0 {
                self.out
                    .push_str(["7", "null", "\"x\"", "[]"][self.rng.next(4) as usize]);
                return;
            }
            self.last += 1;
            let id = self.number(self.last);
            if let Ok(n) = id.parse() {
                self.last = n;
            }
            let children = if depth > 3 { 0 } else { self.rng.next(4) };
            let mut members: Members = vec![
                ("type", Box::new(|g: &mut Gen| g.value("2".into()))),
                (
                    "textContent",
                    Box::new(|g: &mut Gen| g.value(r#""\"id\":3,}""#.into())),
                ),
                (
                    "childNodes",
                    Box::new(move |g: &mut Gen| {
                        g.out.push('[');
                        for k in 0..children {
                            if k > 0 {
                                g.out.push(',');
                            }
                            g.node(depth + 1);
                        }
                        g.out.push(']');
                    }),
                ),
                ("id", Box::new(move |g: &mut Gen| g.value(id))),
            ];
            for flag in ["isShadowHost", "isShadow"] {
                if self.rng.next(4) == 0 {
                    members.push((flag, Box::new(|g: &mut Gen| g.value("true".into()))));
                }
            }
            self.object(members);
        }
        fn list(&mut self, name: &'static str) {
            let mut id = self.rng.next(30);
            let step = self.rng.next(4);
            self.out.push('[');
            for k in 0..self.rng.next(6) {
                if k > 0 {
                    self.out.push(',');
                }
                id += step;
                let v = self.number(id);
                let mut members: Members = Vec::new();
                if name == "removes" {
                    members.push(("parentId", Box::new(|g: &mut Gen| g.value("1".into()))));
                }
                members.push(("id", Box::new(move |g: &mut Gen| g.value(v))));
                match name {
                    "texts" => {
                        members.push(("value", Box::new(|g: &mut Gen| g.value("\"a\"".into()))))
                    }
                    "attributes" => members.push((
                        "attributes",
                        Box::new(|g: &mut Gen| g.value(r#"{"id":3}"#.into())),
                    )),
                    _ if self.rng.next(3) == 0 => {
                        members.push(("isShadow", Box::new(|g: &mut Gen| g.value("true".into()))))
                    }
                    _ => {}
                }
                self.object(members);
            }
            self.out.push(']');
        }
        fn event(&mut self) {
            self.last = self.rng.next(3);
            let kind = [2, 3, 3, 3, 4][self.rng.next(5) as usize];
            let source = if self.rng.next(6) == 0 { 2 } else { 0 };
            self.object(vec![
                (
                    "type",
                    Box::new(move |g: &mut Gen| g.value(kind.to_string())),
                ),
                (
                    "data",
                    Box::new(move |g: &mut Gen| {
                        let mut members: Members = vec![(
                            "source",
                            Box::new(move |g: &mut Gen| g.value(source.to_string())),
                        )];
                        if kind == 2 {
                            members.push(("node", Box::new(|g: &mut Gen| g.node(0))));
                        }
                        for name in ["texts", "attributes", "removes"] {
                            members.push((name, Box::new(move |g: &mut Gen| g.list(name))));
                        }
                        members.push((
                            "adds",
                            Box::new(|g: &mut Gen| {
                                g.out.push('[');
                                for k in 0..g.rng.next(5) {
                                    if k > 0 {
                                        g.out.push(',');
                                    }
                                    let parent = g.number(g.last);
                                    let next = if g.rng.next(2) == 0 {
                                        "null".into()
                                    } else {
                                        g.number(g.last)
                                    };
                                    g.object(vec![
                                        ("parentId", Box::new(move |g: &mut Gen| g.value(parent))),
                                        ("nextId", Box::new(move |g: &mut Gen| g.value(next))),
                                        ("node", Box::new(|g: &mut Gen| g.node(2))),
                                    ]);
                                }
                                g.out.push(']');
                            }),
                        ));
                        g.object(members);
                    }),
                ),
                ("timestamp", Box::new(|g: &mut Gen| g.value("1".into()))),
            ]);
        }
    }
    /// Random events in any key order, spacing and value, with members missing: whatever the
    /// SDK is given, the collector stores it back byte for byte.
    #[test]
    fn any_event_round_trips() {
        let mut g = Gen {
            rng: Rng(0x2545_F491_4F6C_DD1D),
            last: 0,
            out: String::new(),
        };
        let (mut shorter, mut explicit) = (0, 0);
        for _ in 0..5000 {
            g.out.clear();
            g.event();
            let event = g.out.clone();
            serde_json::from_str::<serde_json::Value>(&event).expect("the generator writes JSON");
            let small = compact(&event);
            let back = restore(&small, 3).unwrap_or_else(|e| panic!("{e:?}: {event} → {small}"));
            assert_eq!(back, event, "compact: {small}");
            serde_json::from_str::<serde_json::Value>(&small).expect("valid JSON");
            shorter += usize::from(small.len() < event.len());
            explicit += usize::from(small.starts_with(EXPLICIT));
        }
        // The runs exercise both paths: numbers left out, and events sent explicit.
        assert!(shorter > 2000, "{shorter} of 5000 shorter");
        assert!(
            (100..2500).contains(&explicit),
            "{explicit} of 5000 explicit"
        );
    }

    /// A Mutation decided add by add while it is scanned gets the plan of the whole scan.
    #[test]
    fn mutation_streamed_as_scanned_whole() {
        let mut g = Gen {
            rng: Rng(0x0DDB_1A5E_5BAD_5EED),
            last: 0,
            out: String::new(),
        };
        let mut events: Vec<String> = Vec::new();
        for _ in 0..5000 {
            g.out.clear();
            g.event();
            events.push(g.out.clone());
        }
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..300 {
            let mut m = MutationWriter::new();
            let mut id = rng.next(40) as u32;
            for _ in 0..rng.next(4) {
                id += rng.next(3) as u32;
                m.attributes(id, &[("class", Some(AttrValue::Str("a".into())))]);
            }
            let mut m = m.into_adds();
            for _ in 0..rng.next(5) {
                let adds = m.entry();
                let parent = if rng.next(2) == 0 { id } else { 1 };
                adds.begin_add(parent, (rng.next(2) == 0).then_some(id));
                id += rng.next(3) as u32;
                adds.open_element(meta(id), "p", &[], ElementFlags::default());
                random_tree(adds, &mut rng, &mut id, 3);
                adds.close();
                adds.end_add();
            }
            events.extend(m.finish(1));
        }
        // Text that is not JSON: cut short.
        for k in (0..events.len()).step_by(10) {
            let cut = rng.next(events[k].len() as u64) as usize;
            events.push(events[k][..cut].to_string());
        }
        // Streamed events, by plan: the same, explicit, with cuts.
        let mut streamed = [0; 3];
        for event in &events {
            let whole = plan(event, node_estimate(event), false);
            if opens_as_mutation(event.as_bytes()) {
                streamed[match whole {
                    Plan::Same => 0,
                    Plan::Explicit => 1,
                    Plan::Cuts(_) => 2,
                }] += 1;
            }
            assert_eq!(compact_plan(event), whole, "{event}");
        }
        assert!(streamed.iter().all(|&n| n > 100), "{streamed:?} streamed");
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
            let event = e.finish_full_snapshot(0, 0, 1);
            assert_estimate(&event);
            round_trip(&event);

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
            let event = m.finish(1).unwrap();
            assert_estimate(&event);
            round_trip(&event);
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
        let meta = crate::snapshot::NodeMeta::top;
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
            "snapshot: {} bytes → {} in {:?} ({:.0} MB/s)",
            json.len(),
            small.len(),
            dt,
            json.len() as f64 / dt.as_secs_f64() / 1e6
        );
        // The mutation workloads' shapes: 1,000 chains of 10 added divs, 10,000 attributes.
        let mut m = crate::mutation::MutationWriter::new();
        for id in 0..10_000 {
            m.attributes(
                20_000 + id,
                &[("class", Some(crate::snapshot::AttrValue::Str("foo".into())))],
            );
        }
        let mut m = m.into_adds();
        let mut id = 30_000;
        for b in 0..1000 {
            for d in 0..10 {
                let adds = m.entry();
                adds.begin_add(if d == 0 { 21 } else { id }, None);
                id += 1;
                adds.open_element(
                    meta(id),
                    "div",
                    &[
                        (
                            "branch".into(),
                            crate::snapshot::AttrValue::Str(b.to_string()),
                        ),
                        (
                            "depth".into(),
                            crate::snapshot::AttrValue::Str(d.to_string()),
                        ),
                    ],
                    Default::default(),
                );
                adds.close();
                adds.end_add();
            }
        }
        let json = m.finish(1).unwrap_or_default();
        let mut small = super::compact(&json);
        let t = std::time::Instant::now();
        for _ in 0..20 {
            small = super::compact(&json);
        }
        let dt = t.elapsed() / 20;
        eprintln!(
            "mutation: {} bytes → {} in {:?} ({:.0} MB/s)",
            json.len(),
            small.len(),
            dt,
            json.len() as f64 / dt.as_secs_f64() / 1e6
        );
    }
}
#[cfg(test)]
mod doc_example {
    /// PROTOCOL.md's version 3 example is what `compact` writes.
    #[test]
    fn protocol_example() {
        let doc = include_str!("../PROTOCOL.md");
        let blocks: Vec<String> = doc
            .split("```json\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap_or_default().replace('\n', ""))
            .collect();
        let (full, small) = (&blocks[1], &blocks[2]);
        assert_eq!(super::compact(full), *small);
        assert_eq!(super::restore(small, 3).unwrap(), *full);
    }
}
