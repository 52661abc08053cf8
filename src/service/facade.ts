import type { BasketView } from '../chain/basket/view.ts';
import type { LendingCycleView } from '../core/lending/position-venue.ts';
import type { Plan } from '../core/planner/describe.ts';
import type { CashFlow, StoredPlan, TargetVersion } from '../store/index.ts';
import type { Store } from '../store/ports.ts';
import type { AlertEvent, CycleEvent } from './runner/types.ts';
import type { SolverStatus } from './solver-loop.ts';

/** One portfolio as the API and dashboard show it. */
export interface PortfolioView {
  readonly id: string;
  readonly quote: string;
  readonly venue: string;
  readonly mode: 'dry-run' | 'live';
  readonly paused: boolean;
  readonly pauseReason: string | null;
  /** Value in the quote at the last cycle's validated prices (null before the first cycle). */
  readonly value: number | null;
  readonly weights: Record<string, number>;
  readonly target: Record<string, number>;
  /** wᵢ − tᵢ per asset. */
  readonly drift: Record<string, number>;
  /** Band half-width per asset the trigger uses now (for drawing), when it has bands. */
  readonly bands: Record<string, number> | null;
  /** Where the active target comes from: the file, or a version stored through the API (the database wins). */
  readonly targetSource: {
    readonly active: 'file' | 'database';
    readonly file: Record<string, number>;
    readonly database: TargetVersion | null;
  };
  readonly lastCycleAt: number | null;
  /** Time-weighted return since the first cycle, and the HODL baseline's with the same cash flows. */
  readonly twr: number | null;
  readonly hodlValue: number | null;
  readonly guardsOff: string[];
  readonly consecutiveFailures: number;
}

export interface ServiceStatus {
  readonly startedAt: number;
  readonly now: number;
  readonly version: string;
  readonly journal: string;
  readonly portfolios: {
    id: string;
    mode: string;
    paused: boolean;
    lastCycleAt: number | null;
    lastDecision: string | null;
  }[];
  /** Solver mode's counts, when the service file has `solver:`. */
  readonly solver?: SolverStatus;
}

/** A plan offered for review: execute exactly it (same hash) before it expires, or nothing. */
export interface ReviewPlan {
  readonly id: string;
  readonly hash: string;
  readonly expiresAt: number;
  readonly plan: Plan;
  readonly prices: Record<string, number>;
}

/** What the HTTP API and the dashboard need from the running service. */
export interface ServiceFacade {
  /** The storage layer (async ports): every read and write of the API goes through it. */
  readonly store: Store;
  status(): Promise<ServiceStatus>;
  portfolioIds(): string[];
  portfolio(id: string): Promise<PortfolioView>;
  pause(id: string, reason: string): Promise<void>;
  resume(id: string): Promise<void>;
  setTarget(id: string, target: Record<string, number>): Promise<TargetVersion>;
  cashFlow(
    id: string,
    kind: 'deposit' | 'withdrawal',
    asset: string,
    quantity: number,
    externalId?: string,
  ): Promise<CashFlow>;
  createPlan(id: string): Promise<ReviewPlan>;
  /** Through the one gate: see executeReviewPlan. `conflict` = another call holds the plan or portfolio. */
  executePlan(planId: string): Promise<{ executed: boolean; reason: string; plan: StoredPlan; conflict?: boolean }>;
  /** Runs one cycle now (tests, the dashboard's "run now"). */
  runCycle(id: string): Promise<CycleEvent>;
  onCycle(listener: (e: CycleEvent) => void): () => void;
  onAlert(listener: (e: AlertEvent) => void): () => void;
  /** A basket portfolio's on-chain view (src/venues/basket/view.ts); null for any other venue. */
  basket?(id: string): Promise<BasketView | null>;
  /** A lending position's last reading (LTV, health factor, the loan its rebalance would take); null for others. */
  lending?(id: string): Promise<LendingCycleView | null>;
  /** Solver mode's counts (null or absent: no solver in this service). */
  solverStatus?(): SolverStatus | null;
}
