/** Builds a ccxt exchange instance by name, or a binance instance wired to the local simulator (tests). */
import ccxt, { type Exchange } from 'ccxt';
import { BallastError, type Next } from '../../core/errors.ts';
import type { ApiCredentials } from './credentials.ts';

export interface ExchangeOptions {
  /** ccxt exchange id, e.g. "binance", "kraken", "coinbase". */
  readonly exchange: string;
  readonly credentials?: ApiCredentials;
  /** Request timeout in ms (a create that times out is "unknown"). Default 10 000. */
  readonly timeoutMs?: number;
  /** ccxt's client-side throttling; keep it on against real exchanges. Default true (false for the simulator). */
  readonly enableRateLimit?: boolean;
  /** Binance's recvWindow (ms). Default 5000. */
  readonly recvWindow?: number;
  /** Sync with the exchange clock before signing (ccxt adjustForTimeDifference). Default false. */
  readonly adjustForTimeDifference?: boolean;
  /** Extra ccxt `options` merged over the defaults. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Point binance at a local simulator at this base URL ("http://127.0.0.1:PORT"). */
  readonly simulatorUrl?: string;
}

export class UnknownExchangeError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'UnknownExchangeError';
}

type Ctor = new (config: Record<string, unknown>) => Exchange;

export function createExchange(o: ExchangeOptions): Exchange {
  const ctors = ccxt as unknown as Record<string, Ctor | undefined>;
  if (!ccxt.exchanges.includes(o.exchange) || ctors[o.exchange] === undefined) {
    throw new UnknownExchangeError(
      `exchange "${o.exchange}" is not a ccxt exchange id; use one of ccxt.exchanges, e.g. binance, kraken, coinbase, okx`,
    );
  }
  if (o.simulatorUrl !== undefined && o.exchange !== 'binance') {
    throw new UnknownExchangeError(
      `the simulator speaks Binance spot only; exchange "${o.exchange}" cannot be pointed at it`,
    );
  }
  const base = o.simulatorUrl?.replace(/\/+$/, '');
  const config: Record<string, unknown> = {
    timeout: o.timeoutMs ?? 10_000,
    enableRateLimit: o.enableRateLimit ?? base === undefined,
    ...(o.credentials ?? {}),
    options: {
      defaultType: 'spot',
      // Spot only: no futures exchangeInfo, no currency/margin endpoints (they need extra key permissions).
      fetchMarkets: { types: ['spot'] },
      fetchCurrencies: false,
      fetchMargins: false,
      adjustForTimeDifference: o.adjustForTimeDifference ?? false,
      fetchOpenOrders: { warnWithoutSymbol: false },
      recvWindow: o.recvWindow ?? 5000,
      ...(o.options ?? {}),
    },
  };
  if (base !== undefined) {
    config.urls = {
      api: { public: `${base}/api/v3`, private: `${base}/api/v3`, v1: `${base}/api/v1`, sapi: `${base}/sapi/v1` },
    };
  }
  const ex = new (ctors[o.exchange] as Ctor)(config);
  if (base !== undefined) pointAt(ex, base);
  return ex;
}

/**
 * Belt and braces for the simulator: every API URL ccxt knows is rewritten to the local base, so a stray
 * call lands on the simulator as a 404 instead of reaching the internet; and the spot error map, which
 * ccxt only applies to https://api.binance.com URLs, is merged into the generic one.
 */
function pointAt(ex: Exchange, base: string): void {
  const api = (ex.urls as { api: Record<string, unknown> }).api;
  for (const [k, v] of Object.entries(api)) {
    if (typeof v === 'string') api[k] = v.replace(/^https?:\/\/[^/]+/, base);
  }
  const exceptions = ex.exceptions as { exact: Record<string, unknown>; spot?: { exact?: Record<string, unknown> } };
  exceptions.exact = { ...exceptions.exact, ...(exceptions.spot?.exact ?? {}) };
}
