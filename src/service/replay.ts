import { loadPriceCsv, selectWindow } from '../backtest/data/index.ts';
import type { FillMode } from '../backtest/data/types.ts';
import type { PortfolioConfig } from '../core/config/schema.ts';
import { BallastError } from '../core/errors.ts';
import { ReplayFeed } from '../venues/replay/replay-feed.ts';
import type { ResolvedService } from './config/parse.ts';
import { nextRunAt, Service } from './service.ts';

export interface ReplayOptions {
  readonly service: ResolvedService;
  readonly csv: string;
  readonly capital: number;
  readonly start?: string;
  readonly end?: string;
  readonly fill?: FillMode;
  readonly journalPath?: string;
  /** Called after every bar (progress, the dashboard's live view). */
  readonly onBar?: (bar: number, bars: number, service: Service) => void | Promise<void>;
  /** Keep the service open after the replay (the caller stops it). */
  readonly keepOpen?: boolean;
}

export interface ReplaySummary {
  readonly portfolioId: string;
  readonly bars: number;
  readonly finalValue: number;
  readonly hodlValue: number | null;
  readonly rebalances: number;
  readonly rebalanceBars: number[];
  /** Cycles the portfolio ran (one per bar unless its schedule is coarser). */
  readonly cycles: number;
  readonly fees: number;
  readonly twr: number | null;
}

/** Every asset the service's portfolios target (without their quotes). */
function riskyAssets(cfg: ResolvedService): string[] {
  const set = new Set<string>();
  for (const p of cfg.portfolios)
    for (const a of Object.keys(p.portfolio.target)) if (a !== p.portfolio.quote) set.add(a);
  return [...set];
}

/**
 * Plays a price CSV through the whole service on the replay clock: paper venues fill at each bar's
 * close, prices are stamped with bar time, schedules and cooldowns run on bar time, one cycle per bar
 * unless a schedule is coarser. Bar 0 deposits the capital, which the first cycle invests (buy-only).
 */
export async function runReplay(o: ReplayOptions): Promise<{ summaries: ReplaySummary[]; service: Service }> {
  const quotes = new Set(o.service.portfolios.map((p) => p.portfolio.quote));
  if (quotes.size !== 1)
    throw new BallastError(`a replay needs one quote for all portfolios, got ${[...quotes].join(', ')}`, {
      next: 'fix-input',
    });
  const quote = [...quotes][0]!;
  const table = loadPriceCsv(o.csv);
  const win = selectWindow(table, {
    assets: riskyAssets(o.service),
    cash: quote,
    start: o.start,
    end: o.end,
    fill: o.fill ?? 'none',
  });
  const feed = new ReplayFeed(win.assets, win.times, win.prices);
  const service = await Service.start(o.service, {
    now: feed.now,
    feed,
    reference: null,
    strictGuards: false,
    journalPath: o.journalPath ?? ':memory:',
  });
  const due = new Map<string, number>();
  const rebalanceBars = new Map<string, number[]>();
  const cycles = new Map<string, number>();
  for (let t = 0; t < feed.length; t++) {
    feed.bar = t;
    const now = feed.now();
    for (const id of service.portfolioIds()) {
      if (t === 0) await service.cashFlow(id, 'deposit', quote, o.capital, `replay-capital-${id}`);
      if ((due.get(id) ?? Number.NEGATIVE_INFINITY) > now) continue;
      const ev = await service.runCycle(id);
      cycles.set(id, (cycles.get(id) ?? 0) + 1);
      if (ev.decision === 'rebalanced' || ev.decision === 'partial')
        (rebalanceBars.get(id) ?? rebalanceBars.set(id, []).get(id)!).push(t);
      due.set(id, nextRunAt(service.runners.get(id)!.config.schedule, now - 1));
    }
    await o.onBar?.(t, feed.length, service);
  }
  const summaries = [];
  for (const id of service.portfolioIds()) {
    const v = await service.portfolio(id);
    const fees = (await service.store.orders.portfolioFills(id)).reduce((s, f) => s + f.fee, 0);
    const bars = rebalanceBars.get(id) ?? [];
    summaries.push({
      portfolioId: id,
      bars: feed.length,
      finalValue: v.value ?? 0,
      hodlValue: v.hodlValue,
      rebalances: bars.length,
      rebalanceBars: bars,
      cycles: cycles.get(id) ?? 0,
      fees,
      twr: v.twr,
    });
  }
  if (!o.keepOpen) await service.stop();
  return { summaries, service };
}

/** The service file `ballast serve --paper --replay` uses when none is given: one paper portfolio, dry-run off. */
export function defaultReplayService(portfolio: PortfolioConfig): ResolvedService {
  return {
    journal: ':memory:',
    portfolios: [
      {
        id: 'main',
        portfolio,
        venue: { type: 'paper', initial: {} },
        schedule: { every: '1h' },
        mode: 'live',
        planMode: 'full',
        guards: { maxPriceAgeSeconds: 300, maxDeviationBps: 100, maxSlippageBps: 50 },
        risk: { cooldown: 0, killSwitchAfter: 3 },
      },
    ],
    api: { host: '127.0.0.1', port: 8787, tokenEnv: 'BALLAST_API_TOKEN', cors: [], enabled: false },
    alerts: {},
  };
}
