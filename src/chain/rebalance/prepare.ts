/**
 * Everything before sending (issue #8 §1, §4, §5): balances and oracle prices read and validated, the core
 * plan with the router's on-chain costs, the netted swaps routed into one executor batch, the pools it uses
 * checked against the oracles, then the approvals and the batch simulated together (eth_simulateV1: nothing is sent).
 */
import { type Address, encodePacked, type Hex, keccak256, type PublicClient, parseAbi } from 'viem';
import { makeCostModel, withVenueCosts } from '../../core/costs.ts';
import { BallastError, type Next } from '../../core/errors.ts';
import type { WithdrawLimit } from '../../core/lending/idle-sleeve.ts';
import { makePlanContext, PlanBuffers } from '../../core/planner/context.ts';
import { describePlan, type Plan } from '../../core/planner/describe.ts';
import { planInto } from '../../core/planner/plan.ts';
import { makeSnapshot } from '../../core/snapshot.ts';
import { makeUniverse } from '../../core/universe.ts';
import { prepareMarket } from '../../dex/router/joint/index.ts';
import { buildSwapPools } from '../../dex/state/index.ts';
import { approvalsNeeded, decodeExecute, encodeExecute, explainRevert } from '../executor/calldata.ts';
import { encodeExecutePermit2 } from '../executor/permit2.ts';
import { readRouteStates, routePools } from '../fixture/route-pools.ts';
import type { Fixture } from '../fixture/types.ts';
import {
  holdings,
  type IdlePlan,
  type IdleState,
  limitSwaps,
  ownerCanPay,
  readIdle,
  withSleeve,
} from '../lending/idle-batch.ts';
import { KIND_AAVE_SUPPLY, KIND_AAVE_WITHDRAW } from '../lending/steps.ts';
import type { ValidPrice } from '../oracles/feeds.ts';
import { checkExecutionPrices, validatedPrices } from '../oracles/guard.ts';
import { type Batch, buildBatch, checkRouteGap, type RebalanceToken, sizeTrades, type TradeSizes } from './build.ts';
import type { OnchainPortfolio } from './config.ts';
import { netTrades } from './net.ts';
import { checkTokenQuirks } from './quirks.ts';
import { dexCostComponent } from './venue-costs.ts';
import { crossCheck, type VerifyRpc } from './verify.ts';

const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function decimals() view returns (uint8)',
]);

export class RebalanceSimulationError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'RebalanceSimulationError';
}

export interface Prepared {
  readonly plan: Plan;
  readonly batch: Batch;
  readonly data: Hex;
  readonly approvals: { token: Address; amount: bigint; data: Hex }[];
  /** Simulated outputs per executor leg. */
  readonly outs: readonly bigint[];
  /** USD × 1e18 at the executor's feeds: what the batch pulls, and what the owner gets back. */
  readonly valueIn: bigint;
  readonly totalValue: bigint;
  readonly gasBatch: bigint;
  readonly gasApprovals: bigint;
  readonly weightsBefore: Record<string, number>;
  readonly weightsAfter: Record<string, number>;
  readonly tokens: ReadonlyMap<string, RebalanceToken>;
  /** Owner's balances per lower-case address when prepared. */
  readonly balances: ReadonlyMap<string, bigint>;
  readonly prices: ReadonlyMap<string, ValidPrice>;
  /** The idle sleeve (chain.idle): its state as read, what the batch withdraws and supplies, the withdraw limits. */
  readonly sleeve?: { readonly state: IdleState; readonly plan: IdlePlan };
}

/** chain.approvals "permit2": where the owner's one approval goes and how a batch's permit is signed. */
export interface PermitSigner {
  readonly permit2: Address;
  sign(b: Batch): Promise<Hex>;
}

export interface Routed {
  readonly batch: Batch;
  readonly data: Hex;
}

