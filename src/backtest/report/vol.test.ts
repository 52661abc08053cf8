/**
 * The `ballast vol evaluate` report: its text is escaped and its data complete; in headless Chromium (when
 * /usr/bin/chromium exists) it loads offline with no console error, draws, and its controls work. Set
 * BALLAST_REPORT_SCREENSHOT=/path/shot.png to keep a screenshot for a look by eye.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chromiumSkip, launchChromium, openReport } from '../../../test/support/chromium.ts';
import { simulateGarch } from '../../../test/support/forecast-sim.ts';
import { evaluateReturns } from '../../core/forecast/evaluate.ts';
import { renderVolReport, type VolReportInput } from './vol.ts';

function input(): VolReportInput {
  const assets = ['BTC', 'A<b>&"'].map((asset, k) => {
    const r = simulateGarch(1e-5, 0.08, 0.9, 400, 30 + k);
    const ev = evaluateReturns(r, 150, { refitEvery: 20, window: 0 });
    return {
      asset,
      times: Float64Array.from({ length: 150 }, (_, i) => Date.UTC(2024, 0, 1) + i * 86_400_000),
      realized: ev.realized,
      forecasts: ev.scores.map((s) => ({ model: s.model, values: s.forecasts })),
      scores: ev.scores,
    };
  });
  return { title: 'Vol <test>', generatedAt: '2026-12-04T00:00:00Z', notes: ['a note & more'], assets };
}

describe('vol report', () => {
  it('escapes every text and carries every forecast', () => {
    const inp = input();
    const html = renderVolReport(inp);
    assert.ok(html.includes('<title>Vol &lt;test&gt;</title>'));
    assert.ok(html.includes('A&lt;b&gt;&amp;&quot;') && !html.includes('A<b>&"'));
    assert.ok(html.includes('a note &amp; more'));
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!;
    const data = JSON.parse(json) as { assets: { asset: string; series: { model: string; v: number[] }[] }[] };
    assert.equal(data.assets[1]!.asset, 'A<b>&"');
    assert.deepEqual(
      data.assets[0]!.series.map((s) => s.model),
      ['ewma', 'garch', 'har', 'hmm'],
    );
    assert.deepEqual(data.assets[0]!.series[1]!.v, Array.from(inp.assets[0]!.forecasts[1]!.values));
    // One table row per asset and model.
    assert.equal(html.match(/<tr><td class="txt">/g)!.length, 8);
  });

  it('loads offline in headless Chromium with no console error; asset and scale controls work', {
    skip: chromiumSkip,
    timeout: 180_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ballast-volreport-'));
    const file = join(dir, 'vol.html');
    writeFileSync(file, renderVolReport(input()));
    const browser = await launchChromium();
    try {
      const { page, problems: errors, requests } = await openReport(browser, file);
      assert.ok((await page.locator('#chart-forecasts canvas').count()) >= 1);
      const axis = () =>
        page.evaluate(() => {
          const g = globalThis as unknown as {
            echarts: {
              getInstanceByDom(el: unknown): { getOption(): { yAxis: { type: string }[]; series: unknown[] } };
            };
            document: { getElementById(id: string): unknown };
          };
          const o = g.echarts.getInstanceByDom(g.document.getElementById('chart-forecasts')).getOption();
          return { type: o.yAxis[0]!.type, series: o.series.length };
        });
      assert.deepEqual(await axis(), { type: 'log', series: 5 });
      await page.uncheck('#log-scale');
      await page.selectOption('#asset', '1');
      assert.deepEqual(await axis(), { type: 'value', series: 5 });
      const shot = process.env.BALLAST_REPORT_SCREENSHOT;
      if (shot) await page.screenshot({ path: shot, fullPage: true });
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, []);
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
