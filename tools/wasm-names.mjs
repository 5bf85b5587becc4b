// Shortens the names the wasm file and its JS glue share. wasm-bindgen names every import
// `__wbg_<method>_<16 hex digits>` and some exports after Rust symbols with hashes; those
// digits are in both files and do not compress, about 3 KB brotli in all. Renaming is done on the
// final minified bundles, where local names are already mangled, so a long name can only occur
// as the property it stands for; a name found anywhere else is left as it is.
import { readU32, sections, u32 } from './wasm-binary.mjs';

const te = new TextEncoder();
const td = new TextDecoder();

function name(s) {
  const b = te.encode(s);
  return [...u32(b.length), ...b];
}

function readName(body, pos) {
  let len;
  [len, pos] = readU32(body, pos);
  return [td.decode(body.subarray(pos, pos + len)), pos + len];
}

/** Skips an import's description (after its kind byte). */
function skipImportDesc(body, pos, kind) {
  const limits = (p) => {
    const flags = body[p++];
    [, p] = readU32(body, p);
    if (flags & 1) [, p] = readU32(body, p);
    return p;
  };
  switch (kind) {
    case 0: return readU32(body, pos)[1]; // function: type index
    case 1: return limits(pos + 1); // table: reftype, limits
    case 2: return limits(pos); // memory
    case 3: return pos + 2; // global: valtype, mutability
    case 4: return readU32(body, pos + 1)[1]; // tag: attribute, type index
    default: throw new Error(`wasm-names: unknown import kind ${kind}`);
  }
}

/** Short names: a..z, A..Z, then two letters, ... (never a JS keyword: at most `do`, `if`, `in`). */
function* shortNames() {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const reserved = new Set(['do', 'if', 'in']);
  for (let n = 0; ; n++) {
    let s = '';
    let k = n;
    do {
      s = letters[k % letters.length] + s;
      k = Math.floor(k / letters.length) - 1;
    } while (k >= 0);
    if (!reserved.has(s)) yield '$' + s;
  }
}

const escape = (s) => s.replace(/[$]/g, '\\$');

/**
 * Renames imports from `glueModule` and exports in `wasm` (bytes) and in every JS text of `js`.
 * A name is renamed only when each of its occurrences in every JS text is the property itself
 * (`name:` for an import, `.name` for an export). Returns { wasm, js, renamed }.
 */
export function shortenNames(wasm, js, glueModule) {
  const secs = sections(wasm);
  const imports = [];
  const exports = [];
  for (const s of secs) {
    if (s.id === 2) {
      let [count, pos] = readU32(s.body, 0);
      while (count--) {
        let module, field;
        [module, pos] = readName(s.body, pos);
        [field, pos] = readName(s.body, pos);
        const kind = s.body[pos];
        const end = skipImportDesc(s.body, pos + 1, kind);
        imports.push({ module, field, rest: s.body.subarray(pos, end) });
        pos = end;
      }
    } else if (s.id === 7) {
      let [count, pos] = readU32(s.body, 0);
      while (count--) {
        let field;
        [field, pos] = readName(s.body, pos);
        const kind = s.body[pos];
        const end = readU32(s.body, pos + 1)[1];
        exports.push({ field, rest: s.body.subarray(pos, end) });
        pos = end;
      }
    }
  }
  const count = (text, re) => (text.match(re) || []).length;
  const all = (name) => new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`, 'g');
  // Only names that cannot be anything else than the wasm's: long and made of `_`-joined words.
  const safe = (name) => name.length > 8 && name.includes('_');
  const fresh = shortNames();
  const renames = new Map();
  const consider = (field, as) => {
    if (renames.has(field) || !safe(field)) return;
    const ok = js.every((text) => count(text, all(field)) === count(text, as(field)));
    if (ok && js.some((text) => count(text, as(field)) > 0)) renames.set(field, fresh.next().value);
  };
  for (const i of imports) {
    if (i.module === glueModule) consider(i.field, (n) => new RegExp(`(?<![\\w$.])${escape(n)}(?=:)`, 'g'));
  }
  for (const e of exports) consider(e.field, (n) => new RegExp(`(?<=\\.)${escape(n)}(?![\\w$])`, 'g'));
  // Module names (`./core_bg.js`, `./snippets/<crate>-<hash>/src/web/glue.js`): keys of the
  // imports object, renamed when the quoted name occurs only as such a key.
  const modules = new Map();
  for (const i of imports) {
    if (modules.has(i.module)) continue;
    const quoted = JSON.stringify(i.module);
    const ok = js.every((text) => text.split(quoted).length - 1 === text.split(quoted + ':').length - 1);
    if (ok && js.some((text) => text.includes(quoted + ':'))) modules.set(i.module, fresh.next().value);
  }

  const parts = [wasm.subarray(0, 8)];
  for (const s of secs) {
    let body = s.body;
    if (s.id === 2) {
      body = [...u32(imports.length)];
      for (const i of imports) {
        const field = i.module === glueModule ? renames.get(i.field) ?? i.field : i.field;
        body.push(...name(modules.get(i.module) ?? i.module), ...name(field), ...i.rest);
      }
      body = Uint8Array.from(body);
    } else if (s.id === 7) {
      body = [...u32(exports.length)];
      for (const e of exports) body.push(...name(renames.get(e.field) ?? e.field), ...e.rest);
      body = Uint8Array.from(body);
    }
    parts.push(Uint8Array.of(s.id, ...u32(body.length)), body);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  const texts = js.map((text) => {
    for (const [from, to] of renames) text = text.replace(all(from), () => to);
    for (const [from, to] of modules) text = text.split(JSON.stringify(from) + ':').join(to + ':');
    return text;
  });
  return { wasm: out, js: texts, renamed: renames.size, imports: imports.length, exports: exports.length };
}
