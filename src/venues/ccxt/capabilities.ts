/**
 * Capabilities of a ccxt exchange: what Ballast relies on, per exchange id. Binance (and its regional
 * clones, the simulator included) has a full create reply and per-symbol trade lookups; every other ccxt
 * exchange goes through the generic unified calls. Nothing else in the ccxt venue looks at the id.
 */
import type { VenueCapabilities } from '../capabilities.ts';

const GENERIC: VenueCapabilities = {
  marketOrders: true,
  limitOrders: true,
  cancel: true,
  childOrders: true,
  lookupByClientId: true,
  fullOrderResponse: false,
  balancesInfoShape: 'generic',
  myTradesBySymbol: false,
};

const BINANCE: VenueCapabilities = {
  ...GENERIC,
  fullOrderResponse: true,
  balancesInfoShape: 'binance',
  myTradesBySymbol: true,
};

/** Exchange ids with Binance's spot API (the local simulator speaks it too). */
const BINANCE_FAMILY: ReadonlySet<string> = new Set(['binance', 'binanceus', 'binanceusdm', 'binancecoinm']);

export function ccxtCapabilities(exchangeId: string): VenueCapabilities {
  return BINANCE_FAMILY.has(exchangeId) ? BINANCE : GENERIC;
}
