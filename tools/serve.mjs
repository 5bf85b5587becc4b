#!/usr/bin/env node
// Serve the repository root over http for the demo pages: static files only, no collector
// (`make demo` runs the collector, which serves the same files and records the demo).
//
//   node tools/serve.mjs [--port 8000] [--host 127.0.0.1] [--log]
//
// Prints the URL of the demo landing page (/www/index.html). Ctrl-C stops it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../tests/e2e/lib/server.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { port: 8000, host: '127.0.0.1', log: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [key, inline] = a.split('=', 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (key === '--port' || key === '-p') opts.port = Number(value());
    else if (key === '--host') opts.host = value();
    else if (key === '--log') opts.log = true;
    else if (key === '--help' || key === '-h') {
      console.log('usage: node tools/serve.mjs [--port 8000] [--host 127.0.0.1] [--log]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error(`invalid --port`);
    process.exit(2);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
try {
  const srv = await startServer({ root: repoRoot, ...opts });
  console.log(`Serving ${repoRoot} at ${srv.url}/`);
  console.log(`Demo: ${srv.url}/www/index.html`);
  const stop = () => srv.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  console.error(`cannot listen on ${opts.host}:${opts.port}: ${err.message}`);
  process.exit(1);
}
