import { InputError } from '../core/errors.ts';
import type { MarketRules, Venue } from '../core/ports.ts';
import type { Store } from '../store/ports.ts';
import { PaperVenue, type PriceSource } from '../venues/paper/paper-venue.ts';
import type { ResolvedPortfolio } from './config/parse.ts';
import type { PortfolioRunner } from './runner/portfolio-runner.ts';

/** Builds a portfolio's venue from its config: every venue adapter has the same Venue shape. */
export async function createVenue(
  p: ResolvedPortfolio,
  deps: { journal: Store; feed: PriceSource | null; now: () => number; runner: () => PortfolioRunner },
): Promise<Venue> {
  const v = p.venue === 'paper' ? { type: 'paper' as const, initial: {} } : p.venue;
  if (v.type === 'paper') {
    const feed = deps.feed ?? (v.prices ? await createReference(v.prices, 'prices') : null);
    if (feed === null) {
      throw InputError.one(
        'service',
        `portfolios.${p.id}.venue.prices`,
        'a paper venue needs a price feed: set venue: { type: paper, prices: { type: ccxt, exchange: binance } } (public prices, no keys; add url: for the local simulator), or run serve --replay FILE',
      );
    }
    const rules = new Map<string, MarketRules>(
      Object.entries(p.portfolio.constraints.assets).map(([asset, c]) => [
        asset,
        { asset, minNotional: c.minNotional ?? 0, lotStep: c.lotStep ?? 0, minQuantity: 0, tickSize: 0 },
      ]),
    );
    const venue = new PaperVenue(
      `paper:${p.id}`,
      p.id,
      deps.journal.paperAccounts,
      feed,
      (a, n, s) => deps.runner().paperCost(a, n, s),
      deps.now,
      rules,
    );
    await venue.fund(v.initial);
    return venue;
  }
  const { createExchange } = await import('../venues/ccxt/exchange.ts');
  const { CcxtVenue } = await import('../venues/ccxt/venue.ts');
  const { defaultEnvNames, loadCredentials } = await import('../venues/ccxt/credentials.ts');
  const names = defaultEnvNames(v.exchange);
  // Keys from a file the user names, else from environment variables (never from the service file).
  const credentials = v.keyFile
    ? loadCredentials({ file: v.keyFile })
    : loadCredentials({ env: { apiKey: v.apiKeyEnv ?? names.apiKey, secret: v.secretEnv ?? names.secret } });
  const exchange = createExchange({
    exchange: v.exchange,
    credentials,
    simulatorUrl: v.url,
    timeoutMs: v.timeoutMs,
    recvWindow: v.recvWindowMs,
  });
  return new CcxtVenue(exchange, { name: v.exchange });
}

/** A public (key-less) ccxt venue used only for its prices: the independent reference of the guards. */
export async function createReference(
  r: NonNullable<ResolvedPortfolio['reference']>,
  role: 'reference' | 'prices' = 'reference',
): Promise<PriceSource> {
  const { createExchange } = await import('../venues/ccxt/exchange.ts');
  const { CcxtVenue } = await import('../venues/ccxt/venue.ts');
  return new CcxtVenue(createExchange({ exchange: r.exchange, simulatorUrl: r.url }), {
    name: `${r.exchange} (${role})`,
  });
}
