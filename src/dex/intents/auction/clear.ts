/**
 * One token's uniform clearing price in a batch auction (issue #25 item 1). Every order of the batch trades
 * the token X against the numeraire N (the batch's hub, e.g. USDC), so with N's price fixed each X has its own
 * price p, independent of the others. At a candidate p, the orders whose limit holds execute (execute.ts);
 * the X they sell and the X they buy cancel out inside the settlement (the coincidence of wants: no pool,
 * no fee, no price impact), and only the net flow E = X sold − X bought is routed: E > 0 sells E X for N,
 * E < 0 buys −E X with N. p is feasible when the settlement then receives at least what it pays, per token
 * (fees excluded: they stay the solver's). Method: p ranges over the oracle price ± maxDeviationBps; a grid
 * of candidates, then bisection from the best feasible one toward each neighbour, maximizing the orders'
 * total surplus over their limits (valued at the oracle). With the set of executing orders fixed, that
 * surplus is E · p + const, so the optimum sits where the residual's route just pays for the batch: the
 * matched volume trades at that uniform price and the pools only see E. Pure: the route is a callback.
 */
import { type AuctionOrder, type Execution, executeAt, surplusOf, type Token } from './execute.ts';

export interface Residual<R> {
  readonly sellToken: Token;
  readonly buyToken: Token;
  /** What the route takes from the settlement (≤ the amount asked). */
  readonly spent: bigint;
  /** What the route pays the settlement. */
  readonly received: bigint;
  readonly route: R;
}

/** Route `amount` of `sell` to `buy` (exact amounts), or null when there is no route. */
export type ResidualRoute<R> = (
  sell: Token,
  buy: Token,
  amount: bigint,
) => Omit<Residual<R>, 'sellToken' | 'buyToken'> | null;

export interface TokenClearingInput<R> {
  readonly token: Token;
  readonly numeraire: Token;
  /** Orders between `token` and `numeraire`, in either direction. */
  readonly orders: readonly AuctionOrder[];
  /** N's price (the scale of every price of the batch). */
  readonly pNumeraire: bigint;
  /** X's price at which p / pNumeraire is the oracle ratio (N base units per X base unit). */
  readonly oraclePrice: bigint;
  readonly maxDeviationBps: number;
  readonly route: ResidualRoute<R>;
  /** Grid candidates (default 17) and bisection steps per side (default 24). */
  readonly grid?: number;
  readonly refine?: number;
}

export interface TokenClearing<R> {
  readonly token: Token;
  readonly price: bigint;
  readonly executions: readonly Execution[];
  /** Orders that do not execute, with the reason. */
  readonly unfilled: readonly { readonly id: string; readonly reason: string }[];
  /** X sold and bought by the executing orders (fees excluded). */
  readonly sold: bigint;
  readonly bought: bigint;
  readonly residual: Residual<R> | null;
  /** Total surplus over the limits, in N base units at the oracle price. */
  readonly surplus: bigint;
}

interface Candidate<R> {
  readonly price: bigint;
  readonly feasible: boolean;
  readonly executions: Execution[];
  readonly sold: bigint;
  readonly bought: bigint;
  readonly residual: Residual<R> | null;
  readonly surplus: bigint;
}

