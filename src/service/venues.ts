/**
 * Builds a portfolio's venue from its config by dispatching on `type` to the venue's own factory
 * (src/venues/<name>/config.ts). Before anything is built, the config's execution fields are checked
 * against the venue's capabilities: a field the venue cannot honour stops the start with one line.
 */

import { privateKeyToAccount } from 'viem/accounts';
import { BasketKeeper, type ConfigWhere, readBasketChainFile } from '../chain/basket/keeper.ts';
import { LeverKeeper } from '../chain/lending/lever-keeper.ts';
import type { PortfolioConfig } from '../core/config/schema.ts';
import { InputError } from '../core/errors.ts';
import type { Clock, MarketRules, Venue } from '../core/ports.ts';
import type { Store } from '../store/ports.ts';
import type { BasketVenue } from '../venues/basket/basket-venue.ts';
import { type BasketVenueSettings, basketCapabilities, createBasketVenue } from '../venues/basket/config.ts';
import type { VenueCapabilities } from '../venues/capabilities.ts';
import { ccxtVenueCapabilities } from '../venues/ccxt/config.ts';
import { checkExecutionFields, type ExecutionSettings } from '../venues/execution-config.ts';
import { checkIntentsAssets, createIntentsVenue, intentsCapabilities } from '../venues/intents/config.ts';
import { loadWalletKey } from '../venues/intents/wallet-key.ts';
import { createLeverVenue, type LeverVenueSettings, leverCapabilities } from '../venues/lever/config.ts';
import type { LeverVenue } from '../venues/lever/lever-venue.ts';
import { createPaperVenue, paperCapabilities } from '../venues/paper/config.ts';
import type { PriceSource } from '../venues/paper/paper-venue.ts';
import type { ResolvedPortfolio } from './config/parse.ts';
import type { VenueConfig } from './config/schema.ts';
import type { PortfolioRunner } from './runner/portfolio-runner.ts';

/** The one-line refusal of a paper venue without a price feed (a replay brings its own). */
export function noFeed(id: string): InputError {
  return InputError.one(
    'service',
    `portfolios.${id}.venue.prices`,
    'a paper venue needs a price feed: set venue: { type: paper, prices: { type: ccxt, exchange: binance } } (public prices, no keys; add url: for the local simulator), or run serve --replay FILE',
  );
}

/** A portfolio's venue config with the `venue: paper` shorthand expanded. */
export function venueConfigOf(p: Pick<ResolvedPortfolio, 'venue'>): VenueConfig {
  return p.venue === 'paper' ? { type: 'paper', initial: {} } : p.venue;
}

export function capabilitiesOf(v: VenueConfig): VenueCapabilities {
  if (v.type === 'intents') return intentsCapabilities;
  if (v.type === 'basket') return basketCapabilities;
  if (v.type === 'lever') return leverCapabilities;
  return v.type === 'paper' ? paperCapabilities : ccxtVenueCapabilities(v);
}

const venueLabel = (v: VenueConfig): string =>
  v.type === 'paper'
    ? 'the paper venue'
    : v.type === 'intents'
      ? 'the intent venue'
      : v.type === 'basket'
        ? 'the basket venue (one atomic rebalance per decision)'
        : v.type === 'lever'
          ? 'the lever venue (one flash-loan transaction per decision)'
          : `the ccxt venue ${v.exchange}`;

/** Where a portfolio's venue fields are, for one-line refusals (`service: portfolios.p1.venue.keyFile: …`). */
export const venueWhere = (p: Pick<ResolvedPortfolio, 'id'>) => ({
  source: 'service',
  path: `portfolios.${p.id}.venue`,
});

/** The assets a portfolio trades against its quote. */
export const tradedAssets = (p: Pick<ResolvedPortfolio, 'portfolio'>): string[] =>
  Object.keys(p.portfolio.target).filter((a) => a !== p.portfolio.quote);

/** The execution settings of a portfolio, refused at start when its venue cannot honour one. */
export function checkedExecution(p: ResolvedPortfolio): ExecutionSettings {
  const v = venueConfigOf(p);
  checkExecutionFields(v, capabilitiesOf(v), { ...venueWhere(p), venue: venueLabel(v) });
  if (v.type === 'intents') checkIntentsAssets(v, p.portfolio.quote, tradedAssets(p), venueWhere(p));
  if (v.type === 'lever') checkLeverPortfolio(v, p);
  return v;
}

/**
 * A lending position's portfolio is its LTV (src/core/lending/position-venue.ts): the quote is the debt asset,
 * the target names exactly the collateral and the debt, and the debt's weight (the target LTV) is below 1.
 */
