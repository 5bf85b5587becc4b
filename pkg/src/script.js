// Classic-script entry: `<script src=".../tapedeck.js">` exposes a global `tapedeck` and starts
// fetching `tapedeck.wasm` from the script's own folder at once.
import { createTapedeck } from './loader.js';

const scriptSrc = typeof document !== 'undefined' && document.currentScript && document.currentScript.src;
const api = createTapedeck(() => new URL('tapedeck.wasm', scriptSrc || document.baseURI));
api.load().catch((error) => {
  console.error('tapedeck: could not load tapedeck.wasm:', error);
});

export const record = api.record;
export const load = api.load;
export const Recorder = api.Recorder;
