/**
 * The wallet's idle sleeve inside `dex rebalance`'s ONE executor transaction (issue #22 item 2). Before the
 * swaps, Aave withdraw steps take from the market what the sells need beyond the wallet (paid to the executor,
 * whose swap steps then spend it) and what brings an asset's sleeve back down to its share (paid to the owner);
 * after them, supply steps paid from the owner's wallet (FROM_PAYER, an exact amount) bring a sleeve up to its
 * share. Sells are capped at wallet + min(supplied, available): when utilisation blocks a withdrawal, every
 * swap is scaled by the same fraction (the partial rebalance that can be done now) and the reason says
 * "withdraw limited" (src/core/lending/idle-sleeve.ts, `withdrawLimit`).
 */
import { type Address, type PublicClient, parseUnits, zeroAddress } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import { desiredSupplied, type WithdrawLimit, withdrawable, withdrawLimit } from '../../core/lending/idle-sleeve.ts';
import { executorArtifact } from '../executor/artifact.ts';
import { type ExecutorStep, FROM_PAYER, ONE } from '../executor/legs.ts';
import { aavePoolAbi } from '../fixture/deploy-aave.ts';
import type { Fixture } from '../fixture/types.ts';
import type { ValidPrice } from '../oracles/feeds.ts';
import { type Batch, type RebalanceToken, sizeTrades } from '../rebalance/build.ts';
import type { IdleSection } from '../rebalance/idle-config.ts';
import type { NettedSwap } from '../rebalance/net.ts';
import { readSleeve, type SleeveRead } from './sleeve.ts';
import { aaveSupplyFromOwnerStep, aaveWithdrawStep, KIND_AAVE_SUPPLY, KIND_AAVE_WITHDRAW } from './steps.ts';

export class IdleConfigError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'IdleConfigError';
}

export interface IdleAsset extends SleeveRead {
  readonly address: Address;
  /** Fraction of the holding kept supplied (chain.idle.assets.X.share). */
  readonly share: number;
}

/** The sleeve as read at one block: only the assets of chain.idle. */
export interface IdleState {
  readonly pool: Address;
  readonly assets: readonly IdleAsset[];
}

/** What the batch does to one asset's sleeve (base units). */
export interface IdleMove {
  readonly symbol: string;
  /** Withdrawn in all. */
  readonly withdraw: bigint;
  /** Of which what the sells need beyond the wallet (paid to the executor for the swaps). */
  readonly forSells: bigint;
  /** Supplied after the swaps, from the wallet. */
  readonly supply: bigint;
}

export interface IdlePlan {
  readonly pool: Address;
  /** Fraction of the full rebalance done (1: all of it). */
  readonly scale: number;
  readonly limited: readonly WithdrawLimit[];
  readonly moves: readonly IdleMove[];
  /** aToken address → its display symbol ("aUSDC") and decimals. */
  readonly aTokens: readonly { address: Address; symbol: string; decimals: number }[];
}

/** A sleeve move smaller than this fraction of the asset's holding is left alone (interest, rounding): 1 bp. */
export const SLEEVE_TOLERANCE_BPS = 1n;

function bufferUnits(sym: string, buffer: string, decimals: number): bigint {
  const frac = buffer.split('.')[1] ?? '';
  if (frac.length > decimals)
    throw new IdleConfigError(`chain.idle.assets.${sym}.buffer: ${buffer} has more than ${decimals} decimals`);
  return parseUnits(buffer, decimals);
}

/**
 * Resolves chain.idle against the chain (the Pool is the executor's, each asset has a reserve, the executor
 * values each aToken at a feed) and reads the sleeve at one block.
 */
export async function readIdle(
  client: PublicClient,
  idle: IdleSection,
  f: Fixture,
  owner: Address,
  executor: Address,
  tokens: ReadonlyMap<string, RebalanceToken>,
  usd: (symbol: string) => number,
  target: Readonly<Record<string, number>>,
): Promise<IdleState> {
  const pool = idle.pool === 'fixture' ? f.contracts.aavePool : idle.pool;
  if (!pool || pool === zeroAddress)
    throw new IdleConfigError('chain.idle.pool: fixture, but the chain file has no Aave Pool (contracts.aavePool)');
  const abi = executorArtifact().abi;
  const ep = (await client.readContract({ address: executor, abi, functionName: 'aavePool' })) as Address;
  if (ep.toLowerCase() !== pool.toLowerCase())
    throw new IdleConfigError(
      `chain.idle.pool: ${pool} is not the executor's Aave Pool (${ep}): the executor's Aave steps call only that one`,
    );
  const entries = Object.entries(idle.assets).map(([sym, a]) => {
    const t = tokens.get(sym)!;
    return { ...t, price: usd(sym), target: target[sym] ?? 0, buffer: bufferUnits(sym, a.buffer, t.decimals) };
  });
  const read = await readSleeve(client, pool, owner, entries);
  const assets = read.map((r, i): IdleAsset => {
    const sym = entries[i]!.symbol;
    if (r.aToken === zeroAddress)
      throw new IdleConfigError(`chain.idle.assets.${sym}: the Aave Pool ${pool} has no reserve for it`);
    return { ...r, address: entries[i]!.address, share: idle.assets[sym]!.share };
  });
  for (const a of assets) {
    const [feed] = (await client.readContract({
      address: executor,
      abi,
      functionName: 'feeds',
      args: [a.aToken],
    })) as readonly [Address, ...unknown[]];
    if (feed === zeroAddress)
      throw new IdleConfigError(
        `chain.idle.assets.${a.symbol}: the executor has no feed for its aToken ${a.aToken} (its value floor counts aTokens at the underlying's feed): deploy it again with --deploy-executor and chain.idle set, or setFeed(aToken, the ${a.symbol} feed)`,
      );
  }
  return { pool, assets };
}

