// The scripts a benchmark page loads, and what each recorder costs to download.
//
// rrweb is bundled the way an app ships it (PostHog does this): `record` from @rrweb/record and
// `gzipSync`/`strToU8` from fflate, tree-shaken and minified by esbuild into one classic script.
// The Tapedeck and no-recorder pages load only fflate (sink.js), for the bench's own
// compression of what the recorder emits (see page.js).
import fs from 'node:fs';
import path from 'node:path';
import { compressedSizes } from '../../tools/sizes.mjs';
import { build } from 'esbuild';
import { REPO_ROOT } from '../../tests/e2e/lib/paths.mjs';

const BUILD_DIR = path.join(REPO_ROOT, 'bench/build');

const ENTRIES = {
  // window.benchRrweb = { record, gzipSync, strToU8 }
  'rrweb.js': "import { record } from '@rrweb/record'; import { gzipSync, strToU8 } from 'fflate';\n" +
    'window.benchRrweb = { record, gzipSync, strToU8 };\n',
  // window.benchFflate = { gzipSync, strToU8 }
  'sink.js': "import { gzipSync, strToU8 } from 'fflate';\nwindow.benchFflate = { gzipSync, strToU8 };\n",
};

/** Builds bench/build/{rrweb,sink}.js; returns their URL paths (served from the repo root). */
export async function buildBundles() {
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  for (const [name, contents] of Object.entries(ENTRIES)) {
    await build({
      stdin: { contents, resolveDir: REPO_ROOT, sourcefile: name },
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      legalComments: 'none',
      logLevel: 'warning',
      outfile: path.join(BUILD_DIR, name),
    });
  }
  return { rrweb: '/bench/build/rrweb.js', sink: '/bench/build/sink.js' };
}

const TAPEDECK_FILES = ['pkg/dist/tapedeck.js', 'pkg/dist/tapedeck.wasm'];
const RRWEB_FILES = ['bench/build/rrweb.js'];

function sizes(files) {
  const out = { raw: 0, gzip: 0, brotli: 0, files };
  for (const f of files) {
    const s = compressedSizes(fs.readFileSync(path.join(REPO_ROOT, f)));
    out.raw += s.raw;
    out.gzip += s.gzip;
    out.brotli += s.brotli;
  }
  return out;
}

/** Raw, gzip -9 and brotli (quality 11) bytes of what each recorder's page downloads. */
export function bundleSizes() {
  return { tapedeck: sizes(TAPEDECK_FILES), rrweb: sizes(RRWEB_FILES) };
}
