import { dirname, resolve } from 'node:path';
import { parsePortfolio, portfolioIssues, zodIssues } from '../../core/config/parse.ts';
import type { PortfolioConfig } from '../../core/config/schema.ts';
import { InputError } from '../../core/errors.ts';
import { type ServiceConfig, type ServicePortfolioConfig, serviceSchema } from './schema.ts';

export interface ResolvedPortfolio extends Omit<ServicePortfolioConfig, 'portfolio'> {
  readonly portfolio: PortfolioConfig;
}

export interface ResolvedService extends Omit<ServiceConfig, 'portfolios'> {
  readonly portfolios: ResolvedPortfolio[];
}

/** Reads one YAML or JSON document (the CLI passes its file reader: the service does no file I/O of its own here). */
export type ReadDocument = (path: string) => unknown;

/** Refuses a portfolio given by path when no reader was passed (an inline-only caller). */
const noReader: ReadDocument = (path) => {
  throw InputError.one(path, '', 'portfolios given by path need a file reader; inline the portfolio instead');
};

/**
 * Validates a service document; portfolios given by path are read relative to the service file through
 * `read` (the CLI's readDocument).
 */
export function parseService(doc: unknown, source: string, read: ReadDocument = noReader): ResolvedService {
  const r = serviceSchema.safeParse(doc);
  if (!r.success) throw new InputError(source, zodIssues(r.error));
  const issues = [];
  const ids = new Set<string>();
  const portfolios: ResolvedPortfolio[] = [];
  for (const [k, p] of r.data.portfolios.entries()) {
    if (ids.has(p.id)) issues.push({ path: `portfolios[${k}].id`, message: `duplicate id ${p.id}` });
    ids.add(p.id);
    let portfolio: PortfolioConfig;
    if (typeof p.portfolio === 'string') {
      const path = resolve(dirname(source), p.portfolio);
      portfolio = parsePortfolio(read(path), p.portfolio);
    } else {
      portfolio = p.portfolio;
      for (const i of portfolioIssues(portfolio))
        issues.push({ path: `portfolios[${k}].portfolio.${i.path}`, message: i.message });
    }
    portfolios.push({ ...p, portfolio });
  }
  if (issues.length > 0) throw new InputError(source, issues);
  return { ...r.data, portfolios };
}
