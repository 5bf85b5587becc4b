/* tslint:disable */
/* eslint-disable */

/** An rrweb event (see `@rrweb/types` `eventWithTime`). */
export interface TapedeckEvent {
    type: number;
    data: any;
    timestamp: number;
}

/** Options for `record()`. An unknown option or a wrong type is an error naming it. */
export interface RecordOptions {
    /**
     * Called with every event as a plain object, like rrweb's `record({ emit })`. `endpoint`,
     * `emit` or both must be given.
     */
    emit?: (event: TapedeckEvent, isCheckout?: boolean) => void;
    /** Where batches of events are POSTed (same- or cross-origin); see PROTOCOL.md. */
    endpoint?: string;
    /** Extra request headers (not sent on page unload, where requests must be CORS-simple). */
    headers?: Record<string, string>;
    /** Time between batches in ms (default 3000). */
    flushIntervalMs?: number;
    /** Largest batch, in bytes of event JSON before compression (default 524288). */
    maxBatchBytes?: number;
    /** Largest queue of undelivered events in bytes; past it the oldest are dropped, never silently (default 4194304). */
    maxQueueBytes?: number;
    /** "gzip" (default, done in wasm) or "none". */
    compression?: 'gzip' | 'none';
    /** Leave out ids implied by the events' structure on the wire (protocol v3, about 40 % fewer gzip bytes for a snapshot); false sends protocol v1, every event in full, for a collector that does not speak v3 (default true). */
    impliedIds?: boolean;
    /** Told about delivery problems: a batch rejected or too large, data dropped. */
    onError?: (error: Error & { kind: 'rejected' | 'too-large' | 'dropped'; status?: number }) => void;
    /** Fraction of sessions recorded, decided once per session (default 1). */
    sampleRate?: number;
    /** Nothing is sent until the session has lasted this long, in ms (default 0). */
    minimumDurationMs?: number;
    /** Inline stylesheets as `_cssText` (default true). */
    inlineStylesheet?: boolean;
    /** How often interactions are sampled; names and defaults as rrweb's. */
    sampling?: {
        /** Mouse/touch move sampling in ms (default 50), or false to record no moves. */
        mousemove?: number | boolean;
        /** How often buffered moves are sent, in ms (default 500). */
        mousemoveCallback?: number;
        /** false records no clicks, focus, touches (default true). */
        mouseInteraction?: boolean;
        /** Scroll throttle in ms (default 100); the final position is always recorded. */
        scroll?: number;
        /** Media interaction throttle in ms (default 500). */
        media?: number;
        /** "all" records every input event (default), "last" only the value on change. */
        input?: 'all' | 'last';
    };
    /**
     * What is masked by default: "balanced" (default: every form value; e-mail addresses and
     * card numbers in text), "strict" (also all text; images, media, canvas, iframes blocked) or
     * "relaxed" (form values recorded except passwords, e-mail, telephone and payment fields).
     */
    privacy?: 'strict' | 'balanced' | 'relaxed';
    /** Text inside elements with this class is masked (default "rr-mask"). */
    maskTextClass?: string;
    /** Text inside elements matching this selector is masked. */
    maskTextSelector?: string;
    /** Text inside elements matching this selector is recorded (nearest marker wins). */
    unmaskTextSelector?: string;
    /** Elements with this class become empty placeholders of their size (default "rr-block"). */
    blockClass?: string;
    /** Elements matching this selector become empty placeholders of their size. */
    blockSelector?: string;
    /** Inputs with this class (or inside one) produce no input events (default "rr-ignore"). */
    ignoreClass?: string;
    /** Per input type (and "textarea", "select"): true masks, false records. Never unmasks passwords. */
    maskInputOptions?: Partial<Record<
    'checkbox' | 'color' | 'date' | 'datetime-local' | 'email' | 'hidden' | 'month' | 'number' |
    'password' | 'radio' | 'range' | 'search' | 'select' | 'tel' | 'text' | 'textarea' | 'time' |
    'url' | 'week', boolean>>;
    /** Replaces the default masking of input values ("*" per character). */
    maskInputFn?: (text: string, element: HTMLElement) => string;
    /** Replaces the default masking of page text (each non-space character becomes "*"). */
    maskTextFn?: (text: string, element: HTMLElement | null) => string;
    /** Record nothing when the browser sends Do Not Track or Global Privacy Control (default false). */
    respectDoNotTrack?: boolean;
    /** Take a new full snapshot after this many ms since the last one. */
    checkoutEveryNms?: number;
    /** Take a new full snapshot after this many incremental events. */
    checkoutEveryNth?: number;
}

