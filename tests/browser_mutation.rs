//! Browser tests of mutation recording. Each test applies the emitted events the way rrweb's
//! Replayer does (removes, then adds, then texts, then attributes; an add's parent and nextId
//! must already be known, nothing may be queued) to a model tree, and compares the model with
//! the live DOM after every batch.
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use std::collections::HashMap;
use tapedeck::web::{record, RecordOptions, Recorder};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::*;

#[derive(Debug, Clone)]
struct ModelNode {
    node: Value,
    children: Vec<u64>,
    shadow: Vec<u64>,
}

/// The replay's view of the page, rebuilt from events with the Replayer's rules.
#[derive(Default)]
struct Model {
    nodes: HashMap<u64, ModelNode>,
}

impl Model {
    fn from_events(events: &[Value]) -> Model {
        let mut model = Model::default();
        for event in events {
            model.apply(event);
        }
        model
    }

    fn insert_tree(&mut self, node: &Value) {
        let mut stack = vec![node.clone()];
        while let Some(n) = stack.pop() {
            let id = n["id"].as_u64().unwrap();
            let mut children = Vec::new();
            let mut shadow = Vec::new();
            for c in n["childNodes"].as_array().cloned().unwrap_or_default() {
                let cid = c["id"].as_u64().unwrap();
                if c["isShadow"] == true {
                    shadow.push(cid)
                } else {
                    children.push(cid)
                }
                stack.push(c);
            }
            let mut bare = n.clone();
            bare["childNodes"] = Value::Array(vec![]);
            self.nodes.insert(
                id,
                ModelNode {
                    node: bare,
                    children,
                    shadow,
                },
            );
        }
    }

