import type { PriceQuote } from './ports.ts';

/** Price guard settings (the service file's `guards`). Absent limits are off. */
export interface GuardSettings {
  readonly maxPriceAgeSeconds?: number;
  readonly maxDeviationBps?: number;
  readonly maxQuoteDepegBps?: number;
}

export interface GuardVerdict {
  readonly ok: boolean;
  /** One line per refusal: what was wrong, with the numbers. */
  readonly problems: string[];
  /** Guards that could not run (e.g. no independent reference): shown in status and logs. */
  readonly off: string[];
}

/**
 * Validates the prices a decision would use, at time `now` (ms): every needed asset has a positive,
 * finite price; no price is older than maxPriceAgeSeconds; each agrees with an independent reference
 * within maxDeviationBps; the quote stablecoin sits within maxQuoteDepegBps of its USD reference.
 * Pure: the clock and both sources come in as arguments. No trade may be placed unless `ok`.
 */
export function checkPrices(
  needed: readonly string[],
  primary: readonly PriceQuote[],
  reference: readonly PriceQuote[] | null,
  now: number,
  g: GuardSettings,
  quoteUsd: PriceQuote | null = null,
): GuardVerdict {
  const problems: string[] = [];
  const off: string[] = [];
  const byAsset = new Map(primary.map((p) => [p.asset, p]));
  const refs = new Map((reference ?? []).map((p) => [p.asset, p]));
  for (const a of needed) {
    const p = byAsset.get(a);
    if (p === undefined) {
      problems.push(`${a}: no price from the venue`);
      continue;
    }
    if (!Number.isFinite(p.price) || p.price <= 0) {
      problems.push(`${a}: price ${p.price} from ${p.source} is not a positive finite number`);
      continue;
    }
    if (g.maxPriceAgeSeconds !== undefined) {
      const age = (now - p.time) / 1000;
      if (!(age <= g.maxPriceAgeSeconds)) {
        problems.push(
          `${a}: price from ${p.source} is ${age.toFixed(0)} s old, older than maxPriceAgeSeconds ${g.maxPriceAgeSeconds}`,
        );
      }
    }
    if (g.maxDeviationBps !== undefined && reference !== null) {
      const r = refs.get(a);
      if (r === undefined || !(r.price > 0)) {
        problems.push(`${a}: no usable reference price to check ${p.source}'s against`);
      } else {
        const dev = (Math.abs(p.price - r.price) / r.price) * 1e4;
        if (dev > g.maxDeviationBps) {
          problems.push(
            `${a}: ${p.source} price ${p.price} deviates ${dev.toFixed(1)} bps from ${r.source} ${r.price} (max ${g.maxDeviationBps})`,
          );
        }
      }
    }
  }
  if (g.maxDeviationBps !== undefined && reference === null) off.push('deviation guard off: single price source');
  if (g.maxQuoteDepegBps !== undefined) {
    if (quoteUsd === null) off.push('depeg guard off: no USD reference for the quote');
    else {
      const dev = Math.abs(quoteUsd.price - 1) * 1e4;
      if (!(dev <= g.maxQuoteDepegBps)) {
        problems.push(
          `${quoteUsd.asset}: quote trades at ${quoteUsd.price} USD, ${dev.toFixed(1)} bps off its peg (max ${g.maxQuoteDepegBps})`,
        );
      }
    }
  }
  return { ok: problems.length === 0, problems, off };
}

/** Slippage guard: a fill expected at `expected` against reference `ref` moves beyond maxSlippageBps. */
export function slippageBps(side: 'buy' | 'sell', expected: number, ref: number): number {
  return ((side === 'buy' ? expected - ref : ref - expected) / ref) * 1e4;
}
