/**
 * A portfolio's state for the core's decision, read from the journal by the one-shot `--execute` commands
 * (`dex rebalance`, `lever rebalance`), as the service's runner holds it: the pause (the journal's, or the
 * sidecar's when a disk failure kept it out of the journal), the last rebalance, an unknown leg, and the
 * orders resting at a venue.
 */
import { type PortfolioState, restingOf } from '../../core/cycle-decision.ts';
import { readPausedSidecar } from '../../service/runner/write-failure.ts';
import type { Journal } from '../../store/journal.ts';

export function journalState(journal: Journal, id: string): PortfolioState {
  const reason = journal.meta.get(`paused:${id}`) ?? readPausedSidecar(journal.path)[id] ?? null;
  return {
    paused: reason !== null,
    pauseReason: reason,
    lastRebalanceAt: journal.cycles.lastRebalanceAt(id),
    unknownLegs: journal.orders.hasUnknownLegs(id),
    restingLegs: restingOf(journal.orders.unfinishedIntents(id)),
  };
}
