/** Validation of write requests beyond their JSON schema: each error names the field and what to do. */
import type { PortfolioView } from '../facade.ts';
import { invalid } from './errors.ts';

/** Weights may differ from 1 by this much (decimal inputs like 0.1 + 0.2 + 0.7 are not exact in binary). */
export const WEIGHT_SUM_TOLERANCE = 1e-9;

const universe = (v: PortfolioView) => [...new Set([...Object.keys(v.target), ...Object.keys(v.weights)])].sort();

/**
 * A complete target vector for the portfolio: every given weight finite in [0, 1], assets of the
 * portfolio only (changing the universe is a config change: venues and lot rules come with it), the
 * sum 1 within WEIGHT_SUM_TOLERANCE. Assets left out get weight 0.
 */
export function validateTarget(target: unknown, view: PortfolioView): Record<string, number> {
  if (target === null || typeof target !== 'object' || Array.isArray(target))
    throw invalid('target', 'must be an object of asset → weight, e.g. {"BTC": 0.6, "USDT": 0.4}');
  const assets = universe(view);
  const out: Record<string, number> = Object.fromEntries(assets.map((a) => [a, 0]));
  let sum = 0;
  const entries = Object.entries(target as Record<string, unknown>);
  if (entries.length === 0) throw invalid('target', 'must list at least one asset');
  for (const [asset, w] of entries) {
    const field = `target.${asset}`;
    if (!assets.includes(asset))
      throw invalid(
        field,
        `${asset} is not in portfolio ${view.id} (its assets: ${assets.join(', ')}); change the config to add it`,
      );
    if (typeof w !== 'number' || !Number.isFinite(w)) throw invalid(field, 'must be a finite number');
    if (w < 0 || w > 1) throw invalid(field, `must be between 0 and 1, got ${w}`);
    out[asset] = w;
    sum += w;
  }
  if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE)
    throw invalid('target', `weights sum to ${+sum.toPrecision(12)}; they must sum to 1 (±${WEIGHT_SUM_TOLERANCE})`);
  return out;
}

export interface CashFlowRequest {
  asset: string;
  quantity: number;
  externalId?: string;
}

export function validateCashFlow(body: unknown, view: PortfolioView, idempotencyKey?: string): CashFlowRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  const assets = universe(view);
  if (typeof b.asset !== 'string' || b.asset === '') throw invalid('asset', `must be one of ${assets.join(', ')}`);
  if (!assets.includes(b.asset))
    throw invalid('asset', `${b.asset} is not in portfolio ${view.id}; use one of ${assets.join(', ')}`);
  if (typeof b.quantity !== 'number' || !Number.isFinite(b.quantity) || b.quantity <= 0)
    throw invalid('quantity', 'must be a finite number > 0 (the kind, deposit or withdrawal, gives the direction)');
  const ext = b.externalId ?? idempotencyKey;
  if (ext !== undefined && (typeof ext !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(ext)))
    throw invalid('externalId', 'must be 1–100 characters of letters, digits, _ . : or -');
  return { asset: b.asset, quantity: b.quantity, ...(ext === undefined ? {} : { externalId: ext }) };
}
