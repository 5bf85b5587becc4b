// The reference collector binary (`make build-collector` → target/collector/tapedeck-collector)
// for the end-to-end tests: start it on a free port with a temporary data directory, stop it
// (gracefully, or killed as in a crash), start it again on the same data, read its API.
//
//   const c = await startCollector();          // c.url = 'http://127.0.0.1:54321'
//   await c.kill();  ...  await c.restart();   // same data dir; c.url may change
//   await c.events(sessionId)                  // GET /api/sessions/<id>/events (null on 404)
//   await c.close();                           // stop and delete the data dir
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './paths.mjs';

export const COLLECTOR_BIN = process.env.E2E_COLLECTOR || path.join(REPO_ROOT, 'target/collector/tapedeck-collector');

/** Throws a helpful error when the collector binary has not been built. */
export function assertCollectorBuilt() {
  if (!fs.existsSync(COLLECTOR_BIN)) {
    throw new Error(`${path.relative(REPO_ROOT, COLLECTOR_BIN)} does not exist: run \`make build-collector\` first`);
  }
}

/**
 * Spawns the binary; resolves with { child, url, log(), exit } once its API answers (it logs
 * its address before it opens the database, which can still fail). `exit` is set if the
 * process ends.
 */
function spawnCollector(dataDir, extraArgs) {
  const child = spawn(COLLECTOR_BIN, ['--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--quiet', ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const proc = { child, url: null, exit: null, log: () => log };
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    log += chunk;
  });
  child.once('error', (err) => {
    proc.exit = { error: err.message };
  });
  child.once('exit', (code, signal) => {
    proc.exit = { code, signal };
  });
  return (async () => {
    const deadline = Date.now() + 10_000;
    while (!proc.exit && Date.now() < deadline) {
      const m = /listening on (http:\/\/[\d.:]+)/.exec(log);
      if (m) {
        proc.url = m[1];
        try {
          const res = await fetch(`${proc.url}/api/sessions`);
          await res.arrayBuffer();
          if (res.ok) return proc;
        } catch {
          // not answering yet
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    throw new Error(
      proc.exit
        ? `the collector exited (${proc.exit.code ?? proc.exit.signal ?? proc.exit.error}) before it served requests:\n${log}`
        : `the collector did not serve requests within 10 s:\n${log}`,
    );
  })();
}

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Start the collector. Options: dataDir (default: a new temporary directory, deleted by
 * close()), args (extra command-line flags, e.g. ['--max-body-bytes', '4KiB']).
 */
export async function startCollector({ dataDir, args = [] } = {}) {
  assertCollectorBuilt();
  const ownDir = !dataDir;
  const dir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'tapedeck-e2e-collector-'));
  let current = await spawnCollector(dir, args);

  async function end(signal) {
    if (!current) return;
    const { child } = current;
    current = null;
    child.kill(signal);
    await exited(child);
  }

  const collector = {
    dataDir: dir,
    get url() {
      return current ? current.url : null;
    },
    get running() {
      return current !== null;
    },
    /** What the running collector wrote to stderr. */
    log() {
      return current ? current.log() : '';
    },
    /** Stops it the way Ctrl-C does (SIGINT: graceful shutdown). */
    stop: () => end('SIGINT'),
    /** Kills it outright (SIGKILL), as a crash or a pulled plug would. */
    kill: () => end('SIGKILL'),
    /** Starts it again on the same data directory (on a new free port: read `url` again). */
    async restart() {
      if (current) await collector.stop();
      current = await spawnCollector(dir, args);
      return collector.url;
    },
    /** GET /api/sessions. */
    async sessions() {
      const res = await fetch(`${collector.url}/api/sessions`);
      if (!res.ok) throw new Error(`GET /api/sessions -> ${res.status}`);
      return res.json();
    },
    /** GET /api/sessions/<id>/events: the stored events, or null when the session is unknown. */
    async events(sessionId) {
      if (current?.exit) {
        throw new Error(`the collector has exited (${JSON.stringify(current.exit)}):\n${current.log()}`);
      }
      const res = await fetch(`${collector.url}/api/sessions/${encodeURIComponent(sessionId)}/events`);
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`GET /api/sessions/${sessionId}/events -> ${res.status}: ${await res.text()}`);
      return res.json();
    },
    /** Stops it and deletes the data directory it created. */
    async close() {
      await collector.stop();
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return collector;
}
