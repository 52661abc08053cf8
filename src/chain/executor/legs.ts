/**
 * The joint router's legs → the executor's steps (issues #19.1, #30.3–4). A step names no call target: only the
 * pool's kind and its tokens (plus the v3 fee tier or the Balancer pool id); the contract computes the pool from
 * the factories fixed at its deployment. A step spends a SHARE of the executor's actual balance of its input
 * (1e36 = all of it), so a path's later hop spends what the earlier hop really returned; only a path's final step
 * carries a minimum (minOut), the others 0. Balancer legs are brought together (when the legs' dependencies
 * allow) so that they run as ONE Vault.batchSwap, and v4 legs so that they run in ONE PoolManager.unlock (a v4 step
 * carries the PoolKey's fee and, in `poolId`, its tickSpacing; hooks are always 0); a v2 hop feeding the next v2
 * hop pays that pair directly. A v2, v3 or v4 leg selling a token the owner sells and no leg buys is FROM_PAYER:
 * its input goes straight from the owner's allowance to the pool (its `share` is the exact amount), so only what
 * Balancer legs spend is pulled into the executor (encodeExecute subtracts these legs from the pulls).
 */
import type { Address, Hex } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import type { JointLeg } from '../../dex/router/joint/index.ts';
import type { FixturePool } from '../fixture/types.ts';

export const STEP_KIND = { 'uniswap-v2': 0, 'uniswap-v3': 1, balancer: 2, 'uniswap-v4': 4 } as const;
export const TO_OWNER = 1;
export const TO_NEXT_PAIR = 2;
export const NEW_BATCH = 4;
export const FROM_PAYER = 8;
export const ONE = 10n ** 36n;
const ZERO_ID: Hex = `0x${'0'.repeat(64)}`;

/** One executor step, with the planned amounts it was encoded from (for display and checks). */
export interface ExecutorStep {
  readonly kind: number;
  readonly flags: number;
  readonly tokenIn: Address;
  readonly tokenOut: Address;
  readonly fee: number;
  readonly poolId: Hex;
  /**
   * Fraction × 1e36 of the executor's balance of tokenIn the step spends; 0 = the previous Balancer swap's output;
   * with FROM_PAYER, the exact amount paid from the owner.
   */
  readonly share: bigint;
  readonly minOut: bigint;
  /** Planned input and output (simulated on the snapshot), the pool and whether the owner receives the output. */
  readonly amountIn: bigint;
  readonly amountOut: bigint;
  readonly pool: Address;
  readonly toOwner: boolean;
}

export class LegEncodingError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name = 'LegEncodingError';
}

const isBal = (l: JointLeg) => l.protocol === 'balancer-weighted' || l.protocol === 'balancer-stable';
const isV4 = (l: JointLeg) => l.protocol === 'uniswap-v4';

/** Planned executor balances per token after running `legs` in order from `pulls`; undefined if a leg lacks input. */
function feasible(legs: readonly JointLeg[], pulls: readonly { token: Address; amount: bigint }[]): boolean {
  const bal = new Map<string, bigint>();
  for (const p of pulls) bal.set(p.token.toLowerCase(), (bal.get(p.token.toLowerCase()) ?? 0n) + p.amount);
  for (const l of legs) {
    const k = l.tokenIn.toLowerCase();
    const have = bal.get(k) ?? 0n;
    if (have < l.amountIn) return false;
    bal.set(k, have - l.amountIn);
    if (!l.final) bal.set(l.tokenOut.toLowerCase(), (bal.get(l.tokenOut.toLowerCase()) ?? 0n) + l.amountOut);
  }
  return true;
}

/**
 * Orders the legs so that every Balancer leg (or, with `inRun` = the v4 test, every v4 leg) sits in one run: the
 * other legs that do not depend on such a leg's output, then those legs, then the rest. Kept in the router's order
 * when that is not feasible.
 */
export function groupBalancer(
  legs: readonly JointLeg[],
  pulls: readonly { token: Address; amount: bigint }[],
  inRun: (l: JointLeg) => boolean = isBal,
): readonly JointLeg[] {
  const tainted = new Set<string>();
  const before: JointLeg[] = [];
  const bal: JointLeg[] = [];
  const afterwards: JointLeg[] = [];
  for (const l of legs) {
    if (inRun(l)) {
      bal.push(l);
      if (!l.final) tainted.add(l.tokenOut.toLowerCase());
    } else if (tainted.has(l.tokenIn.toLowerCase())) {
      afterwards.push(l);
      if (!l.final) tainted.add(l.tokenOut.toLowerCase());
    } else before.push(l);
  }
  const ordered = [...before, ...bal, ...afterwards];
  return feasible(ordered, pulls) ? ordered : legs;
}

function shareOf(amountIn: bigint, available: bigint): bigint {
  if (available <= 0n || amountIn <= 0n) throw new LegEncodingError('a leg spends a token the executor does not hold');
  // spending all of it: take all, so the path spends what the earlier hops really returned
  if (amountIn >= available) return ONE;
  // rounded up: floor(available × share / 1e36) is exactly amountIn when the balance is as planned
  return (amountIn * ONE + available - 1n) / available;
}

/**
 * Encodes the legs (in the order they will run) into steps. `minOutOf(leg)` gives a final leg's minimum
 * (intermediate legs get 0: the path's final output carries the path's minimum). `fromOwner: false` pulls every
 * input into the executor (no FROM_PAYER step; the gas figures compare both).
 */
