// Type-checked (never run) by `make test-types`: the package's declarations must accept
// ordinary use and reject mistakes. Each @ts-expect-error fails the check if it stops erroring.
import { record, load, type Recorder, type RecordOptions, type TapedeckEvent } from '../../pkg/types/index';

const events: TapedeckEvent[] = [];
const options: RecordOptions = {
  emit(event, isCheckout) {
    events.push(event);
    if (isCheckout) console.log('checkout at', event.timestamp);
  },
  inlineStylesheet: true,
};

async function main(): Promise<void> {
  await load();
  const recorder: Recorder = record(options);
  await recorder.ready;
  recorder.addCustomEvent('checkout', { step: 2 });
  recorder.takeFullSnapshot();
  await recorder.flush();
  await recorder.stop();

  // @ts-expect-error endpoint is a URL string
  record({ endpoint: 42 });
  // @ts-expect-error inlineStylesheet is a boolean
  record({ emit() {}, inlineStylesheet: 'yes' });
  // @ts-expect-error unknown options are rejected
  record({ emit() {}, emitt: true });
  // @ts-expect-error the tag is a string
  recorder.addCustomEvent(1, {});
}

void main;

// Privacy options and the handle's state.
const strict: RecordOptions = {
  emit() {},
  privacy: 'strict',
  maskTextSelector: '.pii',
  blockSelector: '[data-ad]',
  maskInputOptions: { email: true, text: false },
  maskInputFn: (text, el) => (el.id === 'zip' ? text : '*'.repeat(text.length)),
  maskTextFn: (text) => text.replace(/\S/g, '#'),
  respectDoNotTrack: true,
};
const r2 = record(strict);
const active: boolean = r2.recording;
const why: string | undefined = r2.reason;
void active;
void why;
// @ts-expect-error not a preset
record({ emit() {}, privacy: 'paranoid' });
// @ts-expect-error not an input type
record({ emit() {}, maskInputOptions: { emial: true } });

// Delivery to an endpoint.
const sent = record({
  endpoint: 'https://collector.example/ingest',
  headers: { Authorization: 'Bearer t' },
  flushIntervalMs: 2000,
  maxBatchBytes: 256 * 1024,
  maxQueueBytes: 2 * 1024 * 1024,
  compression: 'gzip',
  impliedIds: false,
  sampleRate: 0.5,
  minimumDurationMs: 5000,
  onError: (e) => console.warn(e.kind, e.status, e.message),
});
void sent.flush().then(() => sent.stop());
// @ts-expect-error not a supported compression
record({ endpoint: '/i', compression: 'br' });
// @ts-expect-error impliedIds is a boolean
record({ endpoint: '/i', impliedIds: 'yes' });
