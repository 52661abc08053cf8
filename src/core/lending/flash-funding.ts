/**
 * Funding a locked leg by cost (issue #23 item 2), pure: each lender's fee computed exactly as its contract does,
 * the cheapest lender that can lend the amount chosen, and the fee as a cost component the cost model adds.
 */
import type { VenueCostComponent } from '../costs.ts';

export type Lender = 'balancer' | 'aave' | 'uniswap-v3';

export interface FundingQuote {
  readonly lender: Lender;
  /** balancer: the ProtocolFeesCollector's flash fee (1e18 = 100%); aave: FLASHLOAN_PREMIUM_TOTAL (bps);
   *  uniswap-v3: the pool's fee (pips, 1e6 = 100%). */
  readonly feeRate: bigint;
  /** The most it can lend of the token now. */
  readonly available: bigint;
  /** uniswap-v3: the lending pool's address (it must not be a pool of the route). */
  readonly pool?: string;
}

/** Balancer Vault: amount.mulUp(fee) (FixedPoint, 1e18). */
export function balancerFlashFee(amount: bigint, feeRate: bigint): bigint {
  const p = amount * feeRate;
  return p === 0n ? 0n : (p - 1n) / 10n ** 18n + 1n;
}

/** Aave v3 flashLoanSimple: amount.percentMul(premium) (half up, 1e4). */
export function aaveFlashPremium(amount: bigint, premiumBps: bigint): bigint {
  return (amount * premiumBps + 5_000n) / 10_000n;
}

/** Uniswap v3 flash: FullMath.mulDivRoundingUp(amount, fee, 1e6). */
export function v3FlashFee(amount: bigint, feePips: bigint): bigint {
  const p = amount * feePips;
  return p / 1_000_000n + (p % 1_000_000n === 0n ? 0n : 1n);
}

export function flashFee(q: FundingQuote, amount: bigint): bigint {
  if (q.lender === 'balancer') return balancerFlashFee(amount, q.feeRate);
  if (q.lender === 'aave') return aaveFlashPremium(amount, q.feeRate);
  return v3FlashFee(amount, q.feeRate);
}

export interface Funding {
  readonly lender: Lender;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly pool?: string;
}

const ORDER: readonly Lender[] = ['balancer', 'aave', 'uniswap-v3'];

/**
 * The cheapest lender able to lend `amount`, never a v3 pool the route itself uses (`routePools`, lower-case
 * addresses); ties go to Balancer, then Aave. A zero amount takes no loan (null); null too when nobody can lend it.
 */
export function chooseFunding(
  amount: bigint,
  quotes: readonly FundingQuote[],
  routePools: readonly string[] = [],
): Funding | null {
  if (amount <= 0n) return null;
  const used = new Set(routePools.map((p) => p.toLowerCase()));
  let best: Funding | null = null;
  for (const q of [...quotes].sort((a, b) => ORDER.indexOf(a.lender) - ORDER.indexOf(b.lender))) {
    if (q.available < amount) continue;
    if (q.lender === 'uniswap-v3' && (q.pool === undefined || used.has(q.pool.toLowerCase()))) continue;
    const fee = flashFee(q, amount);
    if (best === null || fee < best.fee) {
      best = { lender: q.lender, amount, fee, ...(q.lender === 'uniswap-v3' ? { pool: q.pool } : {}) };
    }
  }
  return best;
}

/**
 * The loan's fee as a cost component on entry `i` (the leg the loan funds), in the quote: `feeQuote` once per
 * order on it, on top of `inner` (the venue's own component, if any). withVenueCosts(model, this) makes every
 * caller of orderCost (planner, triggers) see it.
 */
export function flashFeeCost(i: number, feeQuote: number, inner: VenueCostComponent | null): VenueCostComponent {
  return {
    name: inner === null ? 'flash-loan' : `${inner.name}+flash-loan`,
    cost: (j, notional, side) => (inner === null ? 0 : inner.cost(j, notional, side)) + (j === i ? feeQuote : 0),
  };
}

/** One token of a loan of several, priced to compare the lenders' fees across tokens. */
export interface LoanNeed {
  readonly token: string;
  readonly amount: bigint;
  /** Quote per base unit of the token. */
  readonly pricePerUnit: number;
}

export interface MultiFunding {
  readonly lender: Lender;
  /** Every token lent, its amount and its fee (the loan's order). */
  readonly loans: readonly { readonly token: string; readonly amount: bigint; readonly fee: bigint }[];
  /** The fees' sum in the quote. */
  readonly feeValue: number;
  readonly pool?: string;
}

/**
 * The cheapest lender able to lend EVERY token of `needs` in one loan (fees summed in the quote): the Balancer
 * Vault and the Aave Pool lend several tokens at once; a Uniswap v3 pool only when one token is needed (the
 * BallastLeverage takes one token from a v3 pool) and the pool is not in the route. `quotes` per token (lower-case
 * address). Null when nothing is needed or nobody can lend it all.
 */
export function chooseMultiFunding(
  needs: readonly LoanNeed[],
  quotes: ReadonlyMap<string, readonly FundingQuote[]>,
  routePools: readonly string[] = [],
): MultiFunding | null {
  const want = needs.filter((n) => n.amount > 0n);
  if (want.length === 0) return null;
  if (want.length === 1) {
    const n = want[0] as LoanNeed;
    const f = chooseFunding(n.amount, quotes.get(n.token.toLowerCase()) ?? [], routePools);
    if (f === null) return null;
    return {
      lender: f.lender,
      loans: [{ token: n.token, amount: n.amount, fee: f.fee }],
      feeValue: Number(f.fee) * n.pricePerUnit,
      ...(f.pool !== undefined ? { pool: f.pool } : {}),
    };
  }
  let best: MultiFunding | null = null;
  for (const lender of ['balancer', 'aave'] as const) {
    const loans = [];
    let feeValue = 0;
    for (const n of want) {
      const q = (quotes.get(n.token.toLowerCase()) ?? []).find((x) => x.lender === lender);
      if (q === undefined || q.available < n.amount) break;
      const fee = flashFee(q, n.amount);
      loans.push({ token: n.token, amount: n.amount, fee });
      feeValue += Number(fee) * n.pricePerUnit;
    }
    if (loans.length === want.length && (best === null || feeValue < best.feeValue)) best = { lender, loans, feeValue };
  }
  return best;
}
