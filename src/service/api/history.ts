/**
 * Time series for the dashboard (value vs HODL, drift per asset): seeded from the journal's cycles
 * (their detail holds the value and the plan's weights before trading) and extended by each cycle
 * event as it happens. Kept in memory, bounded per portfolio.
 */
import type { ServiceFacade } from '../facade.ts';
import type { CycleEvent } from '../runner/types.ts';

export interface HistoryPoint {
  readonly at: number;
  readonly cycle: number;
  readonly decision: string | null;
  readonly value: number | null;
  readonly hodlValue: number | null;
  /** wᵢ − tᵢ against the target active when the point was recorded. */
  readonly drift: Record<string, number> | null;
}

const MAX_POINTS = 5_000;

const numbers = (x: unknown): Record<string, number> | null => {
  if (x === null || typeof x !== 'object') return null;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(x)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return Object.keys(out).length > 0 ? out : null;
};

const driftOf = (w: Record<string, number> | null, t: Record<string, number>) =>
  w === null ? null : Object.fromEntries(Object.keys(t).map((a) => [a, (w[a] ?? 0) - (t[a] ?? 0)]));

export class HistoryStore {
  private readonly points = new Map<string, HistoryPoint[]>();

  constructor(private readonly facade: ServiceFacade) {}

  private async seed(id: string): Promise<HistoryPoint[]> {
    const known = this.points.get(id);
    if (known !== undefined) return known;
    const target = (await this.facade.portfolio(id)).target;
    const cycles = await this.facade.store.cycles.list(id, MAX_POINTS);
    const again = this.points.get(id); // seeded meanwhile by a concurrent caller
    if (again !== undefined) return again;
    const list: HistoryPoint[] = cycles
      .filter((c) => c.finishedAt !== null)
      .reverse()
      .map((c) => {
        const d = (c.detail ?? {}) as { value?: unknown; hodlValue?: unknown; plan?: { before?: unknown } | null };
        return {
          at: c.startedAt,
          cycle: c.cycle,
          decision: c.decision,
          value: typeof d.value === 'number' ? d.value : null,
          hodlValue: typeof d.hodlValue === 'number' ? d.hodlValue : null,
          drift: driftOf(numbers(d.plan?.before), target),
        };
      });
    this.points.set(id, list);
    return list;
  }

  async record(e: CycleEvent): Promise<void> {
    const list = await this.seed(e.portfolioId);
    if (list.at(-1)?.cycle === e.cycle) return; // seeded from the journal after the event was journaled
    const v = await this.facade.portfolio(e.portfolioId);
    list.push({
      at: e.at,
      cycle: e.cycle,
      decision: e.decision,
      value: e.value,
      hodlValue: v.hodlValue,
      drift: driftOf(e.weights, v.target),
    });
    if (list.length > MAX_POINTS) list.splice(0, list.length - MAX_POINTS);
  }

  get(id: string): Promise<HistoryPoint[]> {
    return this.seed(id);
  }
}
