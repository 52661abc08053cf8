/**
 * `ballast solve` (issue #24 item 3): collects the open orders of the local order book and settles each one
 * alone on the fixture's GPv2Settlement, through the joint router's legs as settlement interactions, from
 * the allow-listed solver account (which pays the gas). Simulates by default (eth_call of `settle` from the
 * solver); sends only with `send`. An order is skipped, with the reason, when it expired, was invalidated
 * or filled on chain, its owner lacks the sell amount plus fee or the relayer's allowance, or no route
 * meets its limit.
 */
import {
  type Account,
  type Address,
  encodeFunctionData,
  erc20Abi,
  type Hex,
  type PublicClient,
  parseAbi,
  type WalletClient,
} from 'viem';
import type { OrderBookClient } from '../../dex/intents/book-client.ts';
import type { BookEntry } from '../../dex/intents/book-server.ts';
import { INVALIDATED, tradeFlags } from '../../dex/intents/gpv2-order.ts';
import { prepareMarket } from '../../dex/router/joint/index.ts';
import { readPoolStates } from '../../dex/state/index.ts';
import { cowArtifact } from '../fixture/deploy-cow.ts';
import type { Fixture } from '../fixture/types.ts';
import { headAtLeast } from '../head.ts';
import { aggregatorAbi } from '../oracles/feeds.ts';
import { type BatchSettings, solveBatch } from './batch.ts';
import { clearing, decideFill, type OrderFill } from './fill.ts';
import { legInteractions } from './interactions.ts';
import { jointRouteFn } from './route.ts';
import { sendSettle, simulateSettle } from './settle-tx.ts';

export const settlementAbi = cowArtifact('GPv2Settlement').abi;
const filledAbi = parseAbi(['function filledAmount(bytes) view returns (uint256)']);

export interface SolverDeps {
  readonly client: PublicClient;
  readonly fixture: Fixture;
  readonly book: OrderBookClient;
  /** The allow-listed solver's wallet; needed to send (a simulation reads only). */
  readonly wallet?: WalletClient;
  readonly account: Account | Address;
}

export interface OrderOutcome {
  readonly uid: Hex;
  readonly owner: Address;
  readonly kind: 'sell' | 'buy';
  readonly status: 'settled' | 'simulated' | 'skipped' | 'reverted';
  readonly reason?: string;
  readonly executedSell?: bigint;
  readonly executedBuy?: bigint;
  readonly fee?: bigint;
  readonly txHash?: Hex;
  readonly gasUsed?: bigint;
  /** The settle call's calldata (for audits and the replay test). */
  readonly calldata?: Hex;
  /** Batch mode (issue #25): the traded token X (not the numeraire) and this fill's X matched inside the settlement vs routed through pools. */
  readonly explained?: { readonly token: Address; readonly matched: bigint; readonly routed: bigint };
}

export interface SettleArgs {
  readonly tokens: Address[];
  readonly prices: bigint[];
  readonly trades: unknown[];
  readonly interactions: [unknown[], unknown[], unknown[]];
}

export async function filledAmount(
  client: PublicClient,
  settlement: Address,
  uid: Hex,
  blockNumber?: bigint,
): Promise<bigint> {
  return client.readContract({
    address: settlement,
    abi: filledAbi,
    functionName: 'filledAmount',
    args: [uid],
    ...(blockNumber === undefined ? {} : { blockNumber }),
  });
}

/** USD per base unit of each fixture token, from its mock feed (lower-case address). */
export async function usdPerUnit(client: PublicClient, f: Fixture): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const t of f.tokens) {
    const [, answer] = await client.readContract({
      address: t.usdFeed,
      abi: aggregatorAbi,
      functionName: 'latestRoundData',
    });
    out.set(t.address.toLowerCase(), Number(answer) / 1e8 / 10 ** t.decimals);
  }
  return out;
}

/** The settle arguments for fills of orders that each settle alone (one batch; part 2 nets them). */
export function settleArgs(fills: readonly OrderFill[], f: Fixture, deadline: bigint): SettleArgs {
  const { tokens, prices } = clearing(fills);
  const trades = fills.map((x, i) => ({
    sellTokenIndex: BigInt(2 * i),
    buyTokenIndex: BigInt(2 * i + 1),
    receiver: x.entry.order.receiver,
    sellAmount: x.entry.order.sellAmount,
    buyAmount: x.entry.order.buyAmount,
    validTo: x.entry.order.validTo,
    appData: x.entry.order.appData,
    feeAmount: x.entry.order.feeAmount,
    flags: BigInt(tradeFlags(x.entry.order)),
    executedAmount: x.executedAmount,
    signature: x.entry.signature,
  }));
  const inter = fills.flatMap((x) => legInteractions(x.route.legs, f.pools, f.contracts, deadline));
  return { tokens, prices, trades, interactions: [[], inter, []] };
}

