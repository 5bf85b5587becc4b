//! Browser tests of stylesheet changes made through the CSSOM (StyleSheetRule 8,
//! StyleDeclaration 13, AdoptedStyleSheet 15). Run with `make test-browser`.
#![cfg(target_arch = "wasm32")]

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::*;

impl Sink {
    /// The `data` of every stylesheet event (sources 8, 13, 15), in order.
    fn style_events(&self) -> Vec<Value> {
        self.events()
            .into_iter()
            .filter(|e| {
                e["type"] == 3 && [8, 13, 15].contains(&e["data"]["source"].as_u64().unwrap())
            })
            .map(|e| e["data"].clone())
            .collect()
    }
}

/// Every serialized node under `node`.
fn nodes(node: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        out.push(n);
        if let Some(children) = n["childNodes"].as_array() {
            stack.extend(children.iter().rev());
        }
    }
    out
}

/// The id of the element with `id` in the last full snapshot or in an iframe attach event.
fn id_of(events: &[Value], id: &str) -> u64 {
    let roots = events.iter().filter_map(|e| match e["type"].as_u64() {
        Some(2) => Some(&e["data"]["node"]),
        Some(3) if e["data"]["isAttachIframe"] == true => Some(&e["data"]["adds"][0]["node"]),
        _ => None,
    });
    roots
        .rev()
        .flat_map(nodes)
        .find(|n| n["attributes"]["id"] == id)
        .unwrap_or_else(|| panic!("no element with id={id}"))["id"]
        .as_u64()
        .unwrap()
}

/// The document's id in the last full snapshot.
fn document_id(events: &[Value]) -> u64 {
    let snapshot = events.iter().rev().find(|e| e["type"] == 2).unwrap();
    snapshot["data"]["node"]["id"].as_u64().unwrap()
}

/// The id of the iframe document in the last attach event.
fn frame_document_id(events: &[Value]) -> u64 {
    let attach = events
        .iter()
        .rev()
        .find(|e| e["data"]["isAttachIframe"] == true);
    attach.expect("an attached iframe document")["data"]["adds"][0]["node"]["id"]
        .as_u64()
        .unwrap()
}

async fn next_load(target: &web_sys::EventTarget) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        target
            .add_event_listener_with_callback("load", &resolve)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
