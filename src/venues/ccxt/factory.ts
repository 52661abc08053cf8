/** The ccxt venue's factories: from its config (./config.ts) to a venue, for the service and the CLI. */
import type { Clock } from '../../core/ports.ts';
import { type CcxtVenueSettings, ccxtVenueCapabilities, type PublicPricesSettings } from './config.ts';
import { type CredentialSource, defaultEnvNames, loadCredentials } from './credentials.ts';
import { createExchange, type ExchangeOptions } from './exchange.ts';
import { CcxtVenue, type CcxtVenueOptions } from './venue.ts';

export interface CcxtVenueConfig extends Omit<ExchangeOptions, 'credentials'>, CcxtVenueOptions {
  /** Where the keys come from; omit for a read-only venue (prices and rules only). */
  readonly credentials?: CredentialSource;
}

/** A ccxt venue from code (the programmatic API; the service builds its venues with createCcxtVenueFrom). */
export function createCcxtVenue(config: CcxtVenueConfig): CcxtVenue {
  const creds = config.credentials === undefined ? undefined : loadCredentials(config.credentials);
  const ex = createExchange({ ...config, credentials: creds });
  return new CcxtVenue(ex, {
    ...config,
    secrets: [...(config.secrets ?? []), ...(creds ? [creds.apiKey, creds.secret, creds.password ?? ''] : [])],
  });
}

/** Builds the trading venue: keys from `keyFile`, else from the named (or default) environment variables. */
export function createCcxtVenueFrom(c: CcxtVenueSettings, deps: { clock: Clock }): CcxtVenue {
  const names = defaultEnvNames(c.exchange);
  const credentials = c.keyFile
    ? loadCredentials({ file: c.keyFile })
    : loadCredentials({ env: { apiKey: c.apiKeyEnv ?? names.apiKey, secret: c.secretEnv ?? names.secret } });
  const exchange = createExchange({
    exchange: c.exchange,
    credentials,
    simulatorUrl: c.url,
    timeoutMs: c.timeoutMs,
    recvWindow: c.recvWindowMs,
  });
  return new CcxtVenue(exchange, { name: c.exchange, clock: deps.clock, capabilities: ccxtVenueCapabilities(c) });
}

/** A key-less ccxt venue used only for its prices (the guards' independent reference, a paper feed). */
export function createPublicPrices(c: PublicPricesSettings, role: string, deps: { clock: Clock }): CcxtVenue {
  return new CcxtVenue(createExchange({ exchange: c.exchange, simulatorUrl: c.url }), {
    name: `${c.exchange} (${role})`,
    clock: deps.clock,
  });
}
