/**
 * TEMPLATE: a venue's config (zod), capabilities and factory. The service's schema is the union of the
 * venues' schemas (src/service/config/schema.ts) and src/service/venues.ts dispatches on `type` to the
 * factory; the start-up check refuses an execution field the capabilities say the venue cannot honour.
 */
import { z } from 'zod';
import type { Clock } from '../../core/ports.ts';
import type { VenueCapabilities } from '../capabilities.ts';
import { executionFields } from '../execution-config.ts';
import { type TemplateBook, TemplateVenue } from './template-venue.ts';

const amount = z.number().finite().nonnegative();

export const templateVenueSchema = z.strictObject({
  type: z.literal('template'),
  name: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('template'),
  // REPLACE: your venue's own fields (endpoint, chain id, keys by reference: env names or a key file).
  quote: z.string().min(1),
  balances: z.record(z.string(), amount).default({}),
  prices: z.record(z.string(), z.number().finite().positive()),
  rules: z.record(z.string(), z.strictObject({ lotStep: amount.default(0), minNotional: amount.default(0) })),
  feeRate: z.number().finite().nonnegative().max(0.1).default(0.001),
  ...executionFields,
});

export type TemplateVenueSettings = z.output<typeof templateVenueSchema>;

/** REPLACE: say what your venue can do; the start-up check and the gate read nothing else. */
export const templateCapabilities: VenueCapabilities = {
  marketOrders: true,
  limitOrders: false,
  cancel: false,
  childOrders: false,
  lookupByClientId: true,
  fullOrderResponse: true,
  balancesInfoShape: 'generic',
  myTradesBySymbol: false,
};

export function createTemplateVenue(
  c: TemplateVenueSettings,
  deps: { clock: Clock; book?: TemplateBook },
): TemplateVenue {
  const book = deps.book ?? { orders: new Map(), balances: new Map(Object.entries(c.balances)) };
  return new TemplateVenue(c, deps.clock, book);
}
