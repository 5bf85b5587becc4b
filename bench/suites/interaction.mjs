// Workload 3: a user on the 1k-node page: mouse moves, clicks, wheel scrolls, typing into the
// search field, driven by Playwright the same way for every variant. Recording starts before
// the window; the window ends once the recorder has flushed its buffered moves and gone quiet.
import { runVariants, startRecording } from '../lib/session.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Longer than the mouse-move flush interval of both recorders (500 ms).
export const QUIET_MS = 700;
export const TYPED = 'tapedeck bench';

async function targets(page) {
  return page.evaluate(() => {
    const center = (el) => {
      const r = el.getBoundingClientRect();
      return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };
    };
    const inView = (p) => p.x > 0 && p.y > 0 && p.x < innerWidth && p.y < innerHeight;
    // Nothing that navigates (links, submit buttons): the recorder must stay on this document.
    const clicks = [...document.querySelectorAll('button[type=button], h2, h3, .price, .desc')]
      .map(center)
      .filter(inView)
      .slice(0, 4);
    return { search: center(document.querySelector('input[name=q]')), clicks };
  });
}

async function interact(page, t) {
  for (let i = 0; i < 40; i++) {
    await page.mouse.move(60 + ((i * 37) % 880), 80 + ((i * 23) % 600));
    await sleep(16);
  }
  for (const p of t.clicks) {
    await page.mouse.click(p.x, p.y);
    await sleep(40);
  }
  for (const dy of [400, 400, 400, -400, -400, -400]) {
    await page.mouse.wheel(0, dy);
    await sleep(60);
  }
  await page.mouse.click(t.search.x, t.search.y);
  await page.keyboard.type(TYPED, { delay: 25 });
}

export async function interactionSuite(ctx) {
  let t = null;
  const runs = await runVariants(ctx, 'interaction', '/bench/pages/snapshot-1000.html', {
    prepare: async (run) => {
      await startRecording(run, 100);
      await run.page.evaluate(() => window.__bench.reset());
      t = await targets(run.page);
    },
    work: async (run) => {
      await interact(run.page, t);
      return run.page.evaluate(
        (quietMs) =>
          window.__bench.inTask(async () => {
            await window.__bench.quiet(quietMs);
            return window.__bench.take();
          }),
        QUIET_MS,
      );
    },
  });
  ctx.progress('interaction', runs);
  return { url: '/bench/pages/snapshot-1000.html', runs };
}
