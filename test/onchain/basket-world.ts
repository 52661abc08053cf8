/**
 * Shared by the basket suites (issue #20): a BallastBasket over fixture tokens deployed by the test (never by the
 * fixture), senders for anvil's unlocked dev accounts, legs that move the basket toward its targets through the
 * WETH v2 pairs, and revert names.
 */
import assert from 'node:assert/strict';
import {
  type Abi,
  type Address,
  type BaseError,
  encodeFunctionData,
  type Hex,
  maxUint256,
  parseAbi,
  zeroAddress,
} from 'viem';
import {
  type BasketInit,
  type BasketLeg,
  type BasketProfile,
  basketArtifact,
  basketErrorName,
  basketFeed,
  DEFAULT_BASKET_OFFSET,
  deployBasket,
  NO_POOL_ID,
} from '../../src/chain/basket/artifact.ts';
import { readValuation } from '../../src/chain/basket/read.ts';
import { type PoolSources, poolSources } from '../../src/chain/executor/artifact.ts';
import { feedAbi, type World } from './setup.ts';

/** anvil's dev account #1 (unlocked on anvil): the other holder, the attacker, the outsider. */
export const ACCOUNT1: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

export const tokenAbi = parseAbi([
  'function approve(address spender, uint256 amount) returns (bool)',
  'function transfer(address to, uint256 amount) returns (bool)',
  'function mint(address to, uint256 amount)',
  'function balanceOf(address) view returns (uint256)',
]);

export const abi = (): Abi => basketArtifact().abi;

export const tok = (w: World, s: string): Address => {
  const t = w.tokens.get(s);
  assert.ok(t, `token ${s}`);
  return t.address;
};
export const decOf = (w: World, s: string): number => w.tokens.get(s)!.decimals;

/** The feed answers (8 decimals) of the symbols, as the basket reads them. */
export async function answers(w: World, symbols: readonly string[]): Promise<bigint[]> {
  return Promise.all(
    symbols.map(async (s) => {
      const r = await w.clients.public.readContract({
        address: w.feeds[s]!.address,
        abi: feedAbi,
        functionName: 'latestRoundData',
      });
      return r[1];
    }),
  );
}

/** Re-dates every feed's round to the head block (tests that warp time keep the feeds fresh). */
export async function refreshFeeds(w: World): Promise<void> {
  const now = (await w.clients.public.getBlock()).timestamp;
  for (const t of w.fx.tokens) await w.tx.call(t.usdFeed, feedAbi, 'setUpdatedAt', [now], `refresh ${t.symbol}`);
}

export async function warp(w: World, seconds: number): Promise<void> {
  await w.clients.test.increaseTime({ seconds });
  await w.clients.test.mine({ blocks: 1 });
}

export interface BasketSpec {
  readonly symbols: readonly string[];
  /** Targets in bps (default: equal, the remainder on the first). */
  readonly targetBps?: readonly number[];
  /** The genesis composition's value weights in bps (default: the targets). */
  readonly genesisBps?: readonly number[];
  /** USD value of 1e18 shares at genesis (default 100). */
  readonly shareUsd?: number;
  readonly offset?: number;
  readonly profileDelay?: number;
  readonly maxFeeBps?: number;
  readonly profile?: Partial<BasketProfile>;
  /** The pools the basket may call (default: the fixture's, poolSources(w.fx.contracts)). */
  readonly sources?: PoolSources;
  /** Aave v3 Pool of an idle sleeve (default: none). */
  readonly aavePool?: Address;
}

export function equalBps(n: number): number[] {
  const each = Math.floor(10_000 / n);
  return Array.from({ length: n }, (_, i) => (i === 0 ? 10_000 - each * (n - 1) : each));
}

/** Every WETH v2 pair among the symbols, and the WETH/USDC v3 0.05% pool when both are in. */
export function defaultPools(w: World, symbols: readonly string[]): BasketProfile['pools'] {
  const pools: BasketProfile['pools'][number][] = symbols
    .filter((s) => s !== 'WETH')
    .map((s) => ({ kind: 0, tokenA: tok(w, 'WETH'), tokenB: tok(w, s), fee: 0, poolId: NO_POOL_ID }));
  if (symbols.includes('USDC'))
    pools.push({ kind: 1, tokenA: tok(w, 'WETH'), tokenB: tok(w, 'USDC'), fee: 500, poolId: NO_POOL_ID });
  return pools;
}

export async function defaultProfile(w: World, spec: BasketSpec): Promise<BasketProfile> {
  const feeds = await Promise.all(spec.symbols.map((s) => basketFeed(w.clients.public, w.feeds[s]!, s)));
  return {
    targetBps: spec.targetBps ?? equalBps(spec.symbols.length),
    bandAbsBps: 200,
    bandRelBps: 0,
    calendar: false,
    minInterval: 3600,
    maxLossBps: 100,
    maxTurnoverBps: 10_000,
    keeper: w.account.address,
    keeperWindow: 86_400,
    feeBps: 0,
    feeRecipient: zeroAddress,
    feeds,
    pools: defaultPools(w, spec.symbols),
    ...spec.profile,
  };
}

