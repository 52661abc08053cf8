/**
 * How GPv2Settlement executes one order at given clearing prices (issue #25), exactly as its
 * `computeTradeExecution` does (node_modules/@cowprotocol/contracts/src/contracts/GPv2Settlement.sol):
 * the limit holds when sellAmount · p[sell] ≥ buyAmount · p[buy]; a sell order sells its sellAmount and
 * receives ⌈sellAmount · p[sell] / p[buy]⌉; a buy order receives its buyAmount and pays
 * ⌊buyAmount · p[buy] / p[sell]⌋; the fee is taken on top, in the sell token. Orders here are filled whole
 * (a partially fillable one as its remaining amount). Pure: no I/O.
 */

export type Token = string;

export interface AuctionOrder {
  /** Unique key (the order uid). */
  readonly id: string;
  /** Lower-case token addresses (or any unique keys). */
  readonly sellToken: Token;
  readonly buyToken: Token;
  readonly sellAmount: bigint;
  readonly buyAmount: bigint;
  readonly feeAmount: bigint;
  readonly kind: 'sell' | 'buy';
}

export interface Execution {
  readonly id: string;
  /** Sell token the trader pays, fee excluded. */
  readonly executedSell: bigint;
  /** Buy token the trader receives. */
  readonly executedBuy: bigint;
  readonly fee: bigint;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/** The settlement's own limit check at these prices. */
export function limitHolds(o: AuctionOrder, pSell: bigint, pBuy: bigint): boolean {
  return o.sellAmount * pSell >= o.buyAmount * pBuy;
}

/** The order's execution at these prices, or null when its limit does not hold. */
export function executeAt(o: AuctionOrder, pSell: bigint, pBuy: bigint): Execution | null {
  if (pSell <= 0n || pBuy <= 0n || !limitHolds(o, pSell, pBuy)) return null;
  if (o.kind === 'sell')
    return {
      id: o.id,
      executedSell: o.sellAmount,
      executedBuy: ceilDiv(o.sellAmount * pSell, pBuy),
      fee: o.feeAmount,
    };
  return { id: o.id, executedSell: (o.buyAmount * pBuy) / pSell, executedBuy: o.buyAmount, fee: o.feeAmount };
}

/**
 * The order's surplus over its limit, in its buy token (a sell order: received − buyAmount) or its sell
 * token (a buy order: sellAmount − paid). Never negative when the limit holds.
 */
export function surplusOf(o: AuctionOrder, e: Execution): { token: Token; amount: bigint } {
  return o.kind === 'sell'
    ? { token: o.buyToken, amount: e.executedBuy - o.buyAmount }
    : { token: o.sellToken, amount: o.sellAmount - e.executedSell };
}
