/**
 * Everything before a lever transaction is sent (issue #23 item 2): the owner's position read from the Aave
 * Pool, oracle-validated prices, the deleverage plan (planDeleverage; below targetLtv the lever-up plan of
 * lever-up-plan.ts instead), the collateral's sale routed by the joint
 * router (minOut = simulated output less maxSlippageBps on every final leg, each swap checked against the
 * oracles), the lenders' fees read now and the cheapest lender not in the route (chooseFunding), and the
 * BallastLeverage calldata. Nothing is sent here.
 *
 * The route never uses a Balancer pool: the Vault's flash loan and its swaps share one reentrancy lock.
 */
import type { Address, Hex, PublicClient } from 'viem';
import { chooseFunding, type Funding, type FundingQuote, type Lender } from '../../core/lending/flash-funding.ts';
import { LEVER_UP_TOLERANCE } from '../../core/lending/lever-up.ts';
import {
  type DeleveragePlan,
  healthFactor,
  type LendingLeg,
  netDrift,
  netValue,
  netWeights,
  planDeleverage,
} from '../../core/lending/leverage.ts';
import type { JointRoute } from '../../dex/router/joint/index.ts';
import { abiStep } from '../executor/legs.ts';
import type { Fixture } from '../fixture/types.ts';
import type { ValidPrice } from '../oracles/feeds.ts';
import type { OnchainPortfolio } from '../rebalance/config.ts';
import {
  checkLendingSection,
  isMultiAsset,
  LendingConfigError,
  type LendingSection,
} from '../rebalance/lending-config.ts';
import { readFundingQuotes } from './funding-quotes.ts';
import { LeverPlanError } from './lever-error.ts';
import { type MultiLever, planLeverMulti } from './lever-multi-plan.ts';
import { asset, checkLeverage, leverPrices } from './lever-read.ts';
import { checkLeverRoute, type LeverAsset, leverRouteContext, routeLever, v3LoanFields } from './lever-route.ts';
import { type LeverUpTx, planLeverUpTx } from './lever-up-plan.ts';
import { encodeLeverage, type LeverageCall } from './leverage.ts';
import { readHolding } from './position.ts';

export type { LeverAsset };
export { LeverPlanError };

export interface LeverPlan {
  readonly lending: LendingSection;
  readonly pool: Address;
  readonly collateral: LeverAsset;
  readonly debt: LeverAsset;
  /** [collateral, debt] as the core sees them (net exposure, health factor). */
  readonly legs: readonly LendingLeg[];
  readonly healthFactor: number;
  readonly ltv: number;
  readonly netValue: number;
  /** Net weights of [collateral, debt] and their largest gap to the target's weights. */
  readonly netWeights: readonly number[];
  readonly netDrift: number;
  readonly deleverage: DeleveragePlan;
  /** Set when the position is below targetLtv: the lever-up plan (flash loan of the collateral). */
  readonly leverUp?: LeverUpTx['leverUp'];
  /** Why nothing is sent, when nothing is. */
  readonly idle?: string;
  readonly route?: JointRoute;
  readonly quotes: readonly FundingQuote[];
  readonly funding?: Funding;
  /** The flash fee in the quote (what the cost model adds to the leg). */
  readonly feeQuote: number;
  /** Expected output of the sale in the debt asset (base units) and its minimum (sum of final minOuts). */
  readonly expectedOut: bigint;
  readonly minOut: bigint;
  readonly call?: LeverageCall;
  readonly data?: Hex;
  readonly deadline: bigint;
  /** Several collateral or debt assets: the general plan (then `collateral`/`debt` are the first of each,
   *  `legs` every asset, collateral first, and `deleverage` is empty). */
  readonly multi?: MultiLever;
}

export interface LeverPlanInput {
  readonly client: PublicClient;
  readonly portfolio: OnchainPortfolio;
  readonly fixture: Fixture;
  readonly owner: Address;
  /** `auto` (default): the cheapest lender; otherwise only that one. */
  readonly lender?: Lender | 'auto';
}

const units = (x: bigint, d: number) => Number(x) / 10 ** d;

