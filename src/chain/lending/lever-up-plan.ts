/**
 * The lever-up half of `ballast lever rebalance` (issue #23 item 1): a position below `targetLtv` is levered up
 * in ONE flash-loan transaction. BallastLeverage flash-borrows the collateral asset, supplies it for the owner,
 * borrows the debt asset on the owner's behalf (credit delegation: VariableDebtToken.approveDelegation to the
 * BallastLeverage) and swaps it back into the collateral through the joint router (minOut = simulated output
 * less maxSlippageBps on every final leg, each swap checked against the oracles) to repay the loan plus its fee.
 *
 * The borrow is sized so that the route's minimum output covers the loan plus the lender's fee: the cost fed to
 * planLeverUp starts at maxSlippageBps and is corrected from the route's own minimum output (a few rounds).
 * Nothing is sent here.
 */
import { type Address, type Hex, type PublicClient, parseAbi } from 'viem';
import { chooseFunding, type Funding, type FundingQuote, type Lender } from '../../core/lending/flash-funding.ts';
import { type LeverUpPlan, planLeverUp } from '../../core/lending/lever-up.ts';
import type { LendingLeg, LeverageTarget } from '../../core/lending/leverage.ts';
import type { JointRoute } from '../../dex/router/joint/index.ts';
import { abiStep, type encodeSteps } from '../executor/legs.ts';
import type { Fixture } from '../fixture/types.ts';
import type { ValidPrice } from '../oracles/feeds.ts';
import { LendingConfigError } from '../rebalance/lending-config.ts';
import { readFundingQuotes } from './funding-quotes.ts';
import { LeverPlanError } from './lever-error.ts';
import { checkLeverRoute, type LeverAsset, leverRouteContext, routeLever, v3LoanFields } from './lever-route.ts';
import { encodeLeverage, type LeverageCall } from './leverage.ts';

const delegationAbi = parseAbi(['function borrowAllowance(address fromUser, address toUser) view returns (uint256)']);

/** The position's asset (lever-route.ts). */
export type LeverUpAsset = LeverAsset;

export interface LeverUpInput {
  readonly client: PublicClient;
  readonly fixture: Fixture;
  readonly owner: Address;
  readonly leverage: Address;
  readonly pool: Address;
  readonly collateral: LeverUpAsset;
  readonly debt: LeverUpAsset;
  /** [collateral, debt]. */
  readonly legs: readonly LendingLeg[];
  readonly target: LeverageTarget;
  readonly prices: ReadonlyMap<string, ValidPrice>;
  readonly guardTokens: readonly { symbol: string; address: Address; decimals: number }[];
  readonly maxSlippageBps: number;
  readonly maxDeviationBps: number;
  readonly lender: Lender | 'auto';
  readonly deadline: bigint;
}

export interface LeverUpTx {
  readonly leverUp: LeverUpPlan;
  readonly idle?: string;
  readonly route?: JointRoute;
  readonly quotes: readonly FundingQuote[];
  readonly funding?: Funding;
  readonly feeQuote: number;
  readonly expectedOut: bigint;
  readonly minOut: bigint;
  readonly call?: LeverageCall;
  readonly data?: Hex;
}

const units = (x: bigint, d: number) => Number(x) / 10 ** d;
const ROUNDS = 6;

