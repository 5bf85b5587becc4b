// Browser side of the benchmark, added to every page as an init script (before the page's own
// scripts). Defines window.__bench:
//
//   start(kind)   kind 'baseline' | 'tapedeck' | 'wire' | 'rrweb': start recording into the sink
//                 (wire: to a stub endpoint), resolve once the recorder is ready (Tapedeck:
//                 `ready`; rrweb snapshots synchronously)
//   stop()
//   quiet(ms)     resolve once nothing was emitted for ms (returns the event count)
//   flush()       compress what was emitted since the last flush and drop it (see below)
//   inTask(fn)    run fn in an ordinary page task (see there)
//   wasmBytes()   byte length of every WebAssembly.Memory instantiated in this page
//
// The sink does for both recorders what a transport does with rrweb's events (PostHog's way):
// JSON.stringify each event as it is emitted, buffer the strings, and on flush gzip the batch
// (a JSON array) with fflate at level 6. The strings are dropped after a flush, so the heap
// measured afterwards holds the recorder's state and not the bench's buffer.
//
// The wasm memory: nothing in Tapedeck's public API exposes it, so WebAssembly.instantiate and
// instantiateStreaming are wrapped here (before any recorder script runs) to keep a reference
// to each instance's exported `memory`. Its buffer's byteLength is what the wasm heap holds
// from the OS (linear memory only grows). This reads the SDK from outside, with no change to
// the SDK; performance.measureUserAgentSpecificMemory() would be the other way, but it needs a
// cross-origin-isolated page (COOP+COEP headers) and reports with a delay of seconds.
(() => {
  'use strict';
  const memories = [];
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then((result) => {
        const instance = result instanceof WebAssembly.Instance ? result : result && result.instance;
        const memory = instance && instance.exports && instance.exports.memory;
        if (memory instanceof WebAssembly.Memory) memories.push(memory);
        return result;
      });
    };
  }

  const B = {
    kind: null,
    handle: null,
    chunks: [],
    events: 0,
    raw: 0,
    gzip: 0,
    flushes: 0,
    flushMs: 0,
    // A substring to look for in emitted events (the mutation storm's end marker).
    watch: null,
    seen: false,
    lastEmit: 0,
    // Events by "type" or "type.source" (incremental events), e.g. "3.5" = Input.
    kinds: {},
  };
  window.__bench = B;

  B.emit = (event) => {
    const json = JSON.stringify(event);
    B.chunks.push(json);
    B.events++;
    const kind = event.type === 3 && event.data ? `3.${event.data.source}` : String(event.type);
    B.kinds[kind] = (B.kinds[kind] || 0) + 1;
    B.lastEmit = performance.now();
    if (B.watch && !B.seen && json.includes(B.watch)) B.seen = true;
  };

  // The wire variant's endpoint: a stub fetch that counts what the SDK sends (its gzip bodies)
  // and answers 200 at once. Each request counts as an "event" for quiet(), whose end flushes.
  const INGEST = '/__bench/ingest';
  let ingestInstalled = false;
  function installIngest() {
    if (ingestInstalled) return;
    ingestInstalled = true;
    const realFetch = window.fetch;
    window.fetch = function (input, init) {
      const url = typeof input === 'string' ? input : input && input.url;
      if (!url || !url.includes(INGEST)) return realFetch.apply(this, arguments);
      const body = init && init.body;
      const bytes = body ? body.byteLength ?? body.size ?? String(body).length : 0;
      B.gzip += bytes;
      B.events++;
      B.flushes++;
      B.lastEmit = performance.now();
      return Promise.resolve(new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } }));
    };
  }

  function fflate() {
    const f = window.benchRrweb || window.benchFflate;
    if (!f) throw new Error('bench: no fflate bundle loaded');
    return f;
  }

  B.flush = () => {
    if (!B.chunks.length) return;
    // Marks this task in the trace: the longest-task figure leaves the sink's own tasks out.
    performance.mark('bench-sink-flush');
    const t0 = performance.now();
    const { gzipSync, strToU8 } = fflate();
    const bytes = strToU8('[' + B.chunks.join(',') + ']');
    B.chunks = [];
    B.raw += bytes.length;
    B.gzip += gzipSync(bytes, { level: 6 }).length;
    B.flushes++;
    B.flushMs += performance.now() - t0;
  };

  /** Counters since the last reset (flushes first so nothing is lost). */
  B.take = () => {
    B.flush();
    // The wire variant's bodies are gzipped in wasm: no raw size, and "events" are requests.
    const wire = B.kind === 'wire';
    return {
      events: wire ? NaN : B.events,
      requests: wire ? B.events : undefined,
      kinds: B.kinds,
      raw: wire ? NaN : B.raw,
      // A wire run that sent nothing measured nothing (not zero bytes).
      gzip: wire && B.events === 0 ? NaN : B.gzip,
      flushes: B.flushes,
      flushMs: wire ? NaN : B.flushMs,
      seen: B.seen,
    };
  };
  B.reset = () => {
    B.chunks = [];
    B.events = B.raw = B.gzip = B.flushes = B.flushMs = 0;
    B.kinds = {};
    B.seen = false;
  };

  let flushTimer = null;
  /** Flush every ms (as a transport batching events), or stop doing so with 0. */
  B.autoFlush = (ms) => {
    clearInterval(flushTimer);
    flushTimer = ms ? setInterval(B.flush, ms) : null;
  };

  B.start = async (kind, options = {}) => {
    B.kind = kind;
    if (kind === 'baseline') return;
    if (kind === 'rrweb') {
      // PostHog's default masks every input value; Tapedeck's default preset does too.
      const stop = window.benchRrweb.record({ maskAllInputs: true, ...options, emit: B.emit });
      B.handle = { stop };
      return;
    }
    if (kind === 'tapedeck') {
      const handle = window.tapedeck.record({ ...options, emit: B.emit });
      B.handle = handle;
      await handle.ready;
      return;
    }
    if (kind === 'wire') {
      installIngest();
      // Default batching (flushIntervalMs 3 s); quiet() ends with flush(), which sends the rest.
      const handle = window.tapedeck.record({ ...options, endpoint: INGEST });
      B.handle = handle;
      await handle.ready;
      return;
    }
    throw new Error('bench: unknown recorder ' + kind);
  };

  B.stop = () => {
    if (B.handle) B.handle.stop();
    B.handle = null;
  };

  B.frames = (n = 1) =>
    new Promise((resolve) => {
      const step = () => (--n <= 0 ? resolve() : requestAnimationFrame(step));
      requestAnimationFrame(step);
    });

  /** Resolves once nothing has been emitted for quietMs (after at least one frame). */
  B.quiet = async (quietMs = 200, timeoutMs = 20000) => {
    await B.frames(1);
    const start = performance.now();
    let count = B.events;
    let since = performance.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      const now = performance.now();
      if (B.events !== count) {
        count = B.events;
        since = now;
      } else if (now - since >= quietMs) {
        // wire: what is batched but not yet sent goes now, as the sink's take() gzips the rest.
        if (B.kind === 'wire' && B.handle) await B.handle.flush();
        return B.events;
      }
      if (now - start > timeoutMs) throw new Error(`bench: still emitting after ${timeoutMs} ms`);
    }
  };

  /**
   * Runs fn in a fresh page task (a setTimeout callback), resolving with its (awaited) result.
   * What page.evaluate runs directly is booked as DevTools command time, not script time.
   */
  B.inTask = (fn) =>
    new Promise((resolve, reject) => {
      setTimeout(() => {
        try {
          Promise.resolve(fn()).then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      }, 0);
    });

  B.wasmBytes = () => memories.reduce((n, m) => n + m.buffer.byteLength, 0);

  /** Every node of the document (the document itself included). */
  B.countNodes = () => {
    let n = 1;
    const w = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    while (w.nextNode()) n++;
    return n;
  };
})();