export async function planLever(i: LeverPlanInput): Promise<LeverPlan> {
  const { client, portfolio: p, fixture: f, owner } = i;
  const lending = checkLendingSection(p);
  const pool = lending.pool === 'fixture' ? f.contracts.aavePool : lending.pool;
  await checkLeverage(client, lending.leverage, owner, pool);
  if (isMultiAsset(lending)) return planLeverMulti(i, lending, pool);
  const collateral = await asset(client, p, pool, lending.collateral as string, 'collateral');
  const debt = await asset(client, p, pool, lending.debt as string, 'debt');
  const { prices, guardTokens } = await leverPrices(client, p);
  const usd = (a: LeverAsset) => (prices.get(a.address.toLowerCase()) as ValidPrice).usd;
  const leg = async (a: LeverAsset): Promise<LendingLeg> => ({
    symbol: a.symbol,
    price: usd(a),
    decimals: a.decimals,
    ...(await readHolding(client, a.reserve, owner)),
    liquidationThreshold: a.reserve.liquidationThresholdBps / 10_000,
  });
  const legs = [await leg(collateral), await leg(debt)];
  const [cl, dl] = legs as [LendingLeg, LendingLeg];
  const threshold = cl.liquidationThreshold;
  if (lending.targetLtv !== undefined && threshold / lending.targetLtv < lending.minHealthFactor)
    throw new LendingConfigError(
      `chain.lending.targetLtv: ${lending.targetLtv} leaves a health factor of ${(threshold / lending.targetLtv).toFixed(3)} (liquidation threshold ${threshold}), below minHealthFactor ${lending.minHealthFactor}`,
    );
  const C = units(cl.collateral, cl.decimals) * cl.price;
  const D = units(dl.debt, dl.decimals) * dl.price;
  const targets = [p.target[collateral.symbol] ?? 0, p.target[debt.symbol] ?? 0];
  const slip = p.chain.maxSlippageBps;
  const deleverage = planDeleverage(
    legs,
    0,
    1,
    {
      minHealthFactor: lending.minHealthFactor,
      ...(lending.targetLtv !== undefined ? { targetLtv: lending.targetLtv } : {}),
    },
    slip / 10_000,
    // with a leverage target the position is levered both ways: a band keeps accrued interest from bouncing it
    lending.targetLtv !== undefined ? LEVER_UP_TOLERANCE : 0,
  );
  const block = await client.getBlock();
  const deadline = block.timestamp + BigInt(p.chain.deadlineSec);
  const base = {
    lending,
    pool,
    collateral,
    debt,
    legs,
    healthFactor: healthFactor(legs),
    ltv: C === 0 ? 0 : D / C,
    netValue: netValue(legs),
    netWeights: netWeights(legs),
    netDrift: netDrift(legs, targets),
    deleverage,
    quotes: [] as FundingQuote[],
    feeQuote: 0,
    expectedOut: 0n,
    minOut: 0n,
    deadline,
  };
  if (deleverage.repay === 0n && lending.targetLtv !== undefined) {
    const up = await planLeverUpTx({
      client,
      fixture: f,
      owner,
      leverage: lending.leverage,
      pool,
      collateral,
      debt,
      legs,
      target: { minHealthFactor: lending.minHealthFactor, targetLtv: lending.targetLtv },
      prices,
      guardTokens,
      maxSlippageBps: slip,
      maxDeviationBps: p.chain.maxDeviationBps,
      lender: i.lender ?? 'auto',
      deadline,
    });
    return { ...base, ...up };
  }
  if (deleverage.repay === 0n) return { ...base, idle: deleverage.reason };
  if (deleverage.loan === 0n)
    return {
      ...base,
      idle: `the wallet's ${debt.symbol} repays it without a loan: repay ${deleverage.repay} base units with the Pool's repay() (lever rebalance only sends flash-loan rebalances)`,
    };
  // BallastLeverage repays from the loan only (it never spends the wallet's units): the loan is the repayment
  const loan = deleverage.repay;
  const ctx = await leverRouteContext(client, f, prices, guardTokens);
  const sellValue = units(deleverage.withdraw, cl.decimals) * cl.price; // USD: legs are priced at the feeds
  const { route, steps } = routeLever(
    ctx,
    [{ token: collateral.address, amount: deleverage.withdraw }],
    [{ token: debt.address, value: sellValue }],
    slip,
  );
  checkLeverRoute(route, ctx, f, prices, guardTokens, p.chain.maxDeviationBps);
  const isDebt = (t: Address) => t.toLowerCase() === debt.address.toLowerCase();
  const expectedOut = route.received.filter((r) => isDebt(r.token)).reduce((s, r) => s + r.amount, 0n);
  const minOut = steps.filter((s) => isDebt(s.tokenOut)).reduce((s, x) => s + x.minOut, 0n);
  const routeAddrs = route.legs.map((l) => l.pool.toLowerCase());
  const all = await readFundingQuotes(client, debt.address, {
    vault: f.contracts.balancerVault,
    aavePool: pool,
    aToken: debt.reserve.aToken,
    pools: f.pools,
    routePools: routeAddrs,
  });
  const want = i.lender ?? 'auto';
  const quotes = want === 'auto' ? all : all.filter((q) => q.lender === want);
  const funding = chooseFunding(loan, quotes, routeAddrs);
  if (funding === null)
    throw new LeverPlanError(
      `no ${want === 'auto' ? '' : `${want} `}lender can lend ${loan} base units of ${debt.symbol} (outside the route's pools): nothing sent`,
    );
  const feeQuote = units(funding.fee, dl.decimals) * dl.price;
  if (expectedOut < loan + funding.fee)
    throw new LeverPlanError(
      `selling ${deleverage.withdraw} base units of ${collateral.symbol} is expected to return ${expectedOut} ${debt.symbol} base units, below the loan plus its fee (${loan + funding.fee}): nothing sent (raise chain.maxSlippageBps or deleverage in smaller steps)`,
    );
  const call: LeverageCall = {
    lender: funding.lender,
    token: debt.address,
    amount: loan,
    ...v3LoanFields(f, funding, debt.address),
    pre: [
      { op: 'repay', asset: debt.address, amount: loan },
      { op: 'withdraw', asset: collateral.address, amount: deleverage.withdraw },
    ],
    steps: steps.map(abiStep),
    post: [],
    minHealthFactor: BigInt(Math.round(lending.minHealthFactor * 1e18)),
    deadline,
  };
  return { ...base, route, quotes: all, funding, feeQuote, expectedOut, minOut, call, data: encodeLeverage(call) };
}
