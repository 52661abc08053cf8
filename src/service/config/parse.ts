import { dirname, resolve } from 'node:path';
import { readDocument } from '../../cli/io.ts';
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

/** Validates a service document; portfolios given by path are read relative to the service file. */
export function parseService(doc: unknown, source: string): ResolvedService {
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
      portfolio = parsePortfolio(readDocument(path), p.portfolio);
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
