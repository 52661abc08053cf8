/**
 * How much of one order to fill alone, and at what clearing prices (issue #24 item 3). A sell order sells
 * its remaining amount through the joint router when the output meets its limit; a partially fillable one
 * that cannot is filled at the largest amount that still meets it (bisection; nothing below 1/1000 of the
 * order). A buy order (fill-or-kill) sells the least that buys its amount. Clearing prices are chosen so the
 * trader receives (sell order) or pays (buy order) exactly what the route does: uniform prices over the
 * batch's tokens, so part 2 (several orders, coincidence of wants) extends `clearing` rather than replaces it.
 * The router may spend a few base units less than asked (its split rounds down): the trader still pays the
 * amount asked, at a price that meets its limit, and the dust stays in the settlement.
 */
import type { Address } from 'viem';
import type { BookEntry } from '../../dex/intents/book-server.ts';
import type { JointRoute } from '../../dex/router/joint/index.ts';

/** The route of `amount` of the sell token to the buy token, or null when there is none. */
export type RouteFn = (sell: Address, buy: Address, amount: bigint) => JointRoute | null;

export interface OrderFill {
  readonly entry: BookEntry;
  /** Sell token taken by the trade, fee excluded (what the route sells). */
  readonly executedSell: bigint;
  /** Buy token the trader receives. */
  readonly executedBuy: bigint;
  /** Sell token the settlement keeps as fee. */
  readonly fee: bigint;
  /** `executedAmount` of the Trade (partially fillable orders). */
  readonly executedAmount: bigint;
  readonly route: JointRoute;
}

export type FillDecision = { readonly fill: OrderFill } | { readonly skip: string };

const receivedOf = (r: JointRoute, token: Address): bigint =>
  r.received.find((x) => x.token.toLowerCase() === token.toLowerCase())?.amount ?? 0n;
const spentOf = (r: JointRoute, token: Address): bigint =>
  r.spent.find((x) => x.token.toLowerCase() === token.toLowerCase())?.amount ?? 0n;

/** limit: sellAmount · out ≥ buyAmount · sold (the settlement's own check at these clearing prices). */
export function meetsLimit(e: BookEntry, sold: bigint, out: bigint): boolean {
  return sold > 0n && e.order.sellAmount * out >= e.order.buyAmount * sold;
}

/** `filled` = filledAmount(uid) on chain (sell units for a sell order, buy units for a buy order). */
export function decideFill(e: BookEntry, filled: bigint, route: RouteFn): FillDecision {
  const o = e.order;
  if (o.kind === 'sell') {
    const remaining = o.sellAmount - filled;
    if (remaining <= 0n) return { skip: 'filled' };
    const at = (f: bigint) => {
      const r = route(o.sellToken, o.buyToken, f);
      if (r === null || spentOf(r, o.sellToken) > f) return null;
      const out = receivedOf(r, o.buyToken);
      return meetsLimit(e, f, out) ? { r, out } : null;
    };
    let best: { f: bigint; r: JointRoute; out: bigint } | null = null;
    const whole = at(remaining);
    if (whole) best = { f: remaining, ...whole };
    else if (o.partiallyFillable) {
      let lo = o.sellAmount / 1000n;
      let hi = remaining;
      const first = lo > 0n ? at(lo) : null;
      if (first) {
        best = { f: lo, ...first };
        for (let i = 0; i < 40 && hi - lo > remaining / 10_000n + 1n; i++) {
          const mid = (lo + hi) / 2n;
          const m = at(mid);
          if (m) {
            lo = mid;
            best = { f: mid, ...m };
          } else hi = mid;
        }
      }
    }
    if (best === null) return { skip: 'no route meets the limit price' };
    const fee = o.partiallyFillable ? (o.feeAmount * best.f) / o.sellAmount : o.feeAmount;
    return {
      fill: {
        entry: e,
        executedSell: best.f,
        executedBuy: best.out,
        fee,
        executedAmount: o.partiallyFillable ? best.f : 0n,
        route: best.r,
      },
    };
  }
  // buy order, fill-or-kill: the least sell amount whose route buys buyAmount, at most sellAmount
  if (filled > 0n) return { skip: 'filled' };
  const buys = (x: bigint) => {
    const r = route(o.sellToken, o.buyToken, x);
    return r !== null && spentOf(r, o.sellToken) <= x && receivedOf(r, o.buyToken) >= o.buyAmount ? r : null;
  };
  let hiRoute = buys(o.sellAmount);
  if (hiRoute === null) return { skip: 'no route meets the limit price' };
  let lo = 0n;
  let hi = o.sellAmount;
  for (let i = 0; i < 60 && hi - lo > 1n; i++) {
    const mid = (lo + hi) / 2n;
    const m = buys(mid);
    if (m) {
      hi = mid;
      hiRoute = m;
    } else lo = mid;
  }
  return {
    fill: {
      entry: e,
      executedSell: hi,
      executedBuy: o.buyAmount,
      fee: o.feeAmount,
      executedAmount: 0n,
      route: hiRoute,
    },
  };
}

/**
 * Uniform clearing prices for fills that share no token pair with each other (part 1: one fill per
 * batch): p[sell] = executedBuy, p[buy] = executedSell, so executedSell · p[sell] / p[buy] = executedBuy.
 */
export function clearing(fills: readonly OrderFill[]): { tokens: Address[]; prices: bigint[] } {
  const tokens: Address[] = [];
  const prices: bigint[] = [];
  for (const f of fills) {
    tokens.push(f.entry.order.sellToken, f.entry.order.buyToken);
    prices.push(f.executedBuy, f.executedSell);
  }
  return { tokens, prices };
}
