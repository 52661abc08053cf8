/**
 * Shared set-up of the crash and fault trials (#6 §4): a two-market simulator whose balances and prices make
 * every cycle trade, a live ccxt-venue portfolio pointed at it, and a seeded generator.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePortfolio } from '../../core/config/parse.ts';
import { DEFAULT_API_KEY, DEFAULT_MARKETS, DEFAULT_SECRET } from '../../venues/simulator/default-config.ts';
import type { StartOptions } from '../../venues/simulator/server.ts';
import type { ResolvedService } from '../config/parse.ts';

export const TRIAL_BALANCES: Record<string, string> = { USDT: '10000', BTC: '0.1', ETH: '1' };
export const TRIAL_PRICES = { BTC: 60_000, ETH: 3_000 } as const;

/** BTC/USDT and ETH/USDT only (the trials are about the protocol, not routing). */
export function trialSimOptions(): StartOptions {
  return {
    markets: DEFAULT_MARKETS.filter((m) => m.symbol === 'BTCUSDT' || m.symbol === 'ETHUSDT'),
    balances: TRIAL_BALANCES,
  };
}

/** Writes the simulator's keys to a file the venue reads (keys never go in the service file). */
export function writeKeyFile(dir: string): string {
  const path = join(dir, 'keys.json');
  writeFileSync(path, JSON.stringify({ apiKey: DEFAULT_API_KEY, secret: DEFAULT_SECRET }), { mode: 0o600 });
  return path;
}

export interface TrialServiceOptions {
  readonly journal: string;
  readonly url: string;
  readonly keyFile: string;
  /** ccxt request timeout (ms): short, so a timed-out create is seen quickly. */
  readonly timeoutMs?: number;
  readonly recvWindowMs?: number;
}

/**
 * One live portfolio (BTC 40 %, ETH 30 %, USDT 30 %, 2 % band) on the simulator. The price-age guard is
 * loose (1 h) because the trials advance the service's clock by 61 s per cycle (the not-placed rule's
 * 60 s) while the simulator stamps tickers with the wall clock.
 */
export function trialService(o: TrialServiceOptions): ResolvedService {
  const portfolio = parsePortfolio(
    {
      quote: 'USDT',
      target: { BTC: 0.4, ETH: 0.3, USDT: 0.3 },
      trigger: { type: 'band', band: 0.02 },
      costs: { feeBps: 10 },
    },
    'trial portfolio',
  );
  return {
    journal: o.journal,
    portfolios: [
      {
        id: 'p1',
        portfolio,
        venue: {
          type: 'ccxt',
          exchange: 'binance',
          url: o.url,
          keyFile: o.keyFile,
          orderType: 'market',
          timeoutMs: o.timeoutMs ?? 1500,
          ...(o.recvWindowMs === undefined ? {} : { recvWindowMs: o.recvWindowMs }),
        },
        schedule: { every: '1h' },
        mode: 'live',
        planMode: 'full',
        guards: { maxPriceAgeSeconds: 3600, maxDeviationBps: 100, maxSlippageBps: 50 },
        risk: { cooldown: 0, killSwitchAfter: 1000 },
      },
    ],
    api: { host: '127.0.0.1', port: 0, tokenEnv: 'BALLAST_TRIAL_TOKEN', cors: [], enabled: false },
    alerts: {},
  };
}

/** mulberry32: a small seeded generator, so a seed replays its run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