    fn remove_tree(&mut self, id: u64) {
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            if let Some(n) = self.nodes.remove(&id) {
                stack.extend(n.children);
                stack.extend(n.shadow);
            }
        }
    }

    fn apply(&mut self, event: &Value) {
        match event["type"].as_u64().unwrap() {
            2 => {
                self.nodes.clear();
                self.insert_tree(&event["data"]["node"]);
            }
            3 if event["data"]["source"] == 0 => self.apply_mutation(&event["data"]),
            _ => {}
        }
    }

    fn apply_mutation(&mut self, data: &Value) {
        for r in data["removes"].as_array().unwrap() {
            let (parent, id) = (r["parentId"].as_u64().unwrap(), r["id"].as_u64().unwrap());
            let p = self
                .nodes
                .get_mut(&parent)
                .unwrap_or_else(|| panic!("remove: unknown parent {parent}"));
            let list = if r["isShadow"] == true {
                &mut p.shadow
            } else {
                &mut p.children
            };
            let before = list.len();
            list.retain(|c| *c != id);
            assert_eq!(
                list.len() + 1,
                before,
                "remove: {id} is not a child of {parent}"
            );
            self.remove_tree(id);
        }
        if data["isAttachIframe"] == true {
            let add = &data["adds"][0];
            let parent = add["parentId"].as_u64().unwrap();
            assert!(
                self.nodes.contains_key(&parent),
                "attach: unknown iframe {parent}"
            );
            self.insert_tree(&add["node"]);
            let doc = add["node"]["id"].as_u64().unwrap();
            self.nodes.get_mut(&parent).unwrap().children = vec![doc];
            return;
        }
        for add in data["adds"].as_array().unwrap() {
            let parent = add["parentId"].as_u64().unwrap();
            let node = &add["node"];
            assert_eq!(
                node["childNodes"].as_array().map(|c| c.len()).unwrap_or(0),
                0,
                "adds are flat"
            );
            let id = node["id"].as_u64().unwrap();
            assert!(!self.nodes.contains_key(&id), "add: id {id} reused");
            assert!(
                self.nodes.contains_key(&parent),
                "add {id}: unknown parent {parent} (would be queued)"
            );
            self.insert_tree(node);
            let p = self.nodes.get_mut(&parent).unwrap();
            let list = if node["isShadow"] == true {
                &mut p.shadow
            } else {
                &mut p.children
            };
            match add["nextId"].as_u64() {
                None => list.push(id),
                Some(next) => {
                    let at = list.iter().position(|c| *c == next).unwrap_or_else(|| {
                        panic!("add {id}: nextId {next} is not a known child of {parent} (would be queued)")
                    });
                    list.insert(at, id);
                }
            }
        }
        for t in data["texts"].as_array().unwrap() {
            let id = t["id"].as_u64().unwrap();
            let n = self
                .nodes
                .get_mut(&id)
                .unwrap_or_else(|| panic!("text: unknown {id}"));
            n.node["textContent"] = t["value"].clone();
        }
        for a in data["attributes"].as_array().unwrap() {
            let id = a["id"].as_u64().unwrap();
            let n = self
                .nodes
                .get_mut(&id)
                .unwrap_or_else(|| panic!("attribute: unknown {id}"));
            for (k, v) in a["attributes"].as_object().unwrap() {
                if v.is_null() {
                    n.node["attributes"].as_object_mut().unwrap().remove(k);
                } else {
                    n.node["attributes"][k] = v.clone();
                }
            }
        }
    }

    fn find(&self, attr: &str, value: &str) -> u64 {
        *self
            .nodes
            .iter()
            .find(|(_, n)| n.node["attributes"][attr] == value)
            .unwrap_or_else(|| panic!("no node with {attr}={value} in the model"))
            .0
    }

    /// Markup of the subtree, in the same form as `render_dom` gives for the page.
    fn render(&self, id: u64) -> String {
        let mut out = String::new();
        self.render_into(id, &mut out);
        out
    }

    fn render_into(&self, id: u64, out: &mut String) {
        let n = &self.nodes[&id];
        match n.node["type"].as_u64().unwrap() {
            2 => {
                let tag = n.node["tagName"].as_str().unwrap();
                out.push('<');
                out.push_str(tag);
                let mut attrs: Vec<_> = n.node["attributes"].as_object().unwrap().iter().collect();
                attrs.sort_by(|a, b| a.0.cmp(b.0));
                for (k, v) in attrs {
                    out.push_str(&format!(
                        " {k}={}",
                        v.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| v.to_string())
                    ));
                }
                out.push('>');
                if !n.shadow.is_empty() {
                    out.push_str("#shadow(");
                    for c in &n.shadow {
                        self.render_into(*c, out);
                    }
                    out.push(')');
                }
                for c in &n.children {
                    self.render_into(*c, out);
                }
                out.push_str(&format!("</{tag}>"));
            }
            3 => out.push_str(n.node["textContent"].as_str().unwrap()),
            5 => out.push_str(&format!(
                "<!--{}-->",
                n.node["textContent"].as_str().unwrap()
            )),
            _ => {}
        }
    }
}

/// The live DOM in the model's markup form (attributes sorted, open shadow roots first).
fn render_dom(id: &str) -> String {
    let f = js_sys::Function::new_with_args(
        "id",
        r#"const walk = (n) => {
            if (n.nodeType === 3) return n.data;
            if (n.nodeType === 8) return '<!--' + n.data + '-->';
            if (n.nodeType !== 1) return '';
            const tag = n.tagName.toLowerCase();
            const attrs = Array.from(n.attributes).map(a => [a.name, a.value]).sort((a, b) => a[0] < b[0] ? -1 : 1);
            let s = '<' + tag + attrs.map(([k, v]) => ' ' + k + '=' + v).join('') + '>';
            if (n.shadowRoot) s += '#shadow(' + Array.from(n.shadowRoot.childNodes).map(walk).join('') + ')';
            return s + Array.from(n.childNodes).map(walk).join('') + '</' + tag + '>';
        };
        return walk(document.getElementById(id));"#,
    );
    f.call1(&JsValue::NULL, &id.into())
        .unwrap()
        .as_string()
        .unwrap()
}

