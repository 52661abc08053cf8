/**
 * The batch auction on chain (issue #25 item 1): the open orders of every owner in the book, settled in ONE
 * `settle` at one uniform clearing price per token. The oracle guard validates every token's feed first
 * (src/chain/oracles/); the pure auction (src/dex/intents/auction/) matches the coincidence of wants against
 * the batch's numeraire, each price within maxDeviationBps of the validated oracle price, and only each
 * token's residual is routed through the joint router, as settlement interactions on pools no other
 * residual of the batch uses. Orders outside the batch (another pair, a partial fill already begun) are
 * returned in `rest` for the part-1 path. The solver simulates `settle` first and sends only with `send`.
 */
import { type Address, encodeFunctionData, getAddress, type Hex } from 'viem';
import { type AuctionOrder, auction, type Residual } from '../../dex/intents/auction/index.ts';
import type { BookEntry } from '../../dex/intents/book-server.ts';
import { INVALIDATED, tradeFlags } from '../../dex/intents/gpv2-order.ts';
import { type JointRoute, prepareMarket } from '../../dex/router/joint/index.ts';
import { readPoolStates } from '../../dex/state/index.ts';
import { headAtLeast } from '../head.ts';
import type { FeedConfig } from '../oracles/feeds.ts';
import { validatedPrices } from '../oracles/guard.ts';
import { legInteractions } from './interactions.ts';
import { jointRouteFn } from './route.ts';
import { sendSettle, simulateSettle } from './settle-tx.ts';
import {
  filledAmount,
  type OrderOutcome,
  ownerReady,
  type SettleArgs,
  type SolverDeps,
  settlementAbi,
  usdPerUnit,
} from './solve.ts';

export interface BatchSettings {
  /** TOKEN/USD feed per fixture token symbol (the oracle guard's config). */
  readonly feeds: Readonly<Record<string, FeedConfig>>;
  /** Each clearing price within this many bps of the validated oracle price. */
  readonly maxDeviationBps: number;
  /** The symbol that wins a tie for the batch's numeraire (default USDC, the portfolios' usual quote). */
  readonly numeraire?: string;
}

export interface BatchResult {
  readonly outcomes: OrderOutcome[];
  /** Entries this batch leaves to the part-1 path (settled alone). */
  readonly rest: BookEntry[];
  /** Uniform clearing prices (lower-case token → price) of the settlement, empty when nothing executed. */
  readonly prices: ReadonlyMap<string, bigint>;
  readonly residuals: readonly Residual<JointRoute>[];
  readonly txHash?: Hex;
  readonly gasUsed?: bigint;
  readonly calldata?: Hex;
  /** The block the settlement was mined in: later reads of the round are pinned at or after it (head.ts). */
  readonly minedIn?: bigint;
}

/** Prices on one scale: USD per base unit × 10^40 (exact from the feeds' answers). */
const SCALE = 10n ** 40n;

const toAuction = (e: BookEntry): AuctionOrder => ({
  id: e.uid.toLowerCase(),
  sellToken: e.order.sellToken.toLowerCase(),
  buyToken: e.order.buyToken.toLowerCase(),
  sellAmount: e.order.sellAmount,
  buyAmount: e.order.buyAmount,
  feeAmount: e.order.feeAmount,
  kind: e.order.kind,
});

