/**
 * The chain fixture's 25 pools as recorded by scripts/record-fixture-states.ts, and the docs/onchain.md
 * walkthrough's rebalance (WETH/USDC/WBTC/LINK held 70.6/11.8/14.1/3.5 %: 10 WETH, 5,000 USDC, 0.1 WBTC,
 * 100 LINK at $3,000/$1/$60,000/$15, to 25 % each) as a joint route request, for tests and the benchmark.
 */
import { readFileSync } from 'node:fs';
import type { Address, PoolState } from '../../../pools/types.ts';
import { type Market, prepareMarket } from '../market.ts';
import type { JointRequest } from '../types.ts';

export interface FixtureStates {
  readonly tokens: readonly { symbol: string; address: Address; decimals: number; priceUsd: number }[];
  readonly pools: readonly { label: string; address: Address }[];
  readonly weth: Address;
  readonly states: readonly PoolState[];
}

export function fixtureStates(): FixtureStates {
  return JSON.parse(readFileSync(new URL('../fixtures/fixture-states.json', import.meta.url), 'utf8'), (_k, v) =>
    typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
  ) as FixtureStates;
}

export interface Walkthrough {
  readonly fx: FixtureStates;
  readonly market: Market;
  readonly request: JointRequest;
  readonly token: (symbol: string) => Address;
}

const HOLD: Record<string, number> = { WETH: 10, USDC: 5000, WBTC: 0.1, LINK: 100 };

export function walkthrough(gasGwei = 20, fx: FixtureStates = fixtureStates(), market?: Market): Walkthrough {
  const m = market ?? prepareMarket(fx.states);
  const bySym = new Map(fx.tokens.map((t) => [t.symbol, t]));
  const token = (s: string) => bySym.get(s)!.address;
  const usd = (s: string) => HOLD[s]! * bySym.get(s)!.priceUsd;
  const total = Object.keys(HOLD).reduce((v, s) => v + usd(s), 0);
  const prices = new Map(fx.tokens.map((t) => [t.address.toLowerCase(), t.priceUsd / 10 ** t.decimals]));
  const sells = [];
  const buys = [];
  for (const s of Object.keys(HOLD)) {
    const d = total / 4 - usd(s);
    const t = bySym.get(s)!;
    if (d < 0) sells.push({ token: t.address, amount: BigInt(Math.round((-d / t.priceUsd) * 10 ** t.decimals)) });
    else buys.push({ token: t.address, value: d });
  }
  return {
    fx,
    market: m,
    token,
    request: {
      market: m,
      sells,
      buys,
      prices,
      gasPriceWei: BigInt(gasGwei) * 10n ** 9n,
      ethPrice: bySym.get('WETH')!.priceUsd,
    },
  };
}