fn assert_replays(sink: &Sink, root: &str) {
    let events = sink.events();
    let model = Model::from_events(&events);
    assert_eq!(
        model.render(model.find("id", root)),
        render_dom(root),
        "replayed model differs from the page"
    );
}

fn mutation_events(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| e["type"] == 3 && e["data"]["source"] == 0)
        .collect()
}

#[wasm_bindgen_test]
async fn moves_adds_removes_texts_and_attributes_replay_exactly() {
    fixture(
        r#"<div id="root"><div id="a"><p id="p1">one</p><p id="p2">two</p><!--c--></div><div id="b"></div><ul id="list"></ul></div>"#,
    );
    let mut sink = Sink::start();
    js("const a = document.getElementById('a'), b = document.getElementById('b');
        b.appendChild(document.getElementById('p1'));
        const temp = document.createElement('span'); temp.textContent = 'temp'; a.append(temp); temp.remove();
        document.getElementById('p2').firstChild.data = 'TWO';
        document.getElementById('p2').firstChild.data = 'TWO!';
        a.setAttribute('class', 'c1'); a.setAttribute('class', 'c2');
        a.setAttribute('data-x', '1'); a.removeAttribute('data-x');
        const list = document.getElementById('list');
        for (let i = 0; i < 5; i++) { const li = document.createElement('li'); li.innerHTML = '<b>' + i + '</b> item'; list.prepend(li); }
        list.insertBefore(list.lastChild, list.firstChild);");
    sink.flush().await;
    let events = sink.events();
    let batches = mutation_events(&events);
    assert_eq!(batches.len(), 1, "one observer callback, one event");
    let data = &batches[0]["data"];
    assert_eq!(data["texts"].as_array().unwrap().len(), 1, "last text wins");
    assert_eq!(data["texts"][0]["value"], "TWO!");
    assert_eq!(
        data["attributes"][0]["attributes"],
        serde_json::json!({"class": "c2"})
    );
    assert!(
        !sink.json().contains("temp"),
        "a node added and removed in one batch is dropped"
    );
    assert_replays(&sink, "root");

    // A later batch: move a subtree back, remove, re-add a node removed in an earlier batch.
    js(
        "const a = document.getElementById('a'), p1 = document.getElementById('p1');
        a.insertBefore(p1, a.firstChild);
        window.__removed = document.getElementById('list').firstChild; window.__removed.remove();",
    );
    sink.flush().await;
    assert_replays(&sink, "root");
    js("document.getElementById('b').append(window.__removed); window.__removed.firstChild.textContent = 'back';");
    sink.flush().await;
    assert_replays(&sink, "root");
    let _ = sink.recorder.stop();
}

#[wasm_bindgen_test]
async fn removed_nodes_get_new_ids_when_they_come_back() {
    fixture(r#"<div id="root"><section id="s"><i>x</i></section></div>"#);
    let sink = Sink::start();
    js("window.__s = document.getElementById('s'); window.__s.remove();");
    sink.flush().await;
    js("document.getElementById('root').append(window.__s);");
    sink.flush().await;
    let events = sink.events();
    let batches = mutation_events(&events);
    let removed_id = batches[0]["data"]["removes"][0]["id"].as_u64().unwrap();
    let readded_id = batches[1]["data"]["adds"][0]["node"]["id"]
        .as_u64()
        .unwrap();
    assert!(readded_id > removed_id, "ids are never reused");
    // Changes to a detached node are not sent: the replay does not have it.
    js("const d = document.createElement('div'); document.getElementById('root').append(d); d.remove(); d.setAttribute('x', '1');
        window.__s.remove(); window.__s.setAttribute('data-after-removal', '1');");
    sink.flush().await;
    assert!(!sink.json().contains("data-after-removal"));
    assert_replays(&sink, "root");
}

#[wasm_bindgen_test]
async fn nested_appends_and_reverse_order_inserts_need_no_queueing() {
    fixture(r#"<div id="root"><i id="tail">existing last child</i></div>"#);
    let sink = Sink::start();
    js("let n = document.getElementById('root');
        for (let i = 0; i < 200; i++) { const c = document.createElement('div'); c.className = 'l' + i; n.appendChild(c); n = c; }
        const r = document.getElementById('root');
        const box = document.createElement('p'); r.append(box);
        for (let i = 0; i < 50; i++) { const s = document.createElement('span'); s.textContent = i; box.insertBefore(s, box.firstChild); }
        for (let i = 0; i < 50; i++) { const s = document.createElement('em'); s.textContent = i; r.insertBefore(s, box); }
        const tail = document.getElementById('tail');
        for (let i = 0; i < 5; i++) { const s = document.createElement('u'); s.textContent = i; r.insertBefore(s, tail); }");
    sink.flush().await;
    assert_replays(&sink, "root");
}

/// A batch far larger than one part of the event's text (64 KB), with removes, texts and
/// attributes before its adds and text that needs escaping: handed to `emit` in parts, it
/// arrives as one event and replays.
#[wasm_bindgen_test]
async fn a_batch_larger_than_a_part_arrives_whole() {
    fixture(r#"<div id="root"><p id="old">old</p><i id="gone">gone</i></div>"#);
    let sink = Sink::start();
    js(r#"const r = document.getElementById('root');
        document.getElementById('old').firstChild.data = 'new "text"';
        document.getElementById('old').setAttribute('title', 'a\\b\u0008');
        document.getElementById('gone').remove();
        for (let b = 0; b < 300; b++) {
          const d = document.createElement('div'); d.className = 'branch-' + b;
          for (let i = 0; i < 5; i++) { const s = document.createElement('span'); s.textContent = 'é "' + b + '/' + i + '" ' + 'x'.repeat(20); d.append(s); }
          r.append(d);
        }"#);
    sink.flush().await;
    let events = sink.events();
    let mutations = mutation_events(&events);
    let big = mutations
        .iter()
        .find(|e| e["data"]["adds"].as_array().is_some_and(|a| a.len() > 100))
        .expect("the batch's event");
    assert!(serde_json::to_string(big).unwrap().len() > 150_000);
    assert_eq!(big["data"]["adds"].as_array().unwrap().len(), 300 * 11);
    assert_eq!(big["data"]["texts"][0]["value"], "new \"text\"");
    assert_eq!(
        big["data"]["attributes"][0]["attributes"]["title"],
        "a\\b\u{8}"
    );
    assert_eq!(big["data"]["removes"].as_array().unwrap().len(), 1);
    assert_replays(&sink, "root");
}

/// The same change on many elements (decided once, see `attribute_changes`), runs of it
/// broken by other changes, and NUL and the list's escape character in names' values, on
/// the snapshot, attribute and add paths.
#[wasm_bindgen_test]
async fn repeated_attribute_changes_and_odd_characters_replay() {
    fixture(r#"<div id="root"></div>"#);
    js(r#"const r = document.getElementById('root');
        for (let i = 0; i < 12; i++) r.append(document.createElement(i % 5 === 4 ? 'span' : 'div'));
        r.firstChild.setAttribute('data-n', 'a\u0000b\u0001c\u00010\u0002d\u00012');
        // Control characters a reader packing several fields or nodes in one string must escape.
        r.children[3].append('t\u0002u\u0000v\u00012');
        // Names getAttribute would not find as they are: upper case, prefixed, twice.
        const odd = r.children[1];
        odd.setAttributeNS(null, 'UP', 'upper'); odd.setAttributeNS('urn:x', 'p:pre', 'fixed');
        r.children[2].setAttributeNS('urn:y', 'twice', 'first'); r.children[2].setAttributeNS(null, 'twice', 'second');"#);
    let sink = Sink::start();
    let snapshot = sink.json();
    assert!(
        snapshot.contains(r#""data-n":"a\u0000b\u0001c\u00010\u0002d\u00012""#),
        "a NUL in an attribute is recorded as it is: {snapshot}"
    );
    assert!(
        snapshot.contains(r#""textContent":"t\u0002u\u0000v\u00012""#),
        "control characters in a text node are recorded as they are: {snapshot}"
    );
    for attribute in [
        r#""UP":"upper""#,
        r#""p:pre":"fixed""#,
        // The page has both; the recording keeps the last, as rrweb's object does.
        r#""twice":"second""#,
    ] {
        assert!(snapshot.contains(attribute), "{attribute} in {snapshot}");
    }
    js(r#"const kids = document.getElementById('root').children;
        for (let i = 0; i < kids.length; i++) kids[i].classList.add('foo');
        kids[3].setAttribute('data-x', '1'); kids[3].classList.add('bar');
        kids[7].setAttribute('data-y', '\u0000\u0001');
        kids[8].removeAttribute('class'); kids[9].setAttribute('class', '');
        kids[2].removeAttribute('twice');
        const n = document.createElement('p'); n.setAttribute('data-z', 'x\u0000y\u0002');
        n.append('w\u0002\u0001\u00002'); kids[0].append(n);"#);
    sink.flush().await;
    let events = sink.events();
    let batch = &mutation_events(&events)[0]["data"];
    let changes = batch["attributes"].as_array().unwrap();
    assert_eq!(changes.len(), 11, "{changes:?}");
    assert_eq!(changes[7]["attributes"]["data-y"], "\u{0}\u{1}");
    assert_eq!(
        batch["adds"][0]["node"]["attributes"]["data-z"],
        "x\u{0}y\u{2}"
    );
    assert_eq!(batch["adds"][1]["node"]["textContent"], "w\u{2}\u{1}\u{0}2");
    assert_replays(&sink, "root");
}

#[wasm_bindgen_test]
async fn shadow_roots_existing_and_attached_later_are_observed() {
    fixture(r#"<div id="root"><div id="host"></div><div id="late"></div></div>"#);
    js("document.getElementById('host').attachShadow({mode: 'open'}).innerHTML = '<p>a</p>';");
    let sink = Sink::start();
    js("const s = document.getElementById('host').shadowRoot; s.append(document.createElement('hr')); s.firstChild.textContent = 'A';
        const late = document.getElementById('late').attachShadow({mode: 'open'}); late.innerHTML = '<b>later</b>';");
    sink.flush().await;
    let events = sink.events();
    let adds: Vec<&Value> = mutation_events(&events)
        .iter()
        .flat_map(|e| e["data"]["adds"].as_array().unwrap())
        .collect();
    assert!(adds
        .iter()
        .any(|a| a["node"]["tagName"] == "hr" && a["node"]["isShadow"] == true));
    assert!(adds
        .iter()
        .any(|a| a["node"]["tagName"] == "b" && a["node"]["isShadow"] == true));
    assert_replays(&sink, "root");
    js("document.getElementById('host').shadowRoot.lastChild.remove();");
    sink.flush().await;
    let events = sink.events();
    let last = mutation_events(&events).last().unwrap()["data"].clone();
    assert_eq!(last["removes"][0]["isShadow"], true);
    assert_replays(&sink, "root");
}

#[wasm_bindgen_test]
async fn iframes_added_later_are_attached_and_observed() {
    fixture(r#"<div id="root"></div>"#);
    let sink = Sink::start();
    js("const f = document.createElement('iframe'); f.id = 'late-frame'; f.srcdoc = '<p id=inner>inside</p>';
        document.getElementById('root').append(f);");
    // Until the frame has loaded there is nothing to attach.
    for _ in 0..50 {
        sleep(20).await;
        if sink.json().contains("inside") {
            break;
        }
    }
    let events = sink.events();
    let attach = events
        .iter()
        .rev()
        .find(|e| e["data"]["isAttachIframe"] == true)
        .expect("iframe document attached");
    let doc_id = attach["data"]["adds"][0]["node"]["id"].as_u64().unwrap();
    js("document.getElementById('late-frame').contentDocument.getElementById('inner').firstChild.data = 'changed inside';");
    sink.flush().await;
    let events = sink.events();
    let last = &mutation_events(&events).last().unwrap()["data"];
    assert_eq!(last["texts"][0]["value"], "changed inside");
    let model = Model::from_events(&events);
    let text_id = last["texts"][0]["id"].as_u64().unwrap();
    assert_eq!(model.nodes[&text_id].node["rootId"].as_u64(), Some(doc_id));
}

#[wasm_bindgen_test]
async fn form_values_in_mutations_are_masked() {
    fixture(r#"<div id="root"><input id="i"></div>"#);
    let sink = Sink::start();
    js("document.getElementById('i').setAttribute('value', 'attr-secret');
        const t = document.createElement('textarea'); t.textContent = 'area-secret'; document.getElementById('root').append(t);
        const i2 = document.createElement('input'); i2.value = 'prop-secret'; document.getElementById('root').append(i2);");
    sink.flush().await;
    let json = sink.json();
    for secret in ["attr-secret", "area-secret", "prop-secret"] {
        assert!(!json.contains(secret), "{secret} leaked through a mutation");
    }
    let events = sink.events();
    let data = &mutation_events(&events)[0]["data"];
    assert_eq!(data["attributes"][0]["attributes"]["value"], "***********");
}

#[wasm_bindgen_test]
async fn style_text_changes_and_checkouts() {
    fixture(r#"<div id="root"><style id="st">.x{color:red}</style><p class="x">t</p></div>"#);
    let mut sink = Sink::start();
    js("document.getElementById('st').textContent = '.x{color:blue}';");
    sink.flush().await;
    let events = sink.events();
    let adds = &mutation_events(&events)[0]["data"]["adds"];
    assert_eq!(adds[0]["node"]["textContent"], ".x{color:blue}");
    sink.recorder.take_full_snapshot();
    js("document.querySelector('#root p').textContent = 'after checkout';");
    // The checkout may take more than one slice (a debug build is slow); changes made
    // meanwhile follow it.
    let mut rendered = String::new();
    for _ in 0..100 {
        sleep(20).await;
        let events = sink.events();
        let model = Model::from_events(&events);
        rendered = model.render(model.find("class", "x"));
        if rendered.contains("after checkout") {
            break;
        }
    }
    assert_eq!(rendered, "<p class=x>after checkout</p>");
    let _ = sink.recorder.stop();
    let before = sink.events().len();
    js("document.querySelector('#root p').textContent = 'after stop';");
    sink.flush().await;
    assert_eq!(sink.events().len(), before, "nothing after stop()");
}

fn start_with(extra: &[(&str, JsValue)]) -> (js_sys::Array, js_sys::Array, Recorder) {
    let events = js_sys::Array::new();
    let checkouts = js_sys::Array::new();
    let push = js_sys::Function::new_with_args("e, c", "this[0].push(e); this[1].push(!!c)")
        .bind0(&js_sys::Array::of2(&events, &checkouts));
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"emit".into(), &push).unwrap();
    for (k, v) in extra {
        js_sys::Reflect::set(&options, &(*k).into(), v).unwrap();
    }
    let recorder = record(options.unchecked_into::<RecordOptions>()).unwrap();
    (events, checkouts, recorder)
}

fn types(events: &js_sys::Array) -> Vec<u64> {
    events
        .iter()
        .map(|e| {
            js_sys::Reflect::get(&e, &"type".into())
                .unwrap()
                .as_f64()
                .unwrap() as u64
        })
        .collect()
}

#[wasm_bindgen_test]
async fn checkout_every_nth_event_takes_a_new_full_snapshot() {
    fixture(r#"<div id="root"><p id="t">0</p></div>"#);
    let (events, checkouts, mut recorder) = start_with(&[("checkoutEveryNth", JsValue::from(2))]);
    for i in 1..=5 {
        js(&format!(
            "document.getElementById('t').firstChild.data = '{i}';"
        ));
        JsFuture::from(recorder.flush()).await.unwrap();
    }
    assert_eq!(types(&events), [4, 2, 3, 3, 4, 2, 3, 3, 4, 2, 3]);
    let flags: Vec<bool> = checkouts.iter().map(|c| c.as_bool().unwrap()).collect();
    assert_eq!(
        flags,
        [false, false, false, false, true, true, false, false, true, true, false]
    );
    let _ = recorder.stop();
}

#[wasm_bindgen_test]
async fn checkout_every_n_ms_takes_a_new_full_snapshot_on_the_next_event() {
    fixture(r#"<div id="root"><p id="t">0</p></div>"#);
    let (events, _, mut recorder) = start_with(&[("checkoutEveryNms", JsValue::from(50))]);
    js("document.getElementById('t').firstChild.data = 'a';");
    JsFuture::from(recorder.flush()).await.unwrap();
    assert_eq!(types(&events), [4, 2, 3]);
    sleep(80).await;
    js("document.getElementById('t').firstChild.data = 'b';");
    JsFuture::from(recorder.flush()).await.unwrap();
    assert_eq!(types(&events), [4, 2, 3, 3, 4, 2]);
    let _ = recorder.stop();
}

#[wasm_bindgen_test]
async fn shadow_roots_inside_iframes_are_recorded_across_windows() {
    fixture(
        r#"<div id="root"><iframe id="xf" srcdoc="<div id=h></div><script>document.getElementById('h').attachShadow({mode:'open'}).innerHTML='<b>inner</b>'</script>"></iframe></div>"#,
    );
    let frame = document().get_element_by_id("xf").unwrap();
    for _ in 0..50 {
        let ready = frame
            .unchecked_ref::<web_sys::HtmlIFrameElement>()
            .content_document()
            .and_then(|d| d.get_element_by_id("h"))
            .is_some_and(|h| h.shadow_root().is_some());
        if ready {
            break;
        }
        sleep(20).await;
    }
    let mut sink = Sink::start();
    js("document.getElementById('xf').contentDocument.getElementById('h').shadowRoot.append('added in frame shadow');");
    sink.flush().await;
    let events = sink.events();
    let model = Model::from_events(&events);
    let add = &mutation_events(&events).last().unwrap()["data"]["adds"][0];
    assert_eq!(add["node"]["textContent"], "added in frame shadow");
    assert_eq!(
        add["node"]["isShadow"], true,
        "a shadow root of another window is still a shadow root"
    );
    let host = &model.nodes[&add["parentId"].as_u64().unwrap()];
    assert_eq!(host.node["attributes"]["id"], "h");
    assert_eq!(host.node["isShadowHost"], true);
    let _ = sink.recorder.stop();
}

#[wasm_bindgen_test]
async fn flush_emits_changes_held_back_during_a_storm() {
    fixture(r#"<div id="root"><p id="t">0</p></div>"#);
    let sink = Sink::start();
    JsFuture::from(sink.recorder.snapshotted()).await.unwrap();
    // More records in one callback than the recorder processes at once: held for a window.
    js("const r = document.getElementById('root');
        for (let i = 0; i < 3000; i++) r.setAttribute('data-n', String(i));");
    sleep(0).await;
    assert!(
        !sink.json().contains("data-n"),
        "the storm was processed at once; this test needs a storm"
    );
    sink.flush().await;
    let events = sink.events();
    let last = &mutation_events(&events).last().unwrap()["data"];
    assert_eq!(last["attributes"][0]["attributes"]["data-n"], "2999");
    assert_replays(&sink, "root");
}