export function encodeSteps(
  routeLegs: readonly JointLeg[],
  pulls: readonly { token: Address; amount: bigint }[],
  poolInfo: readonly FixturePool[],
  minOutOf: (l: JointLeg) => bigint,
  opts: { readonly fromOwner?: boolean } = {},
): ExecutorStep[] {
  const byPool = new Map(poolInfo.map((p) => [p.address.toLowerCase(), p]));
  // v4 legs into one run (one unlock), then Balancer legs into one run (one batchSwap)
  const legs = groupBalancer(groupBalancer(routeLegs, pulls, isV4), pulls, isBal);
  const bal = new Map<string, bigint>();
  const add = (t: Address, x: bigint) => bal.set(t.toLowerCase(), (bal.get(t.toLowerCase()) ?? 0n) + x);
  for (const p of pulls) add(p.token, p.amount);
  // tokens the owner sells and no leg buys: their v2/v3/v4 legs are paid from the owner, not from a pull
  const bought = new Set(legs.map((l) => l.tokenOut.toLowerCase()));
  const payerToken = new Set(
    opts.fromOwner === false ? [] : pulls.map((p) => p.token.toLowerCase()).filter((t) => !bought.has(t)),
  );
  const payerLeg = (l: JointLeg) => !isBal(l) && payerToken.has(l.tokenIn.toLowerCase());
  for (const l of legs) if (payerLeg(l)) add(l.tokenIn, -l.amountIn);
  const steps: ExecutorStep[] = [];
  // the planned balances when the current Balancer run started, minus what its swaps already take
  let runStart: Map<string, bigint> | undefined;
  for (let i = 0; i < legs.length; i++) {
    const l = legs[i]!;
    const pool = byPool.get(l.pool.toLowerCase());
    if (!pool) throw new LegEncodingError(`pool ${l.pool} is not in the chain file`);
    const kind =
      STEP_KIND[
        pool.protocol === 'uniswap-v2' || pool.protocol === 'uniswap-v3' || pool.protocol === 'uniswap-v4'
          ? pool.protocol
          : 'balancer'
      ];
    const batched = kind === STEP_KIND.balancer || kind === STEP_KIND['uniswap-v4'];
    const prev = steps[steps.length - 1];
    const prevLeg = legs[i - 1];
    let flags = l.final ? TO_OWNER : 0;
    let share: bigint;
    const payer = payerLeg(l);
    if (payer && batched) {
      // a v4 path paid from the owner: an exact amount, outside the run's own-balance shares
      flags |= FROM_PAYER;
      share = l.amountIn;
      if (prev?.kind !== kind || runStart === undefined) runStart = new Map(bal);
    } else if (batched) {
      if (kind === STEP_KIND.balancer && !pool.poolId)
        throw new LegEncodingError(`Balancer pool ${pool.label} has no poolId in the chain file`);
      if (kind === STEP_KIND['uniswap-v4'] && pool.tickSpacing === undefined)
        throw new LegEncodingError(`v4 pool ${pool.label} has no tickSpacing in the chain file`);
      const inRun = prev?.kind === kind && runStart !== undefined;
      const key = l.tokenIn.toLowerCase();
      const chained =
        inRun &&
        prevLeg !== undefined &&
        !prevLeg.final &&
        prev.tokenOut.toLowerCase() === l.tokenIn.toLowerCase() &&
        prevLeg.amountOut === l.amountIn;
      if (chained && (runStart!.get(key) ?? 0n) < l.amountIn) {
        share = 0n;
      } else {
        if (!inRun || (runStart!.get(key) ?? 0n) < l.amountIn) {
          // a new batchSwap: its amounts are shares of the balances when it starts
          if (inRun) flags |= NEW_BATCH;
          runStart = new Map(bal);
        }
        share = shareOf(l.amountIn, runStart!.get(key) ?? 0n);
        runStart!.set(key, (runStart!.get(key) ?? 0n) - l.amountIn);
      }
    } else {
      runStart = undefined;
      const prepaid = prev !== undefined && (prev.flags & TO_NEXT_PAIR) !== 0;
      if (payer) flags |= FROM_PAYER;
      share = payer ? l.amountIn : prepaid ? ONE : shareOf(l.amountIn, bal.get(l.tokenIn.toLowerCase()) ?? 0n);
      const next = legs[i + 1];
      if (
        kind === STEP_KIND['uniswap-v2'] &&
        !l.final &&
        next !== undefined &&
        byPool.get(next.pool.toLowerCase())?.protocol === 'uniswap-v2' &&
        next.tokenIn.toLowerCase() === l.tokenOut.toLowerCase() &&
        next.amountIn === l.amountOut &&
        (bal.get(l.tokenOut.toLowerCase()) ?? 0n) === 0n
      )
        flags |= TO_NEXT_PAIR;
    }
    if (!payer) add(l.tokenIn, -l.amountIn);
    if (!l.final) add(l.tokenOut, l.amountOut);
    steps.push({
      kind,
      flags,
      tokenIn: l.tokenIn,
      tokenOut: l.tokenOut,
      fee: kind === STEP_KIND['uniswap-v3'] || kind === STEP_KIND['uniswap-v4'] ? pool.feePips : 0,
      poolId:
        kind === STEP_KIND['uniswap-v4']
          ? (`0x${pool.tickSpacing!.toString(16).padStart(64, '0')}` as Hex)
          : kind === STEP_KIND.balancer
            ? (pool.poolId ?? ZERO_ID)
            : ZERO_ID,
      share,
      minOut: l.final ? minOutOf(l) : 0n,
      amountIn: l.amountIn,
      amountOut: l.amountOut,
      pool: pool.address,
      toOwner: l.final,
    });
  }
  return steps;
}

/** The fields of the contract's Step struct. */
export function abiStep(s: ExecutorStep) {
  return {
    kind: s.kind,
    flags: s.flags,
    tokenIn: s.tokenIn,
    tokenOut: s.tokenOut,
    fee: s.fee,
    poolId: s.poolId,
    share: s.share,
    minOut: s.minOut,
  };
}
