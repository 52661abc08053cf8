/**
 * At start (issue #13 item 5): a portfolio whose target holds an asset its venue does not list cannot
 * trade. It does not start — paused, with an alert and the reason in /portfolios and the dashboard —
 * while the others run; `serve --strict` exits 1 instead. A venue whose markets cannot be read is not
 * "unlisted": that is logged as a warning and the cycles' own failures decide.
 */

import { BallastError, type Next } from '../core/errors.ts';
import { unlistedAssets, unlistedReason } from '../venues/unlisted.ts';
import type { PortfolioRunner } from './runner/portfolio-runner.ts';

/** `serve --strict`: an unlisted target asset stops the service (exit 1, one line). */
export class UnlistedAssetError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name = 'UnlistedAssetError';
}

export async function pauseUnlisted(runners: Iterable<PortfolioRunner>, strict: boolean): Promise<string[]> {
  const paused: string[] = [];
  for (const r of runners) {
    const u = r.compiled.ctx.u;
    const venue = r.deps.venue;
    let missing: string[];
    try {
      missing = await unlistedAssets(
        venue,
        Object.keys(r.config.portfolio.target).filter((a) => a !== u.quote),
        u.quote,
      );
    } catch (e) {
      await r.raise(
        'warning',
        'guard',
        `${venue.name}: markets could not be read at start (${(e as Error).message}); listing not checked`,
      );
      continue;
    }
    if (missing.length === 0) continue;
    const reason = unlistedReason(venue.name, missing, u.quote);
    if (strict) throw new UnlistedAssetError(`portfolio ${r.id}: ${reason}; not starting (--strict)`);
    if (!r.paused) await r.setPaused(true, reason);
    await r.raise('critical', 'guard', `portfolio ${r.id} not started: ${reason}`);
    paused.push(r.id);
  }
  return paused;
}
