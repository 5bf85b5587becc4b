// Makes every panic trap at once, as panic=abort ends anyway, without std's panic hook.
//
// With panic=abort a panic in the wasm runs std's hook, which formats the message and
// writes it to stderr (a sink on wasm32-unknown-unknown: nothing is printed), and then
// traps with `unreachable`. The formatting keeps `core::fmt` in the file (number and string
// formatting, Debug builders, the payload types): several KB that only ever produce output
// nobody sees. This tool replaces the body of every panic entry point (the panic handler,
// `panic_fmt`, `unwrap_failed`, bounds-check failures, ...) and of every `core::fmt` function
// with `unreachable`; wasm-opt then drops what they called. A panic still ends in the same
// trap, a `RuntimeError: unreachable` in JS.
//
// The fmt functions are only safe to stub while nothing but a panic formats. That is checked
// on the call graph: a function outside the stubbed set that calls a `core::fmt` function
// (a `format!`, a `to_string()` on a number, a `write!` into a String) fails the build,
// naming it. Calls through a trait object are not in the call graph: a `write!` into a
// `&mut dyn fmt::Write` would pass the check and trap when it runs (the tests would see it).
// The project builds its text by concatenation, without `core::fmt`, so neither happens.
//
//   node tools/wasm-panics.mjs in.wasm out.wasm
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { readU32, sections, u32 } from './wasm-binary.mjs';

const root = new URL('..', import.meta.url).pathname;

// Functions that start a panic: calling one means panicking. `[hash]` is the crate
// disambiguator of std's precompiled functions; generic ones instantiated here have none.
const C = '(?:\\[[0-9a-f]+\\])?';
const PANIC = [
  `::rust_begin_unwind$`,
  `^std${C}::panicking::panic_with_hook$`,
  `^std${C}::panicking::panic_handler::`,
  `^std${C}::sys::backtrace::__rust_end_short_backtrace::`,
  `^std${C}::alloc::rust_oom`,
  `^std${C}::alloc::default_alloc_error_hook$`,
  `^core${C}::panicking::`,
  `^core${C}::(?:result|option)::(?:unwrap|expect)_failed$`,
  `^core${C}::slice::index::slice_\\w*fail$`,
  `^core${C}::slice::copy_from_slice_impl::len_mismatch_fail$`,
  `^core${C}::str::slice_error_fail`,
  `^core${C}::cell::panic_already_(?:mutably_)?borrowed$`,
  `^core${C}::cell::lazy::panic_poisoned$`,
].map((p) => new RegExp(p));
// Formatting: only a panic reaches it (checked below).
const FORMAT = [
  `^core${C}::fmt::`,
  `^<core${C}::fmt::`,
  ` as core${C}::fmt::\\w+>::`,
  ` as core${C}::panic::PanicPayload>::`,
].map((p) => new RegExp(p));

const isPanic = (name) => PANIC.some((re) => re.test(name));
const isFormat = (name) => FORMAT.some((re) => re.test(name));

/** The defined functions in order, each { name, calls: Set of names }, from wasm-dis's text. */
function functions(file) {
  const text = execFileSync(`${root}node_modules/.bin/wasm-dis`, [file], {
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const name = String.raw`\$(?:"((?:[^"\\]|\\.)*)"|([^\s()]+))`;
  const head = new RegExp(String.raw`^ \(func ${name}`);
  const call = new RegExp(String.raw`\((?:return_)?call ${name}|ref\.func ${name}`, 'g');
  const list = [];
  let current = null;
  for (const line of text.split('\n')) {
    const h = head.exec(line);
    if (h) {
      current = { name: h[1] ?? h[2], calls: new Set() };
      list.push(current);
    } else if (current && line.startsWith('  ')) {
      for (const m of line.matchAll(call)) current.calls.add(m[1] ?? m[2] ?? m[3] ?? m[4]);
    } else {
      current = null;
    }
  }
  return list;
}

export function trapPanics(file) {
  const list = functions(file);
  const stub = new Set(list.filter((f) => isPanic(f.name) || isFormat(f.name)).map((f) => f.name));
  const formatting = list.filter(
    (f) => !stub.has(f.name) && [...f.calls].some((c) => stub.has(c) && isFormat(c)),
  );
  if (formatting.length) {
    throw new Error(
      'wasm-panics: these functions format text at run time, so core::fmt cannot be dropped ' +
        '(build the text by concatenation instead):\n  ' +
        formatting.map((f) => f.name).join('\n  '),
    );
  }

  const wasm = readFileSync(file);
  const parts = [wasm.subarray(0, 8)];
  let stubbed = 0;
  for (let { id, body } of sections(wasm)) {
    if (id === 10) {
      let [count, at] = readU32(body, 0);
      if (count !== list.length) throw new Error('wasm-panics: function count mismatch');
      const out = [...u32(count)];
      for (let i = 0; i < count; i++) {
        let len;
        [len, at] = readU32(body, at);
        if (stub.has(list[i].name)) {
          out.push(3, 0, 0x00, 0x0b); // no locals; unreachable; end
          stubbed++;
        } else {
          out.push(...u32(len), ...body.subarray(at, at + len));
        }
        at += len;
      }
      body = Uint8Array.from(out);
    }
    parts.push(Uint8Array.from([id, ...u32(body.length)]), body);
  }
  return { wasm: Buffer.concat(parts), stubbed };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [input, output] = process.argv.slice(2);
  try {
    const { wasm, stubbed } = trapPanics(input);
    writeFileSync(output, wasm);
    console.log(`wasm-panics: ${stubbed} panic and fmt functions now trap at once`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
