/**
 * Debian's Chromium for browser tests, driven by playwright-core: where it is, why a test skips without it,
 * and the one set of flags it starts with (this machine's closed network refuses Chromium's background calls).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

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
