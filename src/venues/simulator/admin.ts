/**
 * The simulator's control API under /__sim/ (unauthenticated, 127.0.0.1 only), so a test harness in
 * another process (the crash trials kill the service, not the exchange) can inspect and steer it.
 */
import { units } from './decimal.ts';
import type { SimExchange } from './engine.ts';
import type { Fault } from './faults.ts';
import type { CreateRecord } from './types.ts';
import * as view from './views.ts';

export interface SimSnapshot {
  readonly serverTime: number;
  readonly balances: Record<string, { free: string; locked: string }>;
  readonly orders: Record<string, unknown>[];
  readonly trades: object[];
  readonly creates: CreateRecord[];
  readonly faults: { readonly pending: Fault[]; readonly fired: Record<string, number>; readonly clockSkewMs: number };
  readonly prices: Record<string, string>;
}

export function snapshot(ex: SimExchange): SimSnapshot {
  return {
    serverTime: ex.now(),
    balances: ex.balanceStrings(),
    orders: ex.orders.map(view.order),
    trades: ex.trades.map(view.trade),
    creates: ex.creates.map((c) => ({ ...c })),
    faults: { pending: ex.faults.pending(), fired: { ...ex.faults.fired }, clockSkewMs: ex.faults.clockSkewMs },
    prices: Object.fromEntries(
      [...ex.markets.values()].map((m) => [m.symbol, (view.ticker24h(m, 0) as { lastPrice: string }).lastPrice]),
    ),
  };
}

/** Normalises "BTC/USDT" or "BTCUSDT" to the Binance symbol. */
export function binanceSymbol(symbol: string): string {
  return symbol.replace('/', '').toUpperCase();
}

export function admin(ex: SimExchange, method: string, path: string, body: string): { status: number; body: unknown } {
  const json = (): Record<string, unknown> => (body === '' ? {} : (JSON.parse(body) as Record<string, unknown>));
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /__sim/state':
      return { status: 200, body: snapshot(ex) };
    case 'POST /__sim/price': {
      const b = json();
      ex.setPrice(binanceSymbol(String(b.symbol)), String(b.price));
      return { status: 200, body: { ok: true } };
    }
    case 'POST /__sim/faults':
      ex.faults.inject(json() as unknown as Fault);
      return { status: 200, body: { pending: ex.faults.pending() } };
    case 'DELETE /__sim/faults':
      ex.faults.clear();
      return { status: 200, body: { ok: true } };
    case 'POST /__sim/clock-skew':
      ex.faults.setClockSkew(Number(json().ms));
      return { status: 200, body: { ok: true } };
    case 'POST /__sim/release': {
      const id = json().clientOrderId;
      return { status: 200, body: { released: ex.release(id === undefined ? undefined : String(id)) } };
    }
    case 'POST /__sim/deposit': {
      const b = json();
      ex.balance(String(b.asset)).free += units(String(b.amount), 'amount');
      return { status: 200, body: { ok: true } };
    }
    default:
      return { status: 404, body: { error: `unknown control endpoint ${key}` } };
  }
}
