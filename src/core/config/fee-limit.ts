/**
 * A fee above 1,000 bps (10% of every trade) is almost always a typo (bps for percent, an extra zero):
 * the CLI refuses it unless `--allow-high-fees` (issue #16 item 5).
 */
import { InputError } from '../errors.ts';
import type { CostsConfig } from './schema.ts';

export const MAX_FEE_BPS = 1000;

/** The fee fields of `costs` above MAX_FEE_BPS, as `[path, bps]`. */
export function highFees(costs: CostsConfig): [string, number][] {
  const out: [string, number][] = [];
  if (costs.feeBps > MAX_FEE_BPS) out.push(['costs.feeBps', costs.feeBps]);
  for (const [a, c] of Object.entries(costs.assets))
    if (c.feeBps !== undefined && c.feeBps > MAX_FEE_BPS) out.push([`costs.assets.${a}.feeBps`, c.feeBps]);
  return out;
}

/** Refuses a config whose fees are above the limit, naming the file and the field. */
export function checkConfigFees(costs: CostsConfig, source: string, allowHigh: boolean): void {
  if (allowHigh) return;
  const high = highFees(costs);
  if (high.length > 0)
    throw new InputError(
      source,
      high.map(([path, bps]) => ({
        path,
        message: `${bps} bps is more than ${MAX_FEE_BPS} bps (10%) per trade, likely a typo; pass --allow-high-fees if you mean it`,
      })),
    );
}