/**
 * Reads the pools at the latest block, routes the sized trades jointly into one batch, checks every pool the
 * batch makes, at its planned size, against the oracles (maxDeviationBps, harmful direction only) and the route's certificate (checkRouteGap). Used when preparing and again just before sending.
 */
export async function routeChecked(
  client: PublicClient,
  p: OnchainPortfolio,
  f: Fixture,
  owner: Address,
  executor: Address,
  tokens: ReadonlyMap<string, RebalanceToken>,
  prices: ReadonlyMap<string, ValidPrice>,
  sizes: TradeSizes,
  id?: Hex,
  verify?: VerifyRpc,
  permit?: PermitSigner,
  /** false: every swap input pulled into the executor (BatchInput.fromOwner); always so with a permit. */
  fromOwner?: boolean,
): Promise<Routed> {
  const snapState = await readRouteStates(client, f);
  // --verify-rpc: every pool and feed read again from the second RPC at this block (issue #30 item 7)
  if (verify) await crossCheck(client, verify, f, p.chain.feeds, snapState.states, snapState.blockNumber);
  const market = prepareMarket(snapState.states);
  const gasPriceWei = await client.getGasPrice();
  const block = await client.getBlock();
  const batch = buildBatch({
    sizes,
    tokens,
    prices,
    feeds: p.chain.feeds,
    quote: p.quote,
    market,
    poolInfo: routePools(f),
    contracts: f.contracts,
    executor,
    owner,
    deadline: block.timestamp + BigInt(p.chain.deadlineSec),
    gasPriceWei,
    maxSlippageBps: p.chain.maxSlippageBps,
    ...(id ? { id } : {}),
    ...(permit || fromOwner === false ? { fromOwner: false } : {}),
  });
  const decimals = new Map([...tokens.values()].map((t) => [t.address.toLowerCase(), t.decimals]));
  // every swap at its planned size against the oracles, harmful direction only (issue #30 item 2)
  checkExecutionPrices(batch.route.legs, prices, decimals, p.chain.maxDeviationBps);
  checkRouteGap(batch.route);
  return { batch, data: await encodeFor(batch, permit) };
}

/** The executor call of a batch: `execute`, or `executePermit2` with the owner's signed permit. */
async function encodeFor(b: Batch, permit?: PermitSigner): Promise<Hex> {
  return permit ? encodeExecutePermit2(b, await permit.sign(b)) : encodeExecute(b);
}

/** A batch with no swap (an idle sleeve's own moves go around it). */
function noSwaps(sizes: TradeSizes, owner: Address, deadline: bigint, maxSlippageBps: number, id?: Hex): Batch {
  const certificate = {
    prices: {},
    upperBound: 0,
    achieved: 0,
    gap: 0,
    residual: 0,
    iterations: 0,
    evaluations: 0,
    solves: 0,
    droppedForGas: [],
  };
  return {
    id: id ?? keccak256(encodePacked(['address', 'uint256'], [owner, deadline])),
    sizes,
    route: { legs: [], spent: [], received: [], leftovers: [], value: 0, gas: 0, gasCost: 0, hops: 0, certificate },
    pulls: [],
    legs: [],
    expectedValue: 0n,
    minTotalValue: 0n,
    maxSlippageBps,
    deadline,
  };
}

/**
 * routeChecked with the idle sleeve's steps around the swaps (idle-batch.ts): the swaps paid from the owner's
 * wallet after one withdrawal when the route allows it (ownerCanPay), else routed again with every swap input
 * pulled into the executor.
 */
