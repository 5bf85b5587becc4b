//! The collector over real HTTP: each test starts the server on an ephemeral 127.0.0.1 port with
//! its own data directory, and talks to it with a plain blocking client.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread::JoinHandle;
use std::time::Duration;

use flate2::{write::GzEncoder, Compression};
use serde_json::{json, Value};
use tapedeck_collector::Config;

// ---- harness ----

struct Server {
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _data: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        Server::with(|_| {})
    }

    fn with(configure: impl FnOnce(&mut Config)) -> Server {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config {
            data_dir: data.path().to_path_buf(),
            log_requests: false,
            ..Config::default()
        };
        configure(&mut config);
        // Bound before the server thread starts: connections wait in the backlog, no race.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let shutdown = async {
                    let _ = stopped.await;
                };
                tapedeck_collector::serve(listener, config, shutdown)
                    .await
                    .unwrap();
            });
        });
        Server {
            base,
            stop: Some(stop),
            thread: Some(thread),
            _data: data,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

struct Reply {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error in {}", self.body))
            .to_string()
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

fn reply(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = response.expect("request failed");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

/// POST a body to `/ingest<query>` with the beacon's content type and extra headers.
fn post(
    agent: &ureq::Agent,
    server: &Server,
    query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut request = agent
        .post(server.url(&format!("/ingest{query}")))
        .header("Content-Type", "text/plain;charset=UTF-8");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    reply(request.send(body))
}

fn send_plain(agent: &ureq::Agent, server: &Server, body: &str) -> Reply {
    post(agent, server, "?v=1&encoding=none", &[], body.as_bytes())
}

fn get(agent: &ureq::Agent, server: &Server, path: &str) -> Reply {
    reply(agent.get(server.url(path)).call())
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn event(kind: u32, timestamp: u64, data: Value) -> Value {
    json!({ "type": kind, "data": data, "timestamp": timestamp })
}

fn meta(href: &str, timestamp: u64) -> Value {
    event(
        4,
        timestamp,
        json!({ "href": href, "width": 1024, "height": 768 }),
    )
}

/// An incremental event whose `data.n` says which one it is.
fn numbered(n: u64, timestamp: u64) -> Value {
    event(3, timestamp, json!({ "source": 2, "n": n }))
}

fn envelope(session: &str, window: &str, seq: u64, events: &[Value]) -> String {
    json!({
        "v": 1, "sessionId": session, "windowId": window, "seq": seq,
        "sentAt": 1_700_000_009_000u64, "events": events,
    })
    .to_string()
}

/// `count` numbered events starting at `first`, one ms apart from `t0`.
fn run_of(first: u64, count: u64, t0: u64) -> Vec<Value> {
    (first..first + count)
        .map(|n| numbered(n, t0 + n))
        .collect()
}

fn sessions(agent: &ureq::Agent, server: &Server) -> Vec<Value> {
    let reply = get(agent, server, "/api/sessions");
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json().as_array().unwrap().clone()
}

fn events_of(agent: &ureq::Agent, server: &Server, session: &str) -> Vec<Value> {
    let reply = get(agent, server, &format!("/api/sessions/{session}/events"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json().as_array().unwrap().clone()
}

fn numbers(events: &[Value]) -> Vec<u64> {
    events
        .iter()
        .map(|e| e["data"]["n"].as_u64().unwrap())
        .collect()
}

fn total_events(agent: &ureq::Agent, server: &Server) -> u64 {
    sessions(agent, server)
        .iter()
        .map(|s| s["events"].as_u64().unwrap())
        .sum()
}

// ---- valid batches ----

#[test]
fn plain_batch_in_the_beacon_form_is_stored() {
    let server = Server::start();
    let agent = agent();
    let events = vec![
        meta("http://a.test/", 1_700_000_000_000),
        numbered(1, 1_700_000_000_010),
    ];
    // What sendBeacon sends: text/plain, the encoding in the query, no custom headers.
    let reply = post(
        &agent,
        &server,
        "?v=1&encoding=none",
        &[("Origin", "http://a.test")],
        envelope("s-1", "w-1", 0, &events).as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json(), json!({ "stored": 2, "duplicates": 0 }));
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(events_of(&agent, &server, "s-1"), events);
}

/// A v3 batch as the SDK sends it: node ids implied by their order, and the parent, next and
/// entry ids implied by the mutation's structure, are left out; the collector stores the full
/// rrweb events, byte for byte as the SDK wrote them.
#[test]
fn v3_batch_with_implied_ids_is_stored_in_full() {
    let server = Server::start();
    let agent = agent();
    let full = [
        r#"{"type":4,"data":{"href":"http://a.test/","width":1,"height":1},"timestamp":1700000000000}"#,
        concat!(
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":2,"tagName":"html","attributes":{},"#,
            r#""childNodes":[{"type":3,"textContent":"a","id":3},{"type":3,"textContent":"b","id":7}],"id":2}],"id":1},"#,
            r#""initialOffset":{"top":0,"left":0}},"timestamp":1700000000001}"#
        ),
        concat!(
            r#"{"type":3,"data":{"source":0,"texts":[],"attributes":[{"id":3,"attributes":{"a":"1"}},{"id":4,"attributes":{"a":"1"}}],"#,
            r#""removes":[],"adds":[{"parentId":2,"nextId":null,"#,
            r#""node":{"type":2,"tagName":"p","attributes":{},"childNodes":[],"id":8}},"#,
            r#"{"parentId":8,"nextId":null,"node":{"type":3,"textContent":"c","id":9}}]},"timestamp":1700000000002}"#
        ),
    ];
    let wire: Vec<String> = full
        .iter()
        .map(|e| tapedeck::wire::compact(e).into_owned())
        .collect();
    assert_eq!(wire[1].matches(r#""id""#).count(), 1, "{}", wire[1]);
    assert!(!wire[2].contains(r#""id":4"#) && !wire[2].contains(r#""parentId":8"#));
    let body = format!(
        r#"{{"v":3,"sessionId":"s-v2","windowId":"w-1","seq":0,"sentAt":1700000000009,"events":[{}]}}"#,
        wire.join(",")
    );
    let reply = post(
        &agent,
        &server,
        "?v=3&encoding=gzip",
        &[],
        &gzip(body.as_bytes()),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let stored = get(&agent, &server, "/api/sessions/s-v2/events").body;
    assert_eq!(stored, format!("[{}]", full.join(",")));

    // A node whose id the rule cannot give: 400, and nothing of the batch is stored.
    let bad = body.replace(r#""s-v2""#, r#""s-v2b""#).replace(
        r#""node":{"type":2,"tagName":"p","attributes":{},"childNodes":[],"id":8}"#,
        r#""node":[8]"#,
    );
    assert!(bad.contains(r#""node":[8]"#));
    let reply = post(&agent, &server, "?v=3&encoding=none", &[], bad.as_bytes());
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(
        reply.error().starts_with("`events[2]`"),
        "{}",
        reply.error()
    );
    assert_eq!(
        get(&agent, &server, "/api/sessions/s-v2b/events").status,
        404
    );
    // The first add without its `parentId`: nothing comes before it to imply one.
    let bad = body
        .replace(r#""s-v2""#, r#""s-v2c""#)
        .replace(r#"{"parentId":2,"nextId":null,"#, r#"{"nextId":null,"#);
    let reply = post(&agent, &server, "?v=3&encoding=none", &[], bad.as_bytes());
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(
        reply.error(),
        "`events[2]`: `data.adds[0]` has no `parentId`, and none is implied: no node comes before it"
    );
    // A collector that speaks v2 only would refuse the batch: the v2 rule does not fill the
    // numbers v3 leaves out.
    let as_v2 = tapedeck::wire::restore(&wire[2], 2).unwrap();
    assert_ne!(as_v2, full[2]);
}

#[test]
fn gzip_batch_in_the_query_form_is_stored() {
    let server = Server::start();
    let agent = agent();
    let events = run_of(0, 50, 1_700_000_000_000);
    let body = gzip(envelope("s-gz", "w-1", 0, &events).as_bytes());
    let reply = post(&agent, &server, "?v=1&encoding=gzip", &[], &body);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json(), json!({ "stored": 50, "duplicates": 0 }));
    assert_eq!(events_of(&agent, &server, "s-gz"), events);
}

#[test]
fn gzip_batch_in_the_header_form_is_stored() {
    let server = Server::start();
    let agent = agent();
    let events = run_of(0, 5, 1_700_000_000_000);
    let body = gzip(envelope("s-h", "w-1", 0, &events).as_bytes());
    // A normal fetch with a site-configured header and Content-Encoding instead of the query.
    let reply = post(
        &agent,
        &server,
        "?v=1",
        &[
            ("Content-Encoding", "gzip"),
            ("Content-Type", "application/json"),
            ("X-Api-Key", "k"),
        ],
        &body,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json(), json!({ "stored": 5, "duplicates": 0 }));
    assert_eq!(events_of(&agent, &server, "s-h"), events);
}

// ---- exactly once ----

#[test]
fn retried_batch_stores_nothing_new() {
    let server = Server::start();
    let agent = agent();
    let body = envelope("s-r", "w-1", 0, &run_of(0, 10, 1_700_000_000_000));
    assert_eq!(
        send_plain(&agent, &server, &body).json(),
        json!({ "stored": 10, "duplicates": 0 })
    );
    assert_eq!(
        send_plain(&agent, &server, &body).json(),
        json!({ "stored": 0, "duplicates": 10 })
    );
    let gz = gzip(body.as_bytes());
    let retry = post(&agent, &server, "?v=1&encoding=gzip", &[], &gz);
    assert_eq!(retry.json(), json!({ "stored": 0, "duplicates": 10 }));
    assert_eq!(
        numbers(&events_of(&agent, &server, "s-r")),
        (0..10).collect::<Vec<_>>()
    );
    assert_eq!(sessions(&agent, &server)[0]["events"], 10);
}

#[test]
fn overlapping_split_batches_store_each_event_once() {
    let server = Server::start();
    let agent = agent();
    let t0 = 1_700_000_000_000;
    // Events 0..10 went out as halves after a 413; then a retry of 3..13 overlaps both.
    let first = envelope("s-o", "w-1", 0, &run_of(0, 5, t0));
    let second = envelope("s-o", "w-1", 5, &run_of(5, 5, t0));
    let overlap = envelope("s-o", "w-1", 3, &run_of(3, 10, t0));
    assert_eq!(
        send_plain(&agent, &server, &second).json(),
        json!({ "stored": 5, "duplicates": 0 })
    );
    assert_eq!(
        send_plain(&agent, &server, &first).json(),
        json!({ "stored": 5, "duplicates": 0 })
    );
    assert_eq!(
        send_plain(&agent, &server, &overlap).json(),
        json!({ "stored": 3, "duplicates": 7 })
    );
    assert_eq!(
        numbers(&events_of(&agent, &server, "s-o")),
        (0..13).collect::<Vec<_>>()
    );
    // The same seq in another window or session is another event.
    assert_eq!(
        send_plain(
            &agent,
            &server,
            &envelope("s-o", "w-2", 0, &run_of(0, 2, t0 + 100))
        )
        .json()["stored"],
        2
    );
    assert_eq!(
        send_plain(
            &agent,
            &server,
            &envelope("s-p", "w-1", 0, &run_of(0, 2, t0 + 100))
        )
        .json()["stored"],
        2
    );
}

// ---- sizes ----

#[test]
fn oversized_body_is_413_and_stores_nothing() {
    let server = Server::with(|c| {
        c.max_body_bytes = 16 * 1024;
        c.max_decompressed_bytes = 64 * 1024;
    });
    let agent = agent();
    let kept = envelope("s-big", "w-1", 0, &run_of(0, 2, 1_700_000_000_000));
    assert_eq!(send_plain(&agent, &server, &kept).status, 200);

    // Plain bodies are the envelope itself: limited by --max-decompressed-bytes.
    let padding = "x".repeat(70 * 1024);
    let big = envelope(
        "s-big",
        "w-1",
        2,
        &[event(
            5,
            1_700_000_000_005,
            json!({ "tag": "pad", "payload": padding }),
        )],
    );
    let reply = send_plain(&agent, &server, &big);
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(
        reply.error(),
        "body is larger than 65536 bytes (--max-decompressed-bytes)"
    );

    // Gzip bodies are limited as sent, by --max-body-bytes (random text does not compress).
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let noise: String = (0..30_000)
        .map(|_| {
            // xorshift64: letters that gzip cannot squeeze much.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'a' + (state % 26) as u8)
        })
        .collect();
    let noisy = envelope(
        "s-big",
        "w-1",
        2,
        &[event(
            5,
            1_700_000_000_005,
            json!({ "tag": "noise", "payload": noise }),
        )],
    );
    let gz = gzip(noisy.as_bytes());
    assert!(
        gz.len() > 16 * 1024,
        "the noise compressed to {} bytes",
        gz.len()
    );
    let reply = post(&agent, &server, "?v=1&encoding=gzip", &[], &gz);
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(
        reply.error(),
        "gzip body is larger than 16384 bytes (--max-body-bytes)"
    );

    // Without Content-Length (chunked), the limit applies while the body streams in.
    let mut reader: &[u8] = big.as_bytes();
    let reply = reply_of(
        agent
            .post(server.url("/ingest?v=1&encoding=none"))
            .header("Content-Type", "text/plain;charset=UTF-8")
            .send(ureq::SendBody::from_reader(&mut reader)),
    );
    assert_eq!(reply.status, 413, "{}", reply.body);

    assert_eq!(numbers(&events_of(&agent, &server, "s-big")), [0, 1]);
}

fn reply_of(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    reply(response)
}

/// Peak resident memory of this process, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn gzip_bomb_is_413_without_inflating_it() {
    let server = Server::with(|c| c.max_body_bytes = 2 << 20);
    let agent = agent();
    let kept = envelope("s-bomb", "w-1", 0, &run_of(0, 3, 1_700_000_000_000));
    assert_eq!(send_plain(&agent, &server, &kept).status, 200);

    // 1 GiB of spaces in ~1 MiB: 1024 gzip members of 1 MiB each, back to back.
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(&vec![b' '; 1 << 20]).unwrap();
    let member = encoder.finish().unwrap();
    let bomb: Vec<u8> = member
        .iter()
        .copied()
        .cycle()
        .take(member.len() * 1024)
        .collect();
    assert!(bomb.len() < 2 << 20, "bomb is {} bytes", bomb.len());
    let before = peak_rss_kib();
    let reply = post(&agent, &server, "?v=1&encoding=gzip", &[], &bomb);
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(
        reply.error(),
        "decompressed body is larger than 33554432 bytes (--max-decompressed-bytes)"
    );
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        // Inflating it all would take 1 GiB; the limit is 32 MiB.
        assert!(
            after - before < 200 * 1024,
            "peak memory grew by {} KiB",
            after - before
        );
    }
    assert_eq!(numbers(&events_of(&agent, &server, "s-bomb")), [0, 1, 2]);
    assert_eq!(sessions(&agent, &server).len(), 1);
}

// ---- malformed requests ----

#[test]
fn bad_gzip_is_400() {
    let server = Server::start();
    let agent = agent();
    let reply = post(&agent, &server, "?v=1&encoding=gzip", &[], b"{\"v\":1}");
    assert_eq!(reply.status, 400);
    assert!(
        reply.error().starts_with("body is not valid gzip: "),
        "{}",
        reply.error()
    );
    let good = gzip(envelope("s", "w", 0, &run_of(0, 2, 1)).as_bytes());
    let truncated = post(
        &agent,
        &server,
        "?v=1&encoding=gzip",
        &[],
        &good[..good.len() - 8],
    );
    assert_eq!(truncated.status, 400, "{}", truncated.body);
    assert!(truncated.error().starts_with("body is not valid gzip: "));
    assert!(sessions(&agent, &server).is_empty());
}

#[test]
fn non_json_is_400() {
    let server = Server::start();
    let agent = agent();
    let reply = send_plain(&agent, &server, "hello");
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.error(),
        "body is not valid JSON: expected value at line 1 column 1"
    );
    assert_eq!(
        send_plain(&agent, &server, "").error(),
        "body is empty (expected a batch envelope, a JSON object)"
    );
    let gz = gzip(b"{}");
    let hint = post(&agent, &server, "?v=1", &[], &gz);
    assert_eq!(hint.status, 400);
    assert!(
        hint.error().contains("looks gzip-compressed"),
        "{}",
        hint.error()
    );
}

#[test]
fn malformed_envelopes_are_400_naming_the_field_and_keep_what_was_stored() {
    let server = Server::start();
    let agent = agent();
    let kept = envelope("s-m", "w-1", 0, &run_of(0, 4, 1_700_000_000_000));
    assert_eq!(send_plain(&agent, &server, &kept).status, 200);

    let good: Value =
        serde_json::from_str(&envelope("s-m", "w-1", 4, &run_of(4, 2, 1_700_000_000_000))).unwrap();
    let edit = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut v = good.clone();
        f(v.as_object_mut().unwrap());
        v.to_string()
    };
    let ids = "a string of 1–64 characters from A–Z a–z 0–9 _ -";
    let cases: Vec<(String, String)> = vec![
        (
            edit(&|m| {
                m.remove("v");
            }),
            "missing field `v` (expected the integer 1, 2 or 3)".into(),
        ),
        (
            edit(&|m| {
                m.remove("sessionId");
            }),
            format!("missing field `sessionId` (expected {ids})"),
        ),
        (
            edit(&|m| {
                m.remove("windowId");
            }),
            format!("missing field `windowId` (expected {ids})"),
        ),
        (
            edit(&|m| {
                m.remove("seq");
            }),
            "missing field `seq` (expected an integer ≥ 0)".into(),
        ),
        (
            edit(&|m| {
                m.remove("sentAt");
            }),
            "missing field `sentAt` (expected an integer (ms since the epoch))".into(),
        ),
        (
            edit(&|m| {
                m.remove("events");
            }),
            "missing field `events` (expected a non-empty array of rrweb events)".into(),
        ),
        (
            edit(&|m| {
                m.insert("v".into(), json!("1"));
            }),
            "`v` must be the integer 1, 2 or 3, got the string \"1\"".into(),
        ),
        (
            edit(&|m| {
                m.insert("v".into(), json!(4));
            }),
            "unsupported protocol version `v`: 4 (this collector speaks 1 to 3)".into(),
        ),
        (
            edit(&|m| {
                m.insert("sessionId".into(), json!(7));
            }),
            format!("`sessionId` must be {ids}, got 7"),
        ),
        (
            edit(&|m| {
                m.insert("sessionId".into(), json!("a/b"));
            }),
            "`sessionId` contains '/' (allowed: A–Z a–z 0–9 _ -)".into(),
        ),
        (
            edit(&|m| {
                m.insert("windowId".into(), json!(""));
            }),
            format!("`windowId` is empty (expected {ids})"),
        ),
        (
            edit(&|m| {
                m.insert("windowId".into(), json!("w".repeat(65)));
            }),
            "`windowId` is 65 characters long (at most 64)".into(),
        ),
        (
            edit(&|m| {
                m.insert("seq".into(), json!(-1));
            }),
            "`seq` must be an integer from 0 to 9007199254740991, got -1".into(),
        ),
        (
            edit(&|m| {
                m.insert("seq".into(), json!("4"));
            }),
            "`seq` must be an integer from 0 to 9007199254740991, got the string \"4\"".into(),
        ),
        (
            edit(&|m| {
                m.insert("sentAt".into(), json!(null));
            }),
            "`sentAt` must be an integer (ms since the epoch), got null".into(),
        ),
        (
            edit(&|m| {
                m.insert("events".into(), json!({}));
            }),
            "`events` must be a non-empty array of rrweb events, got an object".into(),
        ),
        (
            edit(&|m| {
                m.insert("events".into(), json!([]));
            }),
            "`events` is empty (a batch carries at least one event)".into(),
        ),
        (
            edit(&|m| {
                m.insert("events".into(), json!([numbered(4, 1), "x"]));
            }),
            "`events[1]` must be an object (an rrweb event), got a string".into(),
        ),
        (
            edit(&|m| {
                m.insert("events".into(), json!([{ "timestamp": 1 }]));
            }),
            "`events[0]` has no `type` (expected an integer, the rrweb event type)".into(),
        ),
        (
            edit(&|m| {
                m.insert("events".into(), json!([{ "type": 3 }]));
            }),
            "`events[0]` has no `timestamp` (expected a number, ms since the epoch)".into(),
        ),
        (
            "[1, 2]".into(),
            "body must be a JSON object (the batch envelope), got an array".into(),
        ),
    ];
    for (body, expected) in &cases {
        let reply = send_plain(&agent, &server, body);
        assert_eq!(reply.status, 400, "{body} → {}", reply.body);
        assert_eq!(&reply.error(), expected, "for {body}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
    }
    // A batch whose first events are fine and whose last one is not stores none of them.
    assert_eq!(numbers(&events_of(&agent, &server, "s-m")), [0, 1, 2, 3]);
    assert_eq!(total_events(&agent, &server), 4);
}

#[test]
fn bad_query_or_content_encoding_is_refused() {
    let server = Server::start();
    let agent = agent();
    let body = envelope("s-q", "w", 0, &run_of(0, 1, 1));
    let v4 = post(&agent, &server, "?v=4&encoding=none", &[], body.as_bytes());
    assert_eq!(v4.status, 400);
    assert_eq!(
        v4.error(),
        "query parameter `v` must be 1, 2 or 3 (the protocol versions this collector speaks), got `4`"
    );
    let br = post(&agent, &server, "?v=1&encoding=br", &[], body.as_bytes());
    assert_eq!(
        br.error(),
        "query parameter `encoding` must be `gzip` or `none`, got `br`"
    );
    let header = post(
        &agent,
        &server,
        "?v=1",
        &[("Content-Encoding", "br")],
        body.as_bytes(),
    );
    assert_eq!(header.status, 415);
    assert!(sessions(&agent, &server).is_empty());
}

#[test]
fn wrong_method_is_405() {
    let server = Server::start();
    let agent = agent();
    let get_ingest = get(&agent, &server, "/ingest");
    assert_eq!(get_ingest.status, 405);
    assert_eq!(get_ingest.header("allow"), Some("POST"));
    assert_eq!(
        get_ingest.error(),
        "method GET is not allowed here (use POST)"
    );
    let put = reply(agent.put(server.url("/ingest")).send("{}"));
    assert_eq!(put.status, 405);
    let post_api = reply(agent.post(server.url("/api/sessions")).send("{}"));
    assert_eq!(post_api.status, 405);
    assert_eq!(post_api.header("allow"), Some("GET, HEAD"));
    let delete = reply(agent.delete(server.url("/api/sessions/x/events")).call());
    assert_eq!(delete.status, 405);
    assert_eq!(get(&agent, &server, "/nowhere").status, 404);
}

// ---- CORS ----

fn preflight(agent: &ureq::Agent, server: &Server, origin: &str) -> Reply {
    let request = ureq::http::Request::builder()
        .method("OPTIONS")
        .uri(server.url("/ingest?v=1&encoding=gzip"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type,x-api-key",
        )
        .body(())
        .unwrap();
    reply(agent.run(request))
}

#[test]
fn cors_preflight_and_headers_allow_any_origin_by_default() {
    let server = Server::start();
    let agent = agent();
    let reply = preflight(&agent, &server, "http://127.0.0.1:4000");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert!(reply
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("authorization,content-type,x-api-key")
    );
    assert_eq!(reply.header("access-control-max-age"), Some("7200"));

    let body = envelope("s-c", "w", 0, &run_of(0, 1, 1));
    let posted = post(
        &agent,
        &server,
        "?v=1&encoding=none",
        &[("Origin", "http://127.0.0.1:4000")],
        body.as_bytes(),
    );
    assert_eq!(posted.status, 200);
    assert_eq!(posted.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        posted.header("access-control-expose-headers"),
        Some("retry-after")
    );
    // Errors carry the CORS headers too, or the SDK could not read why it was refused.
    let refused = post(
        &agent,
        &server,
        "?v=1&encoding=none",
        &[("Origin", "http://x.test")],
        b"{}",
    );
    assert_eq!(refused.status, 400);
    assert_eq!(refused.header("access-control-allow-origin"), Some("*"));
    let api = reply_of(
        agent
            .get(server.url("/api/sessions"))
            .header("Origin", "http://x.test")
            .call(),
    );
    assert_eq!(api.header("access-control-allow-origin"), Some("*"));
}

#[test]
fn allow_origin_list_is_enforced() {
    let server = Server::with(|c| {
        c.allow_origins = vec!["http://good.test".into(), "http://127.0.0.1:5000".into()]
    });
    let agent = agent();
    let ok = preflight(&agent, &server, "http://good.test");
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("http://good.test")
    );
    let other = preflight(&agent, &server, "http://evil.test");
    assert_eq!(other.header("access-control-allow-origin"), None);

    let body = envelope("s-a", "w", 0, &run_of(0, 1, 1));
    let evil = post(
        &agent,
        &server,
        "?v=1&encoding=none",
        &[("Origin", "http://evil.test")],
        body.as_bytes(),
    );
    assert_eq!(evil.status, 403);
    assert_eq!(
        evil.error(),
        "origin `http://evil.test` may not send recordings here (see --allow-origin)"
    );
    // Refused before its body was read: the connection is not to be reused.
    assert_eq!(evil.header("connection"), Some("close"));
    assert!(sessions(&agent, &server).is_empty());
    let good = post(
        &agent,
        &server,
        "?v=1&encoding=none",
        &[("Origin", "http://127.0.0.1:5000")],
        body.as_bytes(),
    );
    assert_eq!(good.status, 200);
    assert_eq!(
        good.header("access-control-allow-origin"),
        Some("http://127.0.0.1:5000")
    );
    // No Origin: not a browser; CORS does not apply.
    let body = envelope("s-a", "w", 1, &run_of(1, 1, 1));
    assert_eq!(send_plain(&agent, &server, &body).status, 200);
}

// ---- the session API ----

#[test]
fn session_api_orders_events_and_summarises_sessions() {
    let server = Server::start();
    let agent = agent();
    let t0 = 1_700_000_000_000;
    // Window w-b started first (t0) and navigated: two pages. Window w-a (a second tab) started
    // later, reloading the same page: one more distinct page. Batches arrive out of order.
    let b0 = vec![
        meta("http://a.test/one", t0),
        numbered(1, t0 + 10),
        numbered(2, t0 + 20),
    ];
    let b1 = vec![meta("http://a.test/two", t0 + 30), numbered(4, t0 + 40)];
    let a0 = vec![meta("http://a.test/one", t0 + 15), numbered(1, t0 + 16)];
    let a1 = vec![meta("http://a.test/one", t0 + 50), numbered(3, t0 + 60)];
    for body in [
        envelope("s-x", "w-a", 2, &a1),
        envelope("s-x", "w-b", 3, &b1),
        envelope("s-x", "w-a", 0, &a0),
        envelope("s-x", "w-b", 0, &b0),
    ] {
        assert_eq!(send_plain(&agent, &server, &body).status, 200);
    }
    let expected: Vec<Value> = [b0, b1, a0, a1].concat();
    assert_eq!(events_of(&agent, &server, "s-x"), expected);

    // A later session (newest first) and an earlier one.
    let later = envelope(
        "s-later",
        "w",
        0,
        &[meta("http://a.test/", t0 + 1_000), numbered(1, t0 + 1_500)],
    );
    let earlier = envelope("s-earlier", "w", 0, &[numbered(0, t0 - 5_000)]);
    assert_eq!(send_plain(&agent, &server, &later).status, 200);
    assert_eq!(send_plain(&agent, &server, &earlier).status, 200);

    let list = sessions(&agent, &server);
    let ids: Vec<&str> = list.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["s-later", "s-x", "s-earlier"]);
    let bytes: usize = expected.iter().map(|e| e.to_string().len()).sum();
    assert_eq!(
        list[1],
        json!({
            "id": "s-x", "start": t0, "end": t0 + 60, "duration": 60,
            "pages": 2, "events": 9, "bytes": bytes,
        })
    );
    assert_eq!(list[2]["pages"], 0);
    assert_eq!(list[2]["duration"], 0);

    let missing = get(&agent, &server, "/api/sessions/nope/events");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error(), "no session `nope`");
}

// ---- concurrency ----

#[test]
fn fifty_concurrent_clients_lose_no_batch() {
    const CLIENTS: u64 = 50;
    const BATCHES: u64 = 20;
    const EVENTS: u64 = 5;
    let server = Server::start();
    let t0 = 1_700_000_000_000;
    std::thread::scope(|scope| {
        for client in 0..CLIENTS {
            let server = &server;
            scope.spawn(move || {
                let agent = agent();
                // Ten sessions of five windows each: clients share sessions, not windows.
                let session = format!("s-{}", client % 10);
                let window = format!("w-{client}");
                for batch in 0..BATCHES {
                    let seq = batch * EVENTS;
                    let body = envelope(&session, &window, seq, &run_of(seq, EVENTS, t0 + client));
                    let reply = if batch % 2 == 0 {
                        send_plain(&agent, server, &body)
                    } else {
                        post(
                            &agent,
                            server,
                            "?v=1&encoding=gzip",
                            &[],
                            &gzip(body.as_bytes()),
                        )
                    };
                    assert_eq!(reply.status, 200, "{}", reply.body);
                    assert_eq!(reply.json(), json!({ "stored": EVENTS, "duplicates": 0 }));
                }
            });
        }
    });
    let agent = agent();
    let list = sessions(&agent, &server);
    assert_eq!(list.len(), 10);
    for summary in &list {
        assert_eq!(
            summary["events"],
            CLIENTS / 10 * BATCHES * EVENTS,
            "{summary}"
        );
    }
    // Each window's events come back complete and in seq order.
    let events = events_of(&agent, &server, "s-3");
    let per_window: Vec<u64> = (0..BATCHES * EVENTS).collect();
    for chunk in numbers(&events).chunks((BATCHES * EVENTS) as usize) {
        assert_eq!(chunk, per_window.as_slice());
    }
}

// ---- static files ----

fn raw_get(server: &Server, path: &str) -> String {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn static_files_have_the_right_types_and_stay_inside_the_directory() {
    let root = tempfile::tempdir().unwrap();
    let files: &[(&str, &[u8])] = &[
        ("www/index.html", b"<!doctype html>hi"),
        ("pkg/dist/tapedeck.wasm", b"\0asm\x01\0\0\0"),
        ("pkg/dist/tapedeck.js", b"var a;"),
        ("node_modules/rrweb/dist/rrweb.umd.cjs", b"var b;"),
        ("node_modules/x/style.css", b"a{}"),
        (".tapedeck-data/tapedeck.sqlite3", b"secret"),
    ];
    for (path, content) in files {
        let path = root.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    let outside = root
        .path()
        .parent()
        .unwrap()
        .join("outside-static-root.txt");
    std::fs::write(&outside, "outside").unwrap();
    let static_dir = root.path().to_path_buf();
    let server = Server::with(|c| c.static_dir = Some(static_dir));
    let agent = agent();
    for (path, mime) in [
        ("/www/", "text/html; charset=utf-8"),
        ("/www/index.html", "text/html; charset=utf-8"),
        ("/pkg/dist/tapedeck.wasm", "application/wasm"),
        ("/pkg/dist/tapedeck.js", "text/javascript; charset=utf-8"),
        (
            "/node_modules/rrweb/dist/rrweb.umd.cjs",
            "text/javascript; charset=utf-8",
        ),
        ("/node_modules/x/style.css", "text/css; charset=utf-8"),
    ] {
        let reply = get(&agent, &server, path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(mime), "{path}");
    }
    assert_eq!(
        get(&agent, &server, "/www/index.html").body,
        "<!doctype html>hi"
    );
    assert_eq!(get(&agent, &server, "/www/missing.html").status, 404);
    assert_eq!(
        get(&agent, &server, "/.tapedeck-data/tapedeck.sqlite3").status,
        404
    );
    assert!(raw_get(&server, "/%2etapedeck-data/tapedeck.sqlite3").starts_with("HTTP/1.1 404"));
    let escape = raw_get(&server, "/../outside-static-root.txt");
    assert!(!escape.contains("outside"), "{escape}");
    let escape = raw_get(&server, "/www/..%2f..%2foutside-static-root.txt");
    assert!(!escape.contains("\r\n\r\noutside"), "{escape}");
    // The API still answers next to the files.
    assert_eq!(get(&agent, &server, "/api/sessions").status, 200);
    let _ = std::fs::remove_file(outside);
}
