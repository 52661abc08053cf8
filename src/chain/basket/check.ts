/**
 * The basket's rebalance checks, off-chain (issue #21 item 1): a pure mirror of `BallastBasket.rebalance` run on
 * known state and a route's expected outputs, in the contract's order and with its exact integer arithmetic
 * (floor divisions; the untraded assets' weight bound rounded down). The CLI and the service never send a rebalance this refuses;
 * it names the first check that fails with the contract's error name. No I/O: every input is given. With `sleeve`
 * it mirrors BallastSleeveBasket (issue #22): balances are wallet + aToken, a swap spends only the wallet, legs of
 * kind 5/6 move between the two parts (NotSleeve unless between an asset and its aToken in the basket's Pool), are
 * not trading, give an untraded asset one wei per leg of slack and count one wei each as lost (Aave's rounding).
 */
import type { Address } from 'viem';
import type { BasketLeg, BasketPool, BasketProfile } from './artifact.ts';

const WAD = 10n ** 18n;
const UINT128_MAX = 2n ** 128n - 1n;

/** A feed's latest round as the basket reads it, with the check the profile sets for it. */
export interface CheckFeed {
  readonly answer: bigint;
  readonly roundId: bigint;
  readonly answeredInRound: bigint;
  readonly updatedAt: bigint;
  readonly decimals: number;
  readonly heartbeat: number;
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
}

/** What the checks read of the profile (the fee and the feeds are checked elsewhere). */
export type CheckProfile = Pick<
  BasketProfile,
  | 'targetBps'
  | 'bandAbsBps'
  | 'bandRelBps'
  | 'calendar'
  | 'minInterval'
  | 'maxLossBps'
  | 'maxTurnoverBps'
  | 'keeper'
  | 'keeperWindow'
  | 'pools'
>;

export interface CheckInput {
  /** The block time the transaction is expected to run at. */
  readonly now: bigint;
  readonly caller: Address;
  readonly deadline: bigint;
  readonly lastRebalance: bigint;
  readonly profile: CheckProfile;
  readonly assets: readonly Address[];
  readonly tokenDecimals: readonly number[];
  readonly feeds: readonly CheckFeed[];
  /** The basket's balance of each asset before the legs. */
  readonly balances: readonly bigint[];
  readonly legs: readonly BasketLeg[];
  readonly minOuts: readonly bigint[];
  /** Each leg's expected output (the route's simulation on the same state). */
  readonly expectedOuts: readonly bigint[];
  /**
   * A BallastSleeveBasket's sleeve (issue #22): `balances` are then wallet + aToken (what the contract counts),
   * `wallet` the liquid part, `available` each reserve's liquidity. Absent: a plain basket (legs 5/6: NotSleeve).
   */
  readonly sleeve?: CheckSleeve;
}

export interface CheckSleeve {
  readonly pool: Address;
  /** Per asset (zero address: no reserve). */
  readonly aTokens: readonly Address[];
  readonly wallet: readonly bigint[];
  readonly available: readonly bigint[];
}

export interface CheckPassed {
  readonly ok: true;
  readonly navBefore: bigint;
  readonly navAfter: bigint;
  readonly lost: bigint;
  readonly turnover: bigint;
  readonly driftSumBefore: bigint;
  readonly driftSumAfter: bigint;
  readonly balancesAfter: readonly bigint[];
}

export interface CheckFailed {
  readonly ok: false;
  /** The contract's custom error this rebalance would revert with. */
  readonly error: string;
  /** One line: which check, with its numbers. */
  readonly message: string;
}

export type CheckResult = CheckPassed | CheckFailed;

const fail = (error: string, message: string): CheckFailed => ({ ok: false, error, message });
const ZERO: Address = '0x0000000000000000000000000000000000000000';
const KIND_WITHDRAW = 5;
const KIND_SUPPLY = 6;
const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();

function values(input: CheckInput, balances: readonly bigint[]): { v: bigint[]; nav: bigint } {
  const v = balances.map((b, i) => {
    const f = input.feeds[i]!;
    return (b * f.answer * WAD) / 10n ** BigInt(input.tokenDecimals[i]! + f.decimals);
  });
  return { v, nav: v.reduce((a, x) => a + x, 0n) };
}

/** USD × 1e18 of one base unit of asset i, rounded up (the ±1 wei of a sleeve leg, counted as a loss). */
function oneWei(input: CheckInput, i: number): bigint {
  const f = input.feeds[i]!;
  const den = 10n ** BigInt(input.tokenDecimals[i]! + f.decimals);
  return (f.answer * WAD + den - 1n) / den;
}

function drifts(v: readonly bigint[], nav: bigint, targetBps: readonly number[]): { d: bigint[]; sum: bigint } {
  const d = v.map((x, i) => {
    const w = (x * WAD) / nav;
    const t = BigInt(targetBps[i]!) * 10n ** 14n;
    return w > t ? w - t : t - w;
  });
  return { d, sum: d.reduce((a, x) => a + x, 0n) };
}

