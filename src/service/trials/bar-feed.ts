/**
 * The scale-out trials' market (issue #28): bar-indexed, so cycle job k of a portfolio reads bar k whatever
 * worker runs it and whenever. Prices swing ±15 % around BTC 60 000 / ETH 3 000 so every cycle rebalances;
 * the clock is the bar's time (one hour per bar).
 */

import { parsePortfolio } from '../../core/config/parse.ts';
import type { PriceQuote } from '../../core/ports.ts';
import type { PriceSource } from '../../venues/paper/paper-venue.ts';
import type { ResolvedService } from '../config/parse.ts';
import { defaultReplayService } from '../replay.ts';

export const BAR_T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

export class BarFeed implements PriceSource {
  bar = 0;
  /** Time into the bar (ms, < 1 hour): a retried job's later attempt. Prices are the bar's all the same. */
  offsetMs = 0;
  now = (): number => BAR_T0 + this.bar * HOUR + this.offsetMs;

  /** The close of `asset` at bar `k` (deterministic). */
  static price(asset: string, k: number): number {
    if (asset === 'BTC') return Math.round(60_000 * (1 + 0.15 * Math.sin(k * 1.3)) * 100) / 100;
    if (asset === 'ETH') return Math.round(3_000 * (1 + 0.15 * Math.cos(k * 0.7)) * 100) / 100;
    return Number.NaN;
  }

  async prices(assets: readonly string[]): Promise<PriceQuote[]> {
    return assets
      .filter((a) => a === 'BTC' || a === 'ETH')
      .map((asset) => ({ asset, price: BarFeed.price(asset, this.bar), time: this.now(), source: 'bars' }));
  }

  async unlisted(assets: readonly string[], quote: string): Promise<string[]> {
    return assets.filter((a) => a !== quote && a !== 'BTC' && a !== 'ETH');
  }
}

/** `n` paper portfolios p0001 … (BTC 40 %, ETH 30 %, USDT 30 %, 2 % band, 10 bps), 10 000 USDT each. */
export function barService(n: number): ResolvedService {
  const portfolio = parsePortfolio(
    {
      quote: 'USDT',
      target: { BTC: 0.4, ETH: 0.3, USDT: 0.3 },
      trigger: { type: 'band', band: 0.02 },
      costs: { feeBps: 10 },
    },
    'scale trial portfolio',
  );
  const base = defaultReplayService(portfolio);
  const one = base.portfolios[0]!;
  return {
    ...base,
    portfolios: Array.from({ length: n }, (_, i) => ({
      ...one,
      id: `p${String(i + 1).padStart(5, '0')}`,
      venue: { type: 'paper' as const, initial: { USDT: 10_000 } },
      guards: { ...one.guards, maxPriceAgeSeconds: 3600 },
      risk: { cooldown: 0, killSwitchAfter: 1_000_000 },
    })),
  };
}
