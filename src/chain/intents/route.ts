/**
 * The solver's route of `amount` of one token to another through the joint router on one pool snapshot
 * (issue #24 item 3; issue #25 routes each token's residual with it). `exclude`: pools (lower-case ids)
 * already used by an earlier route of the same settlement, so every leg's exact simulated output still holds.
 */
import { type JointRoute, type Market, routeJoint } from '../../dex/router/joint/index.ts';
import type { RouteFn } from './fill.ts';

/** Gas is priced at least at 1 gwei when routing (anvil's base fee falls toward 0 on an idle chain). */
export const GAS_FLOOR = 10n ** 9n;
export const flooredGas = (g: bigint): bigint => (g > GAS_FLOOR ? g : GAS_FLOOR);

export function jointRouteFn(
  market: Market,
  prices: ReadonlyMap<string, number>,
  gasPriceWei: bigint,
  ethUsd: number,
  exclude?: ReadonlySet<string>,
): RouteFn {
  return (sell, buy, amount): JointRoute | null => {
    const ps = prices.get(sell.toLowerCase());
    if (ps === undefined || !prices.has(buy.toLowerCase()) || amount <= 0n) return null;
    const ask = (maxHops: number) =>
      routeJoint({
        market,
        sells: [{ token: sell, amount }],
        buys: [{ token: buy, value: Number(amount) * ps }],
        // every token's price, not just the pair's: the router prices the hubs it may route through
        prices,
        // the solver pays the gas: priced, it also keeps the router off arbitrage cycles among the
        // fixture's skewed pools (at 0 gas it may route sell → … → sell; then direct pools only)
        gasPriceWei: flooredGas(gasPriceWei),
        ethPrice: ethUsd,
        maxHops,
        ...(exclude === undefined ? {} : { exclude }),
      });
    try {
      const r = ask(3);
      return r.received.some((x) => x.token.toLowerCase() === sell.toLowerCase() && x.amount > 0n) ? ask(1) : r;
    } catch {
      return null;
    }
  };
}
