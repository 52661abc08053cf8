/**
 * `ballast lever rebalance` for a position with several collateral and several debt assets (issue #23 item 1):
 * the owner's position read from the Aave Pool, oracle-validated prices, the general plan (planMulti: the target
 * LTV and each role's shares, landed on after costs), the withdrawals and borrows routed JOINTLY by the router
 * into the supplied and repaid tokens (minOut = simulated output less maxSlippageBps on every final leg, each swap
 * checked against the oracles), and:
 *
 * - when Aave lets the withdrawals and borrows run first (planMulti's `needsLoan` false): no loan; `pre` withdraws
 *   and borrows, the swaps run, `post` supplies and repays the contract's whole balance of each sink token;
 * - else ONE flash loan of every supplied and repaid token from the cheapest lender able to lend them all
 *   (chooseMultiFunding: Balancer's Vault or Aave's multi-asset flashLoan; a Uniswap v3 pool for a single token):
 *   `pre` repays and supplies from the loan first, then withdraws and borrows; the swaps' outputs repay it.
 *
 * The swaps' cost starts at maxSlippageBps and is corrected from the route's own minimum outputs (a few rounds)
 * until every loaned token's minimum output covers its loan plus its fee. Nothing is sent here.
 */
import { type Address, parseAbi } from 'viem';
import { chooseMultiFunding, type FundingQuote, type MultiFunding } from '../../core/lending/flash-funding.ts';
import type { LendingLeg } from '../../core/lending/leverage.ts';
import {
  type MultiLeg,
  type MultiPlan,
  multiHealthFactor,
  multiNetWeights,
  multiTargetWeights,
  planMulti,
} from '../../core/lending/multi-position.ts';
import type { JointRoute } from '../../dex/router/joint/index.ts';
import { abiStep, type encodeSteps } from '../executor/legs.ts';
import type { ValidPrice } from '../oracles/feeds.ts';
import { slipMin } from '../rebalance/build.ts';
import {
  collateralsOf,
  debtsOf,
  LendingConfigError,
  type LendingSection,
  sharesOf,
} from '../rebalance/lending-config.ts';
import { readFundingQuotes } from './funding-quotes.ts';
import { LeverPlanError } from './lever-error.ts';
import type { LeverPlan, LeverPlanInput } from './lever-plan.ts';
import { asset, checkLeverage, leverPrices } from './lever-read.ts';
import { checkLeverRoute, type LeverAsset, leverRouteContext, routeLever, v3LoanFields } from './lever-route.ts';
import { encodeLeverage, type LeverageCall, type LeverageOp } from './leverage.ts';
import { readHolding } from './position.ts';

const delegationAbi = parseAbi(['function borrowAllowance(address fromUser, address toUser) view returns (uint256)']);
const MAX = 2n ** 256n - 1n;
const ROUNDS = 6;
/** The swaps' cost (per unit sold) above which the plan gives up rather than sell more to cover a loan. */
const MAX_COST = 0.2;

/** The multi-asset part of a LeverPlan. */
export interface MultiLever {
  /** Every asset, collateral first (the order of `legs` and of the plan's deltas). */
  readonly assets: readonly LeverAsset[];
  readonly legs: readonly MultiLeg[];
  readonly plan: MultiPlan;
  /** The target's net exposure weights (collateral +, debt −) at the LTV aimed at. */
  readonly targetWeights: readonly number[];
  /** The loan (null: the plan takes none). */
  readonly funding: MultiFunding | null;
  /** Per asset, the swaps' minimum output of it (the sink tokens). */
  readonly minOuts: readonly bigint[];
}

const units = (x: bigint, d: number) => Number(x) / 10 ** d;
const abs = (x: bigint) => (x < 0n ? -x : x);

