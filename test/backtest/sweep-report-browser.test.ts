/**
 * The sweep report, as `ballast sweep --report` writes it, in headless Chromium (issue #17 item 4): no console
 * error, every chart's canvas drawn on, no two visible axis labels of one axis overlapping, the legend toggles
 * a series. BALLAST_SWEEP_SCREENSHOT=file keeps a screenshot.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkCharts, legendToggles } from '../support/chart-checks.ts';
import { chromiumSkip, launchChromium, openReport } from '../support/chromium.ts';
import { ballast } from '../support/cli.ts';

test('sweep report in Chromium: drawn, no overlapping labels, legend toggles, no console error', {
  skip: chromiumSkip,
  timeout: 180_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-sweep-report-'));
  const file = join(dir, 'sweep.html');
  try {
    const r = await ballast(
      'sweep',
      '--synthetic',
      'gbm',
      '--assets',
      '3',
      '--bars',
      '400',
      '--widths',
      '0.01:0.2:6',
      '--fees',
      '0:20:3',
      '--workers',
      '1',
      '--report',
      file,
    );
    assert.equal(r.code, 0, r.stderr);
    const browser = await launchChromium();
    try {
      const { page, problems: errors, requests } = await openReport(browser, file);
      await page.waitForTimeout(300);
      const seen = await checkCharts(page);
      assert.ok(seen.charts >= 4, `charts: ${seen.charts}`);
      assert.deepEqual(seen.empty, []);
      assert.deepEqual(seen.overlaps, []);
      assert.ok(seen.labels > 20, `axis labels looked at: ${seen.labels}`);
      assert.deepEqual(await legendToggles(page, 'chart-equity', 'hodl'), [false, true]);
      const shot = process.env.BALLAST_SWEEP_SCREENSHOT;
      if (shot) await page.screenshot({ path: shot, fullPage: true });
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [], 'the report needs no network');
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