/** A running recording. */
export interface RecorderHandle {
    /** False once stopped, or when nothing is recorded by choice (see `reason`). */
    readonly recording: boolean;
    /** Why nothing is recorded: "do-not-track" (`respectDoNotTrack`) or "sampled-out" (`sampleRate`). */
    readonly reason?: string;
    /**
     * Stops recording and releases everything it holds; what was recorded is flushed. The
     * Promise settles when it is delivered or stored. Calling it twice is harmless.
     */
    stop(): Promise<void>;
    /**
     * Emits what is still held (DOM changes during a mutation storm, buffered pointer moves) at
     * once; settles once everything recorded so far is delivered to the endpoint or stored.
     */
    flush(): Promise<void>;
    /** Emits a new Meta + FullSnapshot pair (a "checkout"). */
    takeFullSnapshot(): void;
    /** Records `{type: 5, data: {tag, payload}}`; payload must be JSON-serializable. */
    addCustomEvent(tag: string, payload?: unknown): void;
}



/**
 * The handle `record()` returns.
 */
export class Recorder {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    addCustomEvent(tag: string, payload: any): void;
    /**
     * Emits at once what was observed and still waits (DOM changes held back during a
     * mutation storm, buffered pointer moves); the Promise settles once everything recorded
     * so far is delivered to the endpoint, or stored to be sent on a later attempt (at once
     * when there is no endpoint).
     */
    flush(): Promise<any>;
    /**
     * Stops recording: every listener, observer, timer and patch is released, and what was
     * recorded is flushed. The Promise settles when it is delivered or stored.
     */
    stop(): Promise<any>;
    takeFullSnapshot(): void;
    /**
     * Why nothing is recorded (`"do-not-track"`), if that is the case.
     */
    readonly reason: string | undefined;
    /**
     * False when nothing is being recorded: stopped, or not started because of `reason`.
     */
    readonly recording: boolean;
    /**
     * Settles once the first full snapshot has been emitted (it may take several tasks on a
     * large page); at once when nothing is recorded.
     */
    readonly snapshotted: Promise<any>;
}

/**
 * Starts recording the page this module runs in.
 */
export function record(options: RecordOptions): Recorder;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_recorder_free: (a: number, b: number) => void;
    readonly record: (a: any) => [number, number, number];
    readonly recorder_addCustomEvent: (a: number, b: number, c: number, d: any) => [number, number];
    readonly recorder_flush: (a: number) => any;
    readonly recorder_reason: (a: number) => [number, number];
    readonly recorder_recording: (a: number) => number;
    readonly recorder_snapshotted: (a: number) => any;
    readonly recorder_stop: (a: number) => any;
    readonly recorder_takeFullSnapshot: (a: number) => void;
    readonly wasm_bindgen__convert__closures_____invoke__h13f4bea5ac033469: (a: number, b: number, c: any, d: any, e: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__h7d53e685da76d32d: (a: number, b: number, c: any, d: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__hb98d63cc49481475: (a: number, b: number, c: any, d: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__hb98d63cc49481475_10: (a: number, b: number, c: any, d: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__hd0d3f1ee16e9f0bb: (a: number, b: number, c: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__hd5971db852be8c5b: (a: number, b: number, c: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__hd06293fb42eece4c: (a: number, b: number) => void;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_destroy_closure: (a: number, b: number) => void;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
