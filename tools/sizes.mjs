// The sizes a download is judged by: raw, gzip -9 and brotli at quality 11 (tools/size.mjs,
// the benchmark's bundle row).
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

export function compressedSizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}
