/**
 * Issue #21 item 4: the same $1M WETH/USDC basket rebalanced from 60/40 to 50/50 at the oracle prices by Set
 * Protocol v2 (GeneralIndexModule) and by Ballast (the lean executor and the joint router), on the fixture's
 * Uniswap v2/v3 pools only. Every side starts from the same chain state (anvil snapshot, reverted after it).
 */
import { type Address, parseAbi, type TransactionReceipt } from 'viem';
import { type LocalClients, localClients, txSender } from '../../src/chain/client.ts';
import { FixtureError } from '../../src/chain/errors.ts';
import type { Fixture } from '../../src/chain/fixture/types.ts';
import type { FeedConfig } from '../../src/chain/oracles/feeds.ts';
import { validatedPrices } from '../../src/chain/oracles/guard.ts';
import {
  type ComponentTradeSettings,
  deploySetV2,
  SET_V2_EXCHANGE,
  type SetV2Contracts,
  v3ExchangeData,
} from '../../src/chain/set-v2/index.ts';
import { rebalanceBallast, setupBasket, setupWallet } from './ballast-side.ts';
import { type HeldToken, holdings } from './holdings.ts';
import { type PoolCosts, poolBalances, poolCosts, uniswapPools } from './pool-costs.ts';
import { createBasket, rebalanceSet } from './set-side.ts';

const feedAbi = parseAbi([
  'function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)',
  'function setAnswer(int256 answer, uint256 updatedAt)',
]);

/** anvil's dev account #2 (public test key): the Ballast wallet. */
export const BALLAST_WALLET: Address = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

export const GAS_PRICE_GWEI = 20n;
/** The basket's row: BallastBasket.rebalance with legs from the joint router over its own v2/v3 pools. */
export const BASKET_ROW = 'Ballast basket: BallastBasket.rebalance, joint router (its WETH/USDC v2/v3 pools)';
/** The trader's limit on each side: Ballast's maxSlippageBps, Set's WETH limit per trade. */
export const MAX_SLIPPAGE_BPS = 100;
/** The basket's value (the figure); `SET_V2_BASKET_USD` runs the bench at another size. */
export const BASKET_USD = 1_000_000;
/** NAV of one SetToken, USD. */
const SET_NAV_USD = 1000n;

export interface SideResult {
  readonly name: string;
  /** One-time transactions of the holder (Set: create + 2 module inits + 5 manager settings; Ballast: executor). */
  readonly setupTxs: number;
  readonly setupGas: bigint;
  /** The rebalance's own transactions (Set: startRebalance + trades; Ballast: the batch). */
  readonly rebalanceTxs: number;
  readonly rebalanceGas: bigint;
  /** Gas of each rebalance transaction, in order. */
  readonly rebalanceGasEach: readonly bigint[];
  readonly costs: PoolCosts;
  /** The holder's value lost at the oracles (≈ costs.lossUsd; equal unless a leftover stayed elsewhere). */
  readonly holderLossUsd: number;
  readonly valueBeforeUsd: number;
  readonly weightsBefore: readonly number[];
  readonly weightsAfter: readonly number[];
}

/** A side whose rebalance reverted or was refused (its first line says why). */
export interface FailedSide {
  readonly name: string;
  readonly failed: string;
}

export type SideOutcome = SideResult | FailedSide;

export interface Comparison {
  readonly basketUsd: number;
  readonly ethUsd: number;
  readonly held: readonly HeldToken[];
  readonly rows: readonly SideOutcome[];
}

const gasOf = (rs: readonly TransactionReceipt[]) => rs.reduce((s, r) => s + r.gasUsed, 0n);

interface SetVariant {
  readonly name: string;
  /** The trader's WETH limit per trade, in bps from the oracle value. */
  readonly maxSlippageBps: number;
  readonly settings: (usdc: Address, basketUsd: number) => ComponentTradeSettings;
}