/** Evaluates one candidate price p for X (see the file's comment). */
export function evaluate<R>(i: TokenClearingInput<R>, p: bigint, minimalSpend = false): Candidate<R> {
  const x = i.token;
  const n = i.numeraire;
  const priceOf = (t: Token) => (t === x ? p : i.pNumeraire);
  const executions: Execution[] = [];
  let sold = 0n;
  let bought = 0n;
  let nIn = 0n;
  let nOut = 0n;
  let surplus = 0n;
  for (const o of i.orders) {
    const e = executeAt(o, priceOf(o.sellToken), priceOf(o.buyToken));
    if (e === null) continue;
    executions.push(e);
    if (o.sellToken === x) {
      sold += e.executedSell;
      nOut += e.executedBuy;
    } else {
      bought += e.executedBuy;
      nIn += e.executedSell;
    }
    const s = surplusOf(o, e);
    surplus += s.token === n ? s.amount : (s.amount * i.oraclePrice) / i.pNumeraire;
  }
  const base = { price: p, executions, sold, bought, surplus };
  const e = sold - bought;
  if (e === 0n) return { ...base, feasible: nIn >= nOut, residual: null };
  if (e > 0n) {
    const r = i.route(x, n, e);
    const ok = r !== null && r.spent <= e && nIn + r.received >= nOut;
    return { ...base, feasible: ok, residual: r === null ? null : { sellToken: x, buyToken: n, ...r } };
  }
  const need = -e;
  const cap = nIn - nOut;
  if (cap <= 0n) return { ...base, feasible: false, residual: null };
  const buys = (c: bigint) => {
    const r = i.route(n, x, c);
    return r !== null && r.spent <= c && r.received >= need ? r : null;
  };
  let best = buys(cap);
  if (best === null) return { ...base, feasible: false, residual: null };
  if (minimalSpend) {
    // the least N that buys the deficit: what is not spent stays in the settlement
    let lo = 0n;
    let hi = cap;
    for (let k = 0; k < 48 && hi - lo > 1n; k++) {
      const mid = (lo + hi) / 2n;
      const m = buys(mid);
      if (m) {
        hi = mid;
        best = m;
      } else lo = mid;
    }
  }
  return { ...base, feasible: true, residual: { sellToken: n, buyToken: x, ...best } };
}

const better = <R>(a: Candidate<R>, b: Candidate<R> | null): boolean =>
  a.feasible &&
  (b === null || a.surplus > b.surplus || (a.surplus === b.surplus && a.executions.length > b.executions.length));

/** The deviation band: |p − oracle| ≤ oracle · maxDeviationBps / 10,000. */
export function band(oraclePrice: bigint, maxDeviationBps: number): { lo: bigint; hi: bigint } {
  const d = (oraclePrice * BigInt(maxDeviationBps)) / 10_000n;
  return { lo: oraclePrice - d > 0n ? oraclePrice - d : 1n, hi: oraclePrice + d };
}

export function clearToken<R>(i: TokenClearingInput<R>): TokenClearing<R> {
  const { lo, hi } = band(i.oraclePrice, i.maxDeviationBps);
  const g = Math.max(2, i.grid ?? 17);
  const points: bigint[] = [];
  for (let k = 0; k < g; k++) points.push(lo + ((hi - lo) * BigInt(k)) / BigInt(g - 1));
  if (!points.includes(i.oraclePrice)) points.push(i.oraclePrice);
  points.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const evals = points.map((p) => evaluate(i, p));
  let best: Candidate<R> | null = null;
  let at = -1;
  evals.forEach((c, k) => {
    if (better(c, best)) {
      best = c;
      at = k;
    }
  });
  if (best === null) {
    const reason = `no uniform price within ${i.maxDeviationBps} bps of the oracle clears this batch (the residual's route cannot pay for it)`;
    return {
      token: i.token,
      price: i.oraclePrice,
      executions: [],
      unfilled: i.orders.map((o) => ({ id: o.id, reason })),
      sold: 0n,
      bought: 0n,
      residual: null,
      surplus: 0n,
    };
  }
  const steps = i.refine ?? 24;
  for (const side of [at - 1, at + 1]) {
    const far = evals[side];
    if (far === undefined) continue;
    let a: Candidate<R> = best;
    let b = far.price;
    for (let k = 0; k < steps && (b - a.price > 1n || a.price - b > 1n); k++) {
      const m = evaluate(i, (a.price + b) / 2n);
      if (m.feasible && m.surplus >= a.surplus) a = m;
      else b = m.price;
    }
    if (better(a, best)) best = a;
  }
  const chosen: Candidate<R> = evaluate(i, (best as Candidate<R>).price, true);
  const executed = new Set(chosen.executions.map((e) => e.id));
  return {
    token: i.token,
    price: chosen.price,
    executions: chosen.executions,
    unfilled: i.orders
      .filter((o) => !executed.has(o.id))
      .map((o) => ({ id: o.id, reason: 'its limit does not hold at the uniform clearing price' })),
    sold: chosen.sold,
    bought: chosen.bought,
    residual: chosen.residual,
    surplus: chosen.surplus,
  };
}
