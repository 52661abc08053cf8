/**
 * The basket venue's config, capabilities and factory (issue #21 item 2; the template's shape). The service
 * runs a deployed BallastBasket as a portfolio: its holdings are the basket's balances, its prices the basket's
 * own feeds, and each decision is ONE `rebalance` transaction signed by the keeper's key (referenced by
 * environment-variable name or key file, never written here) and journaled in the chain transaction store.
 * The chain work is the keeper's (src/chain/basket/keeper.ts, a sibling layer): the service builds it and
 * passes it in (src/service/venues.ts `basketParts`).
 */
import { getAddress, isAddress } from 'viem';
import { z } from 'zod';
import type { VenueCapabilities } from '../capabilities.ts';
import { executionFields } from '../execution-config.ts';
import { BasketVenue, type Keeper } from './basket-venue.ts';

const address = z
  .string()
  .refine((s) => isAddress(s), 'an address (0x and 40 hex digits)')
  .transform((s) => getAddress(s) as `0x${string}`);

export const basketVenueSchema = z.strictObject({
  type: z.literal('basket'),
  name: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('basket'),
  rpcUrl: z.url(),
  /** The deployed BallastBasket (`ballast vault deploy --execute` prints it). */
  basket: address,
  /** The local chain's file (`ballast chain up` writes it): token symbols, pools and contracts for the router. */
  chainFile: z.string().min(1),
  /** Name of the environment variable that holds the keeper's private key (0x…); default BALLAST_PRIVATE_KEY. */
  keyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
  /** Or a file (owner-only, chmod 600) holding the key; excludes keyEnv. */
  keyFile: z.string().min(1).optional(),
  /** Each leg's minimum output: its expected output less this (bps). */
  maxSlippageBps: z.number().int().min(0).max(5000).default(50),
  /** The rebalance's deadline: the chain's latest block time + deadlineSec. */
  deadlineSec: z.number().int().min(30).max(86_400).default(600),
  /** How long to wait for the receipt before leaving the transaction to the next cycle's lookup (ms). */
  receiptTimeoutMs: z.number().int().positive().default(120_000),
  ...executionFields,
});

export type BasketVenueSettings = z.output<typeof basketVenueSchema>;

/** One atomic transaction per decision: no resting orders, no cancel, no child orders. */
export const basketCapabilities: VenueCapabilities = {
  marketOrders: true,
  limitOrders: false,
  cancel: false,
  childOrders: false,
  lookupByClientId: true,
  fullOrderResponse: true,
  balancesInfoShape: 'generic',
  myTradesBySymbol: false,
};

export function createBasketVenue(c: BasketVenueSettings, deps: { keeper: Keeper }): BasketVenue {
  return new BasketVenue(c.name, deps.keeper);
}
