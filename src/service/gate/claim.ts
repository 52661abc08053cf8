/**
 * The claim every order needs (issue #13). `claimWork` is synchronous: it takes the portfolio's execution
 * slot in the journal (and moves an approved plan pending → executing) in one SQLite transaction, so a
 * caller that claims before its first await cannot race another. `sendOrders` refuses to run without a
 * live claim for its portfolio, so no path can send around the gate.
 */

import type { ClaimSource } from '../../store/claims.ts';
import type { ClaimPort, Store } from '../../store/ports.ts';

const ISSUED = new WeakSet<Claim>();

export class Claim {
  private released = false;
  private constructor(
    private readonly store: ClaimPort,
    readonly portfolioId: string,
    readonly source: ClaimSource,
    readonly planId: string | null,
  ) {}

  /** Claims the slot, or throws ClaimLostError (nothing changed). */
  static async take(
    journal: Store,
    input: { portfolioId: string; source: ClaimSource; planId?: string; at: number },
  ): Promise<Claim> {
    const store = journal.claims;
    await store.claim(input);
    const c = new Claim(store, input.portfolioId, input.source, input.planId ?? null);
    ISSUED.add(c);
    return c;
  }

  /** True while this claim holds its portfolio's slot. */
  async isLive(): Promise<boolean> {
    return !this.released && ISSUED.has(this) && (await this.store.find(this.portfolioId)) !== undefined;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.store.release(this.portfolioId);
  }
}

/** Runs `work` under a claim, releasing it however `work` ends. The claim is taken before any await. */
export async function withClaim<T>(
  journal: Store,
  input: { portfolioId: string; source: ClaimSource; planId?: string; at: number },
  work: (claim: Claim) => Promise<T>,
): Promise<T> {
  const claim = await Claim.take(journal, input);
  try {
    return await work(claim);
  } finally {
    await claim.release();
  }
}
