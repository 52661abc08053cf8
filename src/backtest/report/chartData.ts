/**
 * The data the report's charts draw, downsampled (downsample.ts) and rounded for size: equity to 7
 * significant digits, drawdowns and weights to 1e-5. Bar times are stored once, in `t` (only the bars
 * some chart draws); every curve refers to them by position, so 20 curves do not repeat 20 time axes.
 */
import { minMaxIndices, strideIndices, thin } from './downsample.ts';
import type { RenderOptions, ReportInput, ReportSweep } from './types.ts';
import { sweepsOf } from './validate.ts';

/** One line: point j is at time t[i[j]] with value v[j]. */
export interface CurvePayload {
  readonly name: string;
  readonly i: number[];
  readonly v: number[];
}

export interface WeightsPayload {
  readonly strategy: string;
  readonly assets: readonly string[];
  /** Positions in `t` of the drawn bars, shared by every asset. */
  readonly i: number[];
  /** w[a][j]: weight of asset a at time t[i[j]]. */
  readonly w: number[][];
  /** Positions in `t` of the rebalance markers drawn (maybe thinned), and how many rebalances there were. */
  readonly rebalances: number[];
  readonly rebalanceCount: number;
}

export interface SweepPayload {
  readonly title: string;
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
  /** Times (ms UTC) of every bar drawn anywhere, increasing. */
  readonly t: number[];
  readonly equity: CurvePayload[];
  readonly drawdown: CurvePayload[];
  readonly weights: WeightsPayload[];
  readonly sweeps: SweepPayload[];
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
    title: s.title ?? `${s.metric} by ${s.xLabel} × ${s.yLabel}`,
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
  const used = new Uint8Array(T);
  const mark = (idx: number[]) => {
    for (const b of idx) used[b] = 1;
    return idx;
  };
  const lines = input.runs.map((r) => {
    // One drawdown series at a time: only its drawn points are kept (a long run's T-length series are not).
    const dd = drawdownSeries(r.equity);
    const ddIdx = mark(minMaxIndices(dd, maxPoints));
    return { r, ddIdx, ddV: ddIdx.map((b) => round5(dd[b]!)), eqIdx: mark(minMaxIndices(r.equity, maxPoints)) };
  });
  const stride = strideIndices(T, maxWeightPoints);
  const withWeights = input.runs.filter((r) => r.weights || r.weightAt);
  if (withWeights.length > 0) mark(stride);
  const markers = withWeights.map((r) => mark(thin(r.rebalanceBars, maxMarkers)));
  // Position of each used bar in the shared time list.
  const pos = new Int32Array(T);
  const t: number[] = [];
  for (let b = 0; b < T; b++) {
    if (used[b]) {
      pos[b] = t.length;
      t.push(times[b]);
    }
  }
  const at = (idx: number[]) => idx.map((b) => pos[b]);
  const weights: WeightsPayload[] = withWeights.map((r, k) => {
    const assets = r.assets ?? input.assets;
    const n = assets.length;
    return {
      strategy: r.strategy,
      assets: [...assets],
      i: at(stride),
      w: strideWeights(r, n, stride),
      rebalances: at(markers[k]),
      rebalanceCount: r.rebalanceBars.length,
    };
  });
  return {
    hodl: input.hodlStrategy,
    t,
    equity: lines.map(({ r, eqIdx }) => ({ name: r.strategy, i: at(eqIdx), v: eqIdx.map((b) => round7(r.equity[b])) })),
    drawdown: lines.map(({ r, ddIdx, ddV }) => ({ name: r.strategy, i: at(ddIdx), v: ddV })),
    weights,
    sweeps: sweepsOf(input).map(sweepPayload),
    maxPoints,
  };
}

/** Per asset, its weight at each stride bar: from the T×n column or, for long runs, one bar at a time. */
function strideWeights(r: ReportInput['runs'][number], n: number, stride: readonly number[]): number[][] {
  const out = Array.from({ length: n }, () => new Array<number>(stride.length));
  const W = r.weights;
  const row = new Float64Array(n);
  stride.forEach((b, k) => {
    if (W) for (let a = 0; a < n; a++) row[a] = W[b * n + a]!;
    else r.weightAt!(b, row);
    for (let a = 0; a < n; a++) out[a]![k] = round5(row[a]!);
  });
  return out;
}