export async function routeSleeve(
  client: PublicClient,
  p: OnchainPortfolio,
  f: Fixture,
  owner: Address,
  executor: Address,
  tokens: ReadonlyMap<string, RebalanceToken>,
  prices: ReadonlyMap<string, ValidPrice>,
  sizes: TradeSizes,
  id: Hex | undefined,
  verify: VerifyRpc | undefined,
  s: {
    readonly idle?: IdleState;
    readonly limits?: { readonly scale: number; readonly limited: readonly WithdrawLimit[] };
  },
  permit?: PermitSigner,
): Promise<Routed & { readonly sleeve?: IdlePlan }> {
  if (s.idle && s.limits && sizes.sells.length === 0) {
    // no trade: the batch is the sleeve's own steps (a sleeve off its share), nothing routed
    const deadline = (await client.getBlock()).timestamp + BigInt(p.chain.deadlineSec);
    const w = withSleeve(noSwaps(sizes, owner, deadline, p.chain.maxSlippageBps, id), s.idle, s.limits, tokens);
    return { batch: w.batch, data: await encodeFor(w.batch, permit), sleeve: w.plan };
  }
  let r = await routeChecked(client, p, f, owner, executor, tokens, prices, sizes, id, verify, permit);
  if (!s.idle || !s.limits) return r;
  if (!ownerCanPay(r.batch, s.idle))
    r = await routeChecked(client, p, f, owner, executor, tokens, prices, sizes, id, verify, permit, false);
  const w = withSleeve(r.batch, s.idle, s.limits, tokens);
  return { batch: w.batch, data: await encodeFor(w.batch, permit), sleeve: w.plan };
}

