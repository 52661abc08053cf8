/**
 * Executes a trade along a market-graph route (ADA→BTC→USDT when ADA/USDT is missing). Selling walks the
 * legs forward, each leg selling what the previous one delivered net of fees; buying walks them backwards,
 * buying the intermediate with a fee-and-slippage buffer and then capping the last leg at the wanted
 * quantity. Child numbers continue across legs so every child keeps a distinct client order id.
 */
import type { Fill, Side } from '../../core/ports.ts';
import { type ExecutionOptions, type ExecutionReport, execute } from './execution.ts';
import type { TradingVenue } from './execution-types.ts';
import type { Leg, Route } from './market-graph.ts';

export interface RouteRequest {
  readonly side: Side;
  /** Units of the route's asset to buy or sell. */
  readonly quantity: number;
}

export interface RouteReport {
  readonly status: ExecutionReport['status'];
  /** Asset units bought or sold along the route. */
  readonly assetQuantity: number;
  /** Quote units received (sell) or spent (buy) at the route's end, net of fees charged in the quote. */
  readonly quoteAmount: number;
  readonly legs: readonly ExecutionReport[];
  readonly reason?: string;
  readonly unknownClientOrderId?: string;
}

/** Extra intermediate bought on a routed buy, over the fees, to absorb price moves between legs (bps). */
const BUY_BUFFER_BPS = 30;

function split(symbol: string): { base: string; quote: string } {
  const [base, quote] = symbol.split('/');
  return { base, quote };
}

/** What a leg's fills delivered in `asset`, net of fees charged in it. */
function received(fills: readonly Fill[], side: Side, asset: string): number {
  const gross = fills.reduce((a, f) => a + (side === 'buy' ? f.quantity : f.quantity * f.price), 0);
  return gross - fills.reduce((a, f) => a + (f.feeAsset === asset ? f.fee : 0), 0);
}

/** What a leg's fills cost in `asset` (the side given up), including fees charged in it. */
function spent(fills: readonly Fill[], side: Side, asset: string): number {
  const gross = fills.reduce((a, f) => a + (side === 'sell' ? f.quantity : f.quantity * f.price), 0);
  return gross + fills.reduce((a, f) => a + (f.feeAsset === asset ? f.fee : 0), 0);
}

interface Step {
  readonly symbol: string;
  readonly side: Side;
  /** The currency this step delivers. */
  readonly to: string;
  readonly from: string;
  readonly feeBps: number;
}

/** Legs as trading steps in the order they execute for this side. */
function steps(route: Route, side: Side): Step[] {
  if (side === 'sell')
    return route.legs.map((l: Leg) => ({ symbol: l.symbol, side: l.side, from: l.from, to: l.to, feeBps: l.feeBps }));
  return [...route.legs].reverse().map((l) => ({
    symbol: l.symbol,
    side: l.side === 'sell' ? 'buy' : 'sell',
    from: l.to,
    to: l.from,
    feeBps: l.feeBps,
  }));
}

export async function executeRoute(
  venue: TradingVenue,
  route: Route,
  req: RouteRequest,
  opts: ExecutionOptions,
): Promise<RouteReport> {
  const plan = steps(route, req.side);
  const reports: ExecutionReport[] = [];
  let child = opts.firstChild ?? 0;
  // Amount of the current step's `from` currency available to this step (sell: the asset quantity).
  let available = req.quantity;
  if (req.side === 'buy') {
    // Quote needed ≈ quantity × the route's ask price, plus fees and a buffer.
    const prices = await Promise.all(plan.map((s) => venue.touch(split(s.symbol).base, split(s.symbol).quote)));
    let need = req.quantity;
    for (let i = plan.length - 1; i >= 0; i--) {
      const s = plan[i];
      const ask = prices[i].ask;
      const bid = prices[i].bid;
      need = (s.side === 'buy' ? need * ask : need / bid) * (1 + (s.feeBps + BUY_BUFFER_BPS) / 10_000);
    }
    available = need;
  }
  for (let i = 0; i < plan.length; i++) {
    const s = plan[i];
    const { base, quote } = split(s.symbol);
    const t = await venue.touch(base, quote);
    const last = i === plan.length - 1;
    // Base quantity of this step's market: selling base spends `available` directly; buying base spends quote.
    let qty = s.side === 'sell' ? available : available / t.ask / (1 + s.feeBps / 10_000);
    if (last && req.side === 'buy') qty = Math.min(qty, req.quantity);
    const r = await execute(
      venue,
      { asset: base, quote, side: s.side, quantity: qty, referencePrice: s.side === 'buy' ? t.ask : t.bid },
      { ...opts, firstChild: child },
    );
    reports.push(r);
    child = r.nextChild;
    available = received(r.fills, s.side, s.to);
    if (r.status === 'unknown' || r.status === 'none') break;
  }
  const first = reports[0];
  const lastReport = reports[reports.length - 1];
  const complete = reports.length === plan.length;
  const status: RouteReport['status'] = reports.some((r) => r.status === 'unknown')
    ? 'unknown'
    : complete && lastReport.status === 'filled'
      ? 'filled'
      : reports.some((r) => r.filledQuantity > 0)
        ? 'partial'
        : 'none';
  const unknown = reports.find((r) => r.unknownClientOrderId !== undefined);
  const assetQuantity =
    req.side === 'sell'
      ? spent(first.fills, plan[0].side, route.asset)
      : complete
        ? received(lastReport.fills, plan[plan.length - 1].side, route.asset)
        : 0;
  const quoteAmount =
    req.side === 'sell'
      ? complete
        ? received(lastReport.fills, plan[plan.length - 1].side, route.quote)
        : 0
      : spent(first.fills, plan[0].side, route.quote);
  const reason = reports.find((r) => r.reason !== undefined)?.reason;
  return {
    status,
    assetQuantity,
    quoteAmount,
    legs: reports,
    ...(reason === undefined
      ? {}
      : {
          reason:
            status === 'partial' && !complete
              ? `route stopped after leg ${reports.length}: ${reason}; the intermediate stays held`
              : reason,
        }),
    ...(unknown?.unknownClientOrderId === undefined ? {} : { unknownClientOrderId: unknown.unknownClientOrderId }),
  };
}
