/**
 * Debian's Chromium for browser tests, driven by playwright-core: where it is, why a test skips without it,
 * and the one set of flags it starts with (this machine's closed network refuses Chromium's background calls).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const absent = `${CHROMIUM} is absent (install it with: apt-get install -y chromium)`;

/**
 * false when Chromium is there, else the reason a browser test skips. In CI (CI=true; .ci/run installs
 * Chromium) a browser test never skips: it runs and fails on the missing browser.
 */
export const chromiumSkip: false | string = existsSync(CHROMIUM) || process.env.CI === 'true' ? false : absent;

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) return Promise.reject(new TypeError(`browser test in CI: ${absent}`));
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export interface WatchedPage {
  readonly page: Page;
  /** Console errors (and warnings, when asked) and uncaught page errors, as they happen. */
  readonly problems: string[];
  /** With `offline`: every request for anything but a file: URL, refused. */
  readonly requests: string[];
}

/**
 * A new page that records what a browser test must find empty: console errors (warnings too with
 * `warnings`), page errors and, `offline`, any request leaving the file (a self-contained report).
 */
export async function watchedPage(
  browser: Browser,
  opts: { viewport: { width: number; height: number }; warnings?: boolean; offline?: boolean },
): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: opts.viewport });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || (opts.warnings === true && m.type() === 'warning'))
      problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  if (opts.offline === true)
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
  return { page, problems, requests };
}

/** A self-contained HTML report (file path) opened offline in a watched page, once its charts are ready. */
export async function openReport(browser: Browser, file: string): Promise<WatchedPage> {
  const w = await watchedPage(browser, { viewport: { width: 1280, height: 900 }, warnings: true, offline: true });
  await w.page.goto(pathToFileURL(file).href, { timeout: 90_000 });
  await w.page.waitForSelector('html[data-report-ready="1"]', { timeout: 90_000 });
  return w;
}
