import { basename } from 'node:path';
import type { Universe } from '../core/universe.ts';
import { holdingsWeights } from './engine/run.ts';
import { type ReportSweep, renderReport } from './report/index.ts';
import type { BacktestRun } from './request.ts';
import type { BandAdvice } from './sweep/advisor.ts';
import type { WalkForward } from './sweep/analyze.ts';
import type { SweepConfig } from './sweep/grid.ts';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function notes(run: BacktestRun): string[] {
  const o = run.options;
  return [
    `Prices: ${basename(run.pricesPath)}, ${run.data.times.length} bars ${day(run.data.times[0]!)} → ${day(run.data.times[run.data.times.length - 1]!)}${run.filled > 0 ? `, ${run.filled} missing cells filled forward` : ''}.`,
    `Target: ${Object.entries(o.target)
      .map(([a, w]) => `${a} ${(w * 100).toFixed(1)}%`)
      .join(', ')} (cash ${o.cash}); capital ${o.capital.toLocaleString('en-US')}.`,
    `Costs: fee ${o.costs.feeBps} bps on non-cash trades${o.costs.halfSpreadBps > 0 ? `, half-spread ${o.costs.halfSpreadBps} bps` : ''}${o.costs.impact > 0 ? `, square-root impact ${o.costs.impact}` : ''}; ${o.lag === 1 ? 'trades one bar after the decision' : 'trades at the close the trigger fires'}.`,
    'Semantics: docs/backtest.md. Every strategy runs the same core triggers, planner and cost model as the service.',
  ];
}

/** What every report of a run draws: its equity, weights, rebalances and metrics per strategy. */
function reportBase(run: BacktestRun, title: string) {
  return {
    title,
    generatedAt: new Date().toISOString(),
    assets: run.data.u.assets,
    times: run.data.times,
    runs: run.results.map((r) => ({
      strategy: r.strategy,
      equity: r.equity,
      weights: r.weights,
      ...(r.holdings === null
        ? {}
        : {
            weightAt: (b: number, out: Float64Array) =>
              holdingsWeights(r.holdings!, run.data.prices, run.data.u.n, b, out),
          }),
      rebalanceBars: r.rebalanceBars,
      metrics: r.metrics,
    })),
  };
}

/** The self-contained HTML report of a backtest run. */
export function backtestReportHtml(run: BacktestRun, sweep?: ReportSweep[]): string {
  return renderReport({
    ...reportBase(run, 'Ballast backtest'),
    hodlStrategy:
      run.results.find((r) => r.strategy === 'hodl')?.strategy ?? run.results[run.results.length - 1]!.strategy,
    sweep,
    notes: notes(run),
  });
}

export interface SweepReportInput {
  readonly configs: readonly SweepConfig[];
  readonly results: Float64Array;
  readonly metric: string;
  readonly families: readonly string[];
  readonly heat: ReadonlyArray<{ family: string; x: number[]; y: number[]; z: (number | null)[][] }>;
  readonly advice: BandAdvice;
  readonly walkForward: WalkForward | undefined;
  readonly universe: Universe;
  /** The backtest of HODL and the advised band, drawn above the heatmaps. */
  readonly run: BacktestRun;
}

/** The sweep's report: the backtest report of the advised band against HODL, plus one heatmap per family. */
export function sweepReportHtml(input: SweepReportInput): string {
  const lower = new Set(['maxDrawdown', 'volatility', 'fees', 'turnover']);
  const sweep: ReportSweep[] = input.heat.map((h) => ({
    title: `${input.metric}: ${h.family} width × fee`,
    xLabel: 'band width',
    yLabel: 'fee (bps)',
    metric: input.metric,
    x: h.x,
    y: h.y,
    z: h.z,
    higherIsBetter: !lower.has(input.metric),
    xPercent: true,
  }));
  const extra = [
    `Band advisor: ${(input.advice.band * 100).toFixed(2)}% from the ${input.advice.source}: ${input.advice.explanation}.`,
  ];
  const wf = input.walkForward;
  if (wf) {
    const c = input.configs[wf.chosen]!;
    extra.push(
      `Walk-forward split ${day(wf.splitDate)}: the in-sample winner ${c.spec.name} at ${c.feeBps} bps scored ${wf.inSample.toPrecision(4)} in sample and ${wf.outOfSample.toPrecision(4)} out of sample (best ${wf.bestOutOfSample.toPrecision(4)}, median ${wf.medianOutOfSample.toPrecision(4)}).`,
    );
  }
  const run = input.run;
  return renderReport({
    ...reportBase(run, `Ballast sweep: ${input.configs.length.toLocaleString('en-US')} configurations`),
    hodlStrategy: 'hodl',
    sweep,
    notes: [...extra, ...notes(run)],
  });
}
