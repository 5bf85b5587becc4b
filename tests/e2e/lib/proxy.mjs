// A fault-injecting HTTP proxy in front of the collector, switchable while a test runs.
//
//   const proxy = await startProxy({ upstream: collector.url });
//   proxy.url                        'http://127.0.0.1:54321' (the page's endpoint: proxy.url + '/ingest')
//   proxy.fault({ type: 'status', status: 500 })
//   proxy.fault({ type: 'status', status: 429, retryAfter: '2', times: 1 })
//   proxy.fault({ type: 'down' })                      every connection is reset, nothing forwarded
//   proxy.fault({ type: 'slow', delayMs: 3000 })       forwarded; the response is held back delayMs
//   proxy.fault({ type: 'stall', delayMs: 3000 })      held delayMs before forwarding; never
//                                                      forwarded if the client went away meanwhile
//   proxy.fault({ type: 'max-body', maxBytes: 4096 })  413 for a body over maxBytes; others forwarded
//   proxy.fault({ type: 'drop', times: 1 })            200 without forwarding: a batch silently lost
//   proxy.pass()                                       forward everything
//   proxy.setUpstream(url)                             e.g. after the collector restarted
//   proxy.log                                          one entry per request (see below)
//   proxy.stats.maxInFlightIngest                      most POST /ingest open at once (since mark())
//
// Faults apply to POST /ingest; other requests (CORS preflights, the API) are forwarded, except
// with `down`, which resets every connection. `times` limits a fault to that many matching
// requests (then it passes again). A forwarded request whose upstream is unreachable is reset,
// like the collector being down. Answers the proxy makes itself carry the CORS headers a
// collector sends (PROTOCOL.md), so the page can read the status and `Retry-After`.
//
// Log entries: { id, method, path (null for a connection reset before any request was read),
//   start, end (ms since the epoch), bytes (body as sent),
//   envelope: { sessionId, windowId, seq, count, sentAt } for a POST /ingest body it could
//   decode, action: 'forwarded' | 'fault' | 'reset' | 'abandoned', status (the answer's, if any), fault (type) }.
import http from 'node:http';
import zlib from 'node:zlib';

function decodeEnvelope(url, headers, body) {
  try {
    const encoding = url.searchParams.get('encoding') || headers['content-encoding'] || 'none';
    const json = encoding === 'gzip' ? zlib.gunzipSync(body).toString('utf8') : body.toString('utf8');
    const e = JSON.parse(json);
    return { sessionId: e.sessionId, windowId: e.windowId, seq: e.seq, count: e.events.length, sentAt: e.sentAt };
  } catch {
    return null;
  }
}

function corsHeaders(req) {
  return {
    'Access-Control-Allow-Origin': req.headers.origin || '*',
    'Access-Control-Expose-Headers': 'retry-after',
    Vary: 'origin',
  };
}

