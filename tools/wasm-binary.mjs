// Reading and writing the wasm binary format's pieces that tools/wasm-names.mjs and
// tools/wasm-panics.mjs both rewrite: unsigned LEB128 numbers and the section list.

/** The unsigned LEB128 number at `pos`: [value, position after it]. */
export function readU32(bytes, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++];
    result |= (b & 0x7f) << shift;
    if (b < 0x80) return [result >>> 0, pos];
    shift += 7;
  }
}

/** `n` as unsigned LEB128 bytes. */
export function u32(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Sections of a wasm binary as { id, body } (body: Uint8Array), after the 8-byte header. */
export function sections(bytes) {
  const out = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    let size;
    [size, pos] = readU32(bytes, pos);
    out.push({ id, body: bytes.subarray(pos, pos + size) });
    pos += size;
  }
  return out;
}
