/** What every route module gets: the facade, the metrics, the dashboard's history, helpers. */
import type { PortfolioView, ServiceFacade } from '../facade.ts';
import type { ServiceMetrics } from '../metrics.ts';
import { notFound } from './errors.ts';
import type { HistoryStore } from './history.ts';

export interface RouteContext {
  readonly facade: ServiceFacade;
  readonly metrics: ServiceMetrics;
  readonly history: HistoryStore;
}

/** 404 unless the service runs this portfolio. */
export function requirePortfolio(facade: ServiceFacade, id: string): Promise<PortfolioView> {
  if (!facade.portfolioIds().includes(id)) throw notFound('portfolio', id);
  return facade.portfolio(id);
}

export function limitOf(q: unknown, fallback = 100): number {
  const raw = (q as { limit?: string } | undefined)?.limit;
  const n = raw === undefined ? fallback : Number(raw);
  return Math.max(1, Math.min(10_000, n));
}
