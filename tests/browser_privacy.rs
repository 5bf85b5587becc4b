//! Browser tests of the privacy engine on the snapshot and mutation paths: secrets planted on
//! every path, for every preset, must not appear in anything emitted.
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::*;

impl Sink {
    fn preset(preset: &str) -> Sink {
        Self::try_with(&[("privacy", preset.into())]).unwrap()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.recorder.stop();
    }
}

fn nodes(root: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        out.push(n);
        if let Some(children) = n["childNodes"].as_array() {
            stack.extend(children.iter().rev());
        }
    }
    out
}

/// Every serialized node in the events: the snapshot's and those added by mutations.
fn all_nodes(events: &[Value]) -> Vec<&Value> {
    let mut out = Vec::new();
    for e in events {
        if e["type"] == 2 {
            out.extend(nodes(&e["data"]["node"]));
        }
        if e["type"] == 3 && e["data"]["source"] == 0 {
            for add in e["data"]["adds"].as_array().unwrap() {
                out.extend(nodes(&add["node"]));
            }
        }
    }
    out
}

fn by_id<'a>(events: &'a [Value], id: &str) -> &'a Value {
    all_nodes(events)
        .into_iter()
        .find(|n| n["attributes"]["id"] == id)
        .unwrap_or_else(|| panic!("no #{id}"))
}

fn by_class<'a>(events: &'a [Value], class: &str) -> &'a Value {
    all_nodes(events)
        .into_iter()
        .find(|n| n["attributes"]["class"] == class)
        .unwrap_or_else(|| panic!("no .{class}"))
}

fn text_of(node: &Value) -> String {
    nodes(node)
        .iter()
        .filter_map(|n| n["textContent"].as_str())
        .collect()
}

const PRESETS: [&str; 3] = ["strict", "balanced", "relaxed"];

const CANARY_PAGE: &str = r#"
  <form id="f">
    <input id="text" value="canary-text-attr">
    <input id="password" type="password" value="canary-password">
    <input id="email" type="email" value="canary-email@x.io">
    <input id="hidden" type="hidden" value="canary-hidden">
    <input id="cc" autocomplete="cc-number" value="canary-cc">
    <textarea id="area">canary-textarea</textarea>
    <select id="sel"><option value="a">first</option><option value="canary-select" selected>canary-option</option></select>
  </form>
  <p id="masked" class="rr-mask">canary-masked-class <b>canary-masked-child</b></p>
  <p id="marked" data-tapedeck-mask title="canary-title-in-mask">canary-masked-marker</p>
  <div id="blocked" class="blk1" data-tapedeck-block style="width:120px;height:30px">canary-blocked</div>
  <div id="blocked-class" class="rr-block blk2">canary-blocked-class</div>
  <p id="pii">Write to canary.person@example.com or pay with 4111 1111 1111 1111.</p>
  <img id="pic" class="pic" alt="contact canary.alt@example.com" src="x.png">
"#;