export async function planLeverUpTx(i: LeverUpInput): Promise<LeverUpTx> {
  const { client, fixture: f, collateral, debt, legs } = i;
  const slip = i.maxSlippageBps;
  const empty = { quotes: [] as FundingQuote[], feeQuote: 0, expectedOut: 0n, minOut: 0n };
  let up = planLeverUp(legs, 0, 1, i.target, slip / 10_000);
  if (up.supply === 0n) return { ...empty, leverUp: up, idle: up.reason };
  const [cl, dl] = legs as [LendingLeg, LendingLeg];
  const ctx = await leverRouteContext(client, f, i.prices, i.guardTokens);
  const all = await readFundingQuotes(client, collateral.address, {
    vault: f.contracts.balancerVault,
    aavePool: i.pool,
    aToken: collateral.reserve.aToken,
    pools: f.pools,
    routePools: [],
  });
  const quotes = i.lender === 'auto' ? all : all.filter((q) => q.lender === i.lender);
  const isColl = (t: Address) => t.toLowerCase() === collateral.address.toLowerCase();
  let cost = slip / 10_000;
  let best:
    | {
        up: LeverUpPlan;
        route: JointRoute;
        funding: Funding;
        minOut: bigint;
        expectedOut: bigint;
        steps: ReturnType<typeof encodeSteps>;
      }
    | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    up = planLeverUp(legs, 0, 1, i.target, cost);
    if (up.supply === 0n) return { ...empty, leverUp: up, idle: up.reason };
    // the buy is worth what is sold (the router's costs come out of it, as in the deleverage sale)
    const { route, steps } = routeLever(
      ctx,
      [{ token: debt.address, amount: up.borrow }],
      [{ token: collateral.address, value: units(up.borrow, dl.decimals) * dl.price }],
      slip,
    );
    const expectedOut = route.received.filter((r) => isColl(r.token)).reduce((s, r) => s + r.amount, 0n);
    const minOut = steps.filter((s) => isColl(s.tokenOut)).reduce((s, x) => s + x.minOut, 0n);
    const funding = chooseFunding(
      up.supply,
      quotes,
      route.legs.map((l) => l.pool.toLowerCase()),
    );
    if (funding === null)
      throw new LeverPlanError(
        `no ${i.lender === 'auto' ? '' : `${i.lender} `}lender can lend ${up.supply} base units of ${collateral.symbol} (outside the route's pools): nothing sent`,
      );
    const needed = up.supply + funding.fee;
    if (minOut >= needed) best = { up, route, funding, minOut, expectedOut, steps };
    // close enough: the swap's minimum covers the loan and its fee with at most 0.1% to spare
    if (minOut >= needed && minOut * 1000n <= needed * 1001n) break;
    if (minOut === 0n) break;
    cost = Math.max(0, (1 + cost) * (Number(needed) / Number(minOut)) * (1 + 1e-5) - 1);
  }
  if (best === undefined)
    throw new LeverPlanError(
      `levering up: swapping ${up.borrow} base units of ${debt.symbol} is not expected to return the ${collateral.symbol} loan plus its fee at maxSlippageBps ${slip}: nothing sent`,
    );
  const { route, funding, minOut, expectedOut, steps } = best;
  up = best.up;
  checkLeverRoute(route, ctx, f, i.prices, i.guardTokens, i.maxDeviationBps);
  const allowance = await client.readContract({
    address: debt.reserve.debtToken,
    abi: delegationAbi,
    functionName: 'borrowAllowance',
    args: [i.owner, i.leverage],
  });
  if (allowance < up.borrow)
    throw new LendingConfigError(
      `levering up borrows ${up.borrow} base units of ${debt.symbol} on the owner's behalf, but the owner delegated only ${allowance} to the BallastLeverage ${i.leverage}: call approveDelegation(${i.leverage}, amount) on ${debt.symbol}'s variable debt token ${debt.reserve.debtToken} from the owner: nothing sent`,
    );
  const call: LeverageCall = {
    lender: funding.lender,
    token: collateral.address,
    amount: up.supply,
    ...v3LoanFields(f, funding, collateral.address),
    pre: [
      { op: 'supply', asset: collateral.address, amount: up.supply },
      { op: 'borrow', asset: debt.address, amount: up.borrow },
    ],
    steps: steps.map(abiStep),
    post: [],
    minHealthFactor: BigInt(Math.round(i.target.minHealthFactor * 1e18)),
    deadline: i.deadline,
  };
  return {
    leverUp: up,
    route,
    quotes: all,
    funding,
    feeQuote: units(funding.fee, cl.decimals) * cl.price,
    expectedOut,
    minOut,
    call,
    data: encodeLeverage(call),
  };
}
