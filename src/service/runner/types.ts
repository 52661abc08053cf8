import type { Plan } from '../../core/planner/describe.ts';

/** What the runner reports to observers (metrics, alerts, dashboard live updates, logs). */
export interface CycleEvent {
  readonly portfolioId: string;
  readonly cycle: number;
  readonly at: number;
  readonly decision: string;
  readonly reason: string;
  readonly value: number | null;
  readonly weights: Record<string, number> | null;
  readonly plan: Plan | null;
  readonly durationMs: number;
  readonly ordersSent: number;
  readonly ordersFilled: number;
  readonly ordersFailed: number;
  readonly priceAgeSeconds: number | null;
}

export interface AlertEvent {
  readonly portfolioId: string;
  readonly level: 'info' | 'warning' | 'critical';
  readonly kind: 'rebalance' | 'skip' | 'guard' | 'failure' | 'approval' | 'kill_switch';
  readonly message: string;
  readonly at: number;
  /** false when the journal could not record it (a disk write failure): deliver it directly. */
  readonly journaled?: false;
}

export interface RunnerObserver {
  onCycle?(e: CycleEvent): void;
  onAlert?(e: AlertEvent): void;
}