#[wasm_bindgen_test]
fn snapshot_masks_every_planted_secret_in_every_preset() {
    for preset in PRESETS {
        fixture(CANARY_PAGE);
        js("document.getElementById('text').value = 'canary-typed';");
        let sink = Sink::preset(preset);
        let json = sink.json();
        let mut always = vec![
            "canary-password",
            "canary-masked-class",
            "canary-masked-child",
            "canary-masked-marker",
            "canary-title-in-mask",
            "canary-blocked",
            "canary-blocked-class",
            "canary.person@example.com",
            "4111 1111 1111 1111",
            "canary.alt@example.com",
            "canary-text-attr",
            "canary-email",
            "canary-cc",
        ];
        if preset != "relaxed" {
            always.extend(["canary-typed", "canary-hidden", "canary-textarea"]);
        }
        for secret in always {
            assert!(!json.contains(secret), "{preset}: {secret} leaked");
        }
        let events = sink.events();
        assert_eq!(
            by_id(&events, "password")["attributes"]["value"],
            "***************"
        );
        let blocked = by_class(&events, "blk1");
        assert!(
            blocked["attributes"].get("id").is_none(),
            "a placeholder keeps only its class"
        );
        assert_eq!(blocked["attributes"]["rr_width"], "120px");
        assert_eq!(blocked["attributes"]["rr_height"], "30px");
        assert_eq!(blocked["childNodes"], serde_json::json!([]));
        assert_eq!(
            text_of(by_id(&events, "masked")),
            "******************* *******************"
        );
        assert_eq!(
            by_class(&events, "rr-block blk2")["childNodes"],
            serde_json::json!([])
        );
        if preset == "relaxed" {
            assert_eq!(
                by_id(&events, "text")["attributes"]["value"],
                "canary-typed",
                "relaxed records plain text fields"
            );
            assert_eq!(
                by_id(&events, "hidden")["attributes"]["value"],
                "canary-hidden"
            );
            assert!(
                json.contains("\"selected\":true"),
                "relaxed records the chosen option"
            );
        } else {
            assert_eq!(
                by_id(&events, "text")["attributes"]["value"],
                "************"
            );
            // The chosen option is the select's value: neither is recorded.
            assert_eq!(
                by_id(&events, "sel")["attributes"]["value"],
                "*************"
            );
            assert!(
                !json.contains("\"selected\""),
                "{preset}: the chosen option is not recorded"
            );
        }
        let pii = text_of(by_id(&events, "pii"));
        if preset == "strict" {
            assert!(!pii.contains("Write"), "strict masks all text: {pii}");
            let pic = by_class(&events, "pic");
            assert!(
                pic["attributes"].get("src").is_none()
                    && pic["attributes"].get("rr_width").is_some(),
                "strict blocks images"
            );
        } else {
            assert_eq!(
                pii,
                "Write to ************************* or pay with **** **** **** ****."
            );
        }
    }
}

