/**
 * The claim every order needs (issue #13). `claimWork` is synchronous: it takes the portfolio's execution
 * slot in the journal (and moves an approved plan pending → executing) in one SQLite transaction, so a
 * caller that claims before its first await cannot race another. `sendOrders` refuses to run without a
 * live claim for its portfolio, so no path can send around the gate.
 */

import type { ClaimSource, WorkClaimStore } from '../../store/claims.ts';
import type { Journal } from '../../store/index.ts';

const ISSUED = new WeakSet<Claim>();

export class Claim {
  private released = false;
  private constructor(
    private readonly store: WorkClaimStore,
    readonly portfolioId: string,
    readonly source: ClaimSource,
    readonly planId: string | null,
  ) {}

  /** Claims the slot, or throws ClaimLostError (nothing changed). */
  static take(
    journal: Journal,
    input: { portfolioId: string; source: ClaimSource; planId?: string; at: number },
  ): Claim {
    const store = journal.claims;
    store.claim(input);
    const c = new Claim(store, input.portfolioId, input.source, input.planId ?? null);
    ISSUED.add(c);
    return c;
  }

  /** True while this claim holds its portfolio's slot. */
  get live(): boolean {
    return !this.released && ISSUED.has(this) && this.store.find(this.portfolioId) !== undefined;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.store.release(this.portfolioId);
  }
}

/** Runs `work` under a claim, releasing it however `work` ends. The claim is taken before any await. */
export async function withClaim<T>(
  journal: Journal,
  input: { portfolioId: string; source: ClaimSource; planId?: string; at: number },
  work: (claim: Claim) => Promise<T>,
): Promise<T> {
  const claim = Claim.take(journal, input);
  try {
    return await work(claim);
  } finally {
    claim.release();
  }
}
