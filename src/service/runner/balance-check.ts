/**
 * The empty-balance rule at the runner's observe stage (issue #13 item 5): an empty reply is refused when
 * the journal holds a position for the portfolio or an earlier reply held something; an empty first reply
 * is accepted and logged. "An earlier reply held something" is kept in the journal, so it survives restarts.
 */
import { checkEmptyBalances, holdsPosition, isEmptyBalances } from '../../core/balance-reply-rule.ts';
import type { Balances } from '../../core/ports.ts';
import type { Store } from '../../store/ports.ts';
import { VenueReplyError } from '../../venues/replies.ts';

const seenKey = (id: string) => `balances-seen:${id}`;

/** Net quantities the journal's fills moved for the portfolio (asset bought or sold, and the quote paid). */
export async function journalPosition(journal: Store, portfolioId: string): Promise<Record<string, number>> {
  const net: Record<string, number> = {};
  for (const o of await journal.orders.list(portfolioId, { limit: 100_000 })) {
    if (!(o.filledQuantity > 0)) continue;
    const s = o.side === 'buy' ? 1 : -1;
    net[o.asset] = (net[o.asset] ?? 0) + s * o.filledQuantity;
    net[o.quote] = (net[o.quote] ?? 0) - s * o.filledQuantity * o.averagePrice;
  }
  return net;
}

/**
 * Throws VenueReplyError (the cycle fails, alerts and counts toward the kill switch) when the rule refuses
 * the reply; returns a note when an empty first reply was accepted.
 */
export async function checkBalanceReply(
  journal: Store,
  portfolioId: string,
  venue: string,
  reply: Balances,
  at: number,
): Promise<string | null> {
  if (!isEmptyBalances(reply)) {
    if ((await journal.meta.get(seenKey(portfolioId))) === undefined)
      await journal.meta.set(seenKey(portfolioId), '1', at);
    return null;
  }
  const verdict = checkEmptyBalances({
    reply,
    previousNonEmpty: (await journal.meta.get(seenKey(portfolioId))) !== undefined,
    journalHoldsPosition: holdsPosition(await journalPosition(journal, portfolioId)),
  });
  if (verdict.kind === 'refused') throw new VenueReplyError(venue, 'balances', 'body', verdict.reason);
  return `${venue} balances: the account is empty (first reply): accepted`;
}
