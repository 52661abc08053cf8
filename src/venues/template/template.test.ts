/** TEMPLATE: the venue contract wired for the template venue; a new venue copies this file first. */
import { venueContract } from '../contract/venue-contract.ts';
import { createTemplateVenue, templateVenueSchema } from './config.ts';

const clock = { now: () => Date.UTC(2026, 0, 1) };
const cfg = templateVenueSchema.parse({
  type: 'template',
  quote: 'USDT',
  balances: { USDT: 10_000, BTC: 0.1 },
  prices: { BTC: 60_000 },
  rules: { BTC: { lotStep: 0.00001, minNotional: 5 } },
});

venueContract('template', async () => {
  const venue = createTemplateVenue(cfg, { clock });
  return {
    venue,
    market: { asset: 'BTC', quote: 'USDT', price: 60_000, lotStep: 0.00001, minNotional: 5 },
    initial: { USDT: 10_000, BTC: 0.1 },
    // A restart: a new instance over the same book (on a real venue, the venue keeps the book).
    restart: async () => createTemplateVenue(cfg, { clock, book: venue.book }),
    close: async () => {},
  };
});