#[wasm_bindgen_test]
async fn mutations_into_masked_and_blocked_regions_stay_masked() {
    for preset in PRESETS {
        fixture(CANARY_PAGE);
        let sink = Sink::preset(preset);
        js("document.getElementById('masked').append('canary-added-later');
            const moved = document.createElement('span'); moved.textContent = 'canary-moved-in';
            document.getElementById('pii').append(moved);
            document.getElementById('masked').append(moved);
            document.getElementById('marked').firstChild.data = 'canary-text-change';
            document.getElementById('marked').setAttribute('title', 'canary-attr-change');
            document.getElementById('blocked').append('canary-into-blocked');
            document.getElementById('blocked').setAttribute('title', 'canary-blocked-attr');
            document.getElementById('text').setAttribute('value', 'canary-value-attr');
            document.getElementById('pii').append(' call canary.new@example.org');
            const i = document.createElement('input'); i.type = 'password'; i.value = 'canary-new-password';
            document.getElementById('f').append(i);");
        sleep(0).await;
        let json = sink.json();
        let mut secrets = vec![
            "canary-added-later",
            "canary-moved-in",
            "canary-text-change",
            "canary-attr-change",
            "canary-into-blocked",
            "canary-blocked-attr",
            "canary.new@example.org",
            "canary-new-password",
        ];
        if preset != "relaxed" {
            secrets.push("canary-value-attr");
        }
        for secret in secrets {
            assert!(
                !json.contains(secret),
                "{preset}: {secret} leaked through a mutation"
            );
        }
        assert!(
            json.contains("\"*****************\""),
            "{preset}: masked text is still recorded, as stars"
        );
    }
}

/// One change made to many elements is decided per element where the rules look at the
/// element: a text attribute set on open text and then on masked text, values on inputs.
#[wasm_bindgen_test]
async fn the_same_change_on_many_elements_is_masked_per_element() {
    for preset in PRESETS {
        fixture(CANARY_PAGE);
        let sink = Sink::preset(preset);
        js("for (const id of ['pii', 'marked', 'masked', 'pii', 'blocked-class']) {
              document.getElementById(id).setAttribute('title', 'canary-same-' + id);
            }
            for (const id of ['pii', 'marked', 'masked']) document.getElementById(id).setAttribute('title', 'canary-again');
            for (const id of ['text', 'email', 'cc']) document.getElementById(id).setAttribute('value', 'canary-same-value');");
        sleep(0).await;
        let json = sink.json();
        for secret in [
            "canary-same-marked",
            "canary-same-masked",
            "canary-same-blocked-class",
        ] {
            assert!(!json.contains(secret), "{preset}: {secret} leaked");
        }
        assert!(
            json.matches("canary-again").count() <= 1,
            "{preset}: only the open paragraph may show its title"
        );
        if preset != "relaxed" {
            assert!(
                !json.contains("canary-same-value"),
                "{preset}: input value leaked"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn a_password_switched_to_text_stays_masked() {
    for preset in PRESETS {
        fixture(r#"<input id="pw" type="password" value="canary-toggle">"#);
        let sink = Sink::preset(preset);
        js("const pw = document.getElementById('pw'); pw.type = 'text'; pw.setAttribute('value', 'canary-toggle-2');");
        sleep(0).await;
        js("document.getElementById('pw').setAttribute('value', 'canary-toggle-3');");
        sleep(0).await;
        let json = sink.json();
        for secret in ["canary-toggle", "canary-toggle-2", "canary-toggle-3"] {
            assert!(
                !json.contains(secret),
                "{preset}: {secret} leaked after the type switch"
            );
        }
    }
}

#[wasm_bindgen_test]
fn unmask_and_custom_rules() {
    fixture(
        r#"<div id="a" class="private">canary-private <span id="u" data-tapedeck-unmask>visible text</span></div>
           <div id="b" class="box">canary-box</div><p id="sel" class="sensitive">canary-selector</p>
           <p id="keep" class="sensitive"><i class="open">shown</i></p>"#,
    );
    let sink = Sink::try_with(&[
        ("maskTextClass", "private".into()),
        ("blockClass", "box".into()),
        ("maskTextSelector", ".sensitive".into()),
        ("unmaskTextSelector", ".open".into()),
    ])
    .unwrap();
    let json = sink.json();
    for secret in ["canary-private", "canary-box", "canary-selector"] {
        assert!(!json.contains(secret), "{secret} leaked");
    }
    let events = sink.events();
    assert_eq!(
        text_of(by_id(&events, "u")),
        "visible text",
        "unmask inside mask"
    );
    assert_eq!(text_of(by_id(&events, "keep")), "shown");
    assert!(by_class(&events, "box")["attributes"]
        .get("rr_width")
        .is_some());
}

#[wasm_bindgen_test]
fn mask_functions_replace_the_default_masking_and_fail_closed() {
    fixture(r#"<input id="i" value="canary-fn"><p id="p" class="rr-mask">canary-text-fn</p>"#);
    let input_fn =
        js_sys::Function::new_with_args("text, el", "return '[' + el.id + ':' + text.length + ']'");
    let text_fn = js_sys::Function::new_with_args(
        "text, el",
        "return text.toUpperCase().replace(/[A-Z]/g, 'x')",
    );
    let sink = Sink::try_with(&[
        ("maskInputFn", input_fn.into()),
        ("maskTextFn", text_fn.into()),
    ])
    .unwrap();
    let events = sink.events();
    assert_eq!(by_id(&events, "i")["attributes"]["value"], "[i:9]");
    assert_eq!(text_of(by_id(&events, "p")), "xxxxxx-xxxx-xx");
    drop(sink);
    // A callback that throws or returns a non-string falls back to stars, never to the text.
    let throwing = js_sys::Function::new_with_args("text", "throw new Error('no')");
    let returns_number = js_sys::Function::new_with_args("text", "return 42");
    let sink = Sink::try_with(&[
        ("maskInputFn", throwing.into()),
        ("maskTextFn", returns_number.into()),
    ])
    .unwrap();
    let events = sink.events();
    assert_eq!(by_id(&events, "i")["attributes"]["value"], "*********");
    assert_eq!(text_of(by_id(&events, "p")), "**************");
}

#[wasm_bindgen_test]
fn invalid_selectors_are_errors_at_record() {
    let err = Sink::try_with(&[("blockSelector", "div[".into())])
        .err()
        .expect("an error");
    assert_eq!(
        err,
        "tapedeck: option `blockSelector` is not a valid CSS selector: \"div[\""
    );
    let err = Sink::try_with(&[("maskTextSelector", ">>>".into())])
        .err()
        .expect("an error");
    assert!(
        err.starts_with("tapedeck: option `maskTextSelector` is not a valid CSS selector"),
        "{err}"
    );
}

#[wasm_bindgen_test]
fn respect_do_not_track() {
    fixture("<p>x</p>");
    js("Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1', configurable: true });");
    let sink = Sink::try_with(&[("respectDoNotTrack", JsValue::TRUE)]).unwrap();
    assert!(!sink.recorder.recording());
    assert_eq!(sink.recorder.reason().as_deref(), Some("do-not-track"));
    assert_eq!(sink.events().len(), 0, "nothing recorded");
    drop(sink);
    let sink = Sink::try_with(&[]).unwrap();
    assert!(
        sink.recorder.recording(),
        "respectDoNotTrack is off by default"
    );
    assert_eq!(sink.recorder.reason(), None);
    drop(sink);
    js("delete Navigator.prototype.doNotTrack;
        Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });");
    let sink = Sink::try_with(&[("respectDoNotTrack", JsValue::TRUE)]).unwrap();
    assert!(
        !sink.recorder.recording(),
        "Global Privacy Control counts too"
    );
    drop(sink);
    js("delete Navigator.prototype.globalPrivacyControl;");
}

async fn wait_for_load(id: &str) {
    let frame = document().get_element_by_id(id).unwrap();
    let doc = frame
        .unchecked_ref::<web_sys::HtmlIFrameElement>()
        .content_document();
    if doc.is_some_and(|d| {
        d.ready_state() == "complete" && d.body().is_some_and(|b| b.child_element_count() > 0)
    }) {
        return;
    }
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        frame
            .add_event_listener_with_callback("load", &resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn iframes_and_shadow_roots_follow_the_rules_around_them() {
    for preset in PRESETS {
        fixture(
            r#"<div class="rr-mask"><iframe id="mf" srcdoc="<p id=t>canary-frame-text</p><form><input id=fi value=canary-frame-input></form>"></iframe></div>
               <iframe id="pf" srcdoc="<input id=pi type=password value=canary-frame-password>"></iframe>
               <div id="host" class="rr-mask"></div>"#,
        );
        js("document.getElementById('host').attachShadow({mode: 'open'}).innerHTML = '<p>canary-shadow-text</p><input type=password value=canary-shadow-password>';");
        wait_for_load("mf").await;
        wait_for_load("pf").await;
        let sink = Sink::preset(preset);
        js("const d = document.getElementById('mf').contentDocument; d.getElementById('t').firstChild.data = 'canary-frame-change';
            d.body.append('canary-frame-added');
            document.getElementById('host').shadowRoot.append('canary-shadow-added');");
        sleep(0).await;
        let json = sink.json();
        // Strict blocks iframes altogether; the others attach their documents, masked.
        assert_eq!(
            json.contains("isAttachIframe"),
            preset != "strict",
            "{preset}: frames attached"
        );
        for secret in [
            "canary-frame-text",
            "canary-frame-input",
            "canary-frame-password",
            "canary-shadow-text",
            "canary-shadow-password",
            "canary-frame-change",
            "canary-frame-added",
            "canary-shadow-added",
        ] {
            assert!(!json.contains(secret), "{preset}: {secret} leaked");
        }
    }
}
