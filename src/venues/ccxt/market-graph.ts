/**
 * A per-venue market graph: how to turn each asset into the portfolio's quote. Direct market preferred;
 * otherwise one liquid intermediate (ADA→BTC→USDT when ADA/USDT is missing), chosen by the weaker leg's
 * 24 h volume in quote terms (a route is only as deep as its thinnest leg). Pure: markets and volumes in.
 */
import { BallastError, type Next } from '../../core/errors.ts';

export interface GraphMarket {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly active: boolean;
  /** Taker fee of this market in bps (routes are taken with market or marketable orders). */
  readonly takerFeeBps: number;
}

/** One conversion step: `from` → `to` through `symbol` (a sell when `from` is the market's base, else a buy). */
export interface Leg {
  readonly symbol: string;
  readonly from: string;
  readonly to: string;
  readonly side: 'buy' | 'sell';
  readonly feeBps: number;
}

export interface Route {
  readonly asset: string;
  readonly quote: string;
  /** The intermediate currency of a two-leg route. */
  readonly via?: string;
  /** Legs converting asset → quote (to buy the asset, walk them backwards with opposite sides). */
  readonly legs: readonly Leg[];
  /** 24 h volume, in quote units, of the thinnest leg. */
  readonly liquidity: number;
  readonly feeBps: number;
}

export class NoRouteError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'NoRouteError';
}

/** Fees compound: 1 − Π(1 − fᵢ), in bps. */
export function combineFeesBps(fees: readonly number[]): number {
  return (1 - fees.reduce((keep, f) => keep * (1 - f / 10_000), 1)) * 10_000;
}

export class MarketGraph {
  private readonly edges = new Map<string, Map<string, GraphMarket>>();
  private readonly cache = new Map<string, Route | undefined>();

  constructor(
    markets: readonly GraphMarket[],
    readonly quote: string,
    /** 24 h volume of a market in `quote` units (0 when unknown). */
    private readonly liquidity: (symbol: string) => number,
  ) {
    for (const m of markets) {
      if (!m.active) continue;
      this.link(m.base, m.quote, m);
      this.link(m.quote, m.base, m);
    }
  }

  private link(a: string, b: string, m: GraphMarket): void {
    let out = this.edges.get(a);
    if (out === undefined) {
      out = new Map();
      this.edges.set(a, out);
    }
    const prev = out.get(b);
    // Two markets between the same pair (rare): keep the more liquid one.
    if (prev === undefined || this.liquidity(m.symbol) > this.liquidity(prev.symbol)) out.set(b, m);
  }

  private leg(from: string, to: string): Leg | undefined {
    const m = this.edges.get(from)?.get(to);
    if (m === undefined) return undefined;
    return { symbol: m.symbol, from, to, side: m.base === from ? 'sell' : 'buy', feeBps: m.takerFeeBps };
  }

  /** The route for `asset` (undefined when none exists, or when asset is the quote itself). */
  route(asset: string): Route | undefined {
    if (this.cache.has(asset)) return this.cache.get(asset);
    const r = this.compute(asset);
    this.cache.set(asset, r);
    return r;
  }

  private compute(asset: string): Route | undefined {
    if (asset === this.quote) return undefined;
    const direct = this.leg(asset, this.quote);
    if (direct !== undefined) {
      return {
        asset,
        quote: this.quote,
        legs: [direct],
        liquidity: this.liquidity(direct.symbol),
        feeBps: direct.feeBps,
      };
    }
    let best: Route | undefined;
    for (const via of [...(this.edges.get(asset)?.keys() ?? [])].sort()) {
      const first = this.leg(asset, via);
      const second = this.leg(via, this.quote);
      if (first === undefined || second === undefined) continue;
      const liquidity = Math.min(this.liquidity(first.symbol), this.liquidity(second.symbol));
      if (best === undefined || liquidity > best.liquidity) {
        best = {
          asset,
          quote: this.quote,
          via,
          legs: [first, second],
          liquidity,
          feeBps: combineFeesBps([first.feeBps, second.feeBps]),
        };
      }
    }
    return best;
  }

  /** Combined taker fee of the asset's route in bps, for the planner's cost. Throws when there is no route. */
  pathFeeBps(asset: string): number {
    const r = this.route(asset);
    if (r === undefined)
      throw new NoRouteError(
        `no market route from ${asset} to ${this.quote} (neither direct nor through one intermediate); remove ${asset} from the portfolio or choose another venue`,
      );
    return r.feeBps;
  }
}

export interface VolumeTicker {
  readonly symbol: string;
  readonly last?: number;
  readonly quoteVolume?: number;
}

/**
 * Liquidity of each market in `quote` units: its 24 h quote volume times the price of its quote currency
 * in `quote` (1 for the quote itself, from a direct or inverse ticker otherwise; 0 when not priceable).
 */
export function liquidityFromTickers(
  markets: readonly GraphMarket[],
  tickers: readonly VolumeTicker[],
  quote: string,
): (symbol: string) => number {
  const bySymbol = new Map(tickers.map((t) => [t.symbol, t]));
  const priceIn = (ccy: string): number => {
    if (ccy === quote) return 1;
    const direct = bySymbol.get(`${ccy}/${quote}`)?.last;
    if (direct !== undefined && direct > 0) return direct;
    const inverse = bySymbol.get(`${quote}/${ccy}`)?.last;
    return inverse !== undefined && inverse > 0 ? 1 / inverse : 0;
  };
  const out = new Map<string, number>();
  for (const m of markets) out.set(m.symbol, (bySymbol.get(m.symbol)?.quoteVolume ?? 0) * priceIn(m.quote));
  return (symbol) => out.get(symbol) ?? 0;
}