/** Deploys a basket owned by account 0 and approves it for every token from accounts 0 and 1. */
export async function deployTestBasket(w: World, spec: BasketSpec): Promise<Address> {
  const prices = await answers(w, spec.symbols);
  const genesis = spec.genesisBps ?? spec.targetBps ?? equalBps(spec.symbols.length);
  const shareUsd = BigInt(spec.shareUsd ?? 100);
  const init: BasketInit = {
    name: 'Ballast Basket',
    symbol: 'BSKT',
    owner: w.account.address,
    assets: spec.symbols.map((s) => tok(w, s)),
    genesisUnits: spec.symbols.map(
      (s, i) => (BigInt(genesis[i]!) * shareUsd * 10n ** BigInt(decOf(w, s) + 8)) / (10_000n * prices[i]!) || 1n,
    ),
    offset: spec.offset ?? DEFAULT_BASKET_OFFSET,
    profileDelay: spec.profileDelay ?? 0,
    maxFeeBps: spec.maxFeeBps ?? 0,
    profile: await defaultProfile(w, spec),
    ...(spec.aavePool ? { aavePool: spec.aavePool } : {}),
  };
  const basket = await deployBasket(w.tx, init, spec.sources ?? poolSources(w.fx.contracts));
  for (const who of [w.account.address, ACCOUNT1]) {
    for (const s of spec.symbols) await sendFrom(w, who, tok(w, s), tokenAbi, 'approve', [basket, maxUint256]);
  }
  return basket;
}

/** Sends from an unlocked anvil account without simulating; returns the receipt (status may be 'reverted'). */
export async function sendFrom(w: World, from: Address, to: Address, a: Abi, functionName: string, args: unknown[]) {
  const data = encodeFunctionData({ abi: a, functionName, args });
  const hash = await w.clients.wallet.sendTransaction({
    account: from,
    chain: w.clients.wallet.chain,
    to,
    data,
    gas: 6_000_000n,
  });
  return w.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
}

/** Sends a basket call from `from` and asserts it succeeded; returns its gas. */
export async function basketSend(
  w: World,
  basket: Address,
  functionName: string,
  args: unknown[],
  from: Address = w.account.address,
): Promise<bigint> {
  const r = await sendFrom(w, from, basket, abi(), functionName, args);
  if (r.status !== 'success') {
    const why = await basketRevert(w, basket, functionName, args, from);
    assert.fail(`${functionName} reverted: ${why}`);
  }
  return r.gasUsed;
}

/** The basket's error name for the call (simulated at the head), or 'ok' when it would succeed. */
export async function basketRevert(
  w: World,
  basket: Address,
  functionName: string,
  args: unknown[],
  from: Address = w.account.address,
): Promise<string> {
  try {
    await w.clients.public.simulateContract({ address: basket, abi: abi(), functionName, args, account: from });
    return 'ok';
  } catch (e) {
    const name = basketErrorName(e);
    if (name === 'Error') {
      const r = (e as BaseError).walk((x) => typeof (x as { reason?: unknown }).reason === 'string');
      return `Error: ${(r as { reason?: string } | null)?.reason}`;
    }
    return name ?? `undecoded: ${(e as Error).message.split('\n')[0]}`;
  }
}

export async function deadline(w: World, plus = 600n): Promise<bigint> {
  return (await w.clients.public.getBlock()).timestamp + plus;
}

/**
 * Legs that move the basket `frac` (1 = all the way) toward its targets at oracle prices through the WETH v2
 * pairs: a surplus asset sells to WETH, a deficit asset buys from WETH (WETH's own gap closes as the sum).
 */
export async function legsToTarget(
  w: World,
  basket: Address,
  symbols: readonly string[],
  targetBps: readonly number[],
  frac = 1,
): Promise<BasketLeg[]> {
  const v = await readValuation(w.clients.public, basket);
  const prices = await answers(w, symbols);
  const f = BigInt(Math.round(frac * 1e6));
  const wethAt = symbols.indexOf('WETH');
  const legs: BasketLeg[] = [];
  // sells first, so the buys can spend the WETH they bring
  for (const sells of [true, false]) {
    symbols.forEach((s, i) => {
      if (i === wethAt) return;
      const gap = (v.nav * BigInt(targetBps[i]!)) / 10_000n - v.values[i]!; // USD × 1e18
      if (gap === 0n || gap < 0n !== sells) return;
      const usd = ((gap < 0n ? -gap : gap) * f) / 1_000_000n;
      const [from, fromAt] = sells ? [s, i] : ['WETH', wethAt];
      const amountIn = (usd * 10n ** BigInt(decOf(w, from) + 8)) / (prices[fromAt]! * 10n ** 18n);
      if (amountIn === 0n) return;
      legs.push({
        kind: 0,
        tokenIn: tok(w, from),
        tokenOut: tok(w, sells ? 'WETH' : s),
        fee: 0,
        poolId: NO_POOL_ID,
        amountIn,
      });
    });
  }
  return legs;
}

/** |w − t| per asset (1e18 = 100%) at the basket's valuation, as the contract computes it. */
export async function drifts(w: World, basket: Address, targetBps: readonly number[]): Promise<bigint[]> {
  const v = await readValuation(w.clients.public, basket);
  return v.values.map((x, i) => {
    const wt = (x * 10n ** 18n) / v.nav;
    const t = BigInt(targetBps[i]!) * 10n ** 14n;
    return wt > t ? wt - t : t - wt;
  });
}

export type { Hex };
export { NO_POOL_ID };
