// The JS face of Tapedeck shared by the ES module and the classic script: loads the wasm once,
// and hands out Recorder handles that queue calls made before the wasm is ready.
import initWasm, { record as coreRecord } from '../../target/wasm-bindgen/core.js';

const PREFIX = 'tapedeck: ';

// Resolves once the document is parsed: the first snapshot is taken then, not before.
function parsed() {
  if (typeof document === 'undefined' || document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));
}

function report(error) {
  try {
    console.error(PREFIX + 'recording could not start:', error);
  } catch (_) {
    // A page that broke console must not break because of us.
  }
}

/**
 * Builds one independent Tapedeck API. `wasmUrl()` says where `tapedeck.wasm` lives.
 * Nothing is shared between two APIs or two recorders: each holds its own state.
 */
export function createTapedeck(wasmUrl) {
  let loading = null;
  let loaded = false;
  // Recordings run until stop(), even when the page drops the handle.
  const running = new Set();

  function load(input) {
    if (!loading) {
      loading = initWasm({ module_or_path: input ?? wasmUrl() }).then(() => {
        loaded = true;
      });
    }
    return loading;
  }

  class Recorder {
    #core = null;
    #queue = [];
    #stopped = false;

    constructor(options, start) {
      running.add(this);
      // `ready` settles once the first full snapshot is out (a large page is walked across
      // several tasks).
      const snapshotted = () => (this.#core ? this.#core.snapshotted : undefined);
      if (start) {
        this.#start(options, true);
        this.ready = parsed().then(snapshotted);
      } else {
        this.ready = load()
          .then(parsed)
          .then(() => this.#start(options, false))
          .then(snapshotted);
      }
    }

    #start(options, sync) {
      if (this.#stopped) return;
      try {
        this.#core = coreRecord(options);
      } catch (error) {
        running.delete(this);
        this.#stopped = true;
        if (!sync) report(error);
        throw error;
      }
      for (const [method, args] of this.#queue.splice(0)) {
        try {
          this.#core[method](...args);
        } catch (error) {
          report(error);
        }
      }
    }

    #call(method, args) {
      if (this.#stopped) return;
      if (this.#core) this.#core[method](...args);
      else this.#queue.push([method, args]);
    }

    stop() {
      if (this.#stopped) return Promise.resolve();
      this.#stopped = true;
      running.delete(this);
      this.#queue.length = 0;
      if (!this.#core) return Promise.resolve();
      const core = this.#core;
      this.#core = null;
      const flushed = core.stop();
      core.free();
      return flushed;
    }

    flush() {
      if (this.#core) return this.#core.flush();
      if (this.#stopped) return Promise.resolve();
      return this.ready.then(() => (this.#core ? this.#core.flush() : undefined));
    }

    get recording() {
      return this.#core ? this.#core.recording : !this.#stopped;
    }

    get reason() {
      return this.#core ? this.#core.reason : undefined;
    }

    takeFullSnapshot() {
      this.#call('takeFullSnapshot', []);
    }

    addCustomEvent(tag, payload) {
      this.#call('addCustomEvent', [tag, payload]);
    }
  }

  /** Starts recording. Before the wasm has loaded, calls are queued and `ready` settles later. */
  function record(options) {
    return new Recorder(options, loaded);
  }

  return { record, load, Recorder };
}