/** The operator settings compared (docs/benchmarks.md says why). */
export const SET_VARIANTS: readonly SetVariant[] = [
  {
    name: 'Set v2: Uniswap v3 0.05% adapter, one trade',
    maxSlippageBps: MAX_SLIPPAGE_BPS,
    // a trade maximum of 20% of the basket in USDC: above the whole trade (10%)
    settings: (usdc, basketUsd) => ({
      component: usdc,
      maxSize: (BigInt(basketUsd) * 10n ** 6n) / 5n,
      exchange: SET_V2_EXCHANGE.uniswapV3,
      exchangeData: v3ExchangeData(500),
      coolOffSec: 0n,
    }),
  },
  {
    name: 'Set v2: Uniswap v3 0.05% adapter, trades of ≤ 25,000 USDC',
    maxSlippageBps: MAX_SLIPPAGE_BPS,
    settings: (usdc) => ({
      component: usdc,
      maxSize: 25_000n * 10n ** 6n,
      exchange: SET_V2_EXCHANGE.uniswapV3,
      exchangeData: v3ExchangeData(500),
      coolOffSec: 0n,
    }),
  },
  {
    // the v2 pair (0.3%, $20M) costs ~1.3% for the whole trade: above 100 bps, the trade reverts
    name: 'Set v2: Uniswap v2 adapter, one trade (limit 200 bps)',
    maxSlippageBps: 200,
    settings: (usdc, basketUsd) => ({
      component: usdc,
      maxSize: (BigInt(basketUsd) * 10n ** 6n) / 5n,
      exchange: SET_V2_EXCHANGE.uniswapV2,
      exchangeData: '0x',
      coolOffSec: 0n,
    }),
  },
];

async function withSnapshot<T>(c: LocalClients, f: () => Promise<T>): Promise<T> {
  const id = await c.test.snapshot();
  try {
    return await f();
  } finally {
    await c.test.revert({ id });
  }
}

/** First line of an error's message: why a side failed. */
function why(e: unknown): string {
  const line = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
  return line
    .split(/\s+Raw Call Arguments/)[0]!
    .trim()
    .slice(0, 200);
}

async function orFailed(name: string, f: () => Promise<SideResult>): Promise<SideOutcome> {
  try {
    return await f();
  } catch (e) {
    return { name, failed: why(e) };
  }
}

