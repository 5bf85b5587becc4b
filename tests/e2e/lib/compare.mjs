// Pixel comparison of an original page screenshot with its replay (pixelmatch, threshold 0.1).
import fs from 'node:fs';
import path from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { ARTIFACTS_DIR } from './paths.mjs';

export const MAX_DIFF_RATIO = 0.01;
export const PIXEL_THRESHOLD = 0.1;
const MASK_COLOR = [255, 0, 255];

/** Paint rects ({x, y, width, height} in CSS px = device px at DPR 1) with a solid colour. */
export function paintRects(png, rects, color = MASK_COLOR) {
  for (const r of rects) {
    const x0 = Math.max(0, Math.floor(r.x));
    const y0 = Math.max(0, Math.floor(r.y));
    const x1 = Math.min(png.width, Math.ceil(r.x + r.width));
    const y1 = Math.min(png.height, Math.ceil(r.y + r.height));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * png.width + x) * 4;
        png.data[i] = color[0];
        png.data[i + 1] = color[1];
        png.data[i + 2] = color[2];
        png.data[i + 3] = 255;
      }
    }
  }
}

/**
 * Compare two PNG buffers after blanking `maskRects` in both.
 * Returns { ratio, diffPixels, totalPixels, width, height, original, replay (masked PNG objects),
 *           originalBuf, replayBuf (the unmasked input buffers), diff (PNG object) }.
 */
export function compareScreenshots(originalBuf, replayBuf, { maskRects = [], threshold = PIXEL_THRESHOLD } = {}) {
  const original = PNG.sync.read(originalBuf);
  const replay = PNG.sync.read(replayBuf);
  if (original.width !== replay.width || original.height !== replay.height) {
    return {
      ratio: 1,
      sizeMismatch: `original ${original.width}×${original.height} vs replay ${replay.width}×${replay.height}`,
      diffPixels: original.width * original.height,
      totalPixels: original.width * original.height,
      width: original.width,
      height: original.height,
      original,
      replay,
      originalBuf,
      replayBuf,
      diff: null,
    };
  }
  paintRects(original, maskRects);
  paintRects(replay, maskRects);
  const { width, height } = original;
  const diff = new PNG({ width, height });
  const diffPixels = pixelmatch(original.data, replay.data, diff.data, width, height, { threshold });
  return {
    ratio: diffPixels / (width * height),
    diffPixels,
    totalPixels: width * height,
    width,
    height,
    original,
    replay,
    originalBuf,
    replayBuf,
    diff,
  };
}

/**
 * Write <name>-original.png and -replay.png (as captured), -diff.png (pixelmatch output: red =
 * differing pixels, masked form controls show as magenta in both) and any extra files
 * (objects as JSON) to tests/e2e/artifacts/.
 */
export function writeArtifacts(name, comparison, extra = {}) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const written = [];
  const put = (suffix, data) => {
    const file = path.join(ARTIFACTS_DIR, `${name}-${suffix}`);
    fs.writeFileSync(file, data);
    written.push(path.relative(process.cwd(), file));
  };
  if (comparison.originalBuf) put('original.png', comparison.originalBuf);
  if (comparison.replayBuf) put('replay.png', comparison.replayBuf);
  if (comparison.diff) put('diff.png', PNG.sync.write(comparison.diff));
  for (const [suffix, value] of Object.entries(extra)) {
    put(suffix, typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value, null, 1));
  }
  return written;
}
