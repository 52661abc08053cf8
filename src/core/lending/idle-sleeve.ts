/**
 * The idle sleeve (issue #22 item 2): a share of each asset supplied to a lending market, a liquid buffer kept
 * per asset. Value and drift count the supplied part as the underlying it redeems to (scaled balance × index,
 * read on chain and passed in), but a rebalance can only use what is withdrawable now: the wallet plus
 * min(supplied, the reserve's available liquidity). When utilisation blocks a withdrawal, `planSleeve` plans
 * the partial rebalance it can do (every sell capped, every buy scaled by the same fraction) and says why
 * ("withdraw limited"). Pure: amounts are exact base units (bigint), prices and weights numbers.
 */
import { BallastError, type Next } from '../errors.ts';

export class IdleSleeveError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'IdleSleeveError';
}

export interface SleeveAsset {
  readonly symbol: string;
  readonly decimals: number;
  /** Quote per whole token (> 0). */
  readonly price: number;
  /** Liquid units in the wallet. */
  readonly wallet: bigint;
  /** Units the aTokens redeem to (scaled balance × liquidity index). */
  readonly supplied: bigint;
  /** The reserve's available liquidity (underlying held by the aToken contract), units. */
  readonly available: bigint;
  /** The reserve's total supply (aToken totalSupply), units: for the utilisation in the reason. */
  readonly reserveSupply: bigint;
  /** Target weight of the asset in the portfolio (weights sum to 1). */
  readonly target: number;
  /** Liquid units kept out of the market after the rebalance (when the asset has that much). */
  readonly buffer: bigint;
}

export interface IdleConfig {
  /** Fraction of each asset's holding supplied to the market, in [0, 1]. */
  readonly share: number;
}

export interface WithdrawLimit {
  readonly symbol: string;
  /** Units the full rebalance would sell. */
  readonly wanted: bigint;
  /** Units it can sell now: wallet + min(supplied, available). */
  readonly sellable: bigint;
  readonly reason: string;
}

export interface SleeveStep {
  readonly symbol: string;
  /** Units withdrawn from the market before the swaps (0n: none). */
  readonly withdraw: bigint;
  /** Units sold (< 0) or bought (> 0) by the swaps. */
  readonly trade: bigint;
  /** Units supplied to the market after the swaps (0n: none). */
  readonly supply: bigint;
}

export interface SleevePlan {
  readonly steps: readonly SleeveStep[];
  /** Fraction of the full rebalance this plan does (1: all of it). */
  readonly scale: number;
  /** Non-empty when a sell was capped by what can be withdrawn now: "withdraw limited". */
  readonly limited: readonly WithdrawLimit[];
}

const units = (a: SleeveAsset, value: number): bigint => {
  const u = (value / a.price) * 10 ** a.decimals;
  return Number.isFinite(u) && u > 0 ? BigInt(Math.floor(u)) : 0n;
};
const worth = (a: SleeveAsset, u: bigint): number => (Number(u) / 10 ** a.decimals) * a.price;
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** Units the asset holds, counting aTokens as their underlying. */
export function holding(a: SleeveAsset): bigint {
  return a.wallet + a.supplied;
}

/** Units that can leave the wallet now: the wallet plus what the reserve lets be withdrawn. */
export function withdrawable(a: SleeveAsset): bigint {
  return min(a.supplied, a.available);
}

/** The supplied part an asset should hold: min(share × holding, holding − buffer), never below 0. */
export function desiredSupplied(holdingUnits: bigint, buffer: bigint, share: number): bigint {
  const shareUnits = BigInt(Math.floor(Number(holdingUnits) * share));
  return max(0n, min(shareUnits, holdingUnits - buffer));
}

/**
 * After the swaps, on the balances they really left: the supply, or the withdrawal (bounded by what the reserve
 * lets go), that brings each asset's supplied part to desiredSupplied. No trades.
 */
export function resleeve(assets: readonly SleeveAsset[], cfg: IdleConfig): SleeveStep[] {
  check(assets, cfg);
  return assets.map((a) => {
    const desired = desiredSupplied(holding(a), a.buffer, cfg.share);
    if (desired > a.supplied) return { symbol: a.symbol, withdraw: 0n, trade: 0n, supply: desired - a.supplied };
    return { symbol: a.symbol, withdraw: min(a.supplied - desired, withdrawable(a)), trade: 0n, supply: 0n };
  });
}