export async function planLeverMulti(i: LeverPlanInput, lending: LendingSection, pool: Address): Promise<LeverPlan> {
  const { client, portfolio: p, fixture: f, owner } = i;
  await checkLeverage(client, lending.leverage, owner, pool);
  const shares = sharesOf(lending);
  const roles = [
    ...collateralsOf(lending).map((s) => ({ s, role: 'collateral' as const })),
    ...debtsOf(lending).map((s) => ({ s, role: 'debt' as const })),
  ];
  const assets = await Promise.all(roles.map((r) => asset(client, p, pool, r.s, r.role)));
  const { prices, guardTokens } = await leverPrices(client, p);
  const usd = (a: LeverAsset) => (prices.get(a.address.toLowerCase()) as ValidPrice).usd;
  const holdings = await Promise.all(assets.map((a) => readHolding(client, a.reserve, owner)));
  const lendingLegs: LendingLeg[] = assets.map((a, k) => ({
    symbol: a.symbol,
    price: usd(a),
    decimals: a.decimals,
    ...(holdings[k] as Awaited<ReturnType<typeof readHolding>>),
    liquidationThreshold: a.reserve.liquidationThresholdBps / 10_000,
  }));
  const legs: MultiLeg[] = assets.map((a, k) => {
    const role = roles[k]!.role;
    const h = holdings[k]!;
    return {
      symbol: a.symbol,
      role,
      price: usd(a),
      decimals: a.decimals,
      amount: role === 'collateral' ? h.collateral : h.debt,
      share: shares[a.symbol] as number,
      liquidationThreshold: a.reserve.liquidationThresholdBps / 10_000,
      maxLtv: a.reserve.ltvBps / 10_000,
    };
  });
  const target = {
    minHealthFactor: lending.minHealthFactor,
    ...(lending.targetLtv !== undefined ? { targetLtv: lending.targetLtv } : {}),
  };
  const slip = p.chain.maxSlippageBps;
  let plan = planMulti(legs, target, slip / 10_000);
  const C = legs.filter((l) => l.role === 'collateral').reduce((s, l) => s + units(l.amount, l.decimals) * l.price, 0);
  const D = legs.filter((l) => l.role === 'debt').reduce((s, l) => s + units(l.amount, l.decimals) * l.price, 0);
  const weights = multiNetWeights(legs);
  const targetWeights = multiTargetWeights(legs, plan.targetLtv);
  const block = await client.getBlock();
  const deadline = block.timestamp + BigInt(p.chain.deadlineSec);
  const zero = legs.map(() => 0n);
  const base = {
    lending,
    pool,
    collateral: assets[0] as LeverAsset,
    debt: assets.find((_, k) => roles[k]!.role === 'debt') as LeverAsset,
    legs: lendingLegs,
    healthFactor: multiHealthFactor(legs),
    ltv: C === 0 ? 0 : D / C,
    netValue: C - D,
    netWeights: weights,
    netDrift: weights.reduce((m, w, k) => Math.max(m, Math.abs(w - (targetWeights[k] ?? 0))), 0),
    deleverage: { repay: 0n, withdraw: 0n, loan: 0n, reason: 'several assets: see multi' },
    quotes: [] as FundingQuote[],
    feeQuote: 0,
    expectedOut: 0n,
    minOut: 0n,
    deadline,
  };
  const multi = (pl: MultiPlan, funding: MultiFunding | null, minOuts: readonly bigint[]): MultiLever => ({
    assets,
    legs,
    plan: pl,
    targetWeights,
    funding,
    minOuts,
  });
  if (plan.deltas.every((d) => d === 0n)) return { ...base, idle: plan.reason, multi: multi(plan, null, zero) };

  const ctx = await leverRouteContext(client, f, prices, guardTokens);
  const isSink = (k: number, d: bigint) => (legs[k]!.role === 'collateral' ? d > 0n : d < 0n);
  let cost = slip / 10_000;
  const quoteCache = new Map<string, FundingQuote[]>();
  const want = i.lender ?? 'auto';
  let best:
    | {
        plan: MultiPlan;
        route: JointRoute;
        steps: ReturnType<typeof encodeSteps>;
        funding: MultiFunding | null;
        minOuts: bigint[];
        expected: bigint[];
      }
    | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    plan = planMulti(legs, target, cost);
    if (plan.deltas.every((d) => d === 0n)) return { ...base, idle: plan.reason, multi: multi(plan, null, zero) };
    const sells = plan.deltas.flatMap((d, k) =>
      d !== 0n && !isSink(k, d) ? [{ token: assets[k]!.address, amount: abs(d) }] : [],
    );
    const sinkValue = (k: number) => units(abs(plan.deltas[k]!), legs[k]!.decimals) * legs[k]!.price;
    const scale = plan.bought === 0 ? 0 : plan.sold / plan.bought;
    const buys = plan.deltas.flatMap((d, k) =>
      d !== 0n && isSink(k, d) ? [{ token: assets[k]!.address, value: sinkValue(k) * scale }] : [],
    );
    const { route, steps } = routeLever(ctx, sells, buys, slip);
    const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();
    const expected = assets.map((a) =>
      route.received.filter((r) => same(r.token, a.address)).reduce((s, r) => s + r.amount, 0n),
    );
    // what the route is expected to deliver of each token less maxSlippageBps (a token both bought and passed
    // through, e.g. USDC on the way to DAI, has no single final leg whose minOut bounds it)
    const minOuts = expected.map((x) => slipMin(x, slip));
    const routeAddrs = route.legs.map((l) => l.pool.toLowerCase());
    let funding: MultiFunding | null = null;
    if (plan.needsLoan) {
      const quotes = new Map<string, FundingQuote[]>();
      for (let k = 0; k < assets.length; k++) {
        if (plan.loans[k] === 0n) continue;
        const a = assets[k]!;
        const key = `${a.address.toLowerCase()}|${routeAddrs.join(',')}`;
        let all = quoteCache.get(key);
        if (all === undefined) {
          all = await readFundingQuotes(client, a.address, {
            vault: f.contracts.balancerVault,
            aavePool: pool,
            aToken: a.reserve.aToken,
            pools: f.pools,
            routePools: routeAddrs,
          });
          quoteCache.set(key, all);
        }
        quotes.set(a.address.toLowerCase(), want === 'auto' ? all : all.filter((q) => q.lender === want));
      }
      funding = chooseMultiFunding(
        assets.map((a, k) => ({
          token: a.address,
          amount: plan.loans[k]!,
          pricePerUnit: legs[k]!.price / 10 ** a.decimals,
        })),
        quotes,
        routeAddrs,
      );
      if (funding === null)
        throw new LeverPlanError(
          `no ${want === 'auto' ? '' : `${want} `}lender can lend ${assets
            .flatMap((a, k) => (plan.loans[k]! > 0n ? [`${plan.loans[k]} ${a.symbol}`] : []))
            .join(' and ')} base units in one loan (outside the route's pools): nothing sent`,
        );
    }
    const owed = assets.map((a, _k) => {
      const l = funding?.loans.find((x) => x.token.toLowerCase() === a.address.toLowerCase());
      return l === undefined ? 0n : l.amount + l.fee;
    });
    const short = owed.reduce(
      (m, o, k) => (o === 0n ? m : Math.max(m, Number(o) / Math.max(1, Number(minOuts[k])))),
      0,
    );
    if (short <= 1) best = { plan, route, steps, funding, minOuts, expected };
    // close enough: every loaned token's minimum covers its loan and fee with at most 0.1% to spare
    if (short <= 1 && short >= 1 / 1.001) break;
    if (!plan.needsLoan) break;
    cost = Math.max(0, (1 + cost) * short * (1 + 1e-5) - 1);
    if (cost > MAX_COST)
      throw new LeverPlanError(
        `the swaps are not expected to return every loaned token plus its fee (${assets
          .flatMap((a, k) => (owed[k]! > 0n ? [`${a.symbol}: owed ${owed[k]}, minimum out ${minOuts[k]}`] : []))
          .join('; ')}) at maxSlippageBps ${slip}: nothing sent`,
      );
  }
  if (best === undefined)
    throw new LeverPlanError(
      `the swaps of the plan are not expected to return every loaned token plus its fee at maxSlippageBps ${slip}: nothing sent (raise chain.maxSlippageBps or rebalance in smaller steps)`,
    );
  plan = best.plan;
  const { route, steps, funding, minOuts, expected } = best;
  checkLeverRoute(route, ctx, f, prices, guardTokens, p.chain.maxDeviationBps);
  for (let k = 0; k < assets.length; k++) {
    const d = plan.deltas[k]!;
    if (legs[k]!.role !== 'debt' || d <= 0n) continue;
    const a = assets[k]!;
    const allowance = await client.readContract({
      address: a.reserve.debtToken,
      abi: delegationAbi,
      functionName: 'borrowAllowance',
      args: [owner, lending.leverage],
    });
    if (allowance < d)
      throw new LendingConfigError(
        `the plan borrows ${d} base units of ${a.symbol} on the owner's behalf, but the owner delegated only ${allowance} to the BallastLeverage ${lending.leverage}: call approveDelegation(${lending.leverage}, amount) on ${a.symbol}'s variable debt token ${a.reserve.debtToken} from the owner: nothing sent`,
      );
  }
  const op = (k: number, amount: bigint): LeverageOp => {
    const d = plan.deltas[k]!;
    const role = legs[k]!.role;
    const kind = role === 'collateral' ? (d > 0n ? 'supply' : 'withdraw') : d < 0n ? 'repay' : 'borrow';
    return { op: kind, asset: assets[k]!.address, amount };
  };
  const ks = assets.map((_, k) => k).filter((k) => plan.deltas[k] !== 0n);
  const sinks = ks.filter((k) => isSink(k, plan.deltas[k]!));
  const sources = ks.filter((k) => !isSink(k, plan.deltas[k]!));
  // repayments before supplies (the health factor rises most), then withdrawals before borrows
  const order = (xs: number[]) =>
    [...xs].sort((a, b) => (legs[a]!.role === 'debt' ? 0 : 1) - (legs[b]!.role === 'debt' ? 0 : 1));
  const sourceOps = order(sources)
    .reverse()
    .map((k) => op(k, abs(plan.deltas[k]!)));
  const firstLoan = funding?.loans[0];
  const call: LeverageCall =
    funding === null
      ? {
          lender: 'none',
          token: assets[0]!.address,
          amount: 0n,
          pre: sourceOps,
          steps: steps.map(abiStep),
          post: order(sinks).map((k) => op(k, MAX)),
          minHealthFactor: BigInt(Math.round(lending.minHealthFactor * 1e18)),
          deadline,
        }
      : {
          lender: funding.lender,
          token: firstLoan!.token as Address,
          amount: firstLoan!.amount,
          loans: funding.loans.map((l) => ({ token: l.token as Address, amount: l.amount })),
          ...(funding.lender === 'uniswap-v3'
            ? v3LoanFields(
                f,
                {
                  lender: funding.lender,
                  amount: firstLoan!.amount,
                  fee: firstLoan!.fee,
                  ...(funding.pool ? { pool: funding.pool } : {}),
                },
                firstLoan!.token as Address,
              )
            : {}),
          pre: [...order(sinks).map((k) => op(k, abs(plan.deltas[k]!))), ...sourceOps],
          steps: steps.map(abiStep),
          post: [],
          minHealthFactor: BigInt(Math.round(lending.minHealthFactor * 1e18)),
          deadline,
        };
  const fundingOne =
    funding === null
      ? undefined
      : {
          lender: funding.lender,
          amount: firstLoan!.amount,
          fee: firstLoan!.fee,
          ...(funding.pool !== undefined ? { pool: funding.pool } : {}),
        };
  const allQuotes = [...quoteCache.values()].flat();
  return {
    ...base,
    route,
    quotes: allQuotes,
    ...(fundingOne !== undefined ? { funding: fundingOne } : {}),
    feeQuote: funding?.feeValue ?? 0,
    expectedOut: expected.reduce((s, x) => s + x, 0n),
    minOut: minOuts.reduce((s, x) => s + x, 0n),
    call,
    data: encodeLeverage(call),
    multi: multi(plan, funding, minOuts),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** The CLI's lines for a multi-asset plan (lever-rebalance.ts prints them). */
export function describeMultiLever(p: LeverPlan): string {
  const m = p.multi as MultiLever;
  const lines = [
    `position: ${m.legs.map((l) => `${l.symbol} ${l.role} ${l.amount}`).join(', ')} (base units); LTV ${pct(p.ltv)}, health factor ${p.healthFactor.toFixed(4)} (floor ${p.lending.minHealthFactor}, target LTV ${pct(m.plan.targetLtv)})`,
    `net exposure: value ${p.netValue.toFixed(2)}, weights ${m.legs.map((l, k) => `${l.symbol} ${pct(p.netWeights[k]!)} (target ${pct(m.targetWeights[k]!)})`).join(' ')}, drift ${pct(p.netDrift)}`,
  ];
  if (p.idle !== undefined) return `${[...lines, `plan: nothing to send: ${p.idle}`].join('\n')}\n`;
  const verb = (k: number, d: bigint) =>
    m.legs[k]!.role === 'collateral' ? (d > 0n ? 'supply' : 'withdraw') : d < 0n ? 'repay' : 'borrow';
  lines.push(
    `plan: ${m.plan.deltas.flatMap((d, k) => (d === 0n ? [] : [`${verb(k, d)} ${abs(d)} ${m.legs[k]!.symbol}`])).join(', ')} (${m.plan.reason})`,
  );
  const f = m.funding;
  lines.push(
    f === null
      ? 'funding: none (the withdrawals and borrows run first)'
      : `funding: ${f.lender}${f.pool ? ` pool ${f.pool}` : ''}, one loan of ${f.loans.map((l) => `${l.amount} ${m.assets.find((a) => a.address.toLowerCase() === l.token.toLowerCase())?.symbol} (fee ${l.fee})`).join(' + ')} base units (${p.feeQuote.toFixed(6)} in the quote)`,
  );
  for (const l of p.route?.legs ?? [])
    lines.push(`  swap ${l.amountIn} ${l.tokenIn} → ${l.amountOut} ${l.tokenOut} via ${l.protocol} ${l.pool}`);
  lines.push(
    `swaps' minimum outputs: ${m.minOuts.flatMap((x, k) => (x === 0n ? [] : [`${x} ${m.legs[k]!.symbol}`])).join(', ')} (maxSlippageBps); deadline ${p.deadline}; ${((p.data?.length ?? 2) - 2) / 2} bytes of calldata`,
  );
  return `${lines.join('\n')}\n`;
}
