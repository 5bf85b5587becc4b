// Prints raw, gzip -9 and brotli (max quality) sizes of everything a page downloads to record.
import { readFileSync } from 'node:fs';
import { compressedSizes } from './sizes.mjs';

const dist = new URL('../pkg/dist/', import.meta.url);
const builds = {
  'classic script': ['tapedeck.js', 'tapedeck.wasm'],
  'ES module': ['tapedeck.mjs', 'tapedeck.wasm'],
};
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + ' KB';
const measure = (name) => compressedSizes(readFileSync(new URL(name, dist)));

console.log(`${'file'.padEnd(22)}${'raw'.padStart(10)}${'gzip -9'.padStart(10)}${'brotli'.padStart(10)}`);
const seen = new Map();
for (const files of Object.values(builds)) for (const f of files) if (!seen.has(f)) seen.set(f, measure(f));
for (const [f, s] of seen) console.log(`${f.padEnd(22)}${kb(s.raw)}${kb(s.gzip)}${kb(s.brotli)}`);
for (const [label, files] of Object.entries(builds)) {
  const total = files.map((f) => seen.get(f)).reduce((a, s) => ({
    raw: a.raw + s.raw, gzip: a.gzip + s.gzip, brotli: a.brotli + s.brotli,
  }), { raw: 0, gzip: 0, brotli: 0 });
  console.log(`${('total, ' + label).padEnd(22)}${kb(total.raw)}${kb(total.gzip)}${kb(total.brotli)}`);
}
