/**
 * Renders the report in headless Chromium (when /usr/bin/chromium exists; `apt-get install chromium`):
 * the page loads offline with no console error, draws every chart, and its controls work. Set
 * BALLAST_REPORT_SCREENSHOT=/path/shot.png to keep a full-page screenshot for a look by eye.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkCharts, legendToggles } from '../../../test/support/chart-checks.ts';
import { chromiumSkip, launchChromium, openReport } from '../../../test/support/chromium.ts';
import { renderReport } from './render.ts';
import { sampleReportInput } from './sampleInput.ts';

const skip = chromiumSkip;
if (skip) console.log(`skipping the browser check: ${skip}`);

describe('report in headless Chromium', { skip, timeout: 180_000 }, () => {
  it('loads offline with no console error, draws every chart, and the controls work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ballast-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReport(sampleReportInput()));
    const browser = await launchChromium();
    try {
      const { page, problems: errors, requests } = await openReport(browser, file);
      for (const id of ['chart-equity', 'chart-drawdown', 'chart-weights', 'chart-sweep']) {
        const canvases = await page.locator(`#${id} canvas`).count();
        assert.ok(canvases >= 1, `#${id} has a canvas`);
      }
      const rows = await page.locator('#metrics-table tbody tr').count();
      assert.equal(rows, 3);
      // Issue #17 item 4: every canvas drawn on, no two visible axis labels overlapping, the legend toggles.
      const seen = await checkCharts(page);
      assert.equal(seen.charts, 4);
      assert.deepEqual(seen.empty, []);
      assert.deepEqual(seen.overlaps, []);
      assert.ok(seen.labels > 20, `axis labels looked at: ${seen.labels}`);
      const names = await page.evaluate(() =>
        (
          JSON.parse(
            (
              globalThis as unknown as { document: { getElementById(i: string): { textContent: string } } }
            ).document.getElementById('report-data').textContent,
          ) as { equity: { name: string }[] }
        ).equity.map((e) => e.name),
      );
      assert.deepEqual(await legendToggles(page, 'chart-equity', names[0]!), [false, true], 'hidden, then shown');
      // Two clicks on one entry within 400 ms: that line alone.
      const alone = await page.evaluate((name) => {
        const g = globalThis as unknown as {
          echarts: {
            getInstanceByDom(el: unknown): {
              dispatchAction(a: unknown): void;
              getOption(): { legend: { selected: Record<string, boolean> }[] };
            };
          };
          document: { getElementById(i: string): unknown };
        };
        const c = g.echarts.getInstanceByDom(g.document.getElementById('chart-equity'));
        c.dispatchAction({ type: 'legendToggleSelect', name });
        c.dispatchAction({ type: 'legendToggleSelect', name });
        return c.getOption().legend[0]!.selected;
      }, names[1]!);
      assert.deepEqual(
        names.filter((n) => alone[n] !== false),
        [names[1]],
        'only the double-clicked line is shown',
      );
      await page.evaluate(() => {
        const g = globalThis as unknown as {
          echarts: { getInstanceByDom(el: unknown): { dispatchAction(a: unknown): void } };
          document: { getElementById(i: string): unknown };
        };
        g.echarts
          .getInstanceByDom(g.document.getElementById('chart-equity'))
          .dispatchAction({ type: 'legendAllSelect' });
      });
      // Log scale on and off, another strategy's weights, a sort: none may raise an error.
      if (!(await page.isChecked('#log-scale'))) await page.check('#log-scale');
      await page.selectOption('#weights-strategy', '2');
      assert.match((await page.textContent('#weights-note')) ?? '', /^2\d\d rebalances/);
      await page.click('#metrics-table th:nth-child(2)');
      assert.equal(await page.getAttribute('#metrics-table th:nth-child(2)', 'aria-sort'), 'ascending');
      const logType = await page.evaluate(() => {
        const g = globalThis as unknown as {
          echarts: { getInstanceByDom(el: unknown): { getOption(): { yAxis: { type: string }[] } } };
        };
        const el = (
          globalThis as unknown as { document: { getElementById(id: string): unknown } }
        ).document.getElementById('chart-equity');
        return g.echarts.getInstanceByDom(el).getOption().yAxis[0].type;
      });
      assert.equal(logType, 'log');
      await page.uncheck('#log-scale');
      await page.selectOption('#sweep-view', '1');
      assert.equal(await page.isVisible('.sweep-best[data-view="1"]'), true);
      assert.equal(await page.isVisible('.sweep-best[data-view="0"]'), false);
      await page.selectOption('#weights-strategy', '1');
      const shot = process.env.BALLAST_REPORT_SCREENSHOT;
      if (shot) {
        await page.screenshot({ path: shot, fullPage: true });
        console.log(`screenshot: ${shot}`);
      }
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, []);
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