export async function compareSetV2(fx: Fixture, basketUsd: number = BASKET_USD): Promise<Comparison> {
  if (!(Number.isInteger(basketUsd) && basketUsd >= 1000 && basketUsd % 1000 === 0))
    throw new FixtureError(`basketUsd: a whole number of thousands of USD, got ${basketUsd}`);
  const sets = BigInt(basketUsd) / SET_NAV_USD;
  const clients = localClients(fx.rpcUrl, undefined, fx.chainId);
  const pub = clients.public;
  const deployer = txSender(clients);
  const feeds: Record<string, FeedConfig> = Object.fromEntries(
    fx.tokens.map((t) => [t.symbol, { address: t.usdFeed, heartbeatSec: 3600, marginSec: 60 }]),
  );
  // the cached fixture may be older than a feed's heartbeat: re-stamp every feed's answer at the latest block
  const block = await pub.getBlock();
  for (const t of fx.tokens) {
    const [, answer] = await pub.readContract({ address: t.usdFeed, abi: feedAbi, functionName: 'latestRoundData' });
    await deployer.call(t.usdFeed, feedAbi, 'setAnswer', [answer, block.timestamp], `re-stamp ${t.symbol}/USD`);
  }
  const prices = await validatedPrices(pub, { feeds, maxDeviationBps: 10_000 }, fx.tokens);
  const decimals = new Map(fx.tokens.map((t) => [t.address.toLowerCase(), t.decimals]));
  const tok = (s: string): HeldToken => {
    const t = fx.tokens.find((x) => x.symbol === s)!;
    return { symbol: t.symbol, address: t.address, decimals: t.decimals };
  };
  const weth = tok('WETH');
  const usdc = tok('USDC');
  const held = [weth, usdc];
  const price = (t: HeldToken) => prices.get(t.address.toLowerCase())!;
  const ethUsd = price(weth).usd;
  // units per Set (NAV $1,000 at 60/40), exact from the feeds' answers
  const units = [6000n, 4000n].map((w, i) => {
    const t = held[i]!;
    const p = price(t);
    return (SET_NAV_USD * w * 10n ** BigInt(t.decimals + p.decimals)) / (10_000n * p.answer);
  });
  const amounts = units.map((u) => u * sets);
  const pools = uniswapPools(fx.pools);
  const set: SetV2Contracts = (await deploySetV2(deployer, fx.contracts)).contracts;

  const measure = async (
    name: string,
    holder: Address,
    run: () => Promise<{ setup: readonly TransactionReceipt[]; rebalance: readonly TransactionReceipt[] }>,
  ): Promise<SideResult> => {
    const h0 = await holdings(pub, holder, held, prices);
    const p0 = await poolBalances(pub, pools);
    const r = await run();
    const p1 = await poolBalances(pub, pools);
    const h1 = await holdings(pub, holder, held, prices);
    return {
      name,
      setupTxs: r.setup.length,
      setupGas: gasOf(r.setup),
      rebalanceTxs: r.rebalance.length,
      rebalanceGas: gasOf(r.rebalance),
      rebalanceGasEach: r.rebalance.map((x) => x.gasUsed),
      costs: poolCosts(pools, p0, p1, prices, decimals),
      holderLossUsd: Number(h0.totalE18 - h1.totalE18) / 1e18,
      valueBeforeUsd: Number(h0.totalE18) / 1e18,
      weightsBefore: h0.weights,
      weightsAfter: h1.weights,
    };
  };

  const rows: SideOutcome[] = [];
  for (const v of SET_VARIANTS) {
    rows.push(
      await withSnapshot(clients, async () => {
        const basket = await createBasket(deployer, set, held, units, sets * 10n ** 18n);
        let setup: readonly TransactionReceipt[] = [];
        return orFailed(v.name, () =>
          measure(v.name, basket.setToken, async () => {
            const r = await rebalanceSet(
              deployer,
              set,
              basket,
              held,
              [5000, 5000],
              prices,
              [v.settings(usdc.address, basketUsd)],
              weth,
              v.maxSlippageBps,
            );
            setup = [...basket.setup, ...r.settings];
            return { setup, rebalance: r.rebalance };
          }),
        );
      }),
    );
  }
  rows.push(
    await withSnapshot(clients, async () => {
      const w = await setupWallet(deployer, fx, BALLAST_WALLET, held, amounts, feeds, [weth.address]);
      const name = 'Ballast: lean executor, joint router (v2/v3 pools)';
      return orFailed(name, () =>
        measure(name, w.holder.address, async () => {
          const r = await rebalanceBallast(pub, fx, w.holder, held, [5000, 5000], 'USDC', prices, feeds, {
            gasPriceWei: GAS_PRICE_GWEI * 10n ** 9n,
            maxSlippageBps: MAX_SLIPPAGE_BPS,
          });
          return { setup: w.setup, rebalance: r.receipts };
        }),
      );
    }),
  );
  rows.push(
    await withSnapshot(clients, async () => {
      const b = await setupBasket(deployer, fx, held, amounts, feeds, [5000, 5000]);
      const name = BASKET_ROW;
      return orFailed(name, () =>
        measure(name, b.holder.address, async () => {
          const r = await rebalanceBallast(pub, fx, b.holder, held, [5000, 5000], 'USDC', prices, feeds, {
            gasPriceWei: GAS_PRICE_GWEI * 10n ** 9n,
            maxSlippageBps: MAX_SLIPPAGE_BPS,
          });
          return { setup: b.setup, rebalance: r.receipts };
        }),
      );
    }),
  );
  return { basketUsd, ethUsd, held, rows };
}

/** Gas × 20 gwei, in ETH. */
export function gasEth(gas: bigint): number {
  return Number(gas * GAS_PRICE_GWEI) / 1e9;
}
