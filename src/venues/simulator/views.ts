/** Binance spot JSON shapes (all numbers as strings, as the real API sends them). */
import { levels, type Market, touch } from './book.ts';
import { formatUnits as s } from './decimal.ts';
import type { SimOrder, SimTrade } from './types.ts';

export function exchangeInfo(markets: Iterable<Market>, serverTime: number): object {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [],
    exchangeFilters: [],
    symbols: [...markets].map((m) => ({
      symbol: m.symbol,
      status: 'TRADING',
      baseAsset: m.base,
      baseAssetPrecision: 8,
      quoteAsset: m.quote,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      orderTypes: ['LIMIT', 'MARKET'],
      icebergAllowed: false,
      ocoAllowed: false,
      quoteOrderQtyMarketAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      permissions: ['SPOT'],
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: s(m.minPrice), maxPrice: s(m.maxPrice), tickSize: s(m.tick) },
        { filterType: 'LOT_SIZE', minQty: s(m.minQty), maxQty: s(m.maxQty), stepSize: s(m.step) },
        {
          filterType: 'NOTIONAL',
          minNotional: s(m.minNotional),
          applyMinToMarket: true,
          maxNotional: s(m.maxNotional),
          applyMaxToMarket: false,
          avgPriceMins: 5,
        },
      ],
    })),
  };
}

export function ticker24h(m: Market, now: number): object {
  const { bid, ask } = touch(m);
  const last = s(m.mid);
  return {
    symbol: m.symbol,
    priceChange: '0.00000000',
    priceChangePercent: '0.000',
    weightedAvgPrice: last,
    prevClosePrice: last,
    lastPrice: last,
    lastQty: '0.00000000',
    bidPrice: s(bid),
    bidQty: '1000.00000000',
    askPrice: s(ask),
    askQty: '1000.00000000',
    openPrice: last,
    highPrice: last,
    lowPrice: last,
    volume: s((m.quoteVolume * 100_000_000n) / m.mid),
    quoteVolume: s(m.quoteVolume),
    openTime: now - 86_400_000,
    closeTime: now,
    firstId: 0,
    lastId: 0,
    count: 0,
  };
}

export function bookTicker(m: Market): object {
  const { bid, ask } = touch(m);
  const q = (l: { qty: bigint }) => s(l.qty < 0n ? 1_000_000_000_000n : l.qty);
  return {
    symbol: m.symbol,
    bidPrice: s(bid),
    bidQty: q(levels(m, 'SELL')[0]),
    askPrice: s(ask),
    askQty: q(levels(m, 'BUY')[0]),
  };
}

export function depth(m: Market, limit: number): object {
  const side = (lv: ReturnType<typeof levels>) =>
    lv.slice(0, limit).map((l) => [s(l.price), s(l.qty < 0n ? 1_000_000_000_000n : l.qty)]);
  return { lastUpdateId: 1, bids: side(levels(m, 'SELL')), asks: side(levels(m, 'BUY')) };
}

export function order(o: SimOrder): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: s(o.price),
    origQty: s(o.origQty),
    executedQty: s(o.executedQty),
    cummulativeQuoteQty: s(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: 'GTC',
    type: o.type,
    side: o.side,
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: o.type === 'LIMIT',
    workingTime: o.time,
    origQuoteOrderQty: s(o.origQuoteOrderQty),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** The POST /api/v3/order reply (newOrderRespType FULL adds the fills). */
export function newOrderResponse(o: SimOrder, fills: readonly SimTrade[], full: boolean): object {
  const {
    time: _t,
    updateTime: _u,
    isWorking: _w,
    stopPrice: _s,
    icebergQty: _i,
    origQuoteOrderQty: _q,
    ...rest
  } = order(o);
  const base = { ...rest, transactTime: o.time };
  if (!full) return base;
  return {
    ...base,
    fills: fills.map((f) => ({
      price: s(f.price),
      qty: s(f.qty),
      commission: s(f.commission),
      commissionAsset: f.commissionAsset,
      tradeId: f.id,
    })),
  };
}

export function cancelResponse(o: SimOrder, cancelClientId: string, now: number): object {
  const {
    time: _t,
    updateTime: _u,
    isWorking: _w,
    workingTime: _wt,
    stopPrice: _s,
    icebergQty: _i,
    origQuoteOrderQty: _q,
    ...rest
  } = order(o);
  // As on Binance: clientOrderId is the cancel request's id, the order's own id is origClientOrderId.
  return { ...rest, origClientOrderId: o.clientOrderId, clientOrderId: cancelClientId, transactTime: now };
}

export function trade(t: SimTrade): object {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    orderListId: -1,
    price: s(t.price),
    qty: s(t.qty),
    quoteQty: s(t.quoteQty),
    commission: s(t.commission),
    commissionAsset: t.commissionAsset,
    time: t.time,
    isBuyer: t.side === 'BUY',
    isMaker: t.isMaker,
    isBestMatch: true,
  };
}
