import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { buildChartPayload } from './chartData.ts';
import { echartsSource } from './echartsSource.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import { renderReport } from './render.ts';
import { sampleReportInput } from './sampleInput.ts';
import type { ReportInput } from './types.ts';
import { ReportInputError } from './validate.ts';

function reportData(html: string): ReturnType<typeof buildChartPayload> {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'data block present');
  return JSON.parse(m[1]);
}

describe('renderReport', () => {
  const input = sampleReportInput();
  const html = renderReport(input);

  it('is one HTML document with the chart library inlined and no external URL', () => {
    assert.match(html, /^<!doctype html>/);
    const lib = echartsSource().source;
    assert.ok(lib.length > 500_000);
    assert.ok(html.includes(lib), 'echarts.min.js inlined whole');
    const external = /\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i.exec(html);
    assert.equal(external, null, `external URL: ${external?.[0]}`);
    const ours = html.replace(lib, '');
    assert.doesNotMatch(ours, /https?:\/\/|<link\b|<iframe\b|<img\b|@import|url\(/i);
    assert.doesNotMatch(ours, /<script[^>]*\ssrc=/i);
  });

  it('holds the data: every run, the metrics table, the weights and the sweep', () => {
    const data = reportData(html);
    assert.deepEqual(
      data.equity.map((s) => s.name),
      ['hodl', 'calendar:month', 'calendar:week'],
    );
    assert.equal(data.equity[0].v.length, 1500);
    assert.equal(data.t.length, 1500);
    assert.equal(data.t[1499], input.times[1499]);
    assert.equal(data.equity[1].v[1499], Number(input.runs[1].equity[1499].toPrecision(7)));
    assert.equal(data.weights[1].rebalances.length, 49);
    assert.equal(data.t[data.weights[1].rebalances[0]], input.times[30]);
    assert.equal(data.weights.length, 3);
    assert.equal(data.weights[1].rebalanceCount, 49);
    assert.equal(data.sweeps.length, 2);
    assert.equal(data.sweeps[0].cells.length, 29);
    assert.deepEqual(data.sweeps[0].x.slice(0, 3), ['1%', '2%', '5%']);
    assert.equal(data.sweeps[0].title, 'sharpe by band width × fee (bps)');
    assert.deepEqual(data.sweeps[0].best, { x: '50%', y: '0', value: 1 + Math.log(50) / 5 });
    assert.equal(data.sweeps[1].cells.length, 500);
    assert.equal(data.sweeps[1].best?.y, 'band');
    assert.match(
      html,
      /<select id="sweep-view"><option value="0">sharpe by band width × fee \(bps\)<\/option><option value="1">max drawdown by trigger/,
    );
    assert.match(html, /<table id="metrics-table"/);
    assert.match(html, /calendar:week<\/td>/);
    assert.match(html, /Best sharpe: /);
    // Final value of calendar:month relative to hodl, shown in the vs-HODL column.
    const rel = (input.runs[1].metrics.finalValue as number) / (input.runs[0].metrics.finalValue as number) - 1;
    assert.ok(html.includes(`data-v="${rel}"`));
  });

  it('escapes every text from the input', () => {
    assert.ok(html.includes('<title>Sample backtest &lt;synthetic&gt;</title>'));
    assert.ok(html.includes('seed 4 &amp; no fees'));
    const evil: ReportInput = {
      ...input,
      title: '<img src=x onerror=alert(1)>',
      runs: input.runs.map((r, i) => (i === 1 ? { ...r, strategy: '</script><script>alert(1)</script>' } : r)),
    };
    const out = renderReport(evil);
    assert.ok(!out.includes('<img src=x'));
    assert.ok(!out.includes('<script>alert(1)'));
    assert.equal(reportData(out).equity[1].name, '</script><script>alert(1)</script>');
    assert.equal(escapeHtml(`a<b>"c"&'d'`), 'a&lt;b&gt;&quot;c&quot;&amp;&#39;d&#39;');
    assert.equal(jsonForScript({ a: '</script>', b: Number.NaN }), '{"a":"\\u003c/script>","b":null}');
  });

  it('downsamples long series to at most maxPoints per curve, keeping the worst drawdown', () => {
    const long = sampleReportInput(60_000, false);
    const t0 = performance.now();
    const out = renderReport(long);
    const ms = performance.now() - t0;
    const data = reportData(out);
    for (const s of [...data.equity, ...data.drawdown])
      assert.ok(s.i.length <= 2000 && s.v.length === s.i.length, `${s.name}: ${s.i.length}`);
    for (const w of data.weights) assert.ok(w.i.length <= 1000);
    const worst = Math.min(...data.drawdown[0].v);
    assert.ok(Math.abs(worst + (long.runs[0].metrics.maxDrawdown as number)) <= 5e-6);
    const kb = (out.length - echartsSource().source.length) / 1024;
    console.log(
      `report for 3 runs × 60,000 bars: ${ms.toFixed(0)} ms, ${kb.toFixed(0)} KiB of data and markup besides the library`,
    );
    assert.ok(kb < 800);
  });

  it('rejects inputs of the wrong shape with the field named', () => {
    const bad = (patch: Partial<ReportInput>, re: RegExp) =>
      assert.throws(
        () => renderReport({ ...input, ...patch }),
        (e: unknown) => e instanceof ReportInputError && re.test(e.message),
      );
    bad({ hodlStrategy: 'buy-and-hold' }, /hodlStrategy "buy-and-hold" is not among the runs/);
    bad({ times: [1, 2, 3] }, /equity has 1500 values, expected 3/);
    bad({ runs: [] }, /runs is empty/);
    bad({ runs: [input.runs[0], input.runs[0]] }, /appears twice/);
    bad({ runs: [{ ...input.runs[0], weights: [1, 2] }] }, /weights has 2 values, expected 1500 bars × 3 assets/);
    bad({ runs: [{ ...input.runs[0], rebalanceBars: [1500] }] }, /rebalance bar 1500/);
    bad(
      { sweep: { xLabel: 'w', yLabel: 'f', metric: 'm', x: [1, 2], y: [1], z: [[1]] } },
      /^sweep.z\[0\] has 1 values, expected 2/,
    );
    assert.throws(() => renderReport(input, { maxPoints: 2 }), /maxPoints must be an integer ≥ 4/);
  });

  it('shows extra metrics as more columns, and takes an interface-typed metrics object as is', () => {
    interface EngineMetrics {
      finalValue: number;
      cagr: number | null;
      sortino: number;
    }
    const m: EngineMetrics = { finalValue: 2, cagr: null, sortino: 1.5 };
    const runs = input.runs.map((r, i) => ({ ...r, metrics: m, extraMetrics: i === 0 ? { calmar: 0.25 } : undefined }));
    const out = renderReport({ ...input, runs });
    assert.match(out, /<th data-col="10">sortino<\/th><th data-col="11">calmar<\/th>/);
    assert.match(out, /data-v="0.25" title="0.25">0.2500<\/td>/);
  });

  it('shows the weights section as empty when no run recorded weights', () => {
    const out = renderReport({ ...input, runs: input.runs.map((r) => ({ ...r, weights: null })), sweep: undefined });
    assert.match(out, /No run recorded its weights/);
    assert.doesNotMatch(out, /id="chart-sweep"/);
  });
});
