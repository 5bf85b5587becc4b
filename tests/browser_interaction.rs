//! Browser tests of interaction recording: real DOM events dispatched at recorded fixtures,
//! checked as the exact rrweb events they produce. Run with `make test-browser`.
#![cfg(target_arch = "wasm32")]

use serde_json::{json, Value};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::*;

const MOUSE_MOVE: u64 = 1;
const MOUSE_INTERACTION: u64 = 2;
const SCROLL: u64 = 3;
const VIEWPORT_RESIZE: u64 = 4;
const INPUT: u64 = 5;
const MEDIA: u64 = 7;
const DRAG: u64 = 12;
const SELECTION: u64 = 14;

/// The shared fixture, with no selection left over from the previous test.
fn fixture(html: &str) {
    common::fixture(html);
    js("getSelection().removeAllRanges()");
}

impl Sink {
    /// The id the recording gave the element with `id=name`, in the snapshot or an iframe's
    /// attach event.
    fn id(&self, name: &str) -> u64 {
        let events = self.events();
        let mut roots: Vec<&Value> = events
            .iter()
            .filter(|e| e["type"] == 2)
            .map(|e| &e["data"]["node"])
            .collect();
        for e in &events {
            if let Some(adds) = e["data"]["adds"].as_array() {
                roots.extend(adds.iter().map(|a| &a["node"]));
            }
        }
        roots
            .into_iter()
            .rev()
            .find_map(|root| find_id(root, name))
            .unwrap_or_else(|| panic!("no element with id={name} in the recording"))
    }
}

/// The id of the element with `id=name` in one serialized tree.
fn find_id(root: &Value, name: &str) -> Option<u64> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n["attributes"]["id"] == name {
            return n["id"].as_u64();
        }
        if let Some(children) = n["childNodes"].as_array() {
            stack.extend(children.iter());
        }
    }
    None
}

/// Moves sent "at once" carry the time between the move and its flush (a millisecond or two
/// on a slow machine) as `timeOffset`: checked to be small and ≤ 0, then set to 0 so the rest
/// of the event can be compared exactly.
fn sent_at_once(mut data: Vec<Value>) -> Vec<Value> {
    for event in &mut data {
        for p in event["positions"].as_array_mut().into_iter().flatten() {
            let offset = p["timeOffset"].as_i64().unwrap();
            assert!((-20..=0).contains(&offset), "timeOffset {offset}");
            p["timeOffset"] = json!(0);
        }
    }
    data
}

fn mouse(kind: &str, id: &str, x: u32, y: u32) {
    js(&format!(
        "document.getElementById('{id}').dispatchEvent(new MouseEvent('{kind}', \
         {{clientX: {x}, clientY: {y}, bubbles: true, composed: true}}))"
    ));
}

