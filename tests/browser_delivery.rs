//! Browser tests of delivery against a scripted `fetch`: envelopes, batching, retries with
//! backoff and Retry-After, 413 splitting, rejections, persistence across recorders (as across
//! reloads), the queue budget, sampling, minimum duration and unload. Every test checks that
//! each recorded event reaches the endpoint exactly once, in order.
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use std::collections::BTreeMap;
use tapedeck::web::{record, RecordOptions, Recorder};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::*;

/// Replaces `fetch` with a recorder of requests that answers from a script of responses.
fn install_mock() {
    js(r#"
      if (!window.__realFetch) window.__realFetch = window.fetch;
      window.__mock = { requests: [], script: [], fallback: { status: 200 } };
      window.fetch = async function (url, init) {
        const bytes = new Uint8Array(init.body);
        const encoding = new URL(url).searchParams.get('encoding');
        const text = encoding === 'gzip'
          ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text()
          : new TextDecoder().decode(bytes);
        const answer = window.__mock.script.length ? window.__mock.script.shift() : window.__mock.fallback;
        const size = JSON.parse(text).events.length;
        const status = typeof answer.status === 'function' ? answer.status(size) : answer.status;
        window.__mock.requests.push({
          url, status, keepalive: !!init.keepalive, bytes: bytes.length,
          headers: Object.fromEntries(new Headers(init.headers)), envelope: JSON.parse(text),
        });
        if (answer.networkError) throw new TypeError('Failed to fetch');
        return new Response('{}', { status, headers: answer.headers || {} });
      };
      window.__beacons = [];
      navigator.sendBeacon = (url, data) => { window.__beacons.push(url); return true; };
    "#);
}

fn script(json: &str) {
    js(&format!("window.__mock.script.push(...{json});"));
}

fn requests() -> Vec<Value> {
    let text = js("return JSON.stringify(window.__mock.requests)")
        .as_string()
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Events the endpoint accepted, by (window, index), as the collector would store them.
fn delivered() -> BTreeMap<(String, u64), Value> {
    let mut out = BTreeMap::new();
    for r in requests() {
        let status = r["status"].as_u64().unwrap();
        if !(200..300).contains(&status) {
            continue;
        }
        let e = &r["envelope"];
        let window = e["windowId"].as_str().unwrap().to_string();
        let seq = e["seq"].as_u64().unwrap();
        let version = e["v"].as_u64().unwrap();
        for (i, event) in e["events"].as_array().unwrap().iter().enumerate() {
            // v2 and v3 leave out implied numbers: restore them as the collector does.
            let event = if version >= 2 {
                let text = serde_json::to_string(event).unwrap();
                serde_json::from_str(&tapedeck::wire::restore(&text, version).unwrap()).unwrap()
            } else {
                event.clone()
            };
            out.insert((window.clone(), seq + i as u64), event);
        }
    }
    out
}

/// A recorder sending to `endpoint` (each test its own, so stored state does not mix), also
/// emitting into an array so delivered events can be compared with recorded ones.
fn start(endpoint: &str, extra: &[(&str, JsValue)]) -> (Recorder, js_sys::Array) {
    let events = js_sys::Array::new();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"endpoint".into(), &endpoint.into()).unwrap();
    let push = js_sys::Function::new_with_args("e", "this.push(JSON.stringify(e))").bind0(&events);
    js_sys::Reflect::set(&options, &"emit".into(), &push).unwrap();
    js_sys::Reflect::set(&options, &"flushIntervalMs".into(), &JsValue::from(100)).unwrap();
    for (k, v) in extra {
        js_sys::Reflect::set(&options, &(*k).into(), v).unwrap();
    }
    let recorder = record(options.unchecked_into::<RecordOptions>()).unwrap();
    (recorder, events)
}

fn recorded(events: &js_sys::Array) -> Vec<Value> {
    events
        .iter()
        .map(|e| serde_json::from_str(&e.as_string().unwrap()).unwrap())
        .collect()
}

fn clear_storage() {
    js("localStorage.clear(); sessionStorage.clear();");
}

async fn flush(recorder: &Recorder) {
    JsFuture::from(recorder.flush()).await.unwrap();
}

fn mutate(n: u32) {
    js(&format!(
        "for (let i = 0; i < {n}; i++) {{ const p = document.createElement('p'); p.textContent = 'row ' + i; document.getElementById('fixture').append(p); }}"
    ));
}

/// Every recorded event was delivered exactly once and in recording order.
fn assert_all_delivered(events: &js_sys::Array) {
    let got: Vec<Value> = delivered().into_values().collect();
    let want = recorded(events);
    assert_eq!(
        got.len(),
        want.len(),
        "delivered {} of {} events",
        got.len(),
        want.len()
    );
    assert_eq!(got, want, "delivered events differ from recorded ones");
}

/// An `onError` callback that collects each error's `kind`, and the array it fills.
fn error_kinds() -> (js_sys::Array, JsValue) {
    let errors = js_sys::Array::new();
    let on_error = js_sys::Function::new_with_args("e", "this.push(e.kind)").bind0(&errors);
    (errors, on_error.into())
}

#[wasm_bindgen_test]
async fn batches_carry_the_envelope_and_every_event_once_in_order() {
    clear_storage();
    install_mock();
    fixture("<p>start</p>");
    let (mut recorder, events) = start(
        "/ingest-a",
        &[("headers", js("return {'X-Api-Key': 'k1'}"))],
    );
    flush(&recorder).await;
    mutate(3);
    sleep(0).await;
    mutate(2);
    sleep(0).await;
    flush(&recorder).await;
    let reqs = requests();
    assert!(reqs.len() >= 2, "{} requests", reqs.len());
    let first = &reqs[0];
    let url = first["url"].as_str().unwrap();
    assert!(url.ends_with("/ingest-a?v=3&encoding=gzip"), "{url}");
    assert!(
        url.starts_with("http://127.0.0.1"),
        "relative endpoints resolve against the page"
    );
    assert_eq!(first["headers"]["content-type"], "text/plain;charset=UTF-8");
    assert_eq!(first["headers"]["x-api-key"], "k1");
    assert!(!first["keepalive"].as_bool().unwrap());
    let e = &first["envelope"];
    assert_eq!(e["v"], 3);
    let snapshot = serde_json::to_string(&e["events"][1]).unwrap();
    assert!(
        !snapshot.contains(r#""id":2,"#) && snapshot.contains(r#""tagName":"html""#),
        "node ids implied on the wire: {snapshot}"
    );
    assert_eq!(e["seq"], 0);
    assert!(e["sessionId"].as_str().unwrap().starts_with("s-"));
    assert!(e["windowId"].as_str().unwrap().starts_with("w-"));
    assert_eq!(
        e["events"][0]["type"], 4,
        "the first batch starts with Meta + FullSnapshot"
    );
    assert_eq!(e["events"][1]["type"], 2);
    assert!(
        first["bytes"].as_u64().unwrap() < serde_json::to_string(e).unwrap().len() as u64,
        "gzip"
    );
    assert_all_delivered(&events);
    JsFuture::from(recorder.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn failures_are_retried_with_backoff_and_retry_after() {
    clear_storage();
    install_mock();
    script(
        r#"[{status: 503, headers: {'Retry-After': '0'}}, {status: 500}, {networkError: true, status: 0}, {status: 429, headers: {'Retry-After': '1'}}]"#,
    );
    fixture("<p>x</p>");
    let (mut recorder, events) = start("/ingest-b", &[]);
    mutate(2);
    for _ in 0..80 {
        sleep(100).await;
        if js("return window.__mock.script.length").as_f64() == Some(0.0) && !delivered().is_empty()
        {
            break;
        }
    }
    flush(&recorder).await;
    let statuses: Vec<u64> = requests()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(&statuses[..4], &[503, 500, 0, 429]);
    assert!(statuses[4..].iter().all(|s| *s == 200));
    assert_all_delivered(&events);
    JsFuture::from(recorder.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn too_large_batches_are_split_and_rejected_ones_reported() {
    clear_storage();
    install_mock();
    js("window.__mock.fallback = { status: (n) => n > 3 ? 413 : 200 };");
    fixture("<p>x</p>");
    let errors = js_sys::Array::new();
    let on_error =
        js_sys::Function::new_with_args("e", "this.push(e.kind + ':' + e.status)").bind0(&errors);
    let (mut recorder, events) = start("/ingest-c", &[("onError", on_error.into())]);
    for _ in 0..4 {
        mutate(2);
        sleep(0).await;
    }
    flush(&recorder).await;
    assert!(
        requests().iter().any(|r| r["status"] == 413),
        "some batch was too large"
    );
    assert_all_delivered(&events);
    assert_eq!(errors.length(), 0);
    // A 400 drops the batch (retrying cannot help) and tells onError.
    js("window.__mock.fallback = { status: 200 }; window.__mock.script.push({status: 400});");
    mutate(1);
    sleep(0).await;
    flush(&recorder).await;
    assert_eq!(errors.get(0).as_string().as_deref(), Some("rejected:400"));
    JsFuture::from(recorder.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn undelivered_batches_survive_into_the_next_recorder_with_their_indices() {
    clear_storage();
    install_mock();
    js("window.__mock.fallback = { status: 0, networkError: true };");
    fixture("<p>x</p>");
    let (mut first, first_events) = start("/ingest-d", &[]);
    mutate(2);
    sleep(0).await;
    flush(&first).await;
    JsFuture::from(first.stop()).await.unwrap();
    assert!(delivered().is_empty());
    let stored = js("return Object.keys(localStorage).filter(k => k.includes(':b:')).length")
        .as_f64()
        .unwrap();
    assert!(stored >= 1.0, "undelivered batches are stored");
    // "Reload": a new recorder for the same endpoint in the same tab.
    js("window.__mock.fallback = { status: 200 }; window.__mock.requests = [];");
    let (mut second, second_events) = start("/ingest-d", &[]);
    flush(&second).await;
    sleep(50).await;
    flush(&second).await;
    let got = delivered();
    let first_recorded = recorded(&first_events);
    let second_recorded = recorded(&second_events);
    assert_eq!(got.len(), first_recorded.len() + second_recorded.len());
    let all: Vec<Value> = got.values().cloned().collect();
    assert_eq!(
        &all[..first_recorded.len()],
        &first_recorded[..],
        "the first page's events, in order, first"
    );
    assert_eq!(&all[first_recorded.len()..], &second_recorded[..]);
    let sessions: std::collections::BTreeSet<String> = requests()
        .iter()
        .map(|r| r["envelope"]["sessionId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sessions.len(), 1, "the session survives the reload");
    let stored = js("return Object.keys(localStorage).filter(k => k.includes(':b:')).length")
        .as_f64()
        .unwrap();
    assert_eq!(stored, 0.0, "delivered batches leave storage");
    JsFuture::from(second.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_expired_session_starts_anew_and_a_recent_one_continues() {
    clear_storage();
    install_mock();
    fixture("<p>x</p>");
    let (mut r1, _) = start("/ingest-e", &[]);
    flush(&r1).await;
    JsFuture::from(r1.stop()).await.unwrap();
    let id1 = requests()[0]["envelope"]["sessionId"]
        .as_str()
        .unwrap()
        .to_string();
    // Age the stored session past 30 idle minutes.
    js(
        "for (const k of Object.keys(sessionStorage)) if (k.endsWith(':session')) {
          const [id, start, last, sampled] = sessionStorage.getItem(k).split('|');
          sessionStorage.setItem(k, [id, start - 3600000, last - 31 * 60000, sampled].join('|'));
        }
        window.__mock.requests = [];",
    );
    let (mut r2, _) = start("/ingest-e", &[]);
    flush(&r2).await;
    JsFuture::from(r2.stop()).await.unwrap();
    let id2 = requests()[0]["envelope"]["sessionId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(id1, id2, "a new session after 30 idle minutes");
    js("window.__mock.requests = [];");
    let (mut r3, _) = start("/ingest-e", &[]);
    flush(&r3).await;
    JsFuture::from(r3.stop()).await.unwrap();
    assert_eq!(
        requests()[0]["envelope"]["sessionId"].as_str().unwrap(),
        id2,
        "a recent session continues"
    );
}

#[wasm_bindgen_test]
async fn the_queue_budget_drops_oldest_data_never_silently() {
    clear_storage();
    install_mock();
    js("window.__mock.fallback = { status: 0, networkError: true };");
    fixture("<p>x</p>");
    let (errors, on_error) = error_kinds();
    let (mut recorder, events) = start(
        "/ingest-f",
        &[
            ("maxQueueBytes", JsValue::from(20_000)),
            ("maxBatchBytes", JsValue::from(4_000)),
            ("onError", on_error),
        ],
    );
    for _ in 0..6 {
        mutate(40);
        sleep(120).await;
    }
    flush(&recorder).await;
    assert_eq!(errors.get(0).as_string().as_deref(), Some("dropped"));
    let recorded = recorded(&events);
    let dropped_at = recorded
        .iter()
        .position(|e| e["type"] == 5 && e["data"]["tag"] == "tapedeck/dropped")
        .expect("a Custom event records the drop");
    assert_eq!(
        recorded[dropped_at - 2]["type"],
        4,
        "a fresh Meta + FullSnapshot precede it"
    );
    assert_eq!(recorded[dropped_at - 1]["type"], 2);
    assert_eq!(
        recorded[dropped_at]["data"]["payload"]["reason"],
        "queue-full"
    );
    assert!(
        recorded[dropped_at]["data"]["payload"]["events"]
            .as_u64()
            .unwrap()
            > 0
    );
    let stored: f64 = js("return Object.keys(localStorage).filter(k => k.includes(':b:')).map(k => localStorage.getItem(k).length).reduce((a, b) => a + b, 0)").as_f64().unwrap();
    // The budget stretches to twice the newest full snapshot (never dropped for its size).
    let snapshot = recorded.iter().rev().find(|e| e["type"] == 2).unwrap();
    let budget = 20_000.max(2 * (snapshot.to_string().len() + 1)) + 4_000;
    assert!(
        stored <= budget as f64,
        "storage stays within the budget ({budget}): {stored}"
    );
    JsFuture::from(recorder.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_snapshot_larger_than_the_queue_budget_is_sent_not_dropped_in_a_loop() {
    clear_storage();
    install_mock();
    fixture(&"<p>a paragraph of page text, repeated to make a large snapshot</p>".repeat(400));
    let (errors, on_error) = error_kinds();
    let (mut recorder, events) = start(
        "/ingest-big",
        &[
            ("maxQueueBytes", JsValue::from(10_000)),
            ("maxBatchBytes", JsValue::from(4_000)),
            ("onError", on_error),
        ],
    );
    sleep(300).await;
    flush(&recorder).await;
    let recorded = recorded(&events);
    let snapshots = recorded.iter().filter(|e| e["type"] == 2).count();
    assert_eq!(
        snapshots, 1,
        "one full snapshot, not a drop-and-retake loop"
    );
    assert_eq!(errors.length(), 0, "nothing dropped");
    assert_all_delivered(&events);
    JsFuture::from(recorder.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn implied_ids_off_sends_protocol_v1_in_full() {
    clear_storage();
    install_mock();
    fixture("<p>full</p>");
    let (mut recorder, events) = start("/ingest-v1", &[("impliedIds", JsValue::FALSE)]);
    mutate(2);
    sleep(0).await;
    flush(&recorder).await;
    let reqs = requests();
    let url = reqs[0]["url"].as_str().unwrap();
    assert!(url.ends_with("/ingest-v1?v=1&encoding=gzip"), "{url}");
    for r in &reqs {
        assert_eq!(r["envelope"]["v"], 1);
    }
    // Every event on the wire is exactly the one `emit` received.
    let sent: Vec<Value> = reqs
        .iter()
        .flat_map(|r| r["envelope"]["events"].as_array().unwrap().clone())
        .collect();
    assert_eq!(sent, recorded(&events));
    JsFuture::from(recorder.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn sampling_and_minimum_duration() {
    clear_storage();
    install_mock();
    fixture("<p>x</p>");
    let (r, _) = start("/ingest-g", &[("sampleRate", JsValue::from(0))]);
    assert!(!r.recording());
    assert_eq!(r.reason().as_deref(), Some("sampled-out"));
    let (r2, _) = start("/ingest-g", &[("sampleRate", JsValue::from(1))]);
    assert!(!r2.recording(), "the decision is sticky for the session");
    let (mut r3, events) = start("/ingest-h", &[("minimumDurationMs", JsValue::from(700))]);
    sleep(300).await;
    assert!(requests().is_empty(), "nothing before the minimum duration");
    sleep(700).await;
    flush(&r3).await;
    assert_all_delivered(&events);
    JsFuture::from(r3.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn hiding_the_page_sends_with_keepalive_and_without_custom_headers() {
    clear_storage();
    install_mock();
    js("window.__mock.fallback = { status: 0, networkError: true };");
    fixture("<p>x</p>");
    let (mut recorder, events) = start(
        "/ingest-i",
        &[
            ("headers", js("return {'X-Api-Key': 'k'}")),
            ("compression", "none".into()),
        ],
    );
    sleep(50).await;
    js("window.__mock.fallback = { status: 200 }; window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: false}));");
    sleep(50).await;
    let keepalive: Vec<Value> = requests()
        .into_iter()
        .filter(|r| r["keepalive"] == true)
        .collect();
    assert!(!keepalive.is_empty(), "unload requests use keepalive");
    for r in &keepalive {
        assert!(
            r["headers"].get("x-api-key").is_none(),
            "no custom headers on unload (CORS-simple)"
        );
        assert!(r["url"].as_str().unwrap().ends_with("encoding=none"));
        assert!(r["bytes"].as_u64().unwrap() <= 60 * 1024);
    }
    flush(&recorder).await;
    assert_all_delivered(&events);
    JsFuture::from(recorder.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_large_snapshot_is_compressed_across_tasks_and_delivered_whole() {
    clear_storage();
    install_mock();
    // A snapshot batch well over the size compressed in slices (256 KB).
    js("const f = document.createElement('div'); f.id = 'big';
        f.innerHTML = Array.from({length: 5000}, (_, i) => `<p class=row title=\"t${i}\">row ${i} ${'x'.repeat(i % 50)}</p>`).join('');
        document.getElementById('fixture')?.remove(); document.body.append(f);");
    let (mut recorder, events) = start("/ingest-large", &[]);
    for _ in 0..100 {
        sleep(50).await;
        if !requests().is_empty() {
            break;
        }
    }
    flush(&recorder).await;
    let reqs = requests();
    let size = |r: &Value| serde_json::to_string(&r["envelope"]).unwrap().len() as u64;
    let large = reqs.iter().max_by_key(|r| size(r)).unwrap();
    assert!(large["url"].as_str().unwrap().ends_with("encoding=gzip"));
    let json_len = size(large);
    assert!(json_len > 300_000, "a large batch ({json_len} bytes)");
    assert!(large["bytes"].as_u64().unwrap() < json_len / 4, "gzip");
    assert_eq!(
        large["envelope"]["events"][0]["type"], 2,
        "the FullSnapshot"
    );
    assert_all_delivered(&events);
    js("document.getElementById('big').remove();");
    JsFuture::from(recorder.stop()).await.unwrap();
}

/// A recorder sending to `endpoint` with no `emit`: the path where large events are handed to
/// JS in slices or parts and copied back whole for the endpoint alone.
fn start_without_emit(endpoint: &str) -> Recorder {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"endpoint".into(), &endpoint.into()).unwrap();
    js_sys::Reflect::set(&options, &"flushIntervalMs".into(), &JsValue::from(100)).unwrap();
    record(options.unchecked_into::<RecordOptions>()).unwrap()
}

/// Every node of a restored node tree, in pre-order.
fn nodes_of(node: &Value, out: &mut Vec<Value>) {
    out.push(node.clone());
    for child in node["childNodes"].as_array().into_iter().flatten() {
        nodes_of(child, out);
    }
}

#[wasm_bindgen_test]
async fn without_emit_large_events_reach_the_endpoint_whole() {
    clear_storage();
    install_mock();
    js("const f = document.createElement('div'); f.id = 'big';
        f.innerHTML = Array.from({length: 5000}, (_, i) => `<p class=row>row ${i} é ${'x'.repeat(i % 50)}</p>`).join('');
        document.getElementById('fixture')?.remove(); document.body.append(f);");
    let mut recorder = start_without_emit("/ingest-wire");
    for _ in 0..100 {
        sleep(50).await;
        if !requests().is_empty() {
            break;
        }
    }
    flush(&recorder).await;
    // A mutation large enough to be written in parts (64 KB each).
    js("const g = document.createElement('section'); g.id = 'added';
        for (let i = 0; i < 3000; i++) { const p = document.createElement('p'); p.textContent = 'added ' + i + ' 😀 ' + 'y'.repeat(i % 40); g.append(p); }
        document.body.append(g);");
    sleep(0).await;
    flush(&recorder).await;
    let events: Vec<Value> = delivered().into_values().collect();
    let snapshot = events
        .iter()
        .find(|e| e["type"] == 2)
        .expect("a FullSnapshot");
    let mut nodes = Vec::new();
    nodes_of(&snapshot["data"]["node"], &mut nodes);
    let rows = nodes
        .iter()
        .filter(|n| n["attributes"]["class"] == "row")
        .count();
    assert_eq!(rows, 5000, "every row is in the snapshot");
    let ids: Vec<u64> = nodes.iter().map(|n| n["id"].as_u64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "ids in pre-order, each once"
    );
    let texts: Vec<String> = nodes
        .iter()
        .filter_map(|n| n["textContent"].as_str().map(String::from))
        .filter(|t| t.starts_with("row "))
        .collect();
    assert_eq!(texts[4999], format!("row 4999 é {}", "x".repeat(4999 % 50)));
    let adds: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == 3 && e["data"]["source"] == 0)
        .flat_map(|e| e["data"]["adds"].as_array().unwrap().iter())
        .collect();
    let mut added = Vec::new();
    for add in adds {
        nodes_of(&add["node"], &mut added);
    }
    let added_texts = added
        .iter()
        .filter(|n| {
            n["textContent"]
                .as_str()
                .is_some_and(|t| t.starts_with("added ") && t.contains('😀'))
        })
        .count();
    assert_eq!(added_texts, 3000, "the large mutation arrived whole");
    js("document.getElementById('big').remove(); document.getElementById('added').remove();");
    JsFuture::from(recorder.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_batch_too_large_for_local_storage_is_retried_from_memory() {
    clear_storage();
    install_mock();
    js("window.__mock.fallback = { status: 0, networkError: true };");
    // A snapshot of over 5 million characters: more than any localStorage holds.
    js("const f = document.createElement('div'); f.id = 'huge';
        f.textContent = 'z'.repeat(5400000);
        document.getElementById('fixture')?.remove(); document.body.append(f);");
    let (mut recorder, events) = start("/ingest-huge", &[]);
    for _ in 0..100 {
        sleep(50).await;
        if requests().len() >= 2 {
            break;
        }
    }
    flush(&recorder).await;
    let stored = js("return JSON.stringify(Object.keys(localStorage).filter(k => k.includes(':b:')).map(k => localStorage.getItem(k).length))")
        .as_string()
        .unwrap();
    let stored: Vec<u64> = serde_json::from_str(&stored).unwrap();
    assert!(!stored.is_empty(), "the small batches are stored");
    assert!(
        stored.iter().all(|&n| n < 1_000_000),
        "the snapshot is not: {stored:?}"
    );
    assert!(delivered().is_empty());
    // Back online: the batch kept in memory goes out.
    js("window.__mock.fallback = { status: 200 }; window.dispatchEvent(new Event('online'));");
    for _ in 0..100 {
        sleep(50).await;
        if delivered().len() >= recorded(&events).len() {
            break;
        }
    }
    flush(&recorder).await;
    assert_all_delivered(&events);
    js("document.getElementById('huge').remove();");
    JsFuture::from(recorder.stop()).await.unwrap();
}

/// Wraps `CompressionStream` to count the streams made (`window.__gzips`); `kind` "count"
/// keeps the browser's, "missing" shadows it with undefined, "failing" makes every stream
/// error (counted in `window.__gzipFailures`).
fn wrap_compression_stream(kind: &str) {
    js(&format!(
        r#"
      if (!window.__realCompressionStream) window.__realCompressionStream = globalThis.CompressionStream;
      const Real = window.__realCompressionStream;
      window.__gzips = 0; window.__gzipFailures = 0;
      const kind = '{kind}';
      globalThis.CompressionStream = kind === 'missing' ? undefined
        : kind === 'failing' ? class {{ constructor() {{
            window.__gzipFailures++;
            return new TransformStream({{ transform(chunk, c) {{ c.error(new Error('no gzip today')); }} }});
          }} }}
        : class extends Real {{ constructor(f) {{ super(f); window.__gzips++; }} }};
    "#
    ));
}

fn restore_compression_stream() {
    js("globalThis.CompressionStream = window.__realCompressionStream;");
}

fn counter(name: &str) -> u64 {
    js(&format!("return window.{name}")).as_f64().unwrap() as u64
}

#[wasm_bindgen_test]
async fn a_small_batch_is_gzipped_by_the_browser_and_decodes_to_the_envelope() {
    clear_storage();
    install_mock();
    wrap_compression_stream("count");
    fixture("<p>start</p>");
    let (mut recorder, events) = start("/ingest-native", &[]);
    flush(&recorder).await;
    mutate(3);
    sleep(0).await;
    flush(&recorder).await;
    let reqs = requests();
    assert!(reqs.len() >= 2, "{} requests", reqs.len());
    // One browser gzip per request, none by miniz (no retries here).
    assert_eq!(counter("__gzips"), reqs.len() as u64);
    for r in &reqs {
        assert!(r["url"].as_str().unwrap().ends_with("encoding=gzip"));
        assert_eq!(r["status"], 200);
    }
    let first = &reqs[0];
    assert_eq!(
        first["envelope"]["events"][1]["type"], 2,
        "the FullSnapshot"
    );
    assert!(
        first["bytes"].as_u64().unwrap()
            < serde_json::to_string(&first["envelope"]).unwrap().len() as u64,
        "gzip"
    );
    assert_all_delivered(&events);
    JsFuture::from(recorder.stop()).await.unwrap();
    restore_compression_stream();
}

#[wasm_bindgen_test]
async fn without_a_working_compression_stream_miniz_gzips_instead() {
    for kind in ["missing", "failing"] {
        clear_storage();
        install_mock();
        wrap_compression_stream(kind);
        fixture("<p>start</p>");
        let (mut recorder, events) = start(&format!("/ingest-fallback-{kind}"), &[]);
        flush(&recorder).await;
        mutate(3);
        sleep(0).await;
        flush(&recorder).await;
        let reqs = requests();
        assert!(reqs.len() >= 2, "{kind}: {} requests", reqs.len());
        for r in &reqs {
            assert!(r["url"].as_str().unwrap().ends_with("encoding=gzip"));
            assert_eq!(r["status"], 200, "{kind}: decoded as gzip");
        }
        // A failing browser gzip is tried once, then miniz does every batch.
        let failures = if kind == "failing" { 1 } else { 0 };
        assert_eq!(counter("__gzipFailures"), failures, "{kind}");
        assert_all_delivered(&events);
        JsFuture::from(recorder.stop()).await.unwrap();
        restore_compression_stream();
    }
}
