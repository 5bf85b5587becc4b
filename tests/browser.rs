//! Browser tests of the full snapshot: fixture DOMs in headless Chromium, recorded through the
//! public `record()` and checked as rrweb JSON. Run with `make test-browser`.
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use tapedeck::web::{record, RecordOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::*;

/// Every serialized node under `node` (iteratively: fixtures can be 10,000 deep).
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

fn snapshot_root(events: &[Value]) -> &Value {
    let snap = events
        .iter()
        .find(|e| e["type"] == 2)
        .expect("a FullSnapshot event");
    &snap["data"]["node"]
}

fn element<'a>(root: &'a Value, tag: &str) -> &'a Value {
    nodes(root)
        .into_iter()
        .find(|n| n["tagName"] == tag)
        .unwrap_or_else(|| panic!("no <{tag}> in snapshot"))
}

fn element_with<'a>(root: &'a Value, attr: &str, value: &str) -> &'a Value {
    nodes(root)
        .into_iter()
        .find(|n| n["attributes"][attr] == value)
        .unwrap_or_else(|| panic!("no element with {attr}={value}"))
}

async fn next_load(target: &web_sys::EventTarget) {
    // A frame that already loaded fires no more `load`: wait at most 3 s, never forever.
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        target
            .add_event_listener_with_callback("load", &resolve)
            .unwrap();
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 3000);
    });
    JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
fn meta_then_full_snapshot_with_document_id_one() {
    fixture("<p>hi</p>");
    let sink = Sink::start();
    let events = sink.events();
    assert_eq!(
        events.len(),
        2,
        "Meta + FullSnapshot, nothing else: {events:?}"
    );
    assert_eq!(events[0]["type"], 4);
    assert_eq!(events[0]["data"]["href"], document().url().unwrap());
    assert!(events[0]["data"]["width"].as_u64().unwrap() > 0);
    assert_eq!(events[1]["type"], 2);
    let root = snapshot_root(&events);
    assert_eq!(root["type"], 0);
    assert_eq!(root["id"], 1);
    assert!(
        root.get("compatMode").is_none(),
        "standards mode omits compatMode"
    );
    assert_eq!(
        events[1]["data"]["initialOffset"],
        serde_json::json!({"top": 0, "left": 0})
    );
    // Ids are pre-order and unique.
    let ids: Vec<u64> = nodes(root)
        .iter()
        .map(|n| n["id"].as_u64().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted);
    assert_eq!(element(root, "p")["childNodes"][0]["textContent"], "hi");
}

#[wasm_bindgen_test]
fn doctype_comments_attributes_and_text() {
    fixture(
        r#"<!-- note --><div id="a" class="b c" data-x="1" aria-label="L" hidden>t<b>u</b></div>"#,
    );
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    let doctype = &root["childNodes"][0];
    assert_eq!(doctype["type"], 1);
    assert_eq!(doctype["name"], "html");
    assert!(nodes(root)
        .iter()
        .any(|n| n["type"] == 5 && n["textContent"] == " note "));
    let div = element_with(root, "id", "a");
    assert_eq!(
        div["attributes"],
        serde_json::json!({"id": "a", "class": "b c", "data-x": "1", "aria-label": "L", "hidden": ""})
    );
    assert_eq!(
        div["childNodes"][0],
        serde_json::json!({"id": div["childNodes"][0]["id"], "type": 3, "textContent": "t"})
    );
}

#[wasm_bindgen_test]
fn svg_elements_are_marked_but_html_inside_foreign_object_is_not() {
    fixture(
        r#"<svg viewBox="0 0 10 10"><defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>
        <rect width="5" height="5" fill="url(#g)"/><foreignObject width="5" height="5"><div id="fo">x</div></foreignObject></svg>"#,
    );
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    for tag in [
        "svg",
        "defs",
        "lineargradient",
        "stop",
        "rect",
        "foreignobject",
    ] {
        assert_eq!(element(root, tag)["isSVG"], true, "<{tag}> isSVG");
    }
    assert_eq!(element(root, "svg")["attributes"]["viewBox"], "0 0 10 10");
    assert!(element_with(root, "id", "fo").get("isSVG").is_none());
}