export async function startProxy({ upstream, host = '127.0.0.1' } = {}) {
  let upstreamUrl = upstream;
  let fault = null;
  let nextId = 1;
  let inFlight = 0;
  const log = [];
  const sockets = new Set();
  const stats = { maxInFlightIngest: 0 };

  /** The active fault for this request, counting it against `times`. */
  function takeFault(req, body) {
    if (!fault) return null;
    if (fault.type === 'down') return fault;
    if (req.method !== 'POST' || !req.url.startsWith('/ingest')) return null;
    if (fault.type === 'max-body' && body.length <= fault.maxBytes) return null;
    const f = fault;
    if (f.times !== undefined) {
      f.times -= 1;
      if (f.times <= 0) fault = null;
    }
    return f;
  }

  function forward(req, body, entry, res, delayMs) {
    const target = new URL(req.url, upstreamUrl);
    const headers = { ...req.headers, host: target.host };
    const up = http.request(target, { method: req.method, headers, agent: false }, (upRes) => {
      const chunks = [];
      upRes.on('data', (c) => chunks.push(c));
      upRes.on('end', () => {
        const send = () => {
          entry.status = upRes.statusCode;
          entry.end = Date.now();
          const out = { ...upRes.headers };
          delete out.connection;
          delete out['transfer-encoding'];
          out['content-length'] = Buffer.concat(chunks).length;
          res.writeHead(upRes.statusCode, out);
          res.end(Buffer.concat(chunks));
        };
        if (delayMs) setTimeout(send, delayMs);
        else send();
      });
    });
    up.on('error', () => {
      entry.action = 'reset';
      entry.end = Date.now();
      req.socket.destroy();
    });
    up.end(body);
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url, 'http://proxy');
      const isIngest = req.method === 'POST' && url.pathname === '/ingest';
      const entry = {
        id: nextId++,
        method: req.method,
        path: url.pathname,
        start: Date.now(),
        end: null,
        bytes: body.length,
        envelope: isIngest ? decodeEnvelope(url, req.headers, body) : null,
        action: 'forwarded',
        status: null,
        fault: null,
      };
      log.push(entry);
      if (isIngest) {
        inFlight += 1;
        stats.maxInFlightIngest = Math.max(stats.maxInFlightIngest, inFlight);
        const done = () => {
          inFlight -= 1;
        };
        res.once('close', done);
      }
      const f = takeFault(req, body);
      if (f) entry.fault = f.type;
      if (!f) return forward(req, body, entry, res, 0);
      switch (f.type) {
        case 'down':
          entry.action = 'reset';
          entry.end = Date.now();
          req.socket.destroy();
          return;
        case 'slow':
          return forward(req, body, entry, res, f.delayMs ?? 3000);
        case 'stall':
          // Held before it reaches the collector; dropped if the client gives up meanwhile.
          setTimeout(() => {
            if (req.socket.destroyed || res.writableEnded || res.destroyed) {
              entry.action = 'abandoned';
              entry.end = Date.now();
              return;
            }
            forward(req, body, entry, res, 0);
          }, f.delayMs ?? 3000);
          return;
        case 'drop': {
          entry.action = 'fault';
          entry.status = 200;
          entry.end = Date.now();
          const n = entry.envelope ? entry.envelope.count : 0;
          res.writeHead(200, { 'Content-Type': 'application/json', ...corsHeaders(req) });
          res.end(JSON.stringify({ stored: n, duplicates: 0 }));
          return;
        }
        case 'max-body':
        case 'status': {
          const status = f.type === 'max-body' ? 413 : f.status;
          const headers = { 'Content-Type': 'application/json', ...corsHeaders(req) };
          if (f.retryAfter !== undefined) headers['Retry-After'] = String(f.retryAfter);
          entry.action = 'fault';
          entry.status = status;
          entry.end = Date.now();
          res.writeHead(status, headers);
          res.end(JSON.stringify({ error: `injected by the test proxy (${f.type} ${status})` }));
          return;
        }
        default:
          throw new Error(`unknown fault type ${f.type}`);
      }
    });
  });
  server.keepAliveTimeout = 1000;
  server.on('connection', (socket) => {
    if (fault && fault.type === 'down') {
      const now = Date.now();
      log.push({ id: nextId++, method: null, path: null, start: now, end: now, bytes: 0, envelope: null, action: 'reset', status: null, fault: 'down' });
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address();

  return {
    url: `http://${host}:${port}`,
    port,
    log,
    stats,
    /** Switch to a fault (see the top of this file); `null` = pass through. */
    fault(next) {
      fault = next ? { ...next } : null;
      if (fault && fault.type === 'down') {
        // Kept-alive connections would otherwise still carry requests.
        for (const s of sockets) s.destroy();
      }
    },
    pass() {
      fault = null;
    },
    get current() {
      return fault;
    },
    setUpstream(url) {
      upstreamUrl = url;
    },
    /** The POST /ingest entries of the log (optionally only those from `sinceId` on). */
    ingests(sinceId = 0) {
      return log.filter((e) => e.method === 'POST' && e.path === '/ingest' && e.id >= sinceId);
    },
    /** Id the next request will get: mark a point in the log (and reset `stats`). */
    mark() {
      stats.maxInFlightIngest = inFlight;
      return nextId;
    },
    close() {
      return new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
