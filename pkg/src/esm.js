// ES module entry (bundlers and <script type=module>): the wasm sits next to this file.
import { createTapedeck } from './loader.js';

const api = createTapedeck(() => new URL('tapedeck.wasm', import.meta.url));

export const record = api.record;
export const load = api.load;
export const Recorder = api.Recorder;