function breached(p: CheckProfile, d: readonly bigint[]): boolean {
  const abs = BigInt(p.bandAbsBps) * 10n ** 14n;
  const rel = BigInt(p.bandRelBps);
  return d.some(
    (x, i) => (abs > 0n && x > abs) || (rel > 0n && x * 10_000n > rel * BigInt(p.targetBps[i]!) * 10n ** 14n),
  );
}

function oracle(input: CheckInput): CheckFailed | undefined {
  for (const [i, f] of input.feeds.entries()) {
    const a = input.assets[i]!;
    if (f.answer <= 0n || f.answeredInRound < f.roundId || f.updatedAt === 0n)
      return fail('BadOracle', `oracle: the feed of asset ${a} answers ${f.answer} (round incomplete or not positive)`);
    if (f.updatedAt > input.now || input.now - f.updatedAt > BigInt(f.heartbeat))
      return fail(
        'StaleOracle',
        `oracle: the feed of asset ${a} was updated at ${f.updatedAt}, more than its heartbeat ${f.heartbeat} s before ${input.now}`,
      );
    if (f.answer <= f.minAnswer || f.answer >= f.maxAnswer)
      return fail('OracleOutOfBounds', `oracle: the feed of asset ${a} answers ${f.answer}, at or beyond a bound`);
  }
  return undefined;
}

export function poolAllowed(pools: readonly BasketPool[], l: BasketLeg): boolean {
  return pools.some(
    (r) =>
      r.kind === l.kind &&
      r.fee === l.fee &&
      BigInt(r.poolId) === BigInt(l.poolId) &&
      ((same(r.tokenA, l.tokenIn) && same(r.tokenB, l.tokenOut)) ||
        (same(r.tokenA, l.tokenOut) && same(r.tokenB, l.tokenIn))),
  );
}