#[wasm_bindgen_test]
fn open_shadow_roots_are_recorded_closed_ones_are_not() {
    fixture(r#"<div id="host">light</div><div id="closed"></div>"#);
    js("const s = document.getElementById('host').attachShadow({mode: 'open'});
        s.innerHTML = '<style>p{color:red}</style><p>in shadow</p><slot></slot>';
        document.getElementById('closed').attachShadow({mode: 'closed'}).innerHTML = '<i>secret</i>';");
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    let host = element_with(root, "id", "host");
    assert_eq!(host["isShadowHost"], true);
    let children = host["childNodes"].as_array().unwrap();
    assert_eq!(children[0]["textContent"], "light");
    assert!(
        children[0].get("isShadow").is_none(),
        "light DOM child is not shadow"
    );
    let shadow: Vec<_> = children[1..]
        .iter()
        .map(|c| c["tagName"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(shadow, ["style", "p", "slot"]);
    assert!(children[1..].iter().all(|c| c["isShadow"] == true));
    assert_eq!(children[1]["attributes"]["_cssText"], "p { color: red; }");
    let closed = element_with(root, "id", "closed");
    assert!(closed.get("isShadowHost").is_none());
    assert!(!sink.json().contains("secret"));
}

#[wasm_bindgen_test]
async fn same_origin_iframe_document_is_attached_with_root_id() {
    fixture(
        r#"<iframe id="f" srcdoc="<!doctype html><p class=inner>framed</p><iframe id=g srcdoc='<b>deeper</b>'></iframe>"></iframe>"#,
    );
    let frame = document().get_element_by_id("f").unwrap();
    next_load(&frame).await;
    let inner = frame
        .unchecked_ref::<web_sys::HtmlIFrameElement>()
        .content_document()
        .unwrap();
    let nested = inner.get_element_by_id("g").unwrap();
    if nested
        .unchecked_ref::<web_sys::HtmlIFrameElement>()
        .content_document()
        .map(|d| d.ready_state())
        != Some("complete".into())
    {
        next_load(&nested).await;
    }
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    let iframe = element_with(root, "id", "f");
    assert_eq!(iframe["childNodes"], serde_json::json!([]));
    assert!(
        iframe["attributes"].get("srcdoc").is_none(),
        "srcdoc would carry the content unmasked"
    );
    let attach: Vec<&Value> = events.iter().filter(|e| e["type"] == 3).collect();
    assert_eq!(attach.len(), 2, "one attach mutation per iframe document");
    let add = &attach[0]["data"]["adds"][0];
    assert_eq!(attach[0]["data"]["source"], 0);
    assert_eq!(attach[0]["data"]["isAttachIframe"], true);
    assert_eq!(add["parentId"], iframe["id"]);
    assert_eq!(add["nextId"], Value::Null);
    let doc = &add["node"];
    assert_eq!(doc["type"], 0);
    let doc_id = doc["id"].clone();
    let inner_nodes = nodes(doc);
    assert!(
        inner_nodes[1..].iter().all(|n| n["rootId"] == doc_id),
        "every node in the frame has rootId"
    );
    assert!(inner_nodes.iter().any(|n| n["textContent"] == "framed"));
    let deeper = &attach[1]["data"]["adds"][0];
    assert_eq!(deeper["parentId"], element_with(doc, "id", "g")["id"]);
    assert!(nodes(&deeper["node"])
        .iter()
        .any(|n| n["textContent"] == "deeper"));
}

#[wasm_bindgen_test]
fn cross_origin_iframe_is_kept_as_a_box_with_rr_src() {
    // A sandboxed frame without allow-same-origin is opaque to the page, like another origin.
    fixture(r#"<iframe id="x" sandbox src="other/page.html" width="300" height="150"></iframe>"#);
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    let iframe = element_with(root, "id", "x");
    let base = document().base_uri().unwrap().unwrap();
    let expected = tapedeck::url::resolve(&base, "other/page.html");
    assert_eq!(iframe["attributes"]["rr_src"], expected.as_str());
    assert!(iframe["attributes"].get("src").is_none());
    assert_eq!(iframe["attributes"]["width"], "300");
    assert!(
        events.iter().all(|e| e["type"] != 3),
        "nothing attached for an opaque frame"
    );
}

#[wasm_bindgen_test]
fn defined_custom_elements_are_marked() {
    js("if (!customElements.get('tape-card')) customElements.define('tape-card', class extends HTMLElement {});");
    fixture("<tape-card>c</tape-card><not-defined-yet></not-defined-yet>");
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    assert_eq!(element(root, "tape-card")["isCustom"], true);
    assert!(element(root, "not-defined-yet").get("isCustom").is_none());
}

#[wasm_bindgen_test]
fn element_and_window_scroll_offsets() {
    fixture(
        r#"<div id="panel" style="height:100px;width:100px;overflow:auto"><div style="height:1000px;width:1000px"></div></div>
        <div style="height:5000px"></div>"#,
    );
    let panel = document().get_element_by_id("panel").unwrap();
    panel.set_scroll_top(120);
    panel.set_scroll_left(30);
    web_sys::window()
        .unwrap()
        .scroll_to_with_x_and_y(0.0, 400.0);
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    let p = element_with(root, "id", "panel");
    assert_eq!(p["attributes"]["rr_scrollTop"], 120);
    assert_eq!(p["attributes"]["rr_scrollLeft"], 30);
    assert_eq!(events[1]["data"]["initialOffset"]["top"], 400);
    assert!(element(root, "body")["attributes"]
        .get("rr_scrollTop")
        .is_none());
    web_sys::window().unwrap().scroll_to_with_x_and_y(0.0, 0.0);
}

#[wasm_bindgen_test]
fn style_elements_are_inlined_from_the_cssom_with_absolute_urls() {
    fixture(r#"<style id="s">.a { background: url("img/a.png"); }</style>"#);
    js("document.getElementById('s').sheet.insertRule('.b { color: blue; }', 1);");
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    let style = element_with(root, "id", "s");
    let base = document().base_uri().unwrap().unwrap();
    let png = tapedeck::url::resolve(&base, "img/a.png");
    assert_eq!(
        style["attributes"]["_cssText"],
        format!(".a {{ background: url(\"{png}\"); }}.b {{ color: blue; }}")
    );
    assert_eq!(
        style["childNodes"][0]["textContent"], "",
        "text is carried by _cssText"
    );
}

#[wasm_bindgen_test]
async fn linked_stylesheets_are_inlined_and_unreadable_ones_keep_their_link() {
    fixture("");
    let head = document().query_selector("head").unwrap().unwrap();
    let link = document().create_element("link").unwrap();
    link.set_attribute("rel", "stylesheet").unwrap();
    link.set_attribute("id", "inline-me").unwrap();
    link.set_attribute("href", "data:text/css,.linked%7Bcolor:green%7D")
        .unwrap();
    head.append_child(&link).unwrap();
    next_load(&link).await;
    let broken = document().create_element("link").unwrap();
    broken.set_attribute("rel", "stylesheet").unwrap();
    broken.set_attribute("id", "keep-me").unwrap();
    broken.set_attribute("href", "missing/nowhere.css").unwrap();
    head.append_child(&broken).unwrap();
    let sink = Sink::start();
    link.remove();
    broken.remove();
    let events = sink.events();
    let root = snapshot_root(&events);
    let inlined = element_with(root, "id", "inline-me");
    assert_eq!(
        inlined["attributes"]["_cssText"],
        ".linked { color: green; }"
    );
    assert!(
        inlined["attributes"].get("href").is_none() && inlined["attributes"].get("rel").is_none()
    );
    let kept = element_with(root, "id", "keep-me");
    let base = document().base_uri().unwrap().unwrap();
    assert_eq!(
        kept["attributes"]["href"],
        tapedeck::url::resolve(&base, "missing/nowhere.css").as_str()
    );
    assert_eq!(kept["attributes"]["rel"], "stylesheet");
}

#[wasm_bindgen_test]
fn urls_in_src_href_srcset_and_style_are_absolute() {
    fixture(
        r##"<a id="l" href="../up/page.html">x</a><img id="i" src="pic.png" srcset="pic.png 1x, /big.png 2x">
        <div id="d" style="background-image: url(bg.png)"></div><svg><use id="u" href="#icon"></use></svg>"##,
    );
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    let base = document().base_uri().unwrap().unwrap();
    let abs = |r: &str| tapedeck::url::resolve(&base, r);
    assert_eq!(
        element_with(root, "id", "l")["attributes"]["href"],
        abs("../up/page.html").as_str()
    );
    let img = &element_with(root, "id", "i")["attributes"];
    assert_eq!(img["src"], abs("pic.png").as_str());
    assert_eq!(
        img["srcset"],
        format!("{} 1x, {} 2x", abs("pic.png"), abs("/big.png"))
    );
    assert_eq!(
        element_with(root, "id", "d")["attributes"]["style"],
        format!("background-image: url({})", abs("bg.png"))
    );
    assert_eq!(element_with(root, "id", "u")["attributes"]["href"], "#icon");
    assert!(
        abs("pic.png").starts_with("http://"),
        "resolved against the real page URL"
    );
}

#[wasm_bindgen_test]
fn script_text_is_a_placeholder() {
    fixture("");
    let script = document().create_element("script").unwrap();
    script.set_text_content(Some("window.__secretToken = 'abc123';"));
    script.set_attribute("type", "text/plain").unwrap();
    document()
        .get_element_by_id("fixture")
        .unwrap()
        .append_child(&script)
        .unwrap();
    let sink = Sink::start();
    let events = sink.events();
    let s = element(snapshot_root(&events), "script");
    assert_eq!(s["childNodes"][0]["textContent"], "SCRIPT_PLACEHOLDER");
    assert!(!sink.json().contains("abc123"));
}

#[wasm_bindgen_test]
fn form_state_is_recorded_and_every_value_masked() {
    fixture(
        r#"<form><input id="t" value="attr-secret"><input id="h" type="hidden" value="hidden-secret">
        <input id="p" type="password"><input id="c" type="checkbox" checked><input id="r" type="radio">
        <textarea id="ta">area-secret</textarea>
        <select id="s"><option value="a">first</option><option value="b" selected>chosen</option></select></form>"#,
    );
    let set = |id: &str, v: &str| {
        document()
            .get_element_by_id(id)
            .unwrap()
            .unchecked_into::<web_sys::HtmlInputElement>()
            .set_value(v)
    };
    set("t", "typed-secret");
    set("p", "pw-secret");
    document()
        .get_element_by_id("r")
        .unwrap()
        .unchecked_into::<web_sys::HtmlInputElement>()
        .set_checked(true);
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    let attrs = |id: &str| element_with(root, "id", id)["attributes"].clone();
    assert_eq!(
        attrs("t")["value"],
        "************",
        "current value, masked to its length"
    );
    assert_eq!(attrs("h")["value"], "*************");
    assert_eq!(attrs("p")["value"], "*********");
    assert_eq!(attrs("c")["checked"], true);
    assert_eq!(
        attrs("r")["checked"],
        true,
        "state set by script is recorded"
    );
    assert_eq!(attrs("ta")["value"], "***********");
    assert_eq!(
        element_with(root, "id", "ta")["childNodes"],
        serde_json::json!([])
    );
    assert_eq!(attrs("s")["value"], "*");
    let chosen = nodes(root)
        .into_iter()
        .find(|n| n["tagName"] == "option" && n["childNodes"][0]["textContent"] == "chosen")
        .expect("the chosen option");
    assert_eq!(
        chosen["attributes"]["value"], "*",
        "option values are masked with their select"
    );
    assert!(
        chosen["attributes"].get("selected").is_none(),
        "selection would reveal the value"
    );
    assert_eq!(element(root, "form")["tagName"], "form");
    let json = sink.json();
    for secret in [
        "attr-secret",
        "typed-secret",
        "hidden-secret",
        "pw-secret",
        "area-secret",
    ] {
        assert!(!json.contains(secret), "{secret} leaked");
    }
}

#[wasm_bindgen_test]
async fn ten_thousand_deep_nesting_records_without_overflow() {
    // Hidden: laying out 10,000 nested boxes is the browser's own limit, not the recorder's.
    fixture(r#"<div id="deep" style="display:none"></div>"#);
    js("let n = document.getElementById('deep'); for (let i = 0; i < 10000; i++) { const c = document.createElement('div'); n.appendChild(c); n = c; } n.textContent = 'bottom';");
    let sink = Sink::start();
    // A page this large is walked across several tasks.
    JsFuture::from(sink.recorder.snapshotted()).await.unwrap();
    // Walk the emitted object in JS: serde_json's parser stops at 128 levels by design.
    let depth = js_sys::Function::new_with_args(
        "events",
        "let n = events[1].data.node, d = 0; const seen = [];
         const find = (x) => { const st = [x]; while (st.length) { const y = st.pop(); if (y.attributes && y.attributes.id === 'deep') return y; (y.childNodes||[]).forEach(c => st.push(c)); } };
         n = find(n); while (n.childNodes && n.childNodes.length) { n = n.childNodes[0]; d++; } return [d, n.textContent];",
    )
    .call1(&JsValue::NULL, &sink.events)
    .unwrap();
    let result: js_sys::Array = depth.unchecked_into();
    assert_eq!(result.get(0).as_f64(), Some(10001.0));
    assert_eq!(result.get(1).as_string().as_deref(), Some("bottom"));
}

#[wasm_bindgen_test]
async fn hundred_thousand_nodes_record() {
    fixture(r#"<div id="big"></div>"#);
    js("const big = document.getElementById('big'); const f = document.createDocumentFragment();
        for (let i = 0; i < 50000; i++) { const s = document.createElement('span'); s.textContent = 'n' + i; f.appendChild(s); }
        big.appendChild(f);");
    let sink = Sink::start();
    // A page this large is walked across several tasks.
    JsFuture::from(sink.recorder.snapshotted()).await.unwrap();
    let events = sink.events();
    let big = element_with(snapshot_root(&events), "id", "big");
    assert_eq!(nodes(big).len(), 1 + 100_000);
    assert_eq!(
        big["childNodes"][49_999]["childNodes"][0]["textContent"],
        "n49999"
    );
    document().get_element_by_id("big").unwrap().remove();
}

#[wasm_bindgen_test]
fn checkout_custom_events_and_stop() {
    fixture("<p>x</p>");
    let mut sink = Sink::start();
    let first_max = nodes(snapshot_root(&sink.events()))
        .iter()
        .map(|n| n["id"].as_u64().unwrap())
        .max()
        .unwrap();
    sink.recorder.take_full_snapshot();
    sink.recorder
        .add_custom_event("step", JsValue::from_str("two"))
        .unwrap();
    let events = sink.events();
    assert_eq!(
        events
            .iter()
            .map(|e| e["type"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [4, 2, 4, 2, 5]
    );
    let second_root = &events[3]["data"]["node"];
    assert!(
        second_root["id"].as_u64().unwrap() > first_max,
        "ids are never reused"
    );
    assert_eq!(
        events[4]["data"],
        serde_json::json!({"tag": "step", "payload": "two"})
    );
    let cyclic = js("const o = {}; o.self = o; return o;");
    assert!(
        sink.recorder.add_custom_event("bad", cyclic).is_err(),
        "a payload JSON cannot hold is an error"
    );
    let _ = sink.recorder.stop();
    let _ = sink.recorder.stop();
    sink.recorder.take_full_snapshot();
    sink.recorder
        .add_custom_event("after", JsValue::NULL)
        .unwrap();
    assert_eq!(sink.events().len(), 5, "nothing after stop()");
}

#[wasm_bindgen_test]
fn two_recorders_do_not_interfere() {
    fixture("<p>shared</p>");
    let mut a = Sink::start();
    let b = Sink::start();
    assert_eq!(snapshot_root(&a.events())["id"], 1);
    assert_eq!(
        snapshot_root(&b.events())["id"],
        1,
        "each recorder has its own ids"
    );
    let _ = a.recorder.stop();
    b.recorder.take_full_snapshot();
    assert_eq!(a.events().len(), 2);
    assert_eq!(b.events().len(), 4);
}

#[wasm_bindgen_test]
fn an_emit_callback_that_throws_does_not_reach_the_page() {
    fixture("<p>x</p>");
    let options = js_sys::Object::new();
    let throwing = js_sys::Function::new_with_args("e", "throw new Error('boom')");
    js_sys::Reflect::set(&options, &"emit".into(), &throwing).unwrap();
    let recorder = record(options.unchecked_into::<RecordOptions>());
    assert!(recorder.is_ok(), "record() survives a throwing emit");
}

#[wasm_bindgen_test]
fn bad_options_are_clear_errors() {
    let err = |extra: &[(&str, JsValue)]| Sink::try_with(extra).err().expect("an error");
    assert_eq!(
        err(&[("emitt", JsValue::TRUE)]),
        "tapedeck: unknown option `emitt` (did you mean `emit`?)"
    );
    assert_eq!(
        err(&[("inlineStylesheet", JsValue::from_str("yes"))]),
        "tapedeck: option `inlineStylesheet` expects true or false, got a string"
    );
    let none = record(JsValue::UNDEFINED.unchecked_into::<RecordOptions>())
        .err()
        .unwrap();
    assert_eq!(
        JsValue::from(none)
            .unchecked_into::<js_sys::Error>()
            .message(),
        "tapedeck: record() expects an options object, got null"
    );
}

#[wasm_bindgen_test]
fn named_form_controls_cannot_derail_the_walk() {
    // Each name shadows a property the walk reads on the <form> itself.
    fixture(
        r#"<form id="clobbered" class="c"><b>first</b><input name="firstChild"><input name="nextSibling">
        <input name="attributes"><input name="tagName"><input name="nodeType"><i>last</i></form><p id="after">after</p>"#,
    );
    let sink = Sink::start();
    let events = sink.events();
    let root = snapshot_root(&events);
    let form = element_with(root, "id", "clobbered");
    assert_eq!(form["tagName"], "form");
    assert_eq!(
        form["attributes"],
        serde_json::json!({"id": "clobbered", "class": "c"})
    );
    let tags: Vec<&str> = form["childNodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["tagName"].as_str())
        .collect();
    assert_eq!(
        tags,
        ["b", "input", "input", "input", "input", "input", "i"]
    );
    let after = element_with(root, "id", "after");
    assert_eq!(after["childNodes"][0]["textContent"], "after");
    let ids: Vec<u64> = nodes(root)
        .iter()
        .map(|n| n["id"].as_u64().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "no node visited twice");
}
