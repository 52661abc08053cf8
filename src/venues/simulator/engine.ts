/**
 * The simulator's matching engine and ledger. Deterministic: market orders walk the configured book at the
 * current price, limit orders fill when the price crosses them (on setPrice), faults come from the
 * FaultController. Balances are exact 1e-8 units with free/locked like Binance's account endpoint.
 */

import { BallastError } from '../../core/errors.ts';
import { compileMarket, type Market, touch, walk } from './book.ts';
import { bpsOf, formatUnits, minBig, mul, units } from './decimal.ts';
import type { Fault, FaultController } from './faults.ts';
import { checkFilters, duplicateOrder, insufficientBalance, type NewOrderParams } from './filters.ts';
import { BinanceError, type CreateRecord, type SimConfig, type SimOrder, type SimTrade } from './types.ts';

interface Balance {
  free: bigint;
  locked: bigint;
}

export interface OrderRef {
  readonly orderId?: number;
  readonly origClientOrderId?: string;
}

const OPEN = new Set(['NEW', 'PARTIALLY_FILLED']);

export class SimExchange {
  readonly markets = new Map<string, Market>();
  readonly balances = new Map<string, Balance>();
  readonly orders: SimOrder[] = [];
  readonly trades: SimTrade[] = [];
  readonly creates: CreateRecord[] = [];
  private readonly takerBps: number;
  private readonly makerBps: number;
  private readonly feeInQuote: boolean;
  private readonly clock: () => number;
  private readonly partialCaps = new Map<number, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    config: SimConfig,
    readonly faults: FaultController,
  ) {
    for (const c of config.markets) this.markets.set(c.symbol, compileMarket(c));
    for (const [asset, amt] of Object.entries(config.balances))
      this.balances.set(asset, { free: units(amt, `balances.${asset}`), locked: 0n });
    this.takerBps = config.takerBps ?? 10;
    this.makerBps = config.makerBps ?? this.takerBps;
    this.feeInQuote = config.commissionAsset === 'quote';
    this.clock = config.clock ?? Date.now;
  }

  /** Server time: the wall clock plus the injected clock skew. */
  now(): number {
    return this.clock() + this.faults.clockSkewMs;
  }

  market(symbol: string): Market {
    const m = this.markets.get(symbol);
    if (m === undefined) throw new BinanceError(400, -1121, 'Invalid symbol.');
    return m;
  }

  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (b === undefined) {
      b = { free: 0n, locked: 0n };
      this.balances.set(asset, b);
    }
    return b;
  }

  isOpen(o: SimOrder): boolean {
    return OPEN.has(o.status);
  }

  /**
   * Accepts (and possibly fills) a new order. `takeFault` is asked for an order fault (partial/delay) only
   * once the order has passed every check, so a rejected order never consumes one.
   */
  newOrder(p: NewOrderParams, takeFault: () => Fault | undefined = () => undefined): SimOrder {
    const m = this.market(p.symbol);
    const clientOrderId = p.newClientOrderId ?? `sim${this.orders.length + 1}`;
    if (this.orders.some((o) => o.clientOrderId === clientOrderId && this.isOpen(o))) throw duplicateOrder();
    const t = touch(m);
    const takerPrice = p.side === 'BUY' ? t.ask : t.bid;
    const crossing = p.type === 'MARKET' || (p.side === 'BUY' ? (p.price ?? 0n) >= t.ask : (p.price ?? 0n) <= t.bid);
    let slices = crossing
      ? walk(m, p.side, p.quantity !== undefined ? { qty: p.quantity } : { quote: p.quoteOrderQty })
      : [];
    if (p.type === 'LIMIT')
      slices = slices.filter((s) => (p.side === 'BUY' ? s.price <= (p.price ?? 0n) : s.price >= (p.price ?? 0n)));
    const qty = p.quantity ?? slices.reduce((a, s) => a + s.qty, 0n);
    checkFilters(m, qty, p.type === 'LIMIT' ? p.price : undefined, takerPrice);
    const fee = Math.max(this.takerBps, this.makerBps);
    let lock: bigint;
    if (p.side === 'SELL') lock = qty;
    else if (p.type === 'LIMIT') lock = this.withQuoteFee(mul(qty, p.price ?? 0n), fee);
    else
      lock = this.withQuoteFee(
        slices.reduce((a, s) => a + mul(s.price, s.qty), 0n),
        fee,
      );
    const lockAsset = p.side === 'BUY' ? m.quote : m.base;
    if (this.balance(lockAsset).free < lock) throw insufficientBalance();
    const fault = takeFault();

    const now = this.now();
    const order: SimOrder = {
      orderId: this.orders.length + 1,
      symbol: m.symbol,
      clientOrderId,
      side: p.side,
      type: p.type,
      price: p.price ?? 0n,
      origQty: qty,
      origQuoteOrderQty: p.quoteOrderQty ?? 0n,
      executedQty: 0n,
      cummulativeQuoteQty: 0n,
      status: 'NEW',
      time: now,
      updateTime: now,
      locked: 0n,
      heldPrice: p.type === 'MARKET' ? takerPrice : undefined,
      delayed: fault?.kind === 'delay',
    };
    this.orders.push(order);
    this.lock(order, lockAsset, lock);
    if (fault?.kind === 'delay') {
      if (fault.ms !== undefined) this.later(fault.ms, () => this.release(order.clientOrderId));
      return order;
    }
    const cap = fault?.kind === 'partial' ? fault.fraction : undefined;
    this.execute(order, slices, cap, false);
    if (order.type === 'MARKET' && this.isOpen(order)) this.finish(order, 'EXPIRED');
    return order;
  }

  private withQuoteFee(cost: bigint, bps: number): bigint {
    return this.feeInQuote ? cost + bpsOf(cost, bps) + 1n : cost;
  }

  private lock(o: SimOrder, asset: string, amt: bigint): void {
    const b = this.balance(asset);
    b.free -= amt;
    b.locked += amt;
    o.locked += amt;
  }

  /** Fills `slices` (capped to `cap` of the order's quantity when a partial fault applies). */
  private execute(
    o: SimOrder,
    slices: readonly { price: bigint; qty: bigint }[],
    cap: number | undefined,
    isMaker: boolean,
  ): void {
    const m = this.market(o.symbol);
    let allowed = o.origQty - o.executedQty;
    if (cap !== undefined)
      allowed = minBig(allowed, ((o.origQty * BigInt(Math.round(cap * 1e6))) / 1_000_000n / m.step) * m.step);
    const before = o.executedQty;
    for (const s of slices) {
      const q = minBig(s.qty, allowed);
      if (q <= 0n) break;
      this.fill(o, m, s.price, q, isMaker);
      allowed -= q;
    }
    if (o.executedQty === o.origQty) this.finish(o, 'FILLED');
    // A partial fault on a limit that did not cross yet caps its first fill instead.
    else if (cap !== undefined && o.type === 'LIMIT' && o.executedQty === before) this.partialCaps.set(o.orderId, cap);
  }

  private fill(o: SimOrder, m: Market, price: bigint, qty: bigint, isMaker: boolean): void {
    const cost = mul(price, qty);
    const bps = isMaker ? this.makerBps : this.takerBps;
    const base = this.balance(m.base);
    const quote = this.balance(m.quote);
    let commission: bigint;
    let commissionAsset: string;
    if (this.feeInQuote) {
      commission = bpsOf(cost, bps);
      commissionAsset = m.quote;
    } else {
      commission = o.side === 'BUY' ? bpsOf(qty, bps) : bpsOf(cost, bps);
      commissionAsset = o.side === 'BUY' ? m.base : m.quote;
    }
    if (o.side === 'BUY') {
      this.debit(o, quote, this.feeInQuote ? cost + commission : cost);
      base.free += this.feeInQuote ? qty : qty - commission;
    } else {
      this.debit(o, base, qty);
      quote.free += cost - commission;
    }
    o.executedQty += qty;
    o.cummulativeQuoteQty += cost;
    o.status = o.executedQty === o.origQty ? 'FILLED' : 'PARTIALLY_FILLED';
    o.updateTime = this.now();
    this.trades.push({
      id: this.trades.length + 1,
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      price,
      qty,
      quoteQty: cost,
      commission,
      commissionAsset,
      time: o.updateTime,
      isMaker,
    });
  }

  /** Takes `amt` from the order's locked funds first, then from free (market orders lock nothing extra). */
  private debit(o: SimOrder, b: Balance, amt: bigint): void {
    const fromLock = minBig(o.locked, amt);
    o.locked -= fromLock;
    b.locked -= fromLock;
    b.free -= amt - fromLock;
  }

  private finish(o: SimOrder, status: 'FILLED' | 'CANCELED' | 'EXPIRED'): void {
    const m = this.market(o.symbol);
    const b = this.balance(o.side === 'BUY' ? m.quote : m.base);
    b.locked -= o.locked;
    b.free += o.locked;
    o.locked = 0n;
    o.status = status;
    o.delayed = false;
    o.updateTime = this.now();
    this.partialCaps.delete(o.orderId);
  }

  find(symbol: string, ref: OrderRef): SimOrder | undefined {
    const hits = this.orders.filter(
      (o) =>
        o.symbol === symbol &&
        (ref.orderId !== undefined ? o.orderId === ref.orderId : o.clientOrderId === ref.origClientOrderId),
    );
    return hits[hits.length - 1];
  }

  cancel(symbol: string, ref: OrderRef): SimOrder {
    this.market(symbol);
    const o = this.find(symbol, ref);
    if (o === undefined || !this.isOpen(o)) throw new BinanceError(400, -2011, 'Unknown order sent.');
    this.finish(o, 'CANCELED');
    return o;
  }

  /** Moves the mid price of `symbol` and fills resting limit orders the new touch crosses (at their limit price, as maker). */
  setPrice(symbol: string, price: string | number): void {
    const m = this.market(symbol);
    m.mid = units(price, `price of ${symbol}`);
    if (m.mid <= 0n) throw new BallastError(`price of ${symbol} must be > 0`, { next: 'fix-input' });
    this.matchResting(m);
  }

  private matchResting(m: Market): void {
    const t = touch(m);
    for (const o of this.orders) {
      if (o.symbol !== m.symbol || o.type !== 'LIMIT' || o.delayed || !this.isOpen(o)) continue;
      const crosses = o.side === 'BUY' ? t.ask <= o.price : t.bid >= o.price;
      if (!crosses) continue;
      const cap = this.partialCaps.get(o.orderId);
      this.partialCaps.delete(o.orderId);
      const remaining = o.origQty - o.executedQty;
      const capped =
        cap === undefined ? remaining : ((remaining * BigInt(Math.round(cap * 1e6))) / 1_000_000n / m.step) * m.step;
      this.execute(o, [{ price: o.price, qty: capped > 0n ? capped : remaining }], undefined, true);
    }
  }

  /** Releases orders held by a delay fault (all, or the one with this client order id): they fill now. */
  release(clientOrderId?: string): number {
    let n = 0;
    for (const o of this.orders) {
      if (!o.delayed || !this.isOpen(o) || (clientOrderId !== undefined && o.clientOrderId !== clientOrderId)) continue;
      o.delayed = false;
      n++;
      if (o.type === 'MARKET') this.execute(o, [{ price: o.heldPrice ?? 0n, qty: o.origQty }], undefined, false);
      else this.matchResting(this.market(o.symbol));
    }
    return n;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Balances as decimal strings (free and locked), for inspection and the account endpoint. */
  balanceStrings(): Record<string, { free: string; locked: string }> {
    const out: Record<string, { free: string; locked: string }> = {};
    for (const [a, b] of [...this.balances.entries()].sort(([x], [y]) => x.localeCompare(y))) {
      out[a] = { free: formatUnits(b.free), locked: formatUnits(b.locked) };
    }
    return out;
  }
}