/** Runs the contract's checks in its order; the first that fails is returned. */
export function checkBasketRebalance(input: CheckInput): CheckResult {
  const p = input.profile;
  const { now } = input;
  if (now > input.deadline) return fail('Expired', `deadline: ${input.deadline} is before the block time ${now}`);
  const openToAll = p.keeperWindow === 0 ? undefined : input.lastRebalance + BigInt(p.keeperWindow);
  if (!same(input.caller, p.keeper) && (openToAll === undefined || now < openToAll))
    return fail(
      'NotKeeper',
      `keeper: ${input.caller} is not the keeper ${p.keeper}${openToAll === undefined ? '' : ` before ${openToAll}`}`,
    );
  const notBefore = input.lastRebalance + BigInt(p.minInterval);
  if (now < notBefore) return fail('NotDue', `due: not before ${notBefore} (minInterval ${p.minInterval} s)`);
  if (input.legs.length === 0 || input.minOuts.length !== input.legs.length)
    return fail('BadLeg', `legs: ${input.legs.length} legs and ${input.minOuts.length} minimum outputs`);
  const bad = oracle(input);
  if (bad) return bad;
  const before = values(input, input.balances);
  if (before.nav === 0n) return fail('EmptyBasket', 'nav: the basket holds nothing to rebalance');
  const db = drifts(before.v, before.nav, p.targetBps);
  if (!p.calendar && !breached(p, db.d))
    return fail(
      'WithinBand',
      `drift: every asset is inside its band (bandAbsBps ${p.bandAbsBps}, bandRelBps ${p.bandRelBps})`,
    );
  const bal = [...input.balances];
  const sl = input.sleeve;
  // the liquid part: what a swap leg can spend (a plain basket: all of it)
  const wallet = sl ? [...sl.wallet] : bal;
  const supplied = sl ? bal.map((b, i) => b - sl.wallet[i]!) : [];
  const available = sl ? [...sl.available] : [];
  const idx = (t: Address) => input.assets.findIndex((a) => same(a, t));
  const traded = new Set<number>();
  const sleeved = new Set<number>();
  for (const [k, l] of input.legs.entries()) {
    if (l.kind === KIND_WITHDRAW || l.kind === KIND_SUPPLY) {
      const supply = l.kind === KIND_SUPPLY;
      const i = idx(supply ? l.tokenIn : l.tokenOut);
      const aToken = i < 0 || !sl ? ZERO : sl.aTokens[i]!;
      if (
        !sl ||
        i < 0 ||
        l.amountIn === 0n ||
        l.fee !== 0 ||
        BigInt(l.poolId) !== BigInt(sl.pool) ||
        aToken === ZERO ||
        !same(aToken, supply ? l.tokenOut : l.tokenIn)
      )
        return fail('NotSleeve', `legs[${k}]: not a sleeve leg of this basket (its Pool, an asset and its aToken)`);
      if (supply && l.amountIn > wallet[i]!)
        return fail('BadLeg', `legs[${k}]: supplies ${l.amountIn}, the basket's wallet holds ${wallet[i]}`);
      if (!supply && l.amountIn > supplied[i]!)
        return fail('BadLeg', `legs[${k}]: withdraws ${l.amountIn}, the basket's sleeve holds ${supplied[i]}`);
      if (!supply && l.amountIn > available[i]!)
        return fail(
          'ReserveLiquidity',
          `legs[${k}]: withdraw limited: withdraws ${l.amountIn}, the reserve has ${available[i]} available (Aave's revert)`,
        );
      if (l.amountIn < input.minOuts[k]!)
        return fail('LegOutputTooLow', `legs[${k}]: moves ${l.amountIn}, below its minimum ${input.minOuts[k]}`);
      const d = supply ? l.amountIn : -l.amountIn;
      wallet[i] = wallet[i]! - d;
      supplied[i] = supplied[i]! + d;
      available[i] = available[i]! + d;
      sleeved.add(i);
      continue;
    }
    const i = idx(l.tokenIn);
    const o = idx(l.tokenOut);
    if (l.amountIn === 0n || l.amountIn > UINT128_MAX || i < 0 || o < 0)
      return fail('BadLeg', `legs[${k}]: amount 0 or a token that is not a basket asset`);
    if (!poolAllowed(p.pools, l))
      return fail(
        'PoolNotAllowed',
        `pools: legs[${k}] (kind ${l.kind}, fee ${l.fee}) uses a pool the profile does not list`,
      );
    if (l.amountIn > wallet[i]!)
      return fail('BadLeg', `legs[${k}]: sells ${l.amountIn}, the basket${sl ? "'s wallet" : ''} holds ${wallet[i]}`);
    const out = input.expectedOuts[k] ?? 0n;
    if (out < input.minOuts[k]!)
      return fail('LegOutputTooLow', `legs[${k}]: expected output ${out} is below its minimum ${input.minOuts[k]}`);
    traded.add(i).add(o);
    bal[i] = bal[i]! - l.amountIn;
    bal[o] = bal[o]! + out;
    if (sl) {
      wallet[i] = wallet[i]! - l.amountIn;
      wallet[o] = wallet[o]! + out;
    }
  }
  const after = values(input, bal);
  // Aave rounds an aToken balance by up to 1 wei per supply or withdraw: count each sleeve leg as 1 wei lost
  const weiLoss = input.legs.reduce(
    (a, l) =>
      l.kind === KIND_WITHDRAW
        ? a + oneWei(input, idx(l.tokenOut))
        : l.kind === KIND_SUPPLY
          ? a + oneWei(input, idx(l.tokenIn))
          : a,
    0n,
  );
  const lost = (before.nav > after.nav ? before.nav - after.nav : 0n) + weiLoss;
  const maxLoss = (before.nav * BigInt(p.maxLossBps)) / 10_000n;
  if (lost > maxLoss)
    return fail('LossTooHigh', `loss: ${lost} (USD × 1e18) above maxLossBps ${p.maxLossBps} (${maxLoss})`);
  let turnover = 0n;
  for (const [i, x] of before.v.entries()) if (x > after.v[i]!) turnover += x - after.v[i]!;
  const maxTurnover = (before.nav * BigInt(p.maxTurnoverBps)) / 10_000n;
  if (turnover > maxTurnover)
    return fail('TurnoverTooHigh', `turnover: ${turnover} above maxTurnoverBps ${p.maxTurnoverBps} (${maxTurnover})`);
  if (after.nav === 0n) return fail('LossTooHigh', 'loss: nothing would be left');
  const da = drifts(after.v, after.nav, p.targetBps);
  // traded: no growth at all; untraded: w_after <= w_before × navBefore / navAfter (= v_before × 1e18 / navAfter)
  // an untraded asset a sleeve leg moved: its bound is its balance before plus one wei per leg (the contract's _bound)
  const bound = (i: number) =>
    sleeved.has(i)
      ? values(
          input,
          input.balances.map((b, j) => (j === i ? b + BigInt(input.legs.length) : b)),
        ).v[i]!
      : before.v[i]!;
  for (const [i, d] of da.d.entries()) {
    const grew = traded.has(i) ? d > db.d[i]! : (after.v[i]! * WAD) / after.nav > (bound(i) * WAD) / after.nav;
    if (grew) return fail('DriftGrew', `drift: asset ${input.assets[i]}'s drift would grow from ${db.d[i]} to ${d}`);
  }
  if (da.sum >= db.sum) return fail('DriftNotReduced', `drift: the sum of drifts would go from ${db.sum} to ${da.sum}`);
  return {
    ok: true,
    navBefore: before.nav,
    navAfter: after.nav,
    lost,
    turnover,
    driftSumBefore: db.sum,
    driftSumAfter: da.sum,
    balancesAfter: bal,
  };
}
