/**
 * Baseline of issue #7: the best allocation in `step`% steps over at most `maxSplits` pool-disjoint paths, found
 * exhaustively, net of the same gas: how Uniswap's smart order router splits (distributionPercent 5, maxSplits 3).
 * Like that router it searches the best `maxPaths` candidate paths (by net output of the whole amount).
 */
import type { Edge } from './edge.ts';
import { RouteRequestError } from './errors.ts';
import { buildNetwork } from './network.ts';
import { gasUnitCost } from './route.ts';
import type { RouteRequest } from './types.ts';

export interface BaselineOptions {
  readonly stepPercent?: number;
  readonly maxSplits?: number;
  readonly maxPaths?: number;
}

export interface BaselineSplit {
  readonly pools: readonly string[];
  readonly percent: number;
  readonly amountIn: bigint;
  readonly amountOut: bigint;
}

export interface BaselineRoute {
  readonly amountOut: bigint;
  readonly gas: number;
  readonly gasCostOut: bigint;
  readonly netOut: bigint;
  readonly splits: readonly BaselineSplit[];
}

interface Path {
  readonly edges: readonly Edge[];
  readonly gas: number;
}

function pathOut(p: Path, amountIn: bigint): bigint {
  let a = amountIn;
  for (const e of p.edges) {
    if (a <= 0n) return 0n;
    a = e.pool.amountOut(e.from, e.to, a);
  }
  return a;
}

const disjoint = (p: Path, q: Path): boolean => !p.edges.some((e) => q.edges.some((f) => f.pool.id === e.pool.id));

export function baselineRoute(req: RouteRequest, opts: BaselineOptions = {}): BaselineRoute {
  const step = opts.stepPercent ?? 5;
  const maxSplits = opts.maxSplits ?? 3;
  if (!(step > 0 && 100 % step === 0)) throw new RouteRequestError('stepPercent', `must divide 100, got ${step}`);
  if (!(maxSplits >= 1 && maxSplits <= 3))
    throw new RouteRequestError('maxSplits', `must be 1, 2 or 3, got ${maxSplits}`);
  const n = 100 / step;
  const unit = gasUnitCost(req.gasPriceWei, req.outPerEth);
  const net = buildNetwork(req.pools, req.tokenIn, req.tokenOut, req.hubs);
  let paths: Path[] = net.direct.map((e) => ({ edges: [e], gas: e.pool.gas }));
  for (const h of net.hubs)
    for (const a of h.first) for (const b of h.second) paths.push({ edges: [a, b], gas: a.pool.gas + b.pool.gas });
  if (paths.length === 0) throw new RouteRequestError('pools', 'contain no path from tokenIn to tokenOut');
  const share = (k: number): bigint => (req.amountIn * BigInt(k)) / BigInt(n);
  // val[p][k]: net output of path p with k steps of the input (float, for the search only).
  let val: Float64Array[] = paths.map((p) => {
    const v = new Float64Array(n + 1);
    const g = p.gas * unit;
    for (let k = 1; k <= n; k++) v[k] = Number(pathOut(p, share(k))) - g;
    return v;
  });
  const maxPaths = opts.maxPaths ?? 50;
  if (paths.length > maxPaths) {
    const order = paths
      .map((_, i) => i)
      .sort((i, j) => ((val[j] as Float64Array)[n] as number) - ((val[i] as Float64Array)[n] as number));
    const keep = order.slice(0, maxPaths);
    paths = keep.map((i) => paths[i] as Path);
    val = keep.map((i) => val[i] as Float64Array);
  }
  let best = { v: Number.NEGATIVE_INFINITY, pick: [] as [number, number][] };
  const P = paths.length;
  for (let p = 0; p < P; p++) {
    const vp = val[p] as Float64Array;
    if ((vp[n] as number) > best.v) best = { v: vp[n] as number, pick: [[p, n]] };
    if (maxSplits < 2) continue;
    for (let q = p + 1; q < P; q++) {
      if (!disjoint(paths[p] as Path, paths[q] as Path)) continue;
      const vq = val[q] as Float64Array;
      for (let k = 1; k < n; k++) {
        const v = (vp[k] as number) + (vq[n - k] as number);
        if (v > best.v)
          best = {
            v,
            pick: [
              [p, k],
              [q, n - k],
            ],
          };
      }
      if (maxSplits < 3) continue;
      for (let r = q + 1; r < P; r++) {
        if (!disjoint(paths[p] as Path, paths[r] as Path) || !disjoint(paths[q] as Path, paths[r] as Path)) continue;
        const vr = val[r] as Float64Array;
        for (let k1 = 1; k1 < n - 1; k1++)
          for (let k2 = 1; k1 + k2 < n; k2++) {
            const v = (vp[k1] as number) + (vq[k2] as number) + (vr[n - k1 - k2] as number);
            if (v > best.v)
              best = {
                v,
                pick: [
                  [p, k1],
                  [q, k2],
                  [r, n - k1 - k2],
                ],
              };
          }
      }
    }
  }
  // Exact evaluation of the chosen split; the largest share absorbs the rounding so inputs sum to amountIn.
  const amounts = best.pick.map(([, k]) => share(k));
  const rest = req.amountIn - amounts.reduce((s, a) => s + a, 0n);
  let big = 0;
  best.pick.forEach(([, k], i) => {
    if (k > (best.pick[big] as [number, number])[1]) big = i;
  });
  amounts[big] = (amounts[big] as bigint) + rest;
  let amountOut = 0n;
  let gas = 0;
  const splits = best.pick.map(([p, k], i) => {
    const path = paths[p] as Path;
    const a = amounts[i] as bigint;
    const o = pathOut(path, a);
    amountOut += o;
    gas += path.gas;
    return { pools: path.edges.map((e) => e.pool.id), percent: k * step, amountIn: a, amountOut: o };
  });
  const gasCostOut = BigInt(Math.ceil(gas * unit));
  return { amountOut, gas, gasCostOut, netOut: amountOut - gasCostOut, splits };
}