/** Portfolio weights counting aTokens as their underlying (the drift's denominator). */
export function sleeveWeights(assets: readonly SleeveAsset[]): Map<string, number> {
  const values = assets.map((a) => worth(a, holding(a)));
  const total = values.reduce((s, v) => s + v, 0);
  return new Map(assets.map((a, i) => [a.symbol, total > 0 ? (values[i] as number) / total : 0]));
}

function check(assets: readonly SleeveAsset[], cfg: IdleConfig): void {
  if (!(cfg.share >= 0 && cfg.share <= 1)) throw new IdleSleeveError(`idle.share: ${cfg.share} is not in [0, 1]`);
  for (const a of assets) {
    if (!(a.price > 0) || !Number.isFinite(a.price)) throw new IdleSleeveError(`price of ${a.symbol} must be > 0`);
    for (const [k, v] of [
      ['wallet', a.wallet],
      ['supplied', a.supplied],
      ['available', a.available],
      ['buffer', a.buffer],
    ] as const) {
      if (v < 0n) throw new IdleSleeveError(`${k} of ${a.symbol} is negative`);
    }
  }
}

function pctText(x: number): string {
  return `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
}

/**
 * A sell of `want` units beyond what can leave now (wallet + min(supplied, available)): the limit and its reason
 * ("withdraw limited: …", with the amounts and the reserve's utilisation); undefined when it can all be sold.
 */
export function withdrawLimit(a: SleeveAsset, want: bigint): WithdrawLimit | undefined {
  const sellable = a.wallet + withdrawable(a);
  if (want <= sellable) return undefined;
  const utilisation = a.reserveSupply > 0n ? 1 - Number(a.available) / Number(a.reserveSupply) : 0;
  return {
    symbol: a.symbol,
    wanted: want,
    sellable,
    reason:
      `withdraw limited: ${a.symbol} would sell ${want} but only ${sellable} can leave now ` +
      `(${a.wallet} in the wallet, ${a.supplied} supplied, ${a.available} available in the reserve: ` +
      `utilisation ${pctText(utilisation)})`,
  };
}

/**
 * The rebalance to the targets that can be done now, and the sleeve's withdrawals and supplies around its
 * swaps: sells take the wallet first, then withdraw; after the swaps each asset's supplied part moves to
 * min(share × holding, holding − buffer), a withdrawal again bounded by the reserve's liquidity.
 */
export function planSleeve(assets: readonly SleeveAsset[], cfg: IdleConfig): SleevePlan {
  check(assets, cfg);
  const total = assets.reduce((s, a) => s + worth(a, holding(a)), 0);
  const wanted = assets.map((a) => a.target * total - worth(a, holding(a)));
  const limited: WithdrawLimit[] = [];
  const sells = assets.map((a, i) => {
    const w = wanted[i] as number;
    if (w >= 0) return 0n;
    const want = min(units(a, -w), holding(a));
    const limit = withdrawLimit(a, want);
    if (!limit) return want;
    limited.push(limit);
    return limit.sellable;
  });
  const wantedSold = assets.reduce(
    (s, a, i) => s + worth(a, min(units(a, -Math.min(0, wanted[i] as number)), holding(a))),
    0,
  );
  const sold = assets.reduce((s, a, i) => s + worth(a, sells[i] as bigint), 0);
  const scale = wantedSold > 0 ? Math.min(1, sold / wantedSold) : 1;
  const steps = assets.map((a, i): SleeveStep => {
    const sell = sells[i] as bigint;
    const buy = (wanted[i] as number) > 0 ? units(a, (wanted[i] as number) * scale) : 0n;
    const fromMarket = max(0n, sell - a.wallet);
    const supplied = a.supplied - fromMarket;
    const liquid = a.wallet - (sell - fromMarket) + buy;
    const desired = desiredSupplied(supplied + liquid, a.buffer, cfg.share);
    let withdraw = fromMarket;
    let supply = 0n;
    if (desired > supplied) supply = desired - supplied;
    else if (desired < supplied) withdraw += min(supplied - desired, min(supplied, a.available - fromMarket));
    return { symbol: a.symbol, withdraw, trade: buy - sell, supply };
  });
  return { steps, scale, limited };
}
