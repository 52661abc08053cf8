/** The Binance spot REST endpoints the simulator serves (the ones ccxt's binance spot client calls). */
import { type Credentials, verifySigned } from './auth.ts';
import type { Market } from './book.ts';
import type { OrderRef, SimExchange } from './engine.ts';
import type { Fault } from './faults.ts';
import { parseNewOrder } from './filters.ts';
import { BinanceError, type SimOrder } from './types.ts';
import * as view from './views.ts';

export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly rawBody: string;
  readonly apiKey: string | undefined;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  /** Set by POST /api/v3/order when an order was accepted. */
  readonly orderId?: number;
}

type Handler = (ex: SimExchange, p: Record<string, string>, ctx: Ctx) => unknown;

interface Ctx {
  readonly takeOrderFault: () => Fault | undefined;
  accepted?: number;
}

const ok = (body: unknown): unknown => body;

function symbolsOf(ex: SimExchange, p: Record<string, string>): Market[] {
  if (p.symbol !== undefined) return [ex.market(p.symbol)];
  if (p.symbols !== undefined) {
    let list: unknown;
    try {
      list = JSON.parse(p.symbols);
    } catch {
      throw new BinanceError(400, -1100, "Illegal characters found in parameter 'symbols'");
    }
    if (!Array.isArray(list)) throw new BinanceError(400, -1100, "Illegal characters found in parameter 'symbols'");
    return list.map((s) => ex.market(String(s)));
  }
  return [...ex.markets.values()];
}

function one<T>(p: Record<string, string>, list: T[]): T | T[] {
  return p.symbol !== undefined ? list[0] : list;
}

function requireSymbol(ex: SimExchange, p: Record<string, string>): Market {
  if (!p.symbol)
    throw new BinanceError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  return ex.market(p.symbol);
}

function orderRef(p: Record<string, string>): OrderRef {
  if (p.orderId !== undefined) return { orderId: Number(p.orderId) };
  if (p.origClientOrderId !== undefined) return { origClientOrderId: p.origClientOrderId };
  throw new BinanceError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
}

function limitOf(p: Record<string, string>, dflt: number, max: number): number {
  const n = p.limit === undefined ? dflt : Number(p.limit);
  return Math.max(1, Math.min(max, Number.isFinite(n) ? n : dflt));
}

function since(p: Record<string, string>): (t: number) => boolean {
  const start = p.startTime === undefined ? -Infinity : Number(p.startTime);
  const end = p.endTime === undefined ? Infinity : Number(p.endTime);
  return (t) => t >= start && t <= end;
}

const PUBLIC: Record<string, Handler> = {
  'GET /api/v3/ping': () => ok({}),
  'GET /api/v3/time': (ex) => ({ serverTime: ex.now() }),
  'GET /api/v3/exchangeInfo': (ex, p) =>
    view.exchangeInfo(p.symbol || p.symbols ? symbolsOf(ex, p) : ex.markets.values(), ex.now()),
  'GET /api/v3/ticker/24hr': (ex, p) =>
    one(
      p,
      symbolsOf(ex, p).map((m) => view.ticker24h(m, ex.now())),
    ),
  'GET /api/v3/ticker/bookTicker': (ex, p) =>
    one(
      p,
      symbolsOf(ex, p).map((m) => view.bookTicker(m)),
    ),
  'GET /api/v3/ticker/price': (ex, p) =>
    one(
      p,
      symbolsOf(ex, p).map((m) => ({
        symbol: m.symbol,
        price: (view.ticker24h(m, 0) as { lastPrice: string }).lastPrice,
      })),
    ),
  'GET /api/v3/depth': (ex, p) => view.depth(requireSymbol(ex, p), limitOf(p, 100, 5000)),
};

const SIGNED: Record<string, Handler> = {
  'GET /api/v3/account': (ex) => ({
    makerCommission: 0,
    takerCommission: 0,
    canTrade: true,
    canWithdraw: false,
    canDeposit: false,
    updateTime: ex.now(),
    accountType: 'SPOT',
    balances: Object.entries(ex.balanceStrings()).map(([asset, b]) => ({ asset, ...b })),
    permissions: ['SPOT'],
  }),
  'POST /api/v3/order': (ex, p, ctx) => {
    const o = ex.newOrder(parseNewOrder(p), ctx.takeOrderFault);
    ctx.accepted = o.orderId;
    const fills = ex.trades.filter((t) => t.orderId === o.orderId);
    const full = p.newOrderRespType === 'FULL' || (p.newOrderRespType === undefined && o.type === 'MARKET');
    return view.newOrderResponse(o, fills, full);
  },
  'GET /api/v3/order': (ex, p) => {
    requireSymbol(ex, p);
    const o = ex.find(p.symbol, orderRef(p));
    if (o === undefined) throw new BinanceError(400, -2013, 'Order does not exist.');
    return view.order(o);
  },
  'DELETE /api/v3/order': (ex, p) => {
    requireSymbol(ex, p);
    const o = ex.cancel(p.symbol, orderRef(p));
    return view.cancelResponse(o, p.newClientOrderId ?? `cancel${o.orderId}`, ex.now());
  },
  'GET /api/v3/openOrders': (ex, p) => {
    if (p.symbol !== undefined) ex.market(p.symbol);
    return ex.orders.filter((o) => ex.isOpen(o) && (p.symbol === undefined || o.symbol === p.symbol)).map(view.order);
  },
  'GET /api/v3/allOrders': (ex, p) => {
    const m = requireSymbol(ex, p);
    const from = p.orderId === undefined ? 0 : Number(p.orderId);
    const inTime = since(p);
    const list = ex.orders.filter((o: SimOrder) => o.symbol === m.symbol && o.orderId >= from && inTime(o.time));
    return list.slice(0, limitOf(p, 500, 1000)).map(view.order);
  },
  'GET /api/v3/myTrades': (ex, p) => {
    const m = requireSymbol(ex, p);
    const orderId = p.orderId === undefined ? undefined : Number(p.orderId);
    const fromId = p.fromId === undefined ? 0 : Number(p.fromId);
    const inTime = since(p);
    const list = ex.trades.filter(
      (t) =>
        t.symbol === m.symbol && (orderId === undefined || t.orderId === orderId) && t.id >= fromId && inTime(t.time),
    );
    return list.slice(0, limitOf(p, 500, 1000)).map(view.trade);
  },
};

/** Routes one request. Throws BinanceError for Binance-style failures; the server turns them into replies. */
export function route(
  ex: SimExchange,
  creds: Credentials,
  req: SimRequest,
  takeOrderFault: () => Fault | undefined,
): Reply {
  const key = `${req.method} ${req.path}`;
  const ctx: Ctx = { takeOrderFault };
  const pub = PUBLIC[key];
  if (pub !== undefined) {
    const p = Object.fromEntries(new URLSearchParams(req.rawQuery));
    return { status: 200, body: pub(ex, p, ctx) };
  }
  const signed = SIGNED[key];
  if (signed === undefined)
    throw new BinanceError(404, -1000, `Unknown endpoint ${key} (simulator serves Binance spot /api/v3 only).`);
  const p = verifySigned(creds, req.apiKey, req.rawQuery, req.rawBody, ex.now());
  const body = signed(ex, p, ctx);
  return { status: 200, body, orderId: ctx.accepted };
}
