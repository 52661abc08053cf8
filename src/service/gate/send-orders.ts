import {
  type BatchCrashPoint,
  type BatchOutcome,
  type BatchTrade,
  isAtomicBatchVenue,
} from '../../core/atomic-batch.ts';
import { orderWithinLimits, type RiskPolicy } from '../../core/cycle-decision.ts';
import { BallastError, type Next } from '../../core/errors.ts';
import { slippageBps } from '../../core/guards.ts';
import type { Plan } from '../../core/planner/describe.ts';
import type { PriceQuote, Venue } from '../../core/ports.ts';
import { type CrashPoint, sendIntent } from '../../orders/index.ts';
import type { Store } from '../../store/ports.ts';
import type { ExecutionSettings } from '../../venues/execution-config.ts';
import { executeChildren, isTradingVenue, usesChildren } from './children.ts';
import type { Claim } from './claim.ts';

/** The journal's crash points plus the runner's own boundary right after an intent is committed (#6 trials). */
export type ServiceCrashPoint = 'after_intent_committed' | CrashPoint | BatchCrashPoint;
/** Crash-trial hook (tests only): called at each step boundary; a trial SIGKILLs the process there. */
export type ServiceCrashHook = (point: ServiceCrashPoint, clientOrderId: string) => void;

export interface ExecutionResult {
  sent: number;
  filled: number;
  failed: number;
  readonly skipped: {
    asset: string;
    side: 'buy' | 'sell';
    quantity: number;
    notional: number;
    code: string;
    reason: string;
  }[];
  /** The atomic batch's outcome (its transaction and what it did), when one was placed. */
  batch?: BatchOutcome;
}

/** The gate refused to send: no live claim for the portfolio. Nothing was sent. */
export class GateClosedError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name = 'GateClosedError';
}

/**
 * The one function that sends orders (issue #13). It needs a live Claim for the portfolio (see claim.ts),
 * re-checks each order against the decision's limits (dry-run, maxOrderNotional) right before its intent
 * is journaled, then sends its trades, sells first (they fund the buys), each journal-first: commit the
 * intent with its deterministic client order id, then send (sendIntent marks it sent before the request
 * leaves and never sends twice). A trade whose expected fill is beyond maxSlippageBps of the validated
 * price is not sent. On a venue that executes a cycle as one atomic transaction (src/venues/atomic-batch.ts:
 * the on-chain basket), the same rules run on each trade, then the trades that passed go out in ONE
 * `placeBatch` call, its outcome counted for each of them.
 */
export async function sendOrders(args: {
  claim: Claim;
  policy: RiskPolicy;
  journal: Store;
  venue: Venue;
  portfolioId: string;
  cycle: number;
  quote: string;
  plan: Plan;
  prices: ReadonlyMap<string, PriceQuote>;
  maxSlippageBps: number;
  now: () => number;
  crashHook?: ServiceCrashHook;
  /** The venue config's execution fields: limit orders and chunks run as child orders (children.ts). */
  execution?: ExecutionSettings;
}): Promise<ExecutionResult> {
  const { journal, venue, plan, claim } = args;
  if (claim.portfolioId !== args.portfolioId || !(await claim.isLive()))
    throw new GateClosedError(`portfolio ${args.portfolioId}: no live claim to send orders; nothing was sent`);
  const res: ExecutionResult = { sent: 0, filled: 0, failed: 0, skipped: [] };
  let leg = 0;
  const batch: (BatchTrade & Plan['trades'][number])[] = [];
  for (const t of plan.trades) {
    const limit = orderWithinLimits(t.notional, args.policy);
    if (limit !== null) {
      res.skipped.push({ ...t, code: 'risk', reason: limit });
      continue;
    }
    const ref = args.prices.get(t.asset)?.price;
    if (ref === undefined) {
      res.skipped.push({ ...t, code: 'price', reason: `no validated price for ${t.asset}` });
      continue;
    }
    const expected = t.notional / t.quantity;
    const slip = slippageBps(t.side, expected, ref);
    if (slip > args.maxSlippageBps) {
      res.skipped.push({
        ...t,
        code: 'slippage',
        reason: `expected fill ${expected} is ${slip.toFixed(1)} bps beyond the validated price ${ref} (max ${args.maxSlippageBps})`,
      });
      continue;
    }
    if (isAtomicBatchVenue(venue)) {
      batch.push({ ...t, referencePrice: ref });
      continue;
    }
    if (usesChildren(args.execution)) {
      if (!isTradingVenue(venue))
        throw new GateClosedError(`venue ${venue.name} cannot run child orders; nothing was sent`);
      res.sent++;
      const rep = await executeChildren({
        journal,
        venue,
        trade: {
          ...t,
          portfolioId: args.portfolioId,
          cycle: args.cycle,
          leg: leg++,
          quote: args.quote,
          referencePrice: ref,
        },
        settings: args.execution!,
        clock: { now: args.now },
        crashHook: args.crashHook,
      });
      if (rep.status === 'filled') res.filled++;
      else {
        // A partial fill (a limit timeout) is recorded with its reason; the next cycle re-plans the rest.
        if (rep.status !== 'partial') res.failed++;
        const code = rep.status === 'unknown' ? 'unknown' : rep.status === 'partial' ? 'partial' : 'rejected';
        res.skipped.push({ ...t, code, reason: rep.reason ?? rep.status });
        if (rep.status === 'unknown') break; // no new order while a leg is unknown
      }
      continue;
    }
    const intent = await journal.orders.commitIntent({
      portfolioId: args.portfolioId,
      cycle: args.cycle,
      leg: leg++,
      child: 0,
      venue: venue.name,
      asset: t.asset,
      quote: args.quote,
      side: t.side,
      quantity: t.quantity,
      orderType: 'market',
      referencePrice: ref,
      at: args.now(),
    });
    args.crashHook?.('after_intent_committed', intent.clientOrderId);
    res.sent++;
    const out = await sendIntent(journal.orders, venue, intent.clientOrderId, { now: args.now }, args.crashHook);
    if (out.state === 'filled') res.filled++;
    else if (out.state === 'rejected' || out.state === 'unknown') {
      res.failed++;
      res.skipped.push({
        ...t,
        code: out.state === 'rejected' ? 'rejected' : 'unknown',
        reason: out.reason ?? out.state,
      });
      if (out.state === 'unknown') break; // no new order while a leg is unknown
    }
  }
  if (batch.length > 0 && isAtomicBatchVenue(venue)) {
    const hook = args.crashHook;
    const out = await venue.placeBatch({
      portfolioId: args.portfolioId,
      cycle: args.cycle,
      quote: args.quote,
      trades: batch,
      ...(hook ? { hook: (p: BatchCrashPoint, id: string) => hook(p, id) } : {}),
    });
    res.batch = out;
    if (out.status !== 'refused') res.sent += batch.length;
    if (out.status === 'filled') res.filled += batch.length;
    else {
      res.failed += batch.length;
      const code = out.status === 'refused' ? out.code : out.status;
      for (const t of batch)
        res.skipped.push({
          asset: t.asset,
          side: t.side,
          quantity: t.quantity,
          notional: t.notional,
          code,
          reason: out.reason,
        });
    }
  }
  return res;
}
