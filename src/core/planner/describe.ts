import type { Snapshot } from '../snapshot.ts';
import { type PlanBuffers, type PlanContext, type PlanMode, Scaled, Skip } from './context.ts';

export interface TradeLine {
  readonly asset: string;
  readonly side: 'buy' | 'sell';
  /** > 0, asset units; side gives the direction. */
  readonly quantity: number;
  /** quantity × price, in the quote. */
  readonly notional: number;
  readonly cost: number;
}

export interface SkippedLine {
  readonly asset: string;
  readonly reason: string;
}

/** The readable plan, built from PlanBuffers only when someone asks (CLI, service, API). */
export interface Plan {
  readonly mode: PlanMode;
  readonly trades: TradeLine[];
  readonly skipped: SkippedLine[];
  readonly before: Record<string, number>;
  readonly after: Record<string, number>;
  readonly cost: number;
  readonly value: number;
  readonly valueAfter: number;
  /** Portfolio-wide adjustments (scaling for maxTurnover or cash). */
  readonly notes: string[];
}

const num = (x: number) => +x.toPrecision(8);

function skipReason(ctx: PlanContext, snap: Snapshot, buf: PlanBuffers, i: number): string {
  const c = ctx.constraints;
  const a = ctx.u.assets[i]!;
  const want = buf.want[i]!;
  const side = want < 0 ? 'sell' : 'buy';
  const wantNotional = Math.abs(want) * snap.prices[i]!;
  const desc = `${side} of ${num(Math.abs(want))} ${a} (${num(wantNotional)} ${ctx.u.quote})`;
  switch (buf.skip[i]) {
    case Skip.lotStep:
      return `${desc} rounds to zero at lot step ${c.lotStep[i]}`;
    case Skip.minNotional:
      return `${desc} is below the minimum notional ${c.minNotional[i]} ${ctx.u.quote}`;
    case Skip.reserve:
      return `sell blocked: the holding ${num(snap.qty[i]!)} ${a} is all reserve (${c.reserve[i]})`;
    case Skip.cash:
      return `${desc} cut: not enough ${ctx.u.quote} left after sells, costs and the reserve`;
    default:
      return 'not traded';
  }
}

export function describePlan(ctx: PlanContext, snap: Snapshot, buf: PlanBuffers): Plan {
  const u = ctx.u;
  const q = u.quoteIndex;
  const sells: TradeLine[] = [];
  const buys: TradeLine[] = [];
  const skipped: SkippedLine[] = [];
  const before: Record<string, number> = {};
  const after: Record<string, number> = {};
  let vAfter = 0;
  for (let i = 0; i < u.n; i++) vAfter += (snap.qty[i]! + buf.dq[i]!) * snap.prices[i]!;
  for (let i = 0; i < u.n; i++) {
    const a = u.assets[i]!;
    before[a] = buf.value > 0 ? (snap.qty[i]! * snap.prices[i]!) / buf.value : 0;
    after[a] = vAfter > 0 ? ((snap.qty[i]! + buf.dq[i]!) * snap.prices[i]!) / vAfter : 0;
    if (i === q) continue;
    const dq = buf.dq[i]!;
    if (dq !== 0) {
      const line = {
        asset: a,
        side: dq < 0 ? 'sell' : 'buy',
        quantity: Math.abs(dq),
        notional: buf.notional[i]!,
        cost: buf.cost[i]!,
      } as const;
      (dq < 0 ? sells : buys).push(line);
    } else if (buf.skip[i] !== Skip.none) {
      skipped.push({ asset: a, reason: skipReason(ctx, snap, buf, i) });
    }
  }
  const byName = (x: { asset: string }, y: { asset: string }) => (x.asset < y.asset ? -1 : x.asset > y.asset ? 1 : 0);
  sells.sort(byName);
  buys.sort(byName);
  skipped.sort(byName);
  const notes: string[] = [];
  if (buf.scaleReason === Scaled.maxTurnover) {
    notes.push(
      `every trade scaled by ${num(buf.scale)} to keep turnover within maxTurnover ${ctx.constraints.maxTurnover}`,
    );
  } else if (buf.scaleReason === Scaled.cash) {
    notes.push(`every trade scaled by ${num(buf.scale)} so that buys and costs fit the available ${u.quote}`);
  }
  return {
    mode: buf.mode,
    trades: [...sells, ...buys],
    skipped,
    before,
    after,
    cost: buf.totalCost,
    value: buf.value,
    valueAfter: vAfter,
    notes,
  };
}
