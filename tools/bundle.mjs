// Bundles the wasm-bindgen glue and pkg/src into the two files a page can load:
//   pkg/dist/tapedeck.mjs  ES module (bundlers, <script type=module>)
//   pkg/dist/tapedeck.js   classic script exposing the global `tapedeck`
// and the wasm both load, pkg/dist/tapedeck.wasm, from the optimised target/wasm-bindgen/core_opt.wasm.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { shortenNames } from './wasm-names.mjs';

const root = new URL('..', import.meta.url).pathname;
const out = `${root}pkg/dist`;
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  // es2022 keeps the loader's #private members native (no WeakMap helpers): Chrome 84, Safari
  // 15, Firefox 90; the wasm itself (reference types) already needs Chrome 96 and Safari 15.
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
  // wasm-bindgen's glue lists the one helper module (src/web/glue.js) once per Rust extern
  // block, under the same key each time; every entry is that same module.
  logOverride: { 'duplicate-object-key': 'silent' },
};

await build({
  ...common,
  entryPoints: [`${root}pkg/src/esm.js`],
  format: 'esm',
  outfile: `${out}/tapedeck.mjs`,
});

await build({
  ...common,
  entryPoints: [`${root}pkg/src/script.js`],
  format: 'iife',
  globalName: 'tapedeck',
  outfile: `${out}/tapedeck.js`,
  // The glue's default wasm location uses import.meta.url, which a classic script lacks; the
  // entry always passes an explicit URL, so the fallback is never used.
  define: { 'import.meta.url': 'undefined' },
  logOverride: { ...common.logOverride, 'empty-import-meta': 'silent' },
});

// The classic bundle before its names are shortened, for bench/profile.mjs and bench/tasks.mjs:
// it fits target/wasm-bindgen/core_bg.wasm, whose functions keep their Rust names.
mkdirSync(`${root}target/wasm-bindgen/named`, { recursive: true });
copyFileSync(`${out}/tapedeck.js`, `${root}target/wasm-bindgen/named/tapedeck.js`);

// The wasm and both bundles share their import/export names: shorten them together.
{
  const bundles = ['tapedeck.mjs', 'tapedeck.js'].map((f) => `${out}/${f}`);
  const wasm = readFileSync(`${root}target/wasm-bindgen/core_opt.wasm`);
  const js = bundles.map((f) => readFileSync(f, 'utf8'));
  const result = shortenNames(wasm, js, './core_bg.js');
  writeFileSync(`${out}/tapedeck.wasm`, result.wasm);
  result.js.forEach((text, i) => writeFileSync(bundles[i], text));
}

// Types: the wasm-bindgen declarations (generated from the Rust sources) plus the loader's.
mkdirSync(`${root}pkg/types`, { recursive: true });
const generated = readFileSync(`${root}target/wasm-bindgen/core.d.ts`, 'utf8');
writeFileSync(`${root}pkg/types/core.d.ts`, generated);
copyFileSync(`${root}pkg/types/core.d.ts`, `${out}/core.d.ts`);
copyFileSync(`${root}pkg/types/index.d.ts`, `${out}/index.d.ts`);
