/**
 * The venue contract (./venue-contract.ts) run for every venue: in-memory, paper (its account in a real
 * SQLite journal file) and ccxt against the local Binance simulator started in this process. The template
 * venue runs it in src/venues/template/template.test.ts.
 */
import type { MarketRules } from '../../core/ports.ts';
import { createExchange } from '../ccxt/exchange.ts';
import { CcxtVenue } from '../ccxt/venue.ts';
import { createMemoryVenue, memoryVenueSchema } from '../memory/config.ts';
import { createPaperVenue } from '../paper/config.ts';
import { start } from '../simulator/server.ts';
import { type ContractMarket, venueContract } from './venue-contract.ts';

const BTC: ContractMarket = { asset: 'BTC', quote: 'USDT', price: 60_000, lotStep: 0.00001, minNotional: 5 };
const initial = { USDT: 10_000, BTC: 0.1 };
const T0 = Date.UTC(2026, 0, 1);
const clock = { now: () => T0 };

venueContract('memory', async () => {
  const cfg = memoryVenueSchema.parse({
    type: 'memory',
    quote: 'USDT',
    balances: initial,
    prices: { BTC: BTC.price },
    rules: { BTC: { lotStep: BTC.lotStep, minNotional: BTC.minNotional } },
  });
  const venue = createMemoryVenue(cfg);
  return {
    venue,
    market: BTC,
    initial,
    restart: async () => createMemoryVenue(cfg, { books: venue.books }),
    resting: (o) => {
      venue.script.push('open');
      return o;
    },
    close: async () => {},
  };
});

venueContract('paper', async ({ store }) => {
  const rules = new Map<string, MarketRules>([
    ['BTC', { asset: 'BTC', lotStep: BTC.lotStep, minNotional: BTC.minNotional, minQuantity: 0, tickSize: 0 }],
  ]);
  const make = () =>
    createPaperVenue(
      { initial },
      {
        account: 'c',
        accounts: store.paperAccounts,
        feed: {
          prices: async (assets) => assets.map((asset) => ({ asset, price: BTC.price, time: T0, source: 'fixed' })),
        },
        cost: (_a, notional) => notional * 0.001,
        clock,
        rules,
      },
    );
  return { venue: await make(), market: BTC, initial, restart: make, close: async () => {} };
});

venueContract('ccxt (simulator)', async () => {
  const sim = await start({ balances: { USDT: '10000', BTC: '0.1' } });
  const venues: CcxtVenue[] = [];
  const make = () => {
    const ex = createExchange({
      exchange: 'binance',
      simulatorUrl: sim.url,
      credentials: { apiKey: sim.apiKey, secret: sim.secret },
      timeoutMs: 3000,
    });
    const v = new CcxtVenue(ex, { name: 'binance', clock });
    venues.push(v);
    return v;
  };
  return {
    venue: make(),
    market: BTC,
    initial,
    restart: async () => make(),
    resting: (o) => ({ ...o, type: 'limit', limitPrice: BTC.price / 2 }),
    close: async () => {
      for (const v of venues) await v.close();
      await sim.stop();
    },
  };
});
