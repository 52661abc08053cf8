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

/** One asset's sleeve: the share kept supplied, in [0, 1], and the liquid buffer in whole tokens (exact decimal). */
const sleeveAssetSchema = z.strictObject({
  share: z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]'),
  buffer: z
    .union([z.string(), z.number().nonnegative('must be ≥ 0')])
    .transform((v) => String(v))
    .pipe(z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal number of whole tokens, e.g. "250.5"'))
    .default('0'),
});

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
  /**
   * A BallastSleeveBasket's idle sleeve: per asset symbol, the `share` of its holding kept supplied to the basket's
   * Aave Pool, in [0, 1], and the liquid `buffer` (whole tokens, default 0). The keeper's choice (the holders' exit
   * is the contract's in-kind redeem); refused on a plain basket. An asset not listed keeps its supplied part.
   */
  sleeve: z.record(z.string().min(1), sleeveAssetSchema).optional(),
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
