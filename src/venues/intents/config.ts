/**
 * The intent venue's config, capabilities and factory (issue #24 item 2; the template's shape). It signs
 * GPv2 orders for CoW Protocol's settlement and posts them to a local order book; a solver settles them.
 * The wallet's key is referenced by environment-variable name (`keyEnv`, default BALLAST_PRIVATE_KEY) or by
 * a key file (`keyFile`), never written in the config.
 */
import { type Address, getAddress, isAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import type { Clock } from '../../core/ports.ts';
import type { VenueCapabilities } from '../capabilities.ts';
import { executionFields } from '../execution-config.ts';
import { IntentsVenue } from './intents-venue.ts';
import { type KeyWhere, loadWalletKey } from './wallet-key.ts';

const amount = z.number().finite().nonnegative();
const address = z
  .string()
  .refine((s) => isAddress(s), 'an address (0x and 40 hex digits)')
  .transform((s) => getAddress(s) as Address);

export const intentsVenueSchema = z.strictObject({
  type: z.literal('intents'),
  name: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('intents'),
  rpcUrl: z.url(),
  chainId: z.number().int().positive().default(1337),
  /** GPv2Settlement (`ballast chain up --json`: contracts.gpv2Settlement). */
  settlement: address,
  /** The local order book's URL (`ballast solve --book-port`). */
  book: z.url(),
  /** Name of the environment variable that holds the wallet's private key (0x…); default BALLAST_PRIVATE_KEY. */
  keyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
  /** Or a file (owner-only, chmod 600) holding the key; excludes keyEnv. */
  keyFile: z.string().min(1).optional(),
  quote: z.string().min(1),
  /** Every asset traded and the quote: its ERC-20 address, decimals and USD feed (Chainlink-style, 8 decimals). */
  tokens: z.record(
    z.string(),
    z.strictObject({ address, decimals: z.number().int().min(0).max(36), usdFeed: address }),
  ),
  rules: z
    .record(z.string(), z.strictObject({ lotStep: amount.default(0), minNotional: amount.default(0) }))
    .default({}),
  /** Limit = the planner's price × (1 − maxSlippageBps) for a sell, × (1 + maxSlippageBps) for a buy. */
  maxSlippageBps: z.number().int().min(0).max(5000).default(50),
  /** validTo = the chain's latest block time + deadlineSec (the rebalance's deadline). */
  deadlineSec: z.number().int().min(30).max(86_400).default(600),
  /** The solver's fee, taken in the sell token from the amount sold (the wallet pays no gas). */
  feeBps: z.number().int().min(0).max(500).default(10),
  /** Sell orders of at least this notional (quote units) are partially fillable. */
  partialAboveNotional: z.number().finite().positive().default(10_000),
  /** How long `place` waits for a market order's settlement before withdrawing the rest (ms). */
  waitMs: z.number().int().positive().default(60_000),
  pollMs: z.number().int().positive().default(250),
  /** auto: on-chain `invalidateOrder` when the wallet holds ETH, else withdrawn from the book (expires at validTo). */
  cancel: z.enum(['auto', 'onchain', 'offchain']).default('auto'),
  ...executionFields,
});

export type IntentsVenueSettings = z.output<typeof intentsVenueSchema>;

export const intentsCapabilities: VenueCapabilities = {
  marketOrders: true,
  limitOrders: false,
  cancel: true,
  childOrders: false,
  lookupByClientId: true,
  fullOrderResponse: true,
  balancesInfoShape: 'generic',
  myTradesBySymbol: false,
};

/** Every asset the portfolio trades and its quote need a token; the quote must be the venue's (one line each). */
export function checkIntentsAssets(c: IntentsVenueSettings, quote: string, assets: readonly string[], where: KeyWhere) {
  const at = (f: string) => (where.path === '' ? f : `${where.path}.${f}`);
  if (quote !== c.quote)
    throw InputError.one(where.source, at('quote'), `is ${c.quote}, but the portfolio's quote is ${quote}`);
  for (const s of [c.quote, ...assets, ...Object.keys(c.rules)])
    if (c.tokens[s] === undefined)
      throw InputError.one(where.source, at(`tokens.${s}`), 'missing: every traded asset and the quote need a token');
}

export function createIntentsVenue(
  c: IntentsVenueSettings,
  deps: { clock: Clock; env?: Readonly<Record<string, string | undefined>>; where?: KeyWhere },
): IntentsVenue {
  const where = deps.where ?? { source: 'venue', path: '' };
  const key = loadWalletKey(c, where, deps.env ?? process.env);
  checkIntentsAssets(c, c.quote, [], where);
  return new IntentsVenue(c, deps.clock, privateKeyToAccount(key));
}
