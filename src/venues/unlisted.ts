/**
 * Target assets a venue does not list (issue #13, item 5): checked once at start-up, so a portfolio whose
 * target names an asset the exchange cannot trade is paused with the reason instead of alerting every cycle.
 */
import type { Venue } from '../core/ports.ts';

/**
 * The assets among `assets` (the quote itself excluded) that `venue` cannot trade against `quote`, in
 * the order given. Uses the venue's own `unlisted()` when it has one, else the assets rules() leaves out.
 * Rejects (does not guess) when the venue cannot be asked: markets unavailable is not "unlisted".
 */
export async function unlistedAssets(venue: Venue, assets: readonly string[], quote: string): Promise<string[]> {
  const wanted = [...new Set(assets)].filter((a) => a !== quote);
  if (wanted.length === 0) return [];
  if (venue.unlisted !== undefined) {
    const missing = new Set(await venue.unlisted(wanted, quote));
    return wanted.filter((a) => missing.has(a));
  }
  const listed = new Set((await venue.rules(wanted, quote)).map((r) => r.asset));
  return wanted.filter((a) => !listed.has(a));
}

/** One line for an alert, a pause reason or `serve --strict`'s exit: "binance does not list FOO, BAR against USDT". */
export function unlistedReason(venueName: string, unlisted: readonly string[], quote: string): string {
  return `${venueName} does not list ${unlisted.join(', ')} against ${quote} (no market and no route): the portfolio cannot trade its target`;
}