export function checkLeverPortfolio(v: LeverVenueSettings, p: Pick<ResolvedPortfolio, 'id' | 'portfolio'>): void {
  const where = venueWhere(p);
  const refuse = (field: string, m: string): never => {
    throw InputError.one(where.source, `${where.path}.${field}`, m);
  };
  const q = p.portfolio.quote;
  const cs = typeof v.collateral === 'string' ? [v.collateral] : v.collateral;
  const ds = typeof v.debt === 'string' ? [v.debt] : v.debt;
  const both = cs.find((c) => ds.includes(c));
  if (both !== undefined) refuse('debt', `${both} is also the collateral; they must differ`);
  if (new Set([...cs, ...ds]).size !== cs.length + ds.length) refuse('collateral', 'an asset is listed twice');
  const d0 = ds[0] as string;
  if (q !== d0)
    refuse(
      'debt',
      `${d0} is not the portfolio's quote ${q}: a lending position is measured in its (first) debt asset (set quote: ${d0})`,
    );
  const keys = Object.keys(p.portfolio.target).sort();
  const want = [...cs, ...ds].sort();
  if (keys.length !== want.length || keys.some((k, i) => k !== want[i]))
    refuse(
      'collateral',
      cs.length === 1 && ds.length === 1
        ? `the portfolio's target names ${keys.join(', ')}; a lending position's target is { ${cs[0]}: 1 − targetLtv, ${d0}: targetLtv } (its collateral and debt assets)`
        : `the portfolio's target names ${keys.join(', ')}; a lending position's target names exactly its assets ${want.join(', ')} (debt weights sum to the target LTV)`,
    );
  const ltv = ds.reduce((s, d) => s + (p.portfolio.target[d] ?? 0), 0);
  if (!(ltv < 1)) refuse('debt', `the target weight of ${ds.join(' + ')} is the target LTV and must be below 1`);
}

export async function createVenue(
  p: ResolvedPortfolio,
  deps: { journal: Store; feed: PriceSource | null; now: () => number; runner: () => PortfolioRunner },
): Promise<Venue> {
  checkedExecution(p);
  const v = venueConfigOf(p);
  const clock: Clock = { now: deps.now };
  // ccxt is loaded only when a portfolio needs it (a paper-only service starts without it).
  if (v.type === 'ccxt') return (await import('../venues/ccxt/factory.ts')).createCcxtVenueFrom(v, { clock });
  if (v.type === 'intents') return createIntentsVenue(v, { clock, where: venueWhere(p) });
  if (v.type === 'basket')
    return basketParts(v, {
      clock,
      chainTxs: deps.journal.chainTxs,
      targets: p.portfolio.target,
      where: venueWhere(p),
    }).venue;
  if (v.type === 'lever')
    return leverParts(v, {
      clock,
      chainTxs: deps.journal.chainTxs,
      portfolio: p.portfolio,
      where: venueWhere(p),
    }).venue;
  const feed = deps.feed ?? (v.prices ? await createReference(v.prices, 'prices', deps.now) : null);
  if (feed === null) throw noFeed(p.id);
  const rules = new Map<string, MarketRules>(
    Object.entries(p.portfolio.constraints.assets).map(([asset, c]) => [
      asset,
      { asset, minNotional: c.minNotional ?? 0, lotStep: c.lotStep ?? 0, minQuantity: 0, tickSize: 0 },
    ]),
  );
  return createPaperVenue(v, {
    account: p.id,
    accounts: deps.journal.paperAccounts,
    feed,
    cost: (a, n, s) => deps.runner().paperCost(a, n, s),
    clock,
    rules,
  });
}

/**
 * A basket portfolio's venue and the chain-layer keeper it runs on (venues and chain are sibling layers: the
 * service joins them). The key (keyFile or keyEnv) and the chain file are read here: a missing one is one line
 * naming the field.
 */
export function basketParts(
  v: BasketVenueSettings,
  o: {
    clock: Clock;
    chainTxs: Store['chainTxs'];
    targets?: Readonly<Record<string, number>>;
    where: ConfigWhere;
    env?: Readonly<Record<string, string | undefined>>;
  },
): { venue: BasketVenue; keeper: BasketKeeper } {
  const key = loadWalletKey(v, o.where, o.env ?? process.env);
  const fixture = readBasketChainFile(v.chainFile, o.where);
  const keeper = new BasketKeeper(v, {
    clock: o.clock,
    account: privateKeyToAccount(key),
    fixture,
    chainTxs: o.chainTxs,
    where: o.where,
    ...(o.targets ? { targets: o.targets } : {}),
  });
  return { keeper, venue: createBasketVenue(v, { keeper }) };
}

/** A lending position's venue and the chain-layer keeper it runs on (the service joins the sibling layers). */
export function leverParts(
  v: LeverVenueSettings,
  o: {
    clock: Clock;
    chainTxs: Store['chainTxs'];
    portfolio: PortfolioConfig;
    where: ConfigWhere;
    env?: Readonly<Record<string, string | undefined>>;
  },
): { venue: LeverVenue; keeper: LeverKeeper } {
  const key = loadWalletKey(v, o.where, o.env ?? process.env);
  const fixture = readBasketChainFile(v.chainFile, o.where);
  const keeper = new LeverKeeper(v, {
    clock: o.clock,
    account: privateKeyToAccount(key),
    fixture,
    chainTxs: o.chainTxs,
    portfolio: o.portfolio,
  });
  return { keeper, venue: createLeverVenue(v, { keeper, clock: o.clock }) };
}

/** A public (key-less) ccxt venue used only for its prices: the independent reference of the guards. */
export async function createReference(
  r: NonNullable<ResolvedPortfolio['reference']>,
  role: 'reference' | 'prices',
  now: () => number,
): Promise<PriceSource> {
  return (await import('../venues/ccxt/factory.ts')).createPublicPrices(r, role, { clock: { now } });
}
