/** The data the report's charts draw, downsampled and rounded for size (7 significant digits, weights to 1e-5). */
import { minMaxIndices, strideIndices, thin } from './downsample.ts';
import type { RenderOptions, ReportInput, ReportSweep } from './types.ts';

export type Point = [number, number];

export interface WeightsPayload {
  readonly strategy: string;
  readonly assets: readonly string[];
  readonly t: number[];
  /** w[i][k]: weight of asset i at time t[k]. */
  readonly w: number[][];
  /** Times of the rebalance markers drawn (maybe thinned) and how many rebalances there were. */
  readonly rebalances: number[];
  readonly rebalanceCount: number;
}

export interface SweepPayload {
  readonly xLabel: string;
  readonly yLabel: string;
  readonly metric: string;
  readonly x: string[];
  readonly y: string[];
  /** [xi, yi, value] for every non-null cell. */
  readonly cells: [number, number, number][];
  readonly higherIsBetter: boolean;
  readonly best: { x: string; y: string; value: number } | null;
}

export interface ChartPayload {
  readonly hodl: string;
  readonly equity: { name: string; data: Point[] }[];
  readonly drawdown: { name: string; data: Point[] }[];
  readonly weights: WeightsPayload[];
  readonly sweep: SweepPayload | null;
  readonly maxPoints: number;
}

const round7 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(7)) : v);
const round5 = (v: number) => Math.round(v * 1e5) / 1e5;

/** Drawdown at each bar as a non-positive fraction: Vₜ / max_{s≤t} V_s − 1. */
export function drawdownSeries(equity: ArrayLike<number>): Float64Array {
  const dd = new Float64Array(equity.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < equity.length; t++) {
    if (equity[t] > peak) peak = equity[t];
    dd[t] = equity[t] / peak - 1;
  }
  return dd;
}

function curve(times: ArrayLike<number>, values: ArrayLike<number>, max: number): Point[] {
  return minMaxIndices(values, max).map((i) => [times[i], round7(values[i])]);
}

function sweepPayload(s: ReportSweep): SweepPayload {
  const label = (v: number | string, pct: boolean) =>
    typeof v === 'string' ? v : pct ? `${Number((v * 100).toPrecision(4))}%` : String(Number(v.toPrecision(4)));
  const higherIsBetter = s.higherIsBetter ?? true;
  const cells: [number, number, number][] = [];
  let best: SweepPayload['best'] = null;
  for (let yi = 0; yi < s.z.length; yi++) {
    for (let xi = 0; xi < s.z[yi].length; xi++) {
      const v = s.z[yi][xi];
      if (v === null || !Number.isFinite(v)) continue;
      cells.push([xi, yi, v]);
      if (best === null || (higherIsBetter ? v > best.value : v < best.value)) {
        best = { x: label(s.x[xi], s.xPercent ?? false), y: label(s.y[yi], false), value: v };
      }
    }
  }
  return {
    xLabel: s.xLabel,
    yLabel: s.yLabel,
    metric: s.metric,
    x: s.x.map((v) => label(v, s.xPercent ?? false)),
    y: s.y.map((v) => label(v, false)),
    cells,
    higherIsBetter,
    best,
  };
}

export function buildChartPayload(input: ReportInput, opts: RenderOptions = {}): ChartPayload {
  const maxPoints = opts.maxPoints ?? 2000;
  const maxWeightPoints = opts.maxWeightPoints ?? 1000;
  const maxMarkers = opts.maxMarkers ?? 2000;
  const { times } = input;
  const T = times.length;
  const weights: WeightsPayload[] = [];
  for (const r of input.runs) {
    if (!r.weights) continue;
    const assets = r.assets ?? input.assets;
    const n = assets.length;
    const idx = strideIndices(T, maxWeightPoints);
    const w = assets.map((_, i) => idx.map((t) => round5((r.weights as ArrayLike<number>)[t * n + i])));
    weights.push({
      strategy: r.strategy,
      assets: [...assets],
      t: idx.map((t) => times[t]),
      w,
      rebalances: thin(r.rebalanceBars, maxMarkers).map((b) => times[b]),
      rebalanceCount: r.rebalanceBars.length,
    });
  }
  return {
    hodl: input.hodlStrategy,
    equity: input.runs.map((r) => ({ name: r.strategy, data: curve(times, r.equity, maxPoints) })),
    drawdown: input.runs.map((r) => ({ name: r.strategy, data: curve(times, drawdownSeries(r.equity), maxPoints) })),
    weights,
    sweep: input.sweep ? sweepPayload(input.sweep) : null,
    maxPoints,
  };
}
