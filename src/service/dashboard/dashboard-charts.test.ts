/**
 * The dashboard's charts in headless Chromium (issue #17 item 4): before the first cycle the page says "no
 * data yet" instead of a drift computed from nothing; after cycles every chart canvas is drawn on, no two
 * visible axis labels overlap, the legend toggles a series, and nothing is logged to the console.
 * BALLAST_DASHBOARD_CHARTS_SCREENSHOT=file keeps a screenshot.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCharts, legendToggles } from '../../../test/support/chart-checks.ts';
import { chromiumSkip, launchChromium, watchedPage } from '../../../test/support/chromium.ts';
import { createApi } from '../api/server.ts';
import { startServiceFixture } from '../api/testing/service-fixture.ts';

const TOKEN = 'charts-token-0123456789abcdef';
const skip = chromiumSkip;

test('dashboard charts: "no data yet" before the first cycle; drawn, unoverlapped, toggling after', {
  skip,
  timeout: 120_000,
}, async () => {
  const fx = await startServiceFixture({ warmBars: 0 });
  const api = await createApi(fx.service, { port: 0, token: TOKEN });
  const browser = await launchChromium();
  try {
    const { page, problems } = await watchedPage(browser, { viewport: { width: 1400, height: 1500 } });
    await page.goto(`${api.url}/?token=${TOKEN}`);
    await page.waitForSelector('body[data-loaded]');
    assert.equal(await page.textContent('#maxdrift'), 'no data yet', 'no drift before anything was observed');

    for (let t = 0; t < 8; t++) await fx.cycleAt(t);
    await page.reload();
    await page.waitForSelector('body[data-loaded]');
    await page.waitForTimeout(300); // the charts draw on the next animation frame
    assert.match((await page.textContent('#maxdrift')) ?? '', /^\d+\.\d+ ?%$/);
    const seen = await checkCharts(page);
    assert.ok(seen.charts >= 3, `charts: ${seen.charts}`);
    assert.deepEqual(seen.empty, []);
    assert.deepEqual(seen.overlaps, []);
    assert.ok(seen.labels > 10, `axis labels looked at: ${seen.labels}`);
    assert.deepEqual(await legendToggles(page, 'valuechart', 'HODL'), [false, true]);
    const shot = process.env.BALLAST_DASHBOARD_CHARTS_SCREENSHOT;
    if (shot) {
      await page.waitForTimeout(1500); // the charts' entry animation
      await page.screenshot({ path: shot, fullPage: true });
    }
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await api.close();
    await fx.stop();
  }
});
