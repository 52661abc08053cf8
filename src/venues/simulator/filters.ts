/** Binance spot order validation: parameters, symbol filters, client order id syntax, with Binance's codes and messages. */
import type { Market } from './book.ts';
import { mul, parseUnits } from './decimal.ts';
import { BinanceError } from './types.ts';

export interface NewOrderParams {
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly type: 'MARKET' | 'LIMIT';
  readonly quantity?: bigint;
  readonly quoteOrderQty?: bigint;
  readonly price?: bigint;
  readonly newClientOrderId?: string;
}

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

function bad(code: number, msg: string): BinanceError {
  return new BinanceError(400, code, msg);
}

function mandatory(name: string): BinanceError {
  return bad(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

function amount(p: Readonly<Record<string, string>>, name: string): bigint | undefined {
  const raw = p[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^([0-9]{1,20})(\.[0-9]{1,20})?$/.test(raw)) {
    throw bad(
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
    );
  }
  const v = parseUnits(raw);
  if (v === null) throw bad(-1111, `Parameter '${name}' has too much precision.`);
  return v;
}

/** Parses and checks the parameters of POST /api/v3/order (symbol existence is checked by the caller). */
export function parseNewOrder(p: Readonly<Record<string, string>>): NewOrderParams {
  if (!p.symbol) throw mandatory('symbol');
  if (!p.side) throw mandatory('side');
  if (!p.type) throw mandatory('type');
  if (p.side !== 'BUY' && p.side !== 'SELL') throw bad(-1117, 'Invalid side.');
  if (p.type !== 'MARKET' && p.type !== 'LIMIT') throw bad(-1116, 'Invalid orderType.');
  const id = p.newClientOrderId;
  if (id !== undefined && !CLIENT_ID.test(id)) {
    throw bad(
      -1100,
      "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
    );
  }
  const quantity = amount(p, 'quantity');
  const quoteOrderQty = amount(p, 'quoteOrderQty');
  const price = amount(p, 'price');
  if (p.type === 'LIMIT') {
    if (quantity === undefined) throw mandatory('quantity');
    if (price === undefined) throw mandatory('price');
    if (!p.timeInForce) throw mandatory('timeInForce');
    if (p.timeInForce !== 'GTC') throw bad(-1115, 'Invalid timeInForce.');
  } else {
    if (quantity === undefined && quoteOrderQty === undefined) throw mandatory('quantity');
    if (quantity !== undefined && quoteOrderQty !== undefined) {
      throw bad(-1106, "Parameter 'quoteOrderQty' sent when not required.");
    }
    if (price !== undefined) throw bad(-1106, "Parameter 'price' sent when not required.");
  }
  return { symbol: p.symbol, side: p.side, type: p.type, quantity, quoteOrderQty, price, newClientOrderId: id };
}

/** PRICE_FILTER, LOT_SIZE and NOTIONAL as Binance applies them (`refPrice` = the price the notional is judged at). */
export function checkFilters(m: Market, qty: bigint, price: bigint | undefined, refPrice: bigint): void {
  if (price !== undefined) {
    if (price < m.minPrice || price > m.maxPrice || (price - m.minPrice) % m.tick !== 0n) {
      throw bad(-1013, 'Filter failure: PRICE_FILTER');
    }
  }
  if (qty < m.minQty || qty > m.maxQty || (qty - m.minQty) % m.step !== 0n) {
    throw bad(-1013, 'Filter failure: LOT_SIZE');
  }
  const notional = mul(qty, price ?? refPrice);
  if (notional < m.minNotional || notional > m.maxNotional) throw bad(-1013, 'Filter failure: NOTIONAL');
}

export function insufficientBalance(): BinanceError {
  return bad(-2010, 'Account has insufficient balance for requested action.');
}

export function duplicateOrder(): BinanceError {
  return bad(-2010, 'Duplicate order sent.');
}
