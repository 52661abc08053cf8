/**
 * Whole-portfolio netting (issue #8 §1): the plan's trades per asset (against the quote) become value
 * deltas, the quote's own delta included; overweight assets (sources) are matched against underweight ones
 * (sinks) greedily, largest first, so each pair is swapped directly (or through a hub, chosen by the router)
 * instead of twice through the quote. At most (#sources + #sinks − 1) swaps, and no asset is both sold and bought.
 */
export interface PlanTrade {
  readonly asset: string;
  readonly side: 'buy' | 'sell';
  /** Value in the quote (> 0). */
  readonly notional: number;
}

export interface NettedSwap {
  readonly sell: string;
  readonly buy: string;
  /** Value moved, in the quote. */
  readonly value: number;
}

/** Relative dust below which a remainder is dropped (float residue of the matching, not a trade). */
const DUST = 1e-9;

export function netTrades(trades: readonly PlanTrade[], quote: string): NettedSwap[] {
  const delta = new Map<string, number>();
  let quoteDelta = 0;
  for (const t of trades) {
    if (t.asset === quote) continue;
    const d = t.side === 'buy' ? t.notional : -t.notional;
    delta.set(t.asset, (delta.get(t.asset) ?? 0) + d);
    quoteDelta -= d;
  }
  delta.set(quote, (delta.get(quote) ?? 0) + quoteDelta);
  const total = [...delta.values()].reduce((s, v) => s + Math.abs(v), 0);
  const eps = total * DUST;
  const sources = [...delta].filter(([, v]) => v < -eps).map(([a, v]) => ({ a, left: -v }));
  const sinks = [...delta].filter(([, v]) => v > eps).map(([a, v]) => ({ a, left: v }));
  sources.sort((x, y) => y.left - x.left || x.a.localeCompare(y.a));
  sinks.sort((x, y) => y.left - x.left || x.a.localeCompare(y.a));
  const out: NettedSwap[] = [];
  let i = 0;
  let j = 0;
  while (i < sources.length && j < sinks.length) {
    const s = sources[i]!;
    const k = sinks[j]!;
    const v = Math.min(s.left, k.left);
    if (v > eps) out.push({ sell: s.a, buy: k.a, value: v });
    s.left -= v;
    k.left -= v;
    if (s.left <= eps) i++;
    if (k.left <= eps) j++;
  }
  return out;
}