export async function prepareRebalance(
  client: PublicClient,
  p: OnchainPortfolio,
  f: Fixture,
  owner: Address,
  executor: Address,
  verify?: VerifyRpc,
  /** Where the approvals and the batch are simulated (e.g. a local fork, so the read RPC never sees them). */
  simulator?: PublicClient,
  permit?: PermitSigner,
): Promise<Prepared> {
  const symbols = [...new Set([...Object.keys(p.target), p.quote])];
  const tokens = new Map<string, RebalanceToken>();
  for (const s of symbols) {
    const address = p.chain.tokens[s]!;
    const decimals = await client.readContract({ address, abi: erc20, functionName: 'decimals' });
    tokens.set(s, { symbol: s, address, decimals });
  }
  // fee-on-transfer and rebasing tokens refused before anything else (issue #30 item 8): a simulated test transfer
  await checkTokenQuirks(
    simulator ?? client,
    [...tokens.values()],
    [owner, ...f.pools.map((x) => x.address), f.contracts.balancerVault],
  );
  const prices = await validatedPrices(
    client,
    { feeds: p.chain.feeds, sequencer: p.chain.sequencer, maxDeviationBps: p.chain.maxDeviationBps },
    [...tokens.values()],
  );
  const usd = (s: string) => prices.get(tokens.get(s)!.address.toLowerCase())!.usd;
  const raw = new Map<string, bigint>();
  const balances: Record<string, number> = {};
  const pricesQ: Record<string, number> = {};
  for (const [s, t] of tokens) {
    const b = await client.readContract({ address: t.address, abi: erc20, functionName: 'balanceOf', args: [owner] });
    raw.set(t.address.toLowerCase(), b);
    pricesQ[s] = usd(s) / usd(p.quote);
  }
  // the idle sleeve: value and drift count its aTokens as the underlying they redeem to (scaled balance × index)
  const idle = p.chain.idle
    ? await readIdle(client, p.chain.idle, f, owner, executor, tokens, usd, p.target)
    : undefined;
  const held = idle ? holdings(raw, idle) : raw;
  for (const [s, t] of tokens) balances[s] = Number(held.get(t.address.toLowerCase())!) / 10 ** t.decimals;
  const snapState = await readRouteStates(client, f);
  const { pools } = buildSwapPools(snapState.states);
  const gasPriceWei = await client.getGasPrice();
  const u = makeUniverse(p.quote, p.target);
  const wethUsd = prices.get(f.contracts.weth9.toLowerCase())?.usd ?? 0;
  const venue = dexCostComponent({
    assets: u.assets,
    quote: p.quote,
    tokens,
    priceInQuote: new Map(Object.entries(pricesQ)),
    ethInQuote: wethUsd / usd(p.quote),
    pools,
    gasPriceWei,
  });
  const ctx = makePlanContext(u, p, withVenueCosts(makeCostModel(u, p.costs), venue));
  const snap = makeSnapshot(u, p.ignore, balances, pricesQ);
  const buf = new PlanBuffers(u.n);
  planInto(ctx, snap.qty, snap.prices, 'full', buf);
  const plan = describePlan(ctx, snap, buf);

  const swaps = netTrades(plan.trades, p.quote);
  const limits = idle ? limitSwaps(swaps, tokens, prices, p.quote, raw, idle) : undefined;
  const sizes = sizeTrades(limits?.swaps ?? swaps, tokens, prices, p.quote, limits?.sellable ?? raw);
  const routed = await routeSleeve(
    client,
    p,
    f,
    owner,
    executor,
    tokens,
    prices,
    sizes,
    undefined,
    verify,
    { ...(idle && limits ? { idle, limits } : {}) },
    permit,
  );
  const { batch, data } = routed;
  const sleeve: Prepared['sleeve'] = idle && routed.sleeve ? { state: idle, plan: routed.sleeve } : undefined;
  // the owner's standing approval goes to Permit2 instead of the executor with chain.approvals "permit2"
  const approvals = await approvalsNeeded(client, owner, permit?.permit2 ?? executor, batch);
  let sim: Awaited<ReturnType<typeof client.simulateBlocks>>;
  try {
    sim = await (simulator ?? client).simulateBlocks({
      blocks: [
        {
          calls: [
            ...approvals.map((a) => ({ account: owner, to: a.token, data: a.data })),
            { account: owner, to: executor, data },
          ],
        },
      ],
    });
  } catch (e) {
    throw new RebalanceSimulationError(`the node could not simulate the batch (eth_simulateV1): ${explainRevert(e)}`);
  }
  const calls = sim[0]!.calls;
  const last = calls[calls.length - 1]!;
  if (last.status !== 'success')
    throw new RebalanceSimulationError(
      `the batch reverts in simulation: ${explainRevert(last.error)}; nothing was sent`,
    );
  const { outs, valueIn, totalValue } = decodeExecute(last.data);
  const gasApprovals = calls.slice(0, -1).reduce((g, c) => g + c.gasUsed, 0n);

  // what the owner holds after, a sleeve asset counted as wallet + supplied (the sleeve's steps move units
  // between the two, not out of the holding)
  const after = new Map(held);
  for (const x of batch.route.spent) after.set(x.token.toLowerCase(), after.get(x.token.toLowerCase())! - x.amount);
  batch.legs.forEach((l, i) => {
    if (l.toOwner && l.kind !== KIND_AAVE_SUPPLY && l.kind !== KIND_AAVE_WITHDRAW)
      after.set(l.tokenOut.toLowerCase(), (after.get(l.tokenOut.toLowerCase()) ?? 0n) + outs[i]!);
  });
  // what the executor holds at the end (a bought token also forwarded) is swept back to the owner
  for (const x of batch.route.leftovers)
    after.set(x.token.toLowerCase(), (after.get(x.token.toLowerCase()) ?? 0n) + x.amount);
  const weights = (m: ReadonlyMap<string, bigint>): Record<string, number> => {
    const v: Record<string, number> = {};
    let total = 0;
    for (const [s, t] of tokens) {
      v[s] = (Number(m.get(t.address.toLowerCase()) ?? 0n) / 10 ** t.decimals) * usd(s);
      total += v[s]!;
    }
    for (const s of Object.keys(v)) v[s] = total > 0 ? v[s]! / total : 0;
    return v;
  };
  return {
    plan,
    batch,
    data,
    approvals,
    outs,
    valueIn,
    totalValue,
    gasBatch: last.gasUsed,
    gasApprovals,
    weightsBefore: weights(held),
    weightsAfter: weights(after),
    tokens,
    balances: raw,
    prices,
    ...(sleeve ? { sleeve } : {}),
  };
}
