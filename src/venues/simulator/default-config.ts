/**
 * The simulator's default exchange: a small Binance-like spot venue. ADA deliberately has no USDT market,
 * only ADA/BTC (deep) and ADA/ETH (thin), so the market graph must route ADA→BTC→USDT.
 */
import type { SimConfig, SimMarketConfig } from './types.ts';

export const DEFAULT_API_KEY = 'sim-api-key';
export const DEFAULT_SECRET = 'sim-secret-0123456789';

export const DEFAULT_MARKETS: readonly SimMarketConfig[] = [
  {
    symbol: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    price: '60000',
    tickSize: '0.01',
    stepSize: '0.00001',
    minQty: '0.00001',
    minNotional: '5',
    spreadBps: 2,
    quoteVolume: '900000000',
  },
  {
    symbol: 'ETHUSDT',
    base: 'ETH',
    quote: 'USDT',
    price: '3000',
    tickSize: '0.01',
    stepSize: '0.0001',
    minQty: '0.0001',
    minNotional: '5',
    spreadBps: 2,
    quoteVolume: '400000000',
  },
  {
    symbol: 'ETHBTC',
    base: 'ETH',
    quote: 'BTC',
    price: '0.05',
    tickSize: '0.00001',
    stepSize: '0.0001',
    minQty: '0.0001',
    minNotional: '0.0001',
    spreadBps: 2,
    quoteVolume: '2000',
  },
  {
    symbol: 'ADABTC',
    base: 'ADA',
    quote: 'BTC',
    price: '0.00000600',
    tickSize: '0.00000001',
    stepSize: '1',
    minQty: '1',
    minNotional: '0.0001',
    spreadBps: 20,
    quoteVolume: '300',
  },
  {
    symbol: 'ADAETH',
    base: 'ADA',
    quote: 'ETH',
    price: '0.000120',
    tickSize: '0.000001',
    stepSize: '1',
    minQty: '1',
    minNotional: '0.001',
    spreadBps: 50,
    quoteVolume: '50',
  },
];

export function defaultConfig(overrides: Partial<SimConfig> = {}): SimConfig {
  return {
    apiKey: DEFAULT_API_KEY,
    secret: DEFAULT_SECRET,
    markets: DEFAULT_MARKETS,
    balances: { USDT: '100000', BTC: '1', ETH: '10', ADA: '10000' },
    takerBps: 10,
    makerBps: 10,
    commissionAsset: 'received',
    ...overrides,
  };
}
