/**
 * The on-chain venue component of the cost model (src/core/costs.ts): the cost of trading notional q of
 * asset i against the quote is what the split router loses on the pools (fees and AMM price impact: the
 * oracle value in minus the value out) plus the route's gas, all in the quote. With it the planner and the
 * triggers see on-chain costs; set costs.feeBps to 0 for such a portfolio, the pool fees are already here.
 */
import type { VenueCostComponent } from '../../core/costs.ts';
import type { SwapPool } from '../../dex/pools/types.ts';
import { route } from '../../dex/router/route.ts';
import type { RebalanceToken } from './build.ts';

export interface DexCostInput {
  /** Universe order (core's u.assets). */
  readonly assets: readonly string[];
  readonly quote: string;
  readonly tokens: ReadonlyMap<string, RebalanceToken>;
  /** Oracle price of each asset in the quote, by symbol. */
  readonly priceInQuote: ReadonlyMap<string, number>;
  /** Price of 1 ETH in the quote (prices gas). */
  readonly ethInQuote: number;
  readonly pools: readonly SwapPool[];
  readonly gasPriceWei: bigint;
}

export function dexCostComponent(c: DexCostInput): VenueCostComponent {
  const cache = new Map<string, number>();
  return {
    name: 'dex-router',
    cost(i: number, notional: number, side: 1 | -1): number {
      const asset = c.assets[i]!;
      const key = `${i}:${side}:${notional}`;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const a = c.tokens.get(asset);
      const q = c.tokens.get(c.quote);
      const pa = c.priceInQuote.get(asset);
      if (!a || !q || pa === undefined || !(notional > 0)) return 0;
      const [tin, tout, pin] = side < 0 ? [a, q, pa] : [q, a, 1];
      const pout = side < 0 ? 1 : pa;
      const amountIn = BigInt(Math.floor((notional / pin) * 10 ** tin.decimals));
      if (amountIn <= 0n) return 0;
      let cost: number;
      try {
        const outPerEth = (c.ethInQuote / pout) * 10 ** tout.decimals;
        const r = route({
          pools: c.pools,
          tokenIn: tin.address,
          tokenOut: tout.address,
          amountIn,
          gasPriceWei: c.gasPriceWei,
          outPerEth,
        });
        const valueOut = (Number(r.amountOut) / 10 ** tout.decimals) * pout;
        const gas = (Number(r.gasCostOut) / 10 ** tout.decimals) * pout;
        cost = Math.max(0, notional - valueOut) + gas;
      } catch {
        cost = notional; // no route: the trade cannot be made on chain, price it prohibitively
      }
      cache.set(key, cost);
      return cost;
    },
  };
}
