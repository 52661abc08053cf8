import { slippageBps } from '../../core/guards.ts';
import type { Plan } from '../../core/planner/describe.ts';
import type { PriceQuote, Venue } from '../../core/ports.ts';
import { type Journal, sendIntent } from '../journal/index.ts';

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
}

/**
 * Sends a plan's trades, sells first (they fund the buys), each journal-first: commit the intent with its
 * deterministic client order id, then send (sendIntent marks it sent before the request leaves and never
 * sends twice). A trade whose expected fill is beyond maxSlippageBps of the validated price is not sent.
 */
export async function executePlan(args: {
  journal: Journal;
  venue: Venue;
  portfolioId: string;
  cycle: number;
  quote: string;
  plan: Plan;
  prices: ReadonlyMap<string, PriceQuote>;
  maxSlippageBps: number;
  now: () => number;
}): Promise<ExecutionResult> {
  const { journal, venue, plan } = args;
  const res: ExecutionResult = { sent: 0, filled: 0, failed: 0, skipped: [] };
  let leg = 0;
  for (const t of plan.trades) {
    const ref = args.prices.get(t.asset)!.price;
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
    const intent = journal.orders.commitIntent({
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
    res.sent++;
    const out = await sendIntent(journal.orders, venue, intent.clientOrderId, { now: args.now });
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
  return res;
}
