/**
 * Test set-up: the real Service on paper venues, driven bar by bar over a small committed price file
 * (60 daily bars of BTC and ETH in USD), so API tests see real cycles, plans, fills and cash flows.
 */
import { fileURLToPath } from 'node:url';
import { loadPriceCsv, selectWindow } from '../../../backtest/data/index.ts';
import { parsePortfolio } from '../../../core/config/parse.ts';
import { ReplayFeed } from '../../../venues/replay/replay-feed.ts';
import type { ResolvedService } from '../../config/parse.ts';
import { defaultReplayService } from '../../replay.ts';
import { Service } from '../../service.ts';

export const PRICES_CSV = fileURLToPath(new URL('./prices.csv', import.meta.url));

export interface ServiceFixture {
  readonly service: Service;
  readonly feed: ReplayFeed;
  /** Moves the clock to `bar` and runs one cycle of every portfolio. */
  cycleAt(bar: number): Promise<void>;
  stop(): Promise<void>;
}

export function serviceConfig(portfolios = 1, extra: Record<string, unknown> = {}): ResolvedService {
  const base = defaultReplayService(
    parsePortfolio(
      {
        quote: 'USD',
        target: { BTC: 0.5, ETH: 0.3, USD: 0.2 },
        trigger: { type: 'band', band: 0.05 },
        costs: { feeBps: 10 },
        ...extra,
      },
      'api-test',
    ),
  );
  const p = base.portfolios[0]!;
  return {
    ...base,
    portfolios: Array.from({ length: portfolios }, (_, i) => ({ ...p, id: i === 0 ? 'main' : `p${i}` })),
  };
}

/** Starts the service, deposits `capital` USD into each portfolio at bar 0 and runs cycles for bars 0 … warmBars − 1. */
export async function startServiceFixture(
  o: {
    portfolios?: number;
    warmBars?: number;
    capital?: number;
    journalPath?: string;
    config?: ResolvedService;
    /** Another price file (wide CSV in USD) and its assets; default PRICES_CSV with BTC and ETH. */
    prices?: { csv: string; assets: string[] };
  } = {},
): Promise<ServiceFixture> {
  const cfg = o.config ?? serviceConfig(o.portfolios ?? 1);
  const src = o.prices ?? { csv: PRICES_CSV, assets: ['BTC', 'ETH'] };
  const win = selectWindow(loadPriceCsv(src.csv), { assets: src.assets, cash: 'USD', fill: 'none' });
  const feed = new ReplayFeed(win.assets, win.times, win.prices);
  const service = await Service.start(cfg, {
    now: feed.now,
    feed,
    reference: null,
    strictGuards: false,
    journalPath: o.journalPath ?? ':memory:',
  });
  const cycleAt = async (bar: number) => {
    feed.bar = bar;
    for (const id of service.portfolioIds()) await service.runCycle(id);
  };
  for (const id of service.portfolioIds())
    await service.cashFlow(id, 'deposit', 'USD', o.capital ?? 100_000, `fixture-capital-${id}`);
  for (let t = 0; t < (o.warmBars ?? 1); t++) await cycleAt(t);
  return { service, feed, cycleAt, stop: () => service.stop() };
}