export async function solveBatch(
  d: SolverDeps,
  open: readonly BookEntry[],
  opts: BatchSettings & { send: boolean },
): Promise<BatchResult> {
  const f = d.fixture;
  const settlement = f.contracts.gpv2Settlement;
  const outcomes: OrderOutcome[] = [];
  const rest: BookEntry[] = [];
  const eligible: BookEntry[] = [];
  // every read of the batch pinned to one block: the simulation meets exactly the state it was planned on
  const head = await headAtLeast(d.client, 0n);
  const now = head.timestamp;
  for (const e of open) {
    const base = { uid: e.uid, owner: e.owner, kind: e.order.kind };
    if (BigInt(e.order.validTo) < now) {
      outcomes.push({ ...base, status: 'skipped', reason: 'expired' });
      continue;
    }
    const filled = await filledAmount(d.client, settlement, e.uid, head.number);
    if (filled === INVALIDATED) outcomes.push({ ...base, status: 'skipped', reason: 'invalidated on chain' });
    else if (filled > 0n) rest.push(e);
    else {
      const notReady = await ownerReady(d.client, f, e, e.order.sellAmount + e.order.feeAmount, head.number);
      if (notReady === null) eligible.push(e);
      else outcomes.push({ ...base, status: 'skipped', reason: notReady });
    }
  }
  const empty = { outcomes, rest, prices: new Map<string, bigint>(), residuals: [] };
  if (eligible.length === 0) return empty;

  // the oracle guard: every traded token's feed validated (fresh, complete round, inside its bounds)
  const traded = new Set(eligible.flatMap((e) => [e.order.sellToken.toLowerCase(), e.order.buyToken.toLowerCase()]));
  const tokens = f.tokens.filter((t) => traded.has(t.address.toLowerCase()));
  const valid = await validatedPrices(d.client, { feeds: opts.feeds, maxDeviationBps: opts.maxDeviationBps }, tokens);
  const oracle = new Map<string, bigint>();
  for (const t of tokens) {
    const v = valid.get(t.address.toLowerCase())!;
    oracle.set(t.address.toLowerCase(), (v.answer * SCALE) / 10n ** BigInt(v.decimals + t.decimals));
  }

  const snap = await readPoolStates(
    {
      client: d.client,
      v3TickLens: f.contracts.v3TickLens,
      balancerVault: f.contracts.balancerVault,
      multicall3: f.contracts.multicall3,
    },
    f.pools,
    head.number,
  );
  const market = prepareMarket(snap.states);
  const usd = await usdPerUnit(d.client, f);
  const gasPriceWei = await d.client.getGasPrice();
  const ethUsd = (usd.get(f.contracts.weth9.toLowerCase()) ?? 0) * 1e18;
  const used = new Set<string>();
  const usdc = f.tokens.find((t) => t.symbol === (opts.numeraire ?? 'USDC'));
  const routeFn = jointRouteFn(market, usd, gasPriceWei, ethUsd, used);
  const result = auction<JointRoute>({
    orders: eligible.map(toAuction),
    oraclePrices: oracle,
    maxDeviationBps: opts.maxDeviationBps,
    // a tie for the numeraire goes to the quote: fills are then explained in the asset ("3.1 WETH matched")
    ...(usdc === undefined ? {} : { preferredNumeraire: usdc.address.toLowerCase() }),
    route: (sell, buy, amount) => {
      const r = routeFn(sell as Address, buy as Address, amount);
      if (r === null) return null;
      const of = (xs: JointRoute['spent'], t: string) => xs.find((x) => x.token.toLowerCase() === t)?.amount ?? 0n;
      return { spent: of(r.spent, sell), received: of(r.received, buy), route: r };
    },
    commit: (res) => {
      for (const l of res.route.legs) used.add(l.pool.toLowerCase());
    },
  });

  const byId = new Map(eligible.map((e) => [e.uid.toLowerCase(), e]));
  const unfilledReason = new Map(result.unfilled.map((u) => [u.id, u.reason]));
  for (const e of eligible) {
    const reason = unfilledReason.get(e.uid.toLowerCase());
    if (reason === undefined) continue;
    // another pair than the numeraire's: the part-1 path settles it alone
    if (reason.startsWith('does not trade against')) rest.push(e);
    else outcomes.push({ uid: e.uid, owner: e.owner, kind: e.order.kind, status: 'skipped', reason });
  }
  if (result.executions.length === 0) return empty;

  const tokenList = [...result.prices.keys()];
  const index = new Map(tokenList.map((t, k) => [t, BigInt(k)]));
  const trades = result.executions.map((x) => {
    const e = byId.get(x.id)!;
    const o = e.order;
    return {
      sellTokenIndex: index.get(o.sellToken.toLowerCase())!,
      buyTokenIndex: index.get(o.buyToken.toLowerCase())!,
      receiver: o.receiver,
      sellAmount: o.sellAmount,
      buyAmount: o.buyAmount,
      validTo: o.validTo,
      appData: o.appData,
      feeAmount: o.feeAmount,
      flags: BigInt(tradeFlags(o)),
      // a partially fillable order is filled whole here (nothing of it was filled before)
      executedAmount: o.partiallyFillable ? (o.kind === 'sell' ? o.sellAmount : o.buyAmount) : 0n,
      signature: e.signature,
    };
  });
  const interactions = result.residuals.flatMap((r) => legInteractions(r.route.legs, f.pools, f.contracts, now + 600n));
  const settle: SettleArgs = {
    tokens: tokenList as Address[],
    prices: tokenList.map((t) => result.prices.get(t)!),
    trades,
    interactions: [[], interactions, []],
  };
  const calldata = encodeFunctionData({
    abi: settlementAbi,
    functionName: 'settle',
    args: [settle.tokens, settle.prices, settle.trades, settle.interactions] as never,
  });
  const explained = new Map(result.explanations.map((x) => [x.id, x]));
  const filled = (status: OrderOutcome['status'], extra: Partial<OrderOutcome> = {}): OrderOutcome[] =>
    result.executions.map((x) => {
      const e = byId.get(x.id)!;
      const why = explained.get(x.id)!;
      return {
        uid: e.uid,
        owner: e.owner,
        kind: e.order.kind,
        status,
        executedSell: x.executedSell,
        executedBuy: x.executedBuy,
        fee: x.fee,
        calldata,
        explained: { token: why.token as Address, matched: why.matched, routed: why.routed },
        ...extra,
      };
    });
  const batch = { rest, prices: result.prices, residuals: result.residuals, calldata };
  const sim = await simulateSettle(d, settle, head.number);
  if ('error' in sim) {
    const reason = `batch simulation reverted: ${sim.error}`;
    return { ...batch, outcomes: [...outcomes, ...filled('skipped', { reason })] };
  }
  if (!opts.send) return { ...batch, outcomes: [...outcomes, ...filled('simulated')] };
  const { hash, receipt, reverted } = await sendSettle(d, sim.request);
  const status = receipt.status === 'success' ? 'settled' : 'reverted';
  if (status === 'settled')
    for (const x of result.explanations) {
      const e = byId.get(x.id)!;
      // best effort: the settlement is on chain whatever the book answers; the venue then shows no explanation
      await d.book
        .explain(e.uid, {
          txHash: hash,
          token: getAddress(x.token),
          matched: x.matched.toString(),
          routed: x.routed.toString(),
        })
        .catch(() => undefined);
    }
  return {
    ...batch,
    txHash: hash,
    gasUsed: receipt.gasUsed,
    minedIn: receipt.blockNumber,
    outcomes: [
      ...outcomes,
      ...filled(status, {
        txHash: hash,
        gasUsed: receipt.gasUsed,
        ...(reverted === undefined ? {} : { reason: reverted }),
      }),
    ],
  };
}
