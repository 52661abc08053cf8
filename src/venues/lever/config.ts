/**
 * The lever venue's config, capabilities and factory (issue #23; the template's shape). The service runs one
 * Aave v3 position with debt as a portfolio: its holdings are the position seen as LTV (lever-venue.ts), its
 * prices the oracles', and each decision is ONE flash-loan transaction through the owner's BallastLeverage,
 * signed by the owner's key (referenced by environment-variable name or key file, never written here) and
 * journaled in the chain transaction store. The target LTV is the portfolio's target weight of the debt
 * asset (the portfolio's quote); the chain work is the keeper's (src/chain/lending/lever-keeper.ts), which
 * the service builds and passes in (src/service/venues.ts `leverParts`).
 */
import { getAddress, isAddress } from 'viem';
import { z } from 'zod';
import type { Clock } from '../../core/ports.ts';
import type { VenueCapabilities } from '../capabilities.ts';
import { executionFields } from '../execution-config.ts';
import { type LeverKeeperPort, LeverVenue } from './lever-venue.ts';

const address = z
  .string()
  .refine((s) => isAddress(s), 'an address (0x and 40 hex digits)')
  .transform((s) => getAddress(s) as `0x${string}`);

const symbol = z.string({ error: 'one symbol or a list of symbols' }).min(1);
const symbols = z.union([symbol, z.array(symbol).min(1)]);

export const leverVenueSchema = z.strictObject({
  type: z.literal('lever'),
  name: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('lever'),
  rpcUrl: z.url(),
  /** The local chain's file (`ballast chain up` writes it): token symbols, pools, the Aave Pool, the lenders. */
  chainFile: z.string().min(1),
  /** The BallastLeverage owned by the signing account (contracts/src/BallastLeverage.sol). */
  leverage: address,
  /** The Aave v3 Pool: its address, or `fixture` for the chain file's Pool. */
  pool: z.union([z.literal('fixture'), address]).default('fixture'),
  /** The symbol supplied as collateral (sold to deleverage, bought to lever up); or several. */
  collateral: symbols,
  /** The symbol borrowed (the portfolio's quote); its target weight is the target LTV. Or several: the first is
   *  the quote, and the debt assets' target weights sum to the target LTV. */
  debt: symbols,
  /** Health factor floor: below it the position acts whatever the trigger says; the transaction reverts below it. */
  minHealthFactor: z.number().gt(1, 'must be > 1').max(100),
  /** Symbol → TOKEN/USD feed: the position's two assets and every token a route may pass through. */
  feeds: z.record(
    z.string().min(1),
    z.strictObject({ address, heartbeatSec: z.number().int().min(1), marginSec: z.number().int().min(0) }),
  ),
  /** `auto`: the cheapest lender read at plan time; or only that one. */
  lender: z.enum(['auto', 'balancer', 'aave', 'uniswap-v3']).default('auto'),
  /** Name of the environment variable that holds the owner's private key (0x…); default BALLAST_PRIVATE_KEY. */
  keyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
  /** Or a file (owner-only, chmod 600) holding the key; excludes keyEnv. */
  keyFile: z.string().min(1).optional(),
  /** Each swap's minimum output: its simulated output less this (bps). */
  maxSlippageBps: z.number().int().min(0).max(1000).default(100),
  /** A swap paying more than this below the oracles is refused (bps). */
  maxDeviationBps: z.number().int().min(1).max(5000).default(150),
  /** The transaction's deadline: the chain's latest block time + deadlineSec. */
  deadlineSec: z.number().int().min(15).max(3600).default(300),
  /** How long to wait for the receipt before leaving the transaction to the next cycle's lookup (ms). */
  receiptTimeoutMs: z.number().int().positive().default(120_000),
  ...executionFields,
});

export type LeverVenueSettings = z.output<typeof leverVenueSchema>;

/** One atomic transaction per decision: no resting orders, no cancel, no child orders. */
export const leverCapabilities: VenueCapabilities = {
  marketOrders: true,
  limitOrders: false,
  cancel: false,
  childOrders: false,
  lookupByClientId: true,
  fullOrderResponse: true,
  balancesInfoShape: 'generic',
  myTradesBySymbol: false,
};

export function createLeverVenue(c: LeverVenueSettings, deps: { keeper: LeverKeeperPort; clock: Clock }): LeverVenue {
  return new LeverVenue(c.name, deps.keeper, deps.clock, c.collateral, c.debt);
}
