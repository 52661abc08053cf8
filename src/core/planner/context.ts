import type { ConstraintsConfig, PortfolioConfig } from '../config/schema.ts';
import { type CostModel, makeCostModel } from '../costs.ts';
import type { Universe } from '../universe.ts';

/** Per-entry trading constraints, in universe order (0 = none). */
export interface Constraints {
  readonly lotStep: Float64Array;
  readonly minNotional: Float64Array;
  readonly reserve: Float64Array;
  /** Largest Σ|notional| as a fraction of value (Infinity = none). */
  readonly maxTurnover: number;
  /** No reserve, lot step, minimum or turnover cap at all: the planner may take its fast path. */
  readonly none: boolean;
}

export type PlanMode = 'full' | 'edge' | 'auto';

/** Everything the planner needs that does not change from bar to bar. */
export interface PlanContext {
  readonly u: Universe;
  readonly costs: CostModel;
  readonly constraints: Constraints;
  /** Risk aversion γ and horizon H (bars) of the benefit ½·γ·H·(w−t)ᵀΣ(w−t)·V used by `auto` and `costaware`. */
  readonly riskAversion: number;
  readonly horizon: number;
  /** Per-bar volatility per entry for the diagonal risk model used when no covariance is passed in. */
  readonly sigma: Float64Array;
}

/**
 * Per-bar volatility assumed for an asset whose `costs.assets.<A>.sigma` is not set, when no covariance
 * estimate is available (3% a day: a typical large crypto asset). Only `auto` planning uses it.
 */
export const DEFAULT_SIGMA = 0.03;

export function makeConstraints(u: Universe, c: ConstraintsConfig): Constraints {
  const lotStep = new Float64Array(u.n);
  const minNotional = new Float64Array(u.n);
  const reserve = new Float64Array(u.n);
  for (let i = 0; i < u.n; i++) {
    const a = c.assets[u.assets[i]!];
    if (!a) continue;
    lotStep[i] = a.lotStep ?? 0;
    minNotional[i] = a.minNotional ?? 0;
    reserve[i] = a.reserve ?? 0;
  }
  const maxTurnover = c.maxTurnover ?? Number.POSITIVE_INFINITY;
  const none =
    maxTurnover === Number.POSITIVE_INFINITY && [lotStep, minNotional, reserve].every((a) => a.every((x) => x === 0));
  return { lotStep, minNotional, reserve, maxTurnover, none };
}

export function makePlanContext(
  u: Universe,
  p: Pick<PortfolioConfig, 'costs' | 'constraints' | 'trigger'>,
  costs: CostModel = makeCostModel(u, p.costs),
): PlanContext {
  const t = p.trigger;
  const sigma = new Float64Array(u.n);
  for (let i = 0; i < u.n; i++) {
    if (i !== u.quoteIndex) sigma[i] = p.costs.assets[u.assets[i]!]?.sigma ?? DEFAULT_SIGMA;
  }
  return {
    sigma,
    u,
    costs,
    constraints: makeConstraints(u, p.constraints),
    riskAversion: t?.type === 'costaware' ? t.riskAversion : 1,
    horizon: t?.type === 'costaware' ? t.horizon : 30,
  };
}

/** Why an entry's trade was not made (0 = traded or nothing to do). */
export const Skip = {
  none: 0,
  lotStep: 1,
  minNotional: 2,
  reserve: 3,
  cash: 4,
} as const;

/** Why every trade was scaled by one factor. */
export const Scaled = { none: 0, maxTurnover: 1, cash: 2 } as const;

/**
 * Caller-owned output and scratch space, so a backtest plans every bar without allocating.
 * After a plan: dq = signed quantity change per entry (the quote's entry is the net cash change,
 * costs included), notional = |dq|·p for non-quote entries, cost per entry, skip codes.
 */
export class PlanBuffers {
  readonly dq: Float64Array;
  readonly notional: Float64Array;
  readonly cost: Float64Array;
  readonly skip: Int8Array;
  /** Desired signed quantity before lot rounding and minimums (for skip reasons). */
  readonly want: Float64Array;
  /** Scratch. */
  readonly h: Float64Array;
  readonly d: Float64Array;
  readonly bp: Float64Array;
  readonly alt: Float64Array;
  readonly w0: Float64Array;
  totalCost = 0;
  value = 0;
  valueAfter = 0;
  /** V′ of a full plan and the start of the Newton step that gave it, for the fused pass (planFullFast). */
  vp = 0;
  vpFrom = 0;
  scale = 1;
  scaleReason: number = Scaled.none;
  mode: PlanMode = 'full';

  constructor(readonly n: number) {
    this.dq = new Float64Array(n);
    this.notional = new Float64Array(n);
    this.cost = new Float64Array(n);
    this.skip = new Int8Array(n);
    this.want = new Float64Array(n);
    this.h = new Float64Array(n);
    this.d = new Float64Array(n);
    this.bp = new Float64Array(n);
    this.alt = new Float64Array(n);
    this.w0 = new Float64Array(n);
  }
}
