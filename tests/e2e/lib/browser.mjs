// Chromium launcher for the e2e tests (playwright-core driving the system Chromium;
// never `npx playwright install`: it would try to download a browser).
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// See /work/shared/TOOLCHAIN.md: without the background-networking flags Chromium keeps
// dialling out and being refused. Playwright itself adds --headless, --hide-scrollbars and
// --no-sandbox, and gives every launch a fresh temporary user-data-dir.
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Keep rendering deterministic between the recorded page and the replay.
  '--font-render-hinting=none',
  '--force-color-profile=srgb',
];

export const VIEWPORT = { width: 1024, height: 768 };

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** A fresh context (own cache, cookies, storage) with a 1024×768 viewport at DPR 1. */
export function newContext(browser, { viewport = VIEWPORT } = {}) {
  return browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
    colorScheme: 'light',
    locale: 'en-US',
    timezoneId: 'UTC',
  });
}

/** A page in a fresh context (see newContext). */
export async function newPage(browser, { viewport = VIEWPORT } = {}) {
  const context = await newContext(browser, { viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}