/** Units per lower-case address the owner holds: the wallet plus, for a sleeve asset, what its aTokens redeem to. */
export function holdings(wallet: ReadonlyMap<string, bigint>, idle: IdleState): Map<string, bigint> {
  const m = new Map(wallet);
  for (const a of idle.assets) m.set(a.address.toLowerCase(), a.wallet + a.supplied);
  return m;
}

export interface LimitedSwaps {
  readonly swaps: NettedSwap[];
  readonly scale: number;
  readonly limited: WithdrawLimit[];
  /** What can be sold now per lower-case address: wallet + min(supplied, available) for a sleeve asset. */
  readonly sellable: Map<string, bigint>;
}

/**
 * The netted swaps the sleeve lets be done now: a sell beyond wallet + withdrawable is a "withdraw limited", and
 * every swap is then scaled by the smallest such fraction (all trades shrink together, each still toward its
 * target).
 */
export function limitSwaps(
  swaps: readonly NettedSwap[],
  tokens: ReadonlyMap<string, RebalanceToken>,
  prices: ReadonlyMap<string, ValidPrice>,
  quote: string,
  wallet: ReadonlyMap<string, bigint>,
  idle: IdleState,
): LimitedSwaps {
  const wanted = sizeTrades(swaps, tokens, prices, quote, holdings(wallet, idle));
  const sellable = new Map(wallet);
  for (const a of idle.assets) sellable.set(a.address.toLowerCase(), a.wallet + withdrawable(a));
  let scale = 1;
  const limited: WithdrawLimit[] = [];
  for (const s of wanted.sells) {
    const a = idle.assets.find((x) => x.address.toLowerCase() === s.token.toLowerCase());
    const lim = a && withdrawLimit(a, s.amount);
    if (!lim) continue;
    limited.push(lim);
    scale = Math.min(scale, Number(lim.sellable) / Number(lim.wanted));
  }
  return {
    swaps: scale < 1 ? swaps.map((x) => ({ ...x, value: x.value * scale })) : [...swaps],
    scale,
    limited,
    sellable,
  };
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const isSwap = (s: ExecutorStep) => s.kind !== KIND_AAVE_WITHDRAW && s.kind !== KIND_AAVE_SUPPLY;

/**
 * Whether the swaps can be paid from the owner's wallet after ONE withdrawal to it: every swap step spending an
 * asset the sells withdraw is FROM_PAYER (paid from the wallet when it runs, not pulled before the steps) and the
 * reserve lets 1 wei more be withdrawn (an aToken transfer rounds by up to 1 wei). Otherwise the batch is built
 * with every swap input pulled into the executor and the withdrawal for the sells paid there.
 */
export function ownerCanPay(batch: Batch, idle: IdleState): boolean {
  const spent = new Map(batch.route.spent.map((x) => [x.token.toLowerCase(), x.amount]));
  return idle.assets.every((a) => {
    const sold = spent.get(a.address.toLowerCase()) ?? 0n;
    if (sold <= a.wallet) return true;
    const paid = batch.legs.every(
      (l) => !isSwap(l) || l.tokenIn.toLowerCase() !== a.address.toLowerCase() || (l.flags & FROM_PAYER) !== 0,
    );
    return paid && sold - a.wallet + 1n <= withdrawable(a);
  });
}

/**
 * The swap batch with the sleeve's steps around it: withdrawals first, then the swaps, then the supplies; the
 * pulls adjusted (an asset's pull less what its withdrawal pays the executor; the aTokens withdrawn; a supply's
 * exact amount, which the executor takes from the owner's allowance). What an asset will hold after the swaps is
 * counted with each bought token at its minimum output, so a supply never exceeds what the wallet will have.
 */
export function withSleeve(
  batch: Batch,
  idle: IdleState,
  limits: { readonly scale: number; readonly limited: readonly WithdrawLimit[] },
  tokens: ReadonlyMap<string, RebalanceToken>,
): { batch: Batch; plan: IdlePlan } {
  const spent = new Map(batch.route.spent.map((x) => [x.token.toLowerCase(), x.amount]));
  const bought = new Map<string, bigint>();
  for (const l of batch.legs)
    if (isSwap(l) && l.toOwner)
      bought.set(l.tokenOut.toLowerCase(), (bought.get(l.tokenOut.toLowerCase()) ?? 0n) + l.minOut);
  const pulls = new Map(batch.pulls.map((p) => [p.token.toLowerCase(), { token: p.token, amount: p.amount }]));
  const addPull = (token: Address, amount: bigint) => {
    const k = token.toLowerCase();
    const left = (pulls.get(k)?.amount ?? 0n) + amount;
    if (left > 0n) pulls.set(k, { token, amount: left });
    else pulls.delete(k);
  };
  const payer = ownerCanPay(batch, idle);
  const pre: ExecutorStep[] = [];
  const post: ExecutorStep[] = [];
  const moves: IdleMove[] = [];
  for (const a of idle.assets) {
    const key = a.address.toLowerCase();
    const sold = spent.get(key) ?? 0n;
    const forSells = min(max(0n, sold - a.wallet), withdrawable(a));
    const supplied = a.supplied - forSells;
    const wallet = a.wallet + forSells - sold + (bought.get(key) ?? 0n);
    const holding = wallet + supplied;
    const desired = desiredSupplied(holding, a.buffer, a.share);
    const tolerance = (holding * SLEEVE_TOLERANCE_BPS) / 10_000n;
    let extra = 0n;
    let supply = 0n;
    if (desired + tolerance < supplied) extra = min(supplied - desired, withdrawable(a) - forSells);
    else if (desired > supplied + tolerance) supply = desired - supplied;
    // paid from the wallet: one withdrawal to the owner, 1 wei more than the sells need (aToken rounding)
    const withdraw = forSells + extra + (payer && forSells > 0n ? 1n : 0n);
    moves.push({ symbol: a.symbol, withdraw, forSells, supply });
    if (withdraw > 0n && payer) {
      addPull(a.aToken, withdraw);
      pre.push(aaveWithdrawStep(idle.pool, a.aToken, a.address, withdraw, true));
    } else if (withdraw > 0n) {
      addPull(a.aToken, withdraw);
      if (extra > 0n && forSells > 0n) {
        // the sleeve's excess to the owner first (its share of the aTokens pulled), then the rest for the swaps
        pre.push(aaveWithdrawStep(idle.pool, a.aToken, a.address, extra, true, (extra * ONE) / withdraw));
        pre.push(aaveWithdrawStep(idle.pool, a.aToken, a.address, forSells, false));
      } else pre.push(aaveWithdrawStep(idle.pool, a.aToken, a.address, withdraw, forSells === 0n));
      if (forSells > 0n) addPull(a.address, -forSells);
    }
    if (supply > 0n) {
      post.push(aaveSupplyFromOwnerStep(idle.pool, a.address, a.aToken, supply));
      addPull(a.address, supply);
    }
  }
  const aTokens = idle.assets.map((a) => ({
    address: a.aToken,
    symbol: `a${a.symbol}`,
    decimals: tokens.get(a.symbol)?.decimals ?? a.decimals,
  }));
  return {
    batch: { ...batch, pulls: [...pulls.values()], legs: [...pre, ...batch.legs, ...post] },
    plan: { pool: idle.pool, scale: limits.scale, limited: limits.limited, moves, aTokens },
  };
}

/** chain.idle's aTokens with their underlying's feed: what `--deploy-executor` configures on the executor. */
export async function idleATokenFeeds<F>(
  client: PublicClient,
  idle: IdleSection,
  f: Fixture,
  tokens: Readonly<Record<string, Address>>,
  feeds: Readonly<Record<string, F | undefined>>,
): Promise<{ token: Address; feed: F }[]> {
  const pool = idle.pool === 'fixture' ? f.contracts.aavePool : idle.pool;
  if (!pool || pool === zeroAddress)
    throw new IdleConfigError('chain.idle.pool: fixture, but the chain file has no Aave Pool (contracts.aavePool)');
  const out: { token: Address; feed: F }[] = [];
  for (const sym of Object.keys(idle.assets)) {
    const r = await client.readContract({
      address: pool,
      abi: aavePoolAbi,
      functionName: 'getReserveData',
      args: [tokens[sym]!],
    });
    if (r.aTokenAddress === zeroAddress)
      throw new IdleConfigError(`chain.idle.assets.${sym}: the Aave Pool ${pool} has no reserve for it`);
    const feed = feeds[sym];
    if (feed !== undefined) out.push({ token: r.aTokenAddress, feed });
  }
  return out;
}
