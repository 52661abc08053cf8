/**
 * Curve-style stable-swap pool (the plain-pool template of Curve's factory, Vyper), off-chain only: Curve needs
 * Vyper, which this project cannot compile, so this math is tested against theory rather than a contract.
 * get_D and get_y are Newton iterations on Ann·S + D = Ann·D + D^(n+1)/(n^n·P) with A_PRECISION = 100;
 * get_dy charges the fee on the output: dy = xp[j] - y - 1, minus fee·dy/1e10, downscaled to token units.
 */
import { badState, ChainRevert, guardedAmountOut, pairIndices } from './errors.ts';
import { stableInvariantFloat, stableMarginal } from './stable-marginal.ts';
import type { Address, CurveState, SwapPool } from './types.ts';

export const A_PRECISION = 100n;
export const FEE_DENOMINATOR = 10n ** 10n;
const PRECISION = 10n ** 18n;
/** Typical gas of a Curve plain-pool exchange() on mainnet (2-3 coins): ~130k; an estimate, not measured here. */
export const CURVE_GAS = 130_000;

/** get_D(xp, amp) with amp = A·A_PRECISION. */
export function curveGetD(xp: readonly bigint[], amp: bigint): bigint {
  const n = BigInt(xp.length);
  let s = 0n;
  for (const x of xp) s += x;
  if (s === 0n) return 0n;
  let d = s;
  const ann = amp * n;
  for (let k = 0; k < 255; k++) {
    let dP = d;
    for (const x of xp) {
      if (x === 0n) throw new ChainRevert('get_D: a balance is 0');
      dP = (dP * d) / (x * n);
    }
    const prev = d;
    d = (((ann * s) / A_PRECISION + dP * n) * d) / (((ann - A_PRECISION) * d) / A_PRECISION + (n + 1n) * dP);
    if (d > prev ? d - prev <= 1n : prev - d <= 1n) return d;
  }
  throw new ChainRevert('get_D did not converge');
}

/** get_y(i, j, x, xp): the new balance of j when i's balance becomes x, keeping D. */
export function curveGetY(i: number, j: number, x: bigint, xp: readonly bigint[], amp: bigint, d: bigint): bigint {
  const n = BigInt(xp.length);
  const ann = amp * n;
  let c = d;
  let s = 0n;
  for (let k = 0; k < xp.length; k++) {
    if (k === j) continue;
    const v = k === i ? x : xp[k];
    s += v;
    c = (c * d) / (v * n);
  }
  c = (c * d * A_PRECISION) / (ann * n);
  const b = s + (d * A_PRECISION) / ann;
  let y = d;
  for (let k = 0; k < 255; k++) {
    const prev = y;
    y = (y * y + c) / (2n * y + b - d);
    if (y > prev ? y - prev <= 1n : prev - y <= 1n) return y;
  }
  throw new ChainRevert('get_y did not converge');
}

/** Rates that bring each token to 18 decimals, times PRECISION (Curve's RATES / rate_multipliers). */
export function curveRates(decimals: readonly number[]): bigint[] {
  return decimals.map((dec) => 10n ** BigInt(36 - dec));
}

/** get_dy(i, j, dx) in token base units, fee included. */
export function curveGetDy(state: CurveState, i: number, j: number, dx: bigint): bigint {
  const rates = curveRates(state.decimals);
  const xp = state.balances.map((b, k) => (rates[k] * b) / PRECISION);
  const amp = state.A * A_PRECISION;
  const d = curveGetD(xp, amp);
  const x = xp[i] + (dx * rates[i]) / PRECISION;
  const y = curveGetY(i, j, x, xp, amp, d);
  const dy = xp[j] - y - 1n;
  if (dy <= 0n) return 0n;
  const fee = (state.fee * dy) / FEE_DENOMINATOR;
  return ((dy - fee) * PRECISION) / rates[j];
}

export function createCurvePool(state: CurveState, gas: number = CURVE_GAS): SwapPool {
  const id = state.address.toLowerCase();
  const n = state.tokens.length;
  if (n < 2 || n > 8) badState(id, 'tokens', `has ${n} tokens, expected 2..8`);
  if (state.balances.length !== n || state.decimals.length !== n)
    badState(id, 'balances/decimals', `do not have ${n} entries`);
  if (state.A < 1n) badState(id, 'A', 'must be >= 1');
  if (state.fee < 0n || state.fee >= FEE_DENOMINATOR) badState(id, 'fee', 'is outside [0, 1e10)');
  const scaled = state.balances.map((b, k) => Number(b) * 10 ** (18 - state.decimals[k]));
  const ann = Number(state.A) * n;
  const dF = stableInvariantFloat(ann, scaled);
  const g = 1 - Number(state.fee) / 1e10;
  return {
    id,
    protocol: 'curve-stable',
    tokens: state.tokens,
    gas,
    amountOut(tokenIn: Address, tokenOut: Address, amountIn: bigint) {
      return guardedAmountOut(id, state.tokens, tokenIn, tokenOut, amountIn, (i, j) =>
        curveGetDy(state, i, j, amountIn),
      );
    },
    marginal(tokenIn: Address, tokenOut: Address, x: number) {
      const [i, j] = pairIndices(id, state.tokens, tokenIn, tokenOut);
      const sIn = 10 ** (18 - state.decimals[i]);
      const sOut = 10 ** (18 - state.decimals[j]);
      return (g * stableMarginal(ann, scaled, dF, i, j, Math.max(0, x) * sIn) * sIn) / sOut;
    },
    maxIn(tokenIn: Address, tokenOut: Address) {
      pairIndices(id, state.tokens, tokenIn, tokenOut);
      return Number.POSITIVE_INFINITY;
    },
  };
}
