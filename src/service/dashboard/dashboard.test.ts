/**
 * The dashboard in a real headless browser (Debian's chromium through playwright-core): after a replay
 * cycle, delivered live over SSE, the value the page shows equals GET /portfolios/:id's. Skips with a
 * printed reason when /usr/bin/chromium is absent. BALLAST_DASHBOARD_SCREENSHOT=file keeps a screenshot.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromiumSkip, launchChromium, watchedPage } from '../../../test/support/chromium.ts';
import { createApi } from '../api/server.ts';
import { client } from '../api/testing/client.ts';
import { startServiceFixture } from '../api/testing/service-fixture.ts';
import type { PortfolioView } from '../facade.ts';

const TOKEN = 'browser-token-0123456789abcdef';
const skip = chromiumSkip;
if (skip) process.stdout.write(`# skipping the dashboard browser test: ${skip}\n`);

test('dashboard: after a replay cycle the page shows the value GET /portfolios/:id returns', {
  skip,
  timeout: 120_000,
}, async () => {
  const fx = await startServiceFixture({ warmBars: 10 });
  const api = await createApi(fx.service, { port: 0, token: TOKEN });
  const profile = mkdtempSync(join(tmpdir(), 'ballast-chromium-'));
  const browser = await launchChromium();
  try {
    const { page, problems } = await watchedPage(browser, { viewport: { width: 1400, height: 1500 } });
    await page.goto(`${api.url}/?token=${TOKEN}`);
    assert.equal(new URL(page.url()).search, '', 'the token left the address bar');
    await page.waitForSelector('body[data-loaded]');
    await page.waitForSelector('#live.on');

    // Make the next cycle rebalance (a target change), then run it: the page updates through SSE.
    await client(api.url, TOKEN)('PUT', '/portfolios/main/target', {
      body: { target: { BTC: 0.3, ETH: 0.5, USD: 0.2 } },
    });
    const before = await page.getAttribute('body', 'data-loaded');
    await fx.cycleAt(10);
    await page.waitForSelector(`body:not([data-loaded="${before}"])`);

    const view = (await client(api.url, TOKEN)<PortfolioView>('GET', '/portfolios/main')).body;
    assert.ok(view.value !== null);
    assert.equal(await page.getAttribute('#value', 'data-value'), String(view.value));
    const shown = (await page.textContent('#value')) ?? '';
    const expected = `${view.value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USD`;
    assert.equal(shown, expected);
    assert.equal(
      await page.textContent('#lastcycle'),
      new Date(view.lastCycleAt!).toISOString().replace('T', ' ').slice(0, 19),
    );
    assert.ok((await page.locator('#cycles tbody tr').count()) >= 11);
    assert.ok((await page.locator('#orders tbody tr').count()) >= 1);
    assert.ok((await page.locator('#weights canvas').count()) === 1, 'the weights chart is drawn');
    assert.equal(await page.textContent('#targetsrc'), 'API (v1)');
    // not a lending position: the lending panel stays hidden, as the basket's does
    assert.equal(await page.isHidden('#lending'), true);
    assert.equal(await page.isHidden('#basket'), true);

    // Review a plan in the page and approve it.
    await fx.cycleAt(11);
    await client(api.url, TOKEN)('PUT', '/portfolios/main/target', {
      body: { target: { BTC: 0.6, ETH: 0.2, USD: 0.2 } },
    });
    await page.click('#review');
    await page.waitForSelector('#approve:not([disabled])');
    const shot = process.env.BALLAST_DASHBOARD_SCREENSHOT;
    if (shot) await page.screenshot({ path: shot, fullPage: true });
    await page.click('#approve');
    await page.waitForSelector('#plan-msg.good, #plan-msg.bad');
    assert.match((await page.textContent('#plan-msg')) ?? '', /^Executed: \d+ of \d+ orders filled/);

    // a batch auction's fill (issue #25) is explained in the orders table
    const j = fx.service.journal;
    const { clientOrderId } = j.orders.commitIntent({
      portfolioId: 'main',
      cycle: 1,
      leg: 90,
      child: 0,
      venue: 'intents',
      asset: 'ETH',
      quote: 'USD',
      side: 'sell',
      quantity: 3.5,
      orderType: 'limit',
      limitPrice: 2900,
      referencePrice: 3000,
      at: Date.now(),
    });
    j.orders.markSent(clientOrderId, Date.now());
    j.orders.recordFill(
      clientOrderId,
      {
        tradeId: 'cow-1',
        quantity: 3.5,
        price: 2990,
        fee: 0,
        feeAsset: 'ETH',
        time: Date.now(),
        explanation: { matched: 3.1, routed: 0.4 },
      },
      Date.now(),
    );
    await page.reload();
    await page.waitForSelector('body[data-loaded]');
    const rowText = await page.locator('#orders tbody tr', { hasText: clientOrderId }).textContent();
    assert.match(rowText ?? '', /3\.1 ETH matched internally, 0\.4 routed/);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await api.close();
    await fx.stop();
    rmSync(profile, { recursive: true, force: true });
  }
});