export async function ownerReady(
  client: PublicClient,
  f: Fixture,
  e: BookEntry,
  need: bigint,
  blockNumber?: bigint,
): Promise<string | null> {
  const t = e.order.sellToken;
  const at = blockNumber === undefined ? {} : { blockNumber };
  const [bal, allowance] = await Promise.all([
    client.readContract({ address: t, abi: erc20Abi, functionName: 'balanceOf', args: [e.owner], ...at }),
    client.readContract({
      address: t,
      abi: erc20Abi,
      functionName: 'allowance',
      args: [e.owner, f.contracts.gpv2VaultRelayer],
      ...at,
    }),
  ]);
  if (bal < need) return `owner holds ${bal} of the sell token, the fill needs ${need}`;
  if (allowance < need) return `owner's allowance for the vault relayer is ${allowance}, the fill needs ${need}`;
  return null;
}

export const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/**
 * One solving round. Default: each open order settled alone (part 1). With `batch` (issue #25): the open
 * orders that trade against the batch's numeraire are settled together in one `settle` at uniform clearing
 * prices, their coincidence of wants matched inside the settlement and only the residual routed (batch.ts);
 * the others (another pair, a partial fill already begun) are then settled alone as before.
 */
export async function solveOnce(
  d: SolverDeps,
  opts: { send: boolean; batch?: BatchSettings },
): Promise<OrderOutcome[]> {
  const open = await d.book.list('open');
  if (open.length === 0) return [];
  if (opts.batch === undefined) return settleAlone(d, open, opts);
  const b = await solveBatch(d, open, { send: opts.send, ...opts.batch });
  return [...b.outcomes, ...(await settleAlone(d, b.rest, { ...opts, after: b.minedIn ?? 0n }))];
}

/**
 * Part 1: each entry settled alone, in its own `settle`. Every read of an entry (its fill, its owner, the
 * pools, the simulation) is pinned to one block no older than the last settlement mined (`after`, then each
 * receipt's): the route is simulated on exactly the state the transaction will meet (head.ts).
 */
export async function settleAlone(
  d: SolverDeps,
  open: readonly BookEntry[],
  opts: { send: boolean; after?: bigint },
): Promise<OrderOutcome[]> {
  const f = d.fixture;
  const settlement = f.contracts.gpv2Settlement;
  const out: OrderOutcome[] = [];
  if (open.length === 0) return out;
  const prices = await usdPerUnit(d.client, f);
  const weth = f.contracts.weth9.toLowerCase();
  const ethUsd = (prices.get(weth) ?? 0) * 1e18;
  let floor = opts.after ?? 0n;
  for (const e of open) {
    const base = { uid: e.uid, owner: e.owner, kind: e.order.kind };
    const head = await headAtLeast(d.client, floor);
    const now = head.timestamp;
    if (BigInt(e.order.validTo) < now) {
      out.push({ ...base, status: 'skipped', reason: 'expired' });
      continue;
    }
    const filled = await filledAmount(d.client, settlement, e.uid, head.number);
    if (filled === INVALIDATED) {
      out.push({ ...base, status: 'skipped', reason: 'invalidated on chain' });
      continue;
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
    const gasPriceWei = await d.client.getGasPrice();
    const route = jointRouteFn(market, prices, gasPriceWei, ethUsd);
    const decision = decideFill(e, filled, route);
    if ('skip' in decision) {
      out.push({ ...base, status: 'skipped', reason: decision.skip });
      continue;
    }
    const fill = decision.fill;
    const notReady = await ownerReady(d.client, f, e, fill.executedSell + fill.fee, head.number);
    if (notReady !== null) {
      out.push({ ...base, status: 'skipped', reason: notReady });
      continue;
    }
    const a = settleArgs([fill], f, now + 600n);
    const amounts = { executedSell: fill.executedSell, executedBuy: fill.executedBuy, fee: fill.fee };
    const sim = await simulateSettle(d, a, head.number);
    if ('error' in sim) {
      out.push({ ...base, status: 'skipped', reason: `simulation reverted: ${sim.error}` });
      continue;
    }
    const calldata = encodeFunctionData({
      abi: settlementAbi,
      functionName: 'settle',
      args: [a.tokens, a.prices, a.trades, a.interactions] as never,
    });
    if (!opts.send) {
      out.push({ ...base, status: 'simulated', ...amounts, calldata });
      continue;
    }
    const sent = await sendSettle(d, sim.request);
    floor = sent.receipt.blockNumber;
    out.push({
      ...base,
      status: sent.reverted === undefined ? 'settled' : 'reverted',
      ...(sent.reverted === undefined ? {} : { reason: sent.reverted }),
      ...amounts,
      txHash: sent.hash,
      gasUsed: sent.receipt.gasUsed,
      calldata,
    });
  }
  return out;
}
