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
  recorder.stop();

  // @ts-expect-error emit is required
  record({});
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
