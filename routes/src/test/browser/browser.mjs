// What the browser tests share: Chromium as this machine runs it, checks that fail with a
// sentence, waiting on a condition (never on a fixed time), and a screenshot when a test fails.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  const refusals = [];
  page.on('response', response => {
    const path = new URL(response.url()).pathname;
    if ((response.status() === 401 || response.status() === 403) && path !== '/login') {
      refusals.push(`${response.status()} ${response.request().method()} ${path}`);
    }
  });
  return { browser, page, refusals };
}

export function check(condition, what) {
  if (!condition) {
    throw new Error(`failed: ${what}`);
  }
}

export async function waitFor(condition, what, timeoutMs = 30000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (e) {
      // the page is still changing; try again
    }
    if (Date.now() > until) throw new Error(`failed within ${timeoutMs / 1000} s: ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

export async function screenshotOnFailure(page, name, steps) {
  try {
    await steps();
  } catch (e) {
    const folder = process.env.HARBOUR_SCREENSHOTS;
    if (folder) {
      mkdirSync(folder, { recursive: true });
      await page.screenshot({ path: `${folder}/${name}-failure.png`, fullPage: true }).catch(() => {});
      console.error(`${name}: screenshot at ${folder}/${name}-failure.png (page ${page.url()})`);
    }
    console.error(e.message);
    process.exit(1);
  }
}
