import type { PortfolioConfig } from './config/schema.ts';

/**
 * The columnar view of a portfolio: entries 0…n−1 are the target assets in file order, then the quote
 * when the target does not list it. Every Float64Array in the core is indexed this way.
 */
export interface Universe {
  readonly assets: readonly string[];
  readonly n: number;
  readonly quoteIndex: number;
  readonly quote: string;
  /** Target weights, the quote's included (0 when not listed). Sums to 1. */
  readonly target: Float64Array;
  readonly index: ReadonlyMap<string, number>;
  /** True for entries the config lists in `target` (the quote may be implicit). */
  readonly listed: readonly boolean[];
}

export function makeUniverse(quote: string, target: Readonly<Record<string, number>>): Universe {
  const assets = Object.keys(target);
  const listed = assets.map(() => true);
  if (!assets.includes(quote)) {
    assets.push(quote);
    listed.push(false);
  }
  const t = new Float64Array(assets.length);
  assets.forEach((a, i) => {
    t[i] = target[a] ?? 0;
  });
  return {
    assets,
    n: assets.length,
    quoteIndex: assets.indexOf(quote),
    quote,
    target: t,
    index: new Map(assets.map((a, i) => [a, i])),
    listed,
  };
}

export function universeOf(p: PortfolioConfig): Universe {
  return makeUniverse(p.quote, p.target);
}