fn insert_and_delete_rules_of_a_style_element() {
    fixture(r#"<style id="s1">.x { color: green; }</style>"#);
    let sink = Sink::start();
    let id = id_of(&sink.events(), "s1");
    js("const s = document.getElementById('s1').sheet;
        s.insertRule('.a{color:red}', 0);
        s.deleteRule(1);
        s.insertRule('.b{}');
        s.addRule('.c', 'color: red');
        s.removeRule();
        s.deleteRule('1');");
    assert_eq!(
        sink.style_events(),
        [
            json!({"source": 8, "id": id, "adds": [{"rule": ".a{color:red}", "index": 0}]}),
            json!({"source": 8, "id": id, "removes": [{"index": 1}]}),
            json!({"source": 8, "id": id, "adds": [{"rule": ".b{}", "index": 0}]}),
            json!({"source": 8, "id": id, "adds": [{"rule": ".c { color: red; }", "index": 2}]}),
            json!({"source": 8, "id": id, "removes": [{"index": 0}]}),
            json!({"source": 8, "id": id, "removes": [{"index": 1}]}),
        ]
    );
}

#[wasm_bindgen_test]
fn nested_rules_and_declarations_have_index_paths() {
    fixture(
        r#"<style id="s2">.x { color: green; }
        @media screen { .y { color: red; } @supports (display: grid) { .z { color: red; } } }</style>
        <p id="inline">x</p>"#,
    );
    let sink = Sink::start();
    let id = id_of(&sink.events(), "s2");
    js("const s = document.getElementById('s2').sheet;
        const media = s.cssRules[1];
        media.insertRule('.n{color:red}', 1);
        media.cssRules[2].insertRule('.w{}', 0);
        media.deleteRule(0);
        media.cssRules[0].style.setProperty('color', 'blue', 'important');
        media.cssRules[1].cssRules[1].style.setProperty('margin', '1px');
        s.cssRules[0].style.removeProperty('color');
        document.getElementById('inline').style.setProperty('color', 'red');
        document.getElementById('inline').style.removeProperty('color');
        getComputedStyle(document.body).getPropertyValue('color');");
    assert_eq!(
        sink.style_events(),
        [
            json!({"source": 8, "id": id, "adds": [{"rule": ".n{color:red}", "index": [1, 1]}]}),
            json!({"source": 8, "id": id, "adds": [{"rule": ".w{}", "index": [1, 2, 0]}]}),
            json!({"source": 8, "id": id, "removes": [{"index": [1, 0]}]}),
            json!({"source": 13, "id": id, "index": [1, 0],
                   "set": {"property": "color", "value": "blue", "priority": "important"}}),
            json!({"source": 13, "id": id, "index": [1, 1, 1],
                   "set": {"property": "margin", "value": "1px"}}),
            json!({"source": 13, "id": id, "index": [0], "remove": {"property": "color"}}),
        ],
        "inline style changes are the MutationObserver's, not recorded here"
    );
}

#[wasm_bindgen_test]
async fn constructed_sheet_adopted_by_the_document() {
    fixture("<p>x</p>");
    let sink = Sink::start();
    js("window.__s = new CSSStyleSheet();
        __s.replaceSync('.d{color:red}');
        __s.insertRule('.early{}');
        document.adoptedStyleSheets = [__s];
        __s.insertRule('.e{}', 2);
        __s.cssRules[0].style.setProperty('color', 'blue');
        __s.replaceSync('.f{}');");
    let promise: js_sys::Promise = js("return __s.replace('.g{}')").unchecked_into();
    JsFuture::from(promise).await.unwrap();
    js("window.__t = new CSSStyleSheet();
        __t.replaceSync('.t{}');
        document.adoptedStyleSheets = [__s, __t];
        document.adoptedStyleSheets = [];");
    assert_eq!(
        sink.style_events(),
        [
            json!({"source": 15, "id": 1, "styleIds": [1], "styles": [{"styleId": 1, "rules": [
                {"rule": ".early { }", "index": 0}, {"rule": ".d { color: red; }", "index": 1}]}]}),
            json!({"source": 8, "styleId": 1, "adds": [{"rule": ".e{}", "index": 2}]}),
            json!({"source": 13, "styleId": 1, "index": [0], "set": {"property": "color", "value": "blue"}}),
            json!({"source": 8, "styleId": 1, "replaceSync": ".f{}"}),
            json!({"source": 8, "styleId": 1, "replace": ".g{}"}),
            json!({"source": 15, "id": 1, "styleIds": [1, 2], "styles": [{"styleId": 2, "rules": [
                {"rule": ".t { }", "index": 0}]}]}),
            json!({"source": 15, "id": 1, "styleIds": []}),
        ],
        "a sheet is recorded from its adoption on; changes before it travel in the adoption"
    );
}

#[wasm_bindgen_test]
fn shadow_root_sheets_follow_every_snapshot() {
    fixture(r#"<div id="host"></div>"#);
    js(
        "const root = document.getElementById('host').attachShadow({mode: 'open'});
        window.__a = new CSSStyleSheet();
        __a.replaceSync('.a{color:red}');
        window.__d = new CSSStyleSheet();
        __d.replaceSync('.d{color:blue}');
        root.adoptedStyleSheets = [__a];
        document.adoptedStyleSheets = [__d];",
    );
    let sink = Sink::start();
    let host = id_of(&sink.events(), "host");
    assert_eq!(
        sink.style_events(),
        [
            json!({"source": 15, "id": 1, "styleIds": [1], "styles": [
                {"styleId": 1, "rules": [{"rule": ".d { color: blue; }", "index": 0}]}]}),
            json!({"source": 15, "id": host, "styleIds": [2], "styles": [
                {"styleId": 2, "rules": [{"rule": ".a { color: red; }", "index": 0}]}]}),
        ],
        "the snapshot does not carry adopted sheets: they follow it"
    );
    let after_snapshot: Vec<u64> = sink
        .events()
        .iter()
        .map(|e| e["type"].as_u64().unwrap())
        .collect();
    assert_eq!(after_snapshot, [4, 2, 3, 3]);

    js("const root = document.getElementById('host').shadowRoot;
        root.adoptedStyleSheets = [__a, __d];
        __a.insertRule('.b{}', 1);");
    sink.recorder.take_full_snapshot();
    // Ids are never reused: the checkout gives the document and the host new ones.
    let events = sink.events();
    let (doc, host2) = (document_id(&events), id_of(&events, "host"));
    assert_ne!(host2, host);
    js(
        "document.getElementById('host').shadowRoot.adoptedStyleSheets = [__d];
        document.adoptedStyleSheets = [];",
    );
    assert_eq!(
        sink.style_events()[2..],
        [
            json!({"source": 15, "id": host, "styleIds": [2, 1]}),
            json!({"source": 8, "styleId": 2, "adds": [{"rule": ".b{}", "index": 1}]}),
            // After the checkout the replay starts over: style ids from 1, every sheet sent again.
            json!({"source": 15, "id": doc, "styleIds": [1], "styles": [
                {"styleId": 1, "rules": [{"rule": ".d { color: blue; }", "index": 0}]}]}),
            json!({"source": 15, "id": host2, "styleIds": [2, 1], "styles": [
                {"styleId": 2, "rules": [{"rule": ".a { color: red; }", "index": 0},
                                         {"rule": ".b { }", "index": 1}]}]}),
            json!({"source": 15, "id": host2, "styleIds": [1]}),
            json!({"source": 15, "id": doc, "styleIds": []}),
        ]
    );
}

#[wasm_bindgen_test]
fn sheets_the_replay_does_not_have_are_ignored() {
    fixture(r#"<div id="closed"></div>"#);
    js(
        "window.__closed = document.getElementById('closed').attachShadow({mode: 'closed'});
        __closed.innerHTML = '<style>.q{color:red}</style>';",
    );
    let sink = Sink::start();
    js("__closed.firstChild.sheet.insertRule('.r{}', 0);
        __closed.firstChild.sheet.cssRules[0].style.setProperty('color', 'red');
        const loose = new CSSStyleSheet();
        loose.insertRule('.l{}');
        loose.replaceSync('.m{}');
        __closed.adoptedStyleSheets = [loose];
        document.implementation.createHTMLDocument('').adoptedStyleSheets = [];");
    assert_eq!(sink.style_events(), Vec::<Value>::new());
    assert_eq!(sink.events().len(), 2, "Meta + FullSnapshot only");
}

#[wasm_bindgen_test]
fn failing_calls_still_throw_and_record_nothing() {
    fixture(r#"<style id="s3">.x { color: green; }</style>"#);
    let sink = Sink::start();
    let errors = js("const s = document.getElementById('s3').sheet;
        const names = [];
        const attempt = (f) => { try { f(); names.push('none'); } catch (e) { names.push(e.name); } };
        attempt(() => s.insertRule('.a{} .b{}', 0));
        attempt(() => s.insertRule('.y{}', 5));
        attempt(() => s.deleteRule(7));
        attempt(() => s.replaceSync('.z{}'));
        attempt(() => { document.adoptedStyleSheets = [s]; });
        return names.join();");
    assert_eq!(
        errors,
        "SyntaxError,IndexSizeError,IndexSizeError,NotAllowedError,NotAllowedError"
    );
    assert_eq!(sink.style_events(), Vec::<Value>::new());
}

#[wasm_bindgen_test]
async fn rejected_replace_records_nothing() {
    fixture(r#"<style id="s4">.x { color: green; }</style>"#);
    let sink = Sink::start();
    let outcome: js_sys::Promise = js(
        "return document.getElementById('s4').sheet.replace('.z{}').then(() => 'none', (e) => e.name)",
    )
    .unchecked_into();
    let outcome = JsFuture::from(outcome).await.unwrap();
    assert_eq!(outcome, "NotAllowedError");
    assert_eq!(sink.style_events(), Vec::<Value>::new());
}

/// The functions the recorder patches, read off the prototypes.
const PATCHED: &str = "
    const d = (p, n) => Object.getOwnPropertyDescriptor(p, n);
    const S = CSSStyleSheet.prototype, G = CSSGroupingRule.prototype, D = CSSStyleDeclaration.prototype;
    return [S.insertRule, S.deleteRule, S.addRule, S.removeRule, S.replace, S.replaceSync,
            G.insertRule, G.deleteRule, D.setProperty, D.removeProperty,
            d(Document.prototype, 'adoptedStyleSheets').set, d(ShadowRoot.prototype, 'adoptedStyleSheets').set];";

fn same_functions(a: &JsValue, b: &JsValue) -> Vec<bool> {
    let a: js_sys::Array = a.clone().unchecked_into();
    let b: js_sys::Array = b.clone().unchecked_into();
    (0..a.length())
        .map(|i| js_sys::Object::is(&a.get(i), &b.get(i)))
        .collect()
}

#[wasm_bindgen_test]
fn stop_restores_the_browsers_functions() {
    fixture(r#"<style id="s5">.x { color: green; }</style>"#);
    let before = js(PATCHED);
    let mut sink = Sink::start();
    assert_eq!(
        same_functions(&before, &js(PATCHED)),
        [false; 12],
        "every method and setter is wrapped while recording"
    );
    let _ = sink.recorder.stop();
    assert_eq!(same_functions(&before, &js(PATCHED)), [true; 12]);
    js("const s = document.getElementById('s5').sheet;
        s.insertRule('.after{}', 0);
        s.cssRules[0].style.setProperty('color', 'red');
        document.adoptedStyleSheets = [new CSSStyleSheet()];
        document.adoptedStyleSheets = [];");
    assert_eq!(sink.events().len(), 2, "nothing after stop()");
}

#[wasm_bindgen_test]
fn a_library_wrapping_after_us_keeps_working_after_stop() {
    fixture(r#"<style id="s6">.x { color: green; }</style>"#);
    let original = js("return CSSStyleSheet.prototype.insertRule");
    let mut sink = Sink::start();
    let id = id_of(&sink.events(), "s6");
    js("const inner = CSSStyleSheet.prototype.insertRule;
        window.__calls = 0;
        CSSStyleSheet.prototype.insertRule = function (...args) {
          window.__calls++;
          return inner.apply(this, args);
        };
        document.getElementById('s6').sheet.insertRule('.during{}', 0);");
    let _ = sink.recorder.stop();
    let result = js("return document.getElementById('s6').sheet.insertRule('.after{}', 1)");
    assert_eq!(result, 1);
    assert_eq!(
        js("return window.__calls"),
        2,
        "the library's wrapper still runs"
    );
    assert_eq!(
        js("return document.getElementById('s6').sheet.cssRules[1].selectorText"),
        ".after"
    );
    assert_eq!(
        sink.style_events(),
        [json!({"source": 8, "id": id, "adds": [{"rule": ".during{}", "index": 0}]})],
        "recorded while running, nothing after stop()"
    );
    let proto = js("return CSSStyleSheet.prototype");
    js_sys::Reflect::set(&proto, &"insertRule".into(), &original).unwrap();
}

#[wasm_bindgen_test]
fn two_recorders_record_independently_and_stop_cleanly() {
    fixture(r#"<style id="s7">.x { color: green; }</style>"#);
    let before = js(PATCHED);
    let mut a = Sink::start();
    let mut b = Sink::start();
    js("document.getElementById('s7').sheet.insertRule('.both{}', 0);");
    assert_eq!(a.style_events().len(), 1);
    assert_eq!(b.style_events().len(), 1);
    let _ = b.recorder.stop();
    js("document.getElementById('s7').sheet.insertRule('.a{}', 0);");
    assert_eq!(a.style_events().len(), 2);
    assert_eq!(b.style_events().len(), 1);
    let _ = a.recorder.stop();
    assert_eq!(
        same_functions(&before, &js(PATCHED)),
        [true; 12],
        "stopped last-in first-out, the originals are back"
    );

    // Stopped first-in first-out, the first recorder's wrappers stay as pass-throughs under
    // the second's (Patch never removes a wrapper someone wrapped), and record nothing.
    let mut a = Sink::start();
    let mut b = Sink::start();
    let _ = a.recorder.stop();
    js("document.getElementById('s7').sheet.insertRule('.b{}', 0);");
    assert_eq!((a.style_events().len(), b.style_events().len()), (0, 1));
    let _ = b.recorder.stop();
    let index = js("return document.getElementById('s7').sheet.insertRule('.c{}', 1)");
    assert_eq!(index, 1);
    assert_eq!((a.style_events().len(), b.style_events().len()), (0, 1));
}

#[wasm_bindgen_test]
async fn same_origin_iframe_prototypes_are_patched_and_restored() {
    fixture(
        r#"<iframe id="f" srcdoc="<!doctype html><style id=fs>.i { color: red; }</style><p>framed</p>"></iframe>"#,
    );
    let frame = document().get_element_by_id("f").unwrap();
    next_load(&frame).await;
    let frame_patched = "const w = document.getElementById('f').contentWindow;
        const S = w.CSSStyleSheet.prototype;
        return [S.insertRule, S.replaceSync, w.CSSStyleDeclaration.prototype.setProperty,
                Object.getOwnPropertyDescriptor(w.Document.prototype, 'adoptedStyleSheets').set];";
    let before = js(frame_patched);
    let mut sink = Sink::start();
    let events = sink.events();
    let style = id_of(&events, "fs");
    let frame_doc = frame_document_id(&events);
    assert_eq!(same_functions(&before, &js(frame_patched)), [false; 4]);
    js("const f = document.getElementById('f');
        const doc = f.contentDocument, w = f.contentWindow;
        doc.getElementById('fs').sheet.insertRule('.j{}', 1);
        doc.getElementById('fs').sheet.cssRules[0].style.setProperty('color', 'blue');
        const s = new w.CSSStyleSheet();
        s.replaceSync('.k{}');
        doc.adoptedStyleSheets = [s];");
    assert_eq!(
        sink.style_events(),
        [
            json!({"source": 8, "id": style, "adds": [{"rule": ".j{}", "index": 1}]}),
            json!({"source": 13, "id": style, "index": [0], "set": {"property": "color", "value": "blue"}}),
            json!({"source": 15, "id": frame_doc, "styleIds": [1], "styles": [
                {"styleId": 1, "rules": [{"rule": ".k { }", "index": 0}]}]}),
        ]
    );
    sink.recorder.take_full_snapshot();
    let frame_doc = frame_document_id(&sink.events());
    assert_eq!(
        sink.style_events().last().unwrap(),
        &json!({"source": 15, "id": frame_doc, "styleIds": [1], "styles": [
            {"styleId": 1, "rules": [{"rule": ".k { }", "index": 0}]}]}),
        "the frame's adopted sheets follow the checkout"
    );
    let _ = sink.recorder.stop();
    assert_eq!(same_functions(&before, &js(frame_patched)), [true; 4]);
}
