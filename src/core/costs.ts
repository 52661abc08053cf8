import type { CostsConfig } from './config/schema.ts';
import type { Universe } from './universe.ts';

/**
 * A per-venue cost component added on top of the portfolio's model (#6's AMM price impact and gas,
 * an exchange route's second leg). `cost` is in the quote for one order of |notional| on entry i.
 */
export interface VenueCostComponent {
  readonly name: string;
  cost(i: number, notional: number, side: 1 | -1): number;
}

/**
 * The one place costs are computed (planner, triggers, backtester, venues).
 * Cost of an order of notional q (quote units) on entry i:
 *   rateᵢ·q  +  kᵢ·q^{3/2}  +  fixed  (+ the venue component)
 * with rateᵢ = (feeBps + halfSpreadBps)/1e4 and kᵢ = impact·σᵢ/√ADVᵢ, so the impact term is
 * impact·σᵢ·√(q/ADVᵢ)·q, the square-root law (zero for an asset without σ or ADV). The quote is free.
 */
export interface CostModel {
  readonly n: number;
  readonly rate: Float64Array;
  readonly impactK: Float64Array;
  readonly fixedPerOrder: number;
  readonly venue: VenueCostComponent | null;
  /** True when every cost is proportional (fees and spreads only): the planner solves exactly then. */
  readonly proportional: boolean;
}

export function makeCostModel(u: Universe, c: CostsConfig, venue: VenueCostComponent | null = null): CostModel {
  const rate = new Float64Array(u.n);
  const impactK = new Float64Array(u.n);
  for (let i = 0; i < u.n; i++) {
    if (i === u.quoteIndex) continue;
    const a = c.assets[u.assets[i]!];
    rate[i] = ((a?.feeBps ?? c.feeBps) + (a?.halfSpreadBps ?? c.halfSpreadBps)) / 1e4;
    const sigma = a?.sigma ?? 0;
    const adv = a?.adv ?? 0;
    impactK[i] = c.impact > 0 && sigma > 0 && adv > 0 ? (c.impact * sigma) / Math.sqrt(adv) : 0;
  }
  const proportional = venue === null && c.fixedPerOrder === 0 && impactK.every((k) => k === 0);
  return { n: u.n, rate, impactK, fixedPerOrder: c.fixedPerOrder, venue, proportional };
}

/** A flat proportional fee on every non-quote entry (the backtester's `--fee-bps`). */
export function flatFeeModel(u: Universe, feeBps: number): CostModel {
  return makeCostModel(u, { feeBps, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} });
}

/** Returns a copy of `m` with a venue component added. */
export function withVenueCosts(m: CostModel, venue: VenueCostComponent): CostModel {
  return { ...m, venue, proportional: false };
}

/** Cost in the quote of one order of |notional| on entry i (0 for a zero notional; never called for the quote, which is not traded). */
export function orderCost(m: CostModel, i: number, notional: number, side: 1 | -1): number {
  const q = notional < 0 ? -notional : notional;
  if (q === 0) return 0;
  let c = m.rate[i]! * q + m.fixedPerOrder;
  const k = m.impactK[i]!;
  if (k !== 0) c += k * q * Math.sqrt(q);
  if (m.venue !== null) c += m.venue.cost(i, q, side);
  return c;
}

/** d cost / d |notional| (right derivative; the fixed part does not count). */
export function marginalCost(m: CostModel, i: number, notional: number): number {
  const q = notional < 0 ? -notional : notional;
  let d = m.rate[i]!;
  const k = m.impactK[i]!;
  if (k !== 0) d += 1.5 * k * Math.sqrt(q);
  return d;
}
