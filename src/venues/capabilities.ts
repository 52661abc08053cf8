/**
 * What a venue can do, as data: the service checks a portfolio's config against it at start (a field the
 * venue cannot honour is refused, naming the field), and the ccxt venue reads it instead of branching on
 * exchange names. Every venue (src/venues/<name>/) exports its own record.
 */
export interface VenueCapabilities {
  /** Market orders (every venue so far). */
  readonly marketOrders: boolean;
  /** Limit orders that may rest on the book (`orderType: limit`: limit at the touch, re-peg, timeout). */
  readonly limitOrders: boolean;
  /** Open orders can be canceled by client order id. */
  readonly cancel: boolean;
  /** Orders above `maxChunkNotional` can be split into child orders (needs lot precision and a touch). */
  readonly childOrders: boolean;
  /** Orders are looked up by client order id (the crash-safety rules need it: every venue must). */
  readonly lookupByClientId: boolean;
  /** The create reply carries the fills (Binance `newOrderRespType=FULL`): no second request for them. */
  readonly fullOrderResponse: boolean;
  /** The balance reply's `info` has Binance's `balances: [{asset, free, locked}]` list, checked as such. */
  readonly balancesInfoShape: 'binance' | 'generic';
  /** Fills of an order come from `fetchMyTrades(symbol, { orderId })` instead of `fetchOrderTrades`. */
  readonly myTradesBySymbol: boolean;
}

/** The config fields each capability guards, for the start-up check's one-line refusal. */
export const CAPABILITY_FIELDS = {
  'venue.orderType: limit': 'limitOrders',
  'venue.maxChunkNotional': 'childOrders',
} as const satisfies Record<string, keyof VenueCapabilities>;
