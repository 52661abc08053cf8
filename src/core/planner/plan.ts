import { orderCost } from '../costs.ts';
import { trackingLoss } from './benefit.ts';
import { applyConstraints, planFullFast } from './constraints.ts';
import type { PlanBuffers, PlanContext, PlanMode } from './context.ts';
import { edgeNotionals } from './edge.ts';
import { solveFullValue } from './full.ts';

/** Optional inputs of a plan beyond holdings and prices. */
export interface PlanOptions {
  /** Absolute band half-width per entry, for `edge` and `auto` (non-finite = no band). */
  readonly halfWidth?: Float64Array | null;
  /** Per-bar covariance (n×n row-major) for `auto`'s benefit; null → diag(σ²). */
  readonly cov?: Float64Array | null;
  /** Target weights, when they differ from the universe's (dynamic targets). */
  readonly target?: Float64Array;
  /** Buy only (investing an inflow): sells are dropped and buys are capped by the available quote. */
  readonly buyOnly?: boolean;
}

/** Full-plan desired notionals into buf.d; returns V′. */
function fullNotionals(ctx: PlanContext, t: Float64Array, buf: PlanBuffers): number {
  const q = ctx.u.quoteIndex;
  const vp = solveFullValue(ctx.costs, t, buf.h, q, buf.value, buf.bp);
  for (let i = 0; i < buf.n; i++) buf.d[i] = i === q ? 0 : t[i]! * vp - buf.h[i]!;
  return vp;
}

/** Edge-plan desired notionals into buf.d; lot values go to buf.bp, the aims to buf.alt (scratch). */
function planEdge(ctx: PlanContext, t: Float64Array, hw: Float64Array, prices: Float64Array, buf: PlanBuffers): void {
  const lots = ctx.constraints.none ? null : buf.bp;
  if (lots) for (let i = 0; i < buf.n; i++) lots[i] = ctx.constraints.lotStep[i]! * prices[i]!;
  edgeNotionals(ctx.costs, t, hw, buf.h, ctx.u.quoteIndex, buf.value, buf.d, lots, buf.alt);
}

/** Benefit minus cost of the desired notionals in buf.d (the `auto` criterion). */
function netBenefit(ctx: PlanContext, t: Float64Array, buf: PlanBuffers, cov: Float64Array | null): number {
  const q = ctx.u.quoteIndex;
  const V = buf.value;
  let cost = 0;
  let flow = 0;
  for (let i = 0; i < buf.n; i++) {
    if (i === q) continue;
    cost += orderCost(ctx.costs, i, buf.d[i]!, buf.d[i]! < 0 ? -1 : 1);
    flow += buf.d[i]!;
  }
  const after = V - cost;
  const w = buf.alt;
  for (let i = 0; i < buf.n; i++) w[i] = (i === q ? buf.h[i]! - flow - cost : buf.h[i]! + buf.d[i]!) / after;
  const before = trackingLoss(buf.w0, t, cov, ctx.sigma, ctx.riskAversion, ctx.horizon, V);
  return before - trackingLoss(w, t, cov, ctx.sigma, ctx.riskAversion, ctx.horizon, after) - cost;
}

/**
 * Plans the trades that bring holdings `qty` at `prices` to the target, into caller-owned `buf`
 * (no allocation). `full` restores the target exactly (V′ = V − C(trades(V′))), `edge` only moves
 * entries back to their band edges, `auto` picks whichever has the larger benefit minus cost.
 */
export function planInto(
  ctx: PlanContext,
  qty: Float64Array,
  prices: Float64Array,
  mode: PlanMode,
  buf: PlanBuffers,
  opts: PlanOptions = {},
): void {
  const t = opts.target ?? ctx.u.target;
  let V = 0;
  for (let i = 0; i < buf.n; i++) {
    buf.h[i] = qty[i]! * prices[i]!;
    V += buf.h[i]!;
  }
  buf.value = V;
  const hw = opts.halfWidth ?? null;
  let chosen: PlanMode = mode === 'edge' && hw === null ? 'full' : mode;
  if (mode === 'auto') {
    if (hw === null) chosen = 'full';
    else {
      const cov = opts.cov ?? null;
      for (let i = 0; i < buf.n; i++) buf.w0[i] = V > 0 ? buf.h[i]! / V : 0;
      planEdge(ctx, t, hw, prices, buf);
      const edge = netBenefit(ctx, t, buf, cov);
      fullNotionals(ctx, t, buf);
      const full = netBenefit(ctx, t, buf, cov);
      chosen = edge > full ? 'edge' : 'full';
    }
  }
  if (chosen === 'full' && !opts.buyOnly && planFullFast(ctx, t, qty, prices, buf)) return;
  if (chosen === 'edge') planEdge(ctx, t, hw!, prices, buf);
  else fullNotionals(ctx, t, buf);
  if (opts.buyOnly) for (let i = 0; i < buf.n; i++) if (buf.d[i]! < 0) buf.d[i] = 0;
  buf.mode = chosen;
  applyConstraints(ctx, qty, prices, buf);
}
