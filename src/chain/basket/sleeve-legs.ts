/**
 * A sleeve basket's withdraw/supply legs around its swaps (issue #22 item 2), planned with the wallet side's pure
 * rules (src/core/lending/idle-sleeve.ts `desiredSupplied`, `withdrawable`; src/chain/lending/idle-batch.ts
 * `limitSwaps`, `SLEEVE_TOLERANCE_BPS`):
 * - sells take the basket's wallet first; what they need beyond it is withdrawn (kind 5) before the swaps, and a
 *   sell beyond wallet + min(supplied, the reserve's available liquidity) is a "withdraw limited": every swap is
 *   scaled by the same fraction (the partial rebalance the reserve lets be done now);
 * - after the swaps, each configured asset's supplied part moves to min(share × holding, holding − buffer): a
 *   supply (kind 6) paid from the wallet, the bought amounts counted at their minimum outputs, or a withdrawal
 *   (merged into the one before the swaps, bounded by the reserve's liquidity); a move under 1 bp of the holding
 *   is left alone. An asset the setting does not list keeps its supplied part.
 */
import type { Address } from 'viem';
import { desiredSupplied, type WithdrawLimit, withdrawable } from '../../core/lending/idle-sleeve.ts';
import { type IdleAsset, type IdleState, SLEEVE_TOLERANCE_BPS } from '../lending/idle-batch.ts';
import { BASKET_SLEEVE_SUPPLY, BASKET_SLEEVE_WITHDRAW, type BasketLeg, sleevePoolId } from './artifact.ts';
import type { BasketSnapshot } from './plan.ts';
import type { BasketSleeve, ResolvedSleeve } from './sleeve.ts';

/** What a rebalance does to one asset's sleeve (base units). */
export interface SleeveMove {
  readonly symbol: string;
  /** Withdrawn before the swaps, in all. */
  readonly withdraw: bigint;
  /** Of which what the sells need beyond the wallet. */
  readonly forSells: bigint;
  /** Supplied after the swaps, from the wallet. */
  readonly supply: bigint;
}

export interface SleeveLegsPlan {
  /** Fraction of the rebalance to the targets done (1: all of it). */
  readonly scale: number;
  /** Non-empty: a sell was capped by what the reserve lets be withdrawn now ("withdraw limited: …"). */
  readonly limited: readonly WithdrawLimit[];
  readonly moves: readonly SleeveMove[];
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const key = (a: Address) => a.toLowerCase();

/** The basket's sleeve as the wallet side's IdleState (for `limitSwaps`): every asset with a reserve. */
export function idleStateOf(
  s: BasketSnapshot,
  sleeve: BasketSleeve,
  symbols: readonly string[],
  resolved: ResolvedSleeve,
): IdleState {
  const assets: IdleAsset[] = [];
  s.state.assets.forEach((address, i) => {
    const aToken = sleeve.aTokens[i]!;
    if (BigInt(aToken) === 0n) return;
    const f = s.feeds[i]!;
    assets.push({
      symbol: symbols[i]!,
      address,
      aToken,
      decimals: s.tokenDecimals[i]!,
      price: Number(f.answer) / 10 ** f.decimals,
      target: s.state.profile.targetBps[i]! / 10_000,
      buffer: resolved[i]?.buffer ?? 0n,
      share: resolved[i]?.share ?? Number.NaN,
      wallet: s.wallet[i]!,
      supplied: sleeve.supplied[i]!,
      available: sleeve.available[i]!,
      reserveSupply: sleeve.reserveSupply[i]!,
    });
  });
  return { pool: sleeve.pool, assets };
}

/**
 * The sleeve legs around `swaps` (in order: withdrawals, the swaps, supplies) with their expected and minimum
 * outputs (a sleeve leg moves exactly its amountIn).
 */
export function legsAroundSwaps(
  s: BasketSnapshot,
  sleeve: BasketSleeve,
  symbols: readonly string[],
  resolved: ResolvedSleeve,
  swaps: { legs: readonly BasketLeg[]; minOuts: readonly bigint[]; expectedOuts: readonly bigint[] },
  limits: { scale: number; limited: readonly WithdrawLimit[] },
): { legs: BasketLeg[]; minOuts: bigint[]; expectedOuts: bigint[]; plan: SleeveLegsPlan } {
  const idle = idleStateOf(s, sleeve, symbols, resolved);
  const sold = new Map<string, bigint>();
  const bought = new Map<string, bigint>();
  swaps.legs.forEach((l, k) => {
    sold.set(key(l.tokenIn), (sold.get(key(l.tokenIn)) ?? 0n) + l.amountIn);
    bought.set(key(l.tokenOut), (bought.get(key(l.tokenOut)) ?? 0n) + swaps.minOuts[k]!);
  });
  const poolId = sleevePoolId(sleeve.pool);
  const pre: BasketLeg[] = [];
  const post: BasketLeg[] = [];
  const moves: SleeveMove[] = [];
  for (const a of idle.assets) {
    const i = s.state.assets.findIndex((x) => key(x) === key(a.address));
    const out = sold.get(key(a.address)) ?? 0n;
    const forSells = min(max(0n, out - a.wallet), withdrawable(a));
    let withdraw = forSells;
    let supply = 0n;
    const r = resolved[i];
    if (r) {
      const supplied = a.supplied - forSells;
      const wallet = a.wallet + forSells - out + (bought.get(key(a.address)) ?? 0n);
      const holding = wallet + supplied;
      const desired = desiredSupplied(holding, r.buffer, r.share);
      const tolerance = (holding * SLEEVE_TOLERANCE_BPS) / 10_000n;
      if (desired + tolerance < supplied) withdraw += min(supplied - desired, withdrawable(a) - forSells);
      else if (desired > supplied + tolerance) supply = min(desired - supplied, max(0n, wallet));
    }
    if (withdraw > 0n)
      pre.push({
        kind: BASKET_SLEEVE_WITHDRAW,
        tokenIn: a.aToken,
        tokenOut: a.address,
        fee: 0,
        poolId,
        amountIn: withdraw,
      });
    if (supply > 0n)
      post.push({
        kind: BASKET_SLEEVE_SUPPLY,
        tokenIn: a.address,
        tokenOut: a.aToken,
        fee: 0,
        poolId,
        amountIn: supply,
      });
    if (withdraw > 0n || supply > 0n) moves.push({ symbol: a.symbol, withdraw, forSells, supply });
  }
  const amounts = (ls: readonly BasketLeg[]) => ls.map((l) => l.amountIn);
  return {
    legs: [...pre, ...swaps.legs, ...post],
    minOuts: [...amounts(pre), ...swaps.minOuts, ...amounts(post)],
    expectedOuts: [...amounts(pre), ...swaps.expectedOuts, ...amounts(post)],
    plan: { scale: limits.scale, limited: limits.limited, moves },
  };
}