#[wasm_bindgen_test]
async fn mouse_moves_are_sampled_and_sent_in_batches() {
    fixture(r#"<div id="pad" style="width:300px;height:100px"></div>"#);
    let sink = Sink::start();
    let pad = sink.id("pad");
    mouse("mousemove", "pad", 1, 2);
    // The first move goes out at once, alone.
    assert_eq!(
        sent_at_once(sink.data(MOUSE_MOVE)),
        [json!({"source": 1, "positions": [{"x": 1, "y": 2, "id": pad, "timeOffset": 0}]})]
    );
    // Within the 50 ms sampling interval: dropped.
    mouse("mousemove", "pad", 99, 99);
    for i in 0..4 {
        sleep(60).await;
        mouse("mousemove", "pad", 10 + i, 20);
    }
    assert_eq!(
        sink.data(MOUSE_MOVE).len(),
        1,
        "later moves wait for the flush"
    );
    sleep(500).await;
    let batches = sink.of(MOUSE_MOVE);
    assert_eq!(batches.len(), 2, "{batches:?}");
    let positions = batches[1]["data"]["positions"].as_array().unwrap();
    let xs: Vec<u64> = positions.iter().map(|p| p["x"].as_u64().unwrap()).collect();
    assert_eq!(xs, [10, 11, 12, 13], "one batch, sampled moves only");
    let offsets: Vec<i64> = positions
        .iter()
        .map(|p| p["timeOffset"].as_i64().unwrap())
        .collect();
    assert!(offsets.iter().all(|&o| o <= 0), "{offsets:?}");
    assert!(offsets.windows(2).all(|w| w[0] < w[1]), "{offsets:?}");
    assert!(positions.iter().all(|p| p["id"] == pad && p["y"] == 20));
}

#[wasm_bindgen_test]
async fn drag_moves_are_their_own_source_and_moves_can_be_off() {
    fixture(r#"<div id="pad" draggable="true">drag me</div>"#);
    let sink = Sink::with(json!({"sampling": {"mousemoveCallback": 100}}));
    let pad = sink.id("pad");
    js("document.getElementById('pad').dispatchEvent(new DragEvent('drag', {clientX: 5, clientY: 6, bubbles: true}))");
    assert_eq!(
        sent_at_once(sink.data(DRAG)),
        [json!({"source": 12, "positions": [{"x": 5, "y": 6, "id": pad, "timeOffset": 0}]})]
    );
    drop(sink);

    let sink = Sink::with(json!({"sampling": {"mousemove": false}}));
    mouse("mousemove", "pad", 1, 1);
    sleep(60).await;
    mouse("mousemove", "pad", 2, 2);
    sleep(600).await;
    assert!(sink.data(MOUSE_MOVE).is_empty());
}

#[wasm_bindgen_test]
fn presses_clicks_and_focus_with_rrweb_pointer_types() {
    fixture(r#"<button id="b">go</button><input id="i">"#);
    let sink = Sink::start();
    let b = sink.id("b");
    let i = sink.id("i");
    let pointer = |kind: &str, pointer_type: &str| {
        js(&format!(
            "document.getElementById('b').dispatchEvent(new PointerEvent('{kind}', \
             {{clientX: 3, clientY: 4, pointerType: '{pointer_type}', bubbles: true}}))"
        ));
    };
    pointer("pointerdown", "mouse");
    pointer("pointerup", "mouse");
    mouse("click", "b", 3, 4);
    pointer("pointerdown", "touch");
    pointer("pointerup", "touch");
    pointer("pointerdown", "pen");
    mouse("dblclick", "b", 3, 4);
    mouse("contextmenu", "b", 3, 4);
    // A mousedown is not listened to where PointerEvent exists (pointerdown covers it).
    mouse("mousedown", "b", 3, 4);
    js(
        "document.getElementById('i').dispatchEvent(new FocusEvent('focus'));
        document.getElementById('i').dispatchEvent(new FocusEvent('blur'));",
    );
    let at = |kind: u64, id: u64| json!({"source": 2, "type": kind, "id": id, "x": 3, "y": 4});
    let with_pointer = |kind: u64, pointer: u64| {
        let mut v = at(kind, b);
        v["pointerType"] = json!(pointer);
        v
    };
    assert_eq!(
        sink.data(MOUSE_INTERACTION),
        [
            at(1, b),
            at(0, b),
            with_pointer(2, 0),
            at(7, b),
            at(9, b),
            with_pointer(1, 1),
            at(4, b),
            at(3, b),
            json!({"source": 2, "type": 5, "id": i}),
            json!({"source": 2, "type": 6, "id": i}),
        ]
    );
}

#[wasm_bindgen_test]
fn mouse_interaction_can_be_off_and_unrecorded_nodes_are_skipped() {
    fixture(r#"<button id="b">go</button>"#);
    let sink = Sink::with(json!({"sampling": {"mouseInteraction": false}}));
    mouse("click", "b", 1, 1);
    assert!(sink.data(MOUSE_INTERACTION).is_empty());
    drop(sink);

    let sink = Sink::start();
    // Added after the snapshot: the replay does not have it, so nothing may point at it.
    js("const n = document.createElement('button'); n.id = 'late';
        document.getElementById('fixture').append(n);");
    mouse("click", "late", 1, 1);
    mouse("mousemove", "late", 1, 1);
    assert!(sink.data(MOUSE_INTERACTION).is_empty());
    assert!(sink.data(MOUSE_MOVE).is_empty());
}

#[wasm_bindgen_test]
async fn element_scrolls_are_throttled_and_end_at_the_final_position() {
    fixture(
        r#"<div id="box" style="height:50px;width:100px;overflow:scroll"><div style="height:2000px;width:500px"></div></div>"#,
    );
    let sink = Sink::start();
    let box_id = sink.id("box");
    js("const b = document.getElementById('box');
        for (let i = 1; i <= 10; i++) { b.scrollTop = i * 10; b.dispatchEvent(new Event('scroll')); }
        b.scrollLeft = 7;");
    sleep(250).await;
    let scrolls = sink.data(SCROLL);
    assert!(
        (1..=2).contains(&scrolls.len()),
        "10 scrolls in one window: {scrolls:?}"
    );
    assert_eq!(
        scrolls[0],
        json!({"source": 3, "id": box_id, "x": 0, "y": 10})
    );
    assert_eq!(
        scrolls.last().unwrap(),
        &json!({"source": 3, "id": box_id, "x": 7, "y": 100}),
        "the trailing run records the final position"
    );
}

#[wasm_bindgen_test]
async fn window_scroll_is_recorded_on_the_document() {
    fixture(r#"<div style="height:5000px">tall</div>"#);
    let sink = Sink::start();
    web_sys::window()
        .unwrap()
        .scroll_to_with_x_and_y(0.0, 120.0);
    sleep(250).await;
    assert_eq!(
        sink.data(SCROLL).last(),
        Some(&json!({"source": 3, "id": 1, "x": 0, "y": 120}))
    );
    web_sys::window().unwrap().scroll_to_with_x_and_y(0.0, 0.0);
}

#[wasm_bindgen_test]
async fn viewport_resize_reports_the_meta_size_once_per_change() {
    fixture("<p>x</p>");
    let sink = Sink::start();
    let meta = sink.events()[0]["data"].clone();
    js("dispatchEvent(new Event('resize')); dispatchEvent(new Event('resize'));");
    sleep(300).await;
    assert_eq!(
        sink.data(VIEWPORT_RESIZE),
        [json!({"source": 4, "width": meta["width"], "height": meta["height"]})],
        "the trailing run sees the same size and stays quiet"
    );
}

#[wasm_bindgen_test]
fn user_and_scripted_input_is_masked_and_deduplicated() {
    fixture(
        r#"<input id="t" value="ab"><textarea id="ta"></textarea>
        <select id="s"><option value="one">1</option><optgroup><option id="o2" value="three">3</option></optgroup></select>
        <input id="c" type="checkbox">"#,
    );
    // The browser's own setter: a user's typing changes the value without the page's setters.
    js("window.__nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;");
    let sink = Sink::start();
    let (t, ta, s, c) = (sink.id("t"), sink.id("ta"), sink.id("s"), sink.id("c"));
    js("const t = document.getElementById('t');
        __nativeValue.call(t, 'secret');
        t.dispatchEvent(new Event('input', {bubbles: true}));
        t.dispatchEvent(new Event('change', {bubbles: true}));");
    js("document.getElementById('t').value = 'hello';
        document.getElementById('t').value = 'hello';
        document.getElementById('ta').value = 'multi\\nline';
        document.getElementById('s').selectedIndex = 1;
        document.getElementById('s').value = 'one';
        document.getElementById('o2').selected = true;
        document.getElementById('c').checked = true;");
    let input = |id: u64, text: &str, checked: bool| json!({"source": 5, "text": text, "isChecked": checked, "id": id});
    assert_eq!(
        sink.data(INPUT),
        [
            input(t, "******", false),
            input(t, "*****", false),
            input(ta, "**********", false),
            input(s, "*****", false),
            input(s, "***", false),
            input(s, "*****", false),
            input(c, "**", true),
        ]
    );
    // The snapshot records markup (an option's value attribute); input events never carry
    // a value the privacy engine did not pass.
    let all = serde_json::to_string(&sink.data(INPUT)).unwrap();
    for secret in ["secret", "hello", "multi", "three", "one", "on"] {
        assert!(!all.contains(&format!("\"{secret}")), "{secret} leaked");
    }
}

#[wasm_bindgen_test]
fn checking_a_radio_unchecks_its_group_only() {
    fixture(
        r#"<form><input type="radio" name="r" id="r1" value="a" checked><input type="radio" name="r" id="r2" value="bb"></form>
        <form><input type="radio" name="r" id="r3" value="c" checked></form>
        <input type="radio" name="r" id="r4" value="d">"#,
    );
    let sink = Sink::start();
    let (r1, r2) = (sink.id("r1"), sink.id("r2"));
    js("document.getElementById('r2').checked = true;");
    assert_eq!(
        sink.data(INPUT),
        [
            json!({"source": 5, "text": "**", "isChecked": true, "id": r2}),
            json!({"source": 5, "text": "*", "isChecked": false, "id": r1}),
        ]
    );
}

#[wasm_bindgen_test]
fn input_sampling_last_records_only_change() {
    fixture(r#"<input id="t">"#);
    js("window.__nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;");
    let sink = Sink::with(json!({"sampling": {"input": "last"}}));
    let t = sink.id("t");
    js("const t = document.getElementById('t');
        __nativeValue.call(t, 'abc');
        t.dispatchEvent(new Event('input', {bubbles: true}));");
    assert!(sink.data(INPUT).is_empty());
    js("document.getElementById('t').dispatchEvent(new Event('change', {bubbles: true}));");
    assert_eq!(
        sink.data(INPUT),
        [json!({"source": 5, "text": "***", "isChecked": false, "id": t})]
    );
}

#[wasm_bindgen_test]
async fn media_events_carry_the_playback_state_and_are_throttled() {
    fixture(r#"<video id="v" loop></video><audio id="a"></audio>"#);
    let sink = Sink::with(json!({"sampling": {"media": 100}}));
    let (v, a) = (sink.id("v"), sink.id("a"));
    js("const v = document.getElementById('v');
        v.playbackRate = 2;
        v.dispatchEvent(new Event('play'));
        v.dispatchEvent(new Event('pause'));
        v.dispatchEvent(new Event('pause'));
        v.muted = true;
        v.dispatchEvent(new Event('pause'));
        document.getElementById('a').dispatchEvent(new Event('seeked'));");
    sleep(250).await;
    let state = |kind: u64, id: u64, muted: bool, rate: u64, looped: bool| {
        json!({"source": 7, "type": kind, "id": id, "currentTime": 0, "volume": 1,
               "muted": muted, "playbackRate": rate, "loop": looped})
    };
    // The ratechange and volumechange the property sets fire are real events, queued as
    // tasks: they come after the synchronous dispatches and before the throttle's timer.
    assert_eq!(
        sink.data(MEDIA),
        [
            state(0, v, false, 2, true),
            state(1, v, false, 2, true),
            state(2, a, false, 1, false),
            state(4, v, true, 2, true),
            state(3, v, true, 2, true),
            // Three pauses in one window: the leading one and one trailing run, which reads
            // the state as it is when it runs.
            state(1, v, true, 2, true),
        ]
    );
}

#[wasm_bindgen_test]
async fn selections_are_recorded_as_node_ids() {
    fixture(r#"<p id="p">hello world</p><p id="q">more</p>"#);
    let sink = Sink::start();
    let p_text = sink.id("p") + 1;
    let q_text = sink.id("q") + 1;
    js("const a = document.getElementById('p').firstChild, b = document.getElementById('q').firstChild;
        getSelection().setBaseAndExtent(a, 1, b, 3);");
    sleep(50).await;
    js("getSelection().collapse(document.getElementById('p').firstChild, 2);");
    sleep(50).await;
    js("getSelection().collapse(document.getElementById('p').firstChild, 4);");
    sleep(50).await;
    assert_eq!(
        sink.data(SELECTION),
        [
            json!({"source": 14, "ranges": [{"start": p_text, "startOffset": 1, "end": q_text, "endOffset": 3}]}),
            json!({"source": 14, "ranges": [{"start": p_text, "startOffset": 2, "end": p_text, "endOffset": 2}]}),
        ],
        "the second caret is not recorded"
    );
    js("getSelection().removeAllRanges()");
}

#[wasm_bindgen_test]
fn the_initial_selection_is_recorded_once_even_with_checkout_every_event() {
    fixture(r#"<p id="p">hello</p>"#);
    js("getSelection().selectAllChildren(document.getElementById('p'));");
    let sink = Sink::with(json!({"checkoutEveryNth": 1}));
    // The selection belongs to the first snapshot, before the checkout renumbered the page.
    let p = find_id(&sink.events()[1]["data"]["node"], "p").unwrap();
    let kinds: Vec<u64> = sink
        .events()
        .iter()
        .map(|e| e["type"].as_u64().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [4, 2, 3, 4, 2],
        "selection, then the checkout it triggers"
    );
    assert_eq!(
        sink.data(SELECTION),
        [
            json!({"source": 14, "ranges": [{"start": p, "startOffset": 0, "end": p, "endOffset": 1}]})
        ]
    );
    drop(sink);
    js("getSelection().removeAllRanges()");
}

#[wasm_bindgen_test]
async fn shadow_dom_targets_resolve_to_their_own_ids() {
    fixture(r#"<div id="host"></div>"#);
    js("const s = document.getElementById('host').attachShadow({mode: 'open'});
        s.innerHTML = '<button id=\"sb\">in</button><input id=\"si\">' +
          '<div id=\"sbox\" style=\"height:20px;overflow:scroll\"><div style=\"height:500px\"></div></div>';");
    js("window.__nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;");
    let sink = Sink::with(json!({"sampling": {"scroll": 50}}));
    let (sb, si, sbox) = (sink.id("sb"), sink.id("si"), sink.id("sbox"));
    js("const s = document.getElementById('host').shadowRoot;
        s.getElementById('sb').dispatchEvent(new MouseEvent('click', {clientX: 1, clientY: 2, bubbles: true, composed: true}));
        s.getElementById('si').value = 'xy';
        s.getElementById('si').dispatchEvent(new Event('change', {bubbles: true}));
        s.getElementById('sbox').scrollTop = 30;
        s.getElementById('sbox').dispatchEvent(new Event('scroll'));");
    assert_eq!(
        sink.data(MOUSE_INTERACTION),
        [json!({"source": 2, "type": 2, "id": sb, "x": 1, "y": 2})]
    );
    assert_eq!(
        sink.data(INPUT),
        [json!({"source": 5, "text": "**", "isChecked": false, "id": si})]
    );
    assert_eq!(
        sink.data(SCROLL),
        [json!({"source": 3, "id": sbox, "x": 0, "y": 30})]
    );
    // A scripted `input` event that is not composed stops at the shadow root: the root's
    // own listener records it. (The value is set with the browser's own setter, as typing does.)
    js(
        "const i = document.getElementById('host').shadowRoot.getElementById('si');
        __nativeValue.call(i, 'xyz');
        i.dispatchEvent(new Event('input', {bubbles: true}));",
    );
    assert_eq!(
        sink.data(INPUT).last(),
        Some(&json!({"source": 5, "text": "***", "isChecked": false, "id": si}))
    );
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
async fn same_origin_iframes_record_their_own_events_and_setters() {
    fixture(
        r#"<iframe id="f" srcdoc="<!doctype html><button id=fb>in</button><input id=fi><div style='height:3000px'></div>"></iframe>"#,
    );
    let frame = document().get_element_by_id("f").unwrap();
    next_load(&frame).await;
    js(
        "window.__frameSetter = () => Object.getOwnPropertyDescriptor(
          document.getElementById('f').contentWindow.HTMLInputElement.prototype, 'value').set;
        window.__frameSetterBefore = __frameSetter();",
    );
    let mut sink = Sink::start();
    let (fb, fi) = (sink.id("fb"), sink.id("fi"));
    let frame_doc = sink.events()[2]["data"]["adds"][0]["node"]["id"]
        .as_u64()
        .unwrap();
    js("const d = document.getElementById('f').contentDocument;
        d.getElementById('fb').dispatchEvent(new d.defaultView.MouseEvent('click', {clientX: 8, clientY: 9, bubbles: true}));
        d.getElementById('fi').value = 'abcd';
        d.defaultView.scrollTo(0, 40);");
    sleep(250).await;
    assert_eq!(
        sink.data(MOUSE_INTERACTION),
        [json!({"source": 2, "type": 2, "id": fb, "x": 8, "y": 9})]
    );
    assert_eq!(
        sink.data(INPUT),
        [json!({"source": 5, "text": "****", "isChecked": false, "id": fi})]
    );
    assert_eq!(
        sink.data(SCROLL),
        [json!({"source": 3, "id": frame_doc, "x": 0, "y": 40})]
    );
    assert_eq!(js("return __frameSetter() !== __frameSetterBefore"), true);
    let _ = sink.recorder.stop();
    assert_eq!(
        js("return __frameSetter() === __frameSetterBefore"),
        true,
        "stop() restores the iframe's own prototypes"
    );
}

#[wasm_bindgen_test]
async fn a_checkout_sends_buffered_moves_first_and_watches_roots_once() {
    fixture(r#"<div id="pad">x</div><div id="host"></div>"#);
    js("document.getElementById('host').attachShadow({mode: 'open'}).innerHTML =
        '<div id=\"sbox\" style=\"height:20px;overflow:scroll\"><div style=\"height:500px\"></div></div>';");
    let sink = Sink::start();
    let pad = sink.id("pad");
    mouse("mousemove", "pad", 1, 1);
    sleep(60).await;
    mouse("mousemove", "pad", 2, 2);
    sink.recorder.take_full_snapshot();
    sink.recorder.take_full_snapshot();
    let kinds: Vec<(u64, u64)> = sink
        .events()
        .iter()
        .map(|e| {
            (
                e["type"].as_u64().unwrap(),
                e["data"]["source"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (4, 99),
            (2, 99),
            (3, 1),
            (3, 1),
            (4, 99),
            (2, 99),
            (4, 99),
            (2, 99)
        ]
    );
    assert_eq!(sink.data(MOUSE_MOVE)[1]["positions"][0]["id"], pad);
    // Watched once, not once per snapshot: a second scroll listener on the shadow root would
    // arm a trailing run and send a second event.
    let sbox = sink.id("sbox");
    js(
        "document.getElementById('host').shadowRoot.getElementById('sbox')
        .dispatchEvent(new Event('scroll'));",
    );
    sleep(600).await;
    assert_eq!(
        sink.data(SCROLL),
        [json!({"source": 3, "id": sbox, "x": 0, "y": 0})]
    );
    assert_eq!(sink.data(MOUSE_MOVE).len(), 2, "nothing left to flush");
}

#[wasm_bindgen_test]
async fn stop_removes_every_listener_timer_and_patch() {
    fixture(
        r#"<div id="pad">x</div><input id="t"><select id="s"><option>a</option><option>b</option></select>
        <div id="box" style="height:20px;overflow:scroll"><div style="height:500px"></div></div>"#,
    );
    let setters = "[[HTMLInputElement, 'value'], [HTMLInputElement, 'checked'],
        [HTMLTextAreaElement, 'value'], [HTMLSelectElement, 'value'],
        [HTMLSelectElement, 'selectedIndex'], [HTMLOptionElement, 'selected']]
        .map(([c, p]) => Object.getOwnPropertyDescriptor(c.prototype, p).set)";
    js(&format!("window.__settersBefore = {setters};"));
    let mut sink = Sink::start();
    assert_eq!(
        js(&format!(
            "return {setters}.every((s, i) => s !== __settersBefore[i])"
        )),
        true,
        "every setter is hooked while recording"
    );
    mouse("mousemove", "pad", 1, 1);
    sleep(60).await;
    // Buffered, with the flush timer armed; a scroll's trailing timer armed too.
    mouse("mousemove", "pad", 2, 2);
    js("const b = document.getElementById('box');
        b.scrollTop = 5; b.dispatchEvent(new Event('scroll'));
        b.scrollTop = 9; b.dispatchEvent(new Event('scroll'));");
    let _ = sink.recorder.stop();
    // stop() emits the buffered move before it returns; nothing comes after it.
    let moves = sink.data(MOUSE_MOVE);
    assert_eq!(moves.last().unwrap()["positions"][0]["x"], 2, "{moves:?}");
    let before = sink.events().len();
    assert_eq!(
        js(&format!(
            "return {setters}.every((s, i) => s === __settersBefore[i])"
        )),
        true,
        "stop() puts the browser's own setters back"
    );
    js("document.getElementById('t').value = 'x';
        document.getElementById('s').selectedIndex = 1;
        document.getElementById('t').dispatchEvent(new Event('input', {bubbles: true}));
        dispatchEvent(new Event('resize'));
        getSelection().selectAllChildren(document.getElementById('pad'));");
    mouse("click", "pad", 1, 1);
    mouse("mousemove", "pad", 3, 3);
    sleep(600).await;
    assert_eq!(sink.events().len(), before, "no event after stop()");
    js("getSelection().removeAllRanges()");
}
