/**
 * A batch auction over many owners' orders (issue #25 item 1): one uniform clearing price per token, the
 * coincidence of wants matched inside the settlement, only each token's residual routed. The batch's
 * numeraire N is the token most orders trade (ties: the preferred one, else the smallest key); each other token X is cleared
 * against N alone (clear.ts), in order of how many orders trade it, so the caller's route callback may keep
 * a later token's residual off the pools an earlier one already uses (`commit`). Orders that do not trade
 * against N are left out of the batch. Also explains each fill: how much of it was matched internally and
 * how much routed, in X (the token that is not the numeraire). Pure: no I/O.
 */
import { clearToken, type Residual, type ResidualRoute, type TokenClearing } from './clear.ts';
import type { AuctionOrder, Execution, Token } from './execute.ts';

export interface AuctionInput<R> {
  readonly orders: readonly AuctionOrder[];
  /** Oracle price per token on one scale: p[t] / p[u] = u base units per t base unit. */
  readonly oraclePrices: ReadonlyMap<Token, bigint>;
  readonly maxDeviationBps: number;
  readonly route: ResidualRoute<R>;
  /** Breaks a tie for the numeraire (e.g. the portfolios' quote token), so fills are explained in the asset. */
  readonly preferredNumeraire?: Token;
  /** Called after each token is cleared with its residual (e.g. to reserve its pools). */
  readonly commit?: (r: Residual<R>) => void;
  readonly grid?: number;
  readonly refine?: number;
}

/** One executed order's explanation, in the traded token X (not the numeraire). */
export interface FillExplanation {
  readonly id: string;
  readonly token: Token;
  /** X this order sold or bought that met an opposite order inside the settlement. */
  readonly matched: bigint;
  /** X this order sold or bought that went through the pools (its share of the residual). */
  readonly routed: bigint;
}

export interface AuctionResult<R> {
  readonly numeraire: Token | null;
  /** Uniform clearing price per traded token (the numeraire's included). */
  readonly prices: ReadonlyMap<Token, bigint>;
  readonly executions: readonly Execution[];
  readonly unfilled: readonly { readonly id: string; readonly reason: string }[];
  readonly residuals: readonly Residual<R>[];
  readonly explanations: readonly FillExplanation[];
  readonly tokens: readonly TokenClearing<R>[];
  /** Total surplus over the limits, in numeraire base units at the oracle prices. */
  readonly surplus: bigint;
}

export function pickNumeraire(orders: readonly AuctionOrder[], preferred?: Token): Token | null {
  const count = new Map<Token, number>();
  for (const o of orders) for (const t of [o.sellToken, o.buyToken]) count.set(t, (count.get(t) ?? 0) + 1);
  let best: Token | null = null;
  for (const [t, c] of count)
    if (best === null || c > count.get(best)! || (c === count.get(best)! && t < best)) best = t;
  if (best !== null && preferred !== undefined && count.get(preferred) === count.get(best)) return preferred;
  return best;
}

/** Pro-rata split of `total` over `parts` (exact: the shares sum to total; the last takes the remainder). */
export function prorata(parts: readonly bigint[], total: bigint): bigint[] {
  const sum = parts.reduce((s, x) => s + x, 0n);
  if (sum === 0n) return parts.map(() => 0n);
  let left = total;
  return parts.map((x, k) => {
    const share = k === parts.length - 1 ? left : (x * total) / sum;
    left -= share;
    return share;
  });
}

function explain<R>(c: TokenClearing<R>, orders: ReadonlyMap<string, AuctionOrder>): FillExplanation[] {
  const excess = c.sold - c.bought;
  const sellers = c.executions.filter((e) => orders.get(e.id)!.sellToken === c.token);
  const buyers = c.executions.filter((e) => orders.get(e.id)!.buyToken === c.token);
  const routedSide = excess > 0n ? sellers : excess < 0n ? buyers : [];
  const amount = (e: Execution) => (orders.get(e.id)!.sellToken === c.token ? e.executedSell : e.executedBuy);
  const shares = prorata(routedSide.map(amount), excess > 0n ? excess : -excess);
  const routed = new Map(routedSide.map((e, k) => [e.id, shares[k]!]));
  return c.executions.map((e) => {
    const r = routed.get(e.id) ?? 0n;
    return { id: e.id, token: c.token, matched: amount(e) - r, routed: r };
  });
}

export function auction<R>(i: AuctionInput<R>): AuctionResult<R> {
  const n = pickNumeraire(i.orders, i.preferredNumeraire);
  const empty = { prices: new Map(), executions: [], residuals: [], explanations: [], tokens: [], surplus: 0n };
  if (n === null) return { numeraire: null, unfilled: [], ...empty };
  const pN = i.oraclePrices.get(n);
  const unfilled: { id: string; reason: string }[] = [];
  const byToken = new Map<Token, AuctionOrder[]>();
  for (const o of i.orders) {
    const x: Token | null = o.sellToken === n ? o.buyToken : o.buyToken === n ? o.sellToken : null;
    if (x === null || x === n) unfilled.push({ id: o.id, reason: `does not trade against the batch's numeraire ${n}` });
    else if (pN === undefined || !i.oraclePrices.has(x)) unfilled.push({ id: o.id, reason: 'no oracle price' });
    else byToken.set(x, [...(byToken.get(x) ?? []), o]);
  }
  if (pN === undefined) return { numeraire: n, unfilled, ...empty };
  const order = [...byToken.keys()].sort((a, b) => byToken.get(b)!.length - byToken.get(a)!.length || (a < b ? -1 : 1));
  const byId = new Map(i.orders.map((o) => [o.id, o]));
  const tokens: TokenClearing<R>[] = [];
  for (const x of order) {
    const c = clearToken({
      token: x,
      numeraire: n,
      orders: byToken.get(x)!,
      pNumeraire: pN,
      oraclePrice: i.oraclePrices.get(x)!,
      maxDeviationBps: i.maxDeviationBps,
      route: i.route,
      ...(i.grid === undefined ? {} : { grid: i.grid }),
      ...(i.refine === undefined ? {} : { refine: i.refine }),
    });
    tokens.push(c);
    unfilled.push(...c.unfilled);
    if (c.residual) i.commit?.(c.residual);
  }
  const traded = tokens.filter((c) => c.executions.length > 0);
  const prices = new Map<Token, bigint>(traded.length > 0 ? [[n, pN]] : []);
  for (const c of traded) prices.set(c.token, c.price);
  return {
    numeraire: n,
    prices,
    executions: traded.flatMap((c) => c.executions),
    unfilled,
    residuals: traded.flatMap((c) => (c.residual ? [c.residual] : [])),
    explanations: traded.flatMap((c) => explain(c, byId)),
    tokens,
    surplus: tokens.reduce((s, c) => s + c.surplus, 0n),
  };
}
