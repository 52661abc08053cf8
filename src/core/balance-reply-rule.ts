/**
 * When an empty balance reply may be believed (issue #13, item 5). An exchange that answers "nothing held"
 * after it said otherwise, or while the journal says the portfolio holds a position, is far more likely
 * broken (maintenance page parsed as JSON, a proxy's stub, an account endpoint that lost its list) than
 * emptied: the cycle is refused rather than planning on a portfolio worth 0. Pure: no I/O, no clock.
 */
import type { Balances } from './ports.ts';

export interface EmptyBalancesInput {
  /** The validated balance reply (parseBalancesReply's result). */
  readonly reply: Balances;
  /** The previous accepted balance reply for this portfolio's account held something. */
  readonly previousNonEmpty: boolean;
  /** The journal records a non-zero position for this portfolio (any asset, the quote included). */
  readonly journalHoldsPosition: boolean;
}

export type EmptyBalancesVerdict =
  /** Use the reply. `empty` tells the caller to log that an empty first reply was accepted. */
  | { readonly kind: 'ok'; readonly empty: boolean }
  | {
      readonly kind: 'refused';
      readonly code: 'empty_after_non_empty' | 'empty_with_journal_position';
      readonly reason: string;
    };

/** True when no asset has a positive quantity (NaN and negatives never get here: the schema rejects them). */
export function isEmptyBalances(b: Balances): boolean {
  for (const q of Object.values(b)) if (q > 0) return false;
  return true;
}

/** True when any asset of a position (journal holdings, asset → quantity) is non-zero. */
export function holdsPosition(position: Readonly<Record<string, number>>): boolean {
  for (const q of Object.values(position)) if (q !== 0 && !Number.isNaN(q)) return true;
  return false;
}

export function checkEmptyBalances(input: EmptyBalancesInput): EmptyBalancesVerdict {
  if (!isEmptyBalances(input.reply)) return { kind: 'ok', empty: false };
  if (input.journalHoldsPosition)
    return {
      kind: 'refused',
      code: 'empty_with_journal_position',
      reason:
        'the venue reported no balances while the journal holds a position for this portfolio; refusing to treat the account as empty',
    };
  if (input.previousNonEmpty)
    return {
      kind: 'refused',
      code: 'empty_after_non_empty',
      reason:
        'the venue reported no balances after its previous reply held some; refusing to treat the account as empty',
    };
  return { kind: 'ok', empty: true };
}
