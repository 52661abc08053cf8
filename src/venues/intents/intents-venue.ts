/**
 * The intent venue (issue #24 item 2): instead of sending swaps, it signs what the portfolio wants as a
 * CoW Protocol GPv2 order (EIP-712) and posts it to the local order book; an allow-listed solver settles
 * it on GPv2Settlement. The wallet needs no ETH: the fee is taken in the sell token.
 *
 * - A sell of the asset is a GPv2 sell order: sellAmount = quantity − fee, buyAmount = sellAmount × the
 *   planner's price × (1 − maxSlippageBps); partially fillable from `partialAboveNotional`. A buy is a
 *   GPv2 buy order (fill-or-kill): buyAmount = quantity, sellAmount = quantity × price × (1 + maxSlippageBps),
 *   the fee on top of it. validTo = the chain's latest block time + deadlineSec.
 * - Journal-first: the order's appData is derived from the intent's client order id, so the uid (digest ‖
 *   owner ‖ validTo) belongs to one journaled intent, and the book holds at most one order per appData:
 *   a crash and a retry never post twice. `lookup` finds the order by appData and reads `filledAmount(uid)`
 *   and the settlement's Trade events.
 * - A market order waits up to waitMs for its settlement; what is left then is cancelled, and a partial fill
 *   shows as drift to the next cycle's plan. Cancellation is on chain (`invalidateOrder`, the wallet pays
 *   gas) when the wallet holds ETH, else off chain: withdrawn from the book, it expires at validTo.
 */
import {
  type Address,
  createPublicClient,
  createWalletClient,
  erc20Abi,
  formatUnits,
  type Hex,
  http,
  type PrivateKeyAccount,
  type PublicClient,
  parseAbi,
  parseAbiItem,
  parseUnits,
} from 'viem';
import {
  type Balances,
  type Clock,
  type Fill,
  type MarketRules,
  OrderOutcomeUnknownError,
  OrderRejectedError,
  type OrderRequest,
  type OrderState,
  type PriceQuote,
  type Venue,
} from '../../core/ports.ts';
import { OrderBookClient } from '../../dex/intents/book-client.ts';
import type { BookEntry } from '../../dex/intents/book-server.ts';
import { OrderBookError } from '../../dex/intents/errors.ts';
import { appDataOf, type GPv2Order, gpv2Domain, INVALIDATED, ZERO_ADDRESS } from '../../dex/intents/gpv2-order.ts';
import { signOrder, signWithdrawal } from '../../dex/intents/sign.ts';
import { skipBelowMinimum, truncateToLot } from '../lot.ts';
import type { IntentsVenueSettings } from './config.ts';

const settlementAbi = parseAbi([
  'function filledAmount(bytes) view returns (uint256)',
  'function invalidateOrder(bytes orderUid)',
]);
const feedAbi = parseAbi(['function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)']);
const tradeEvent = parseAbiItem(
  'event Trade(address indexed owner, address sellToken, address buyToken, uint256 sellAmount, uint256 buyAmount, uint256 feeAmount, bytes orderUid)',
);

const units = (x: number, decimals: number): bigint => parseUnits(x.toFixed(decimals), decimals);
const num = (x: bigint, decimals: number): number => Number(formatUnits(x, decimals));
const notFound = (clientOrderId: string): OrderState => ({
  clientOrderId,
  status: 'not_found',
  filledQuantity: 0,
  averagePrice: 0,
  fills: [],
});

export class IntentsVenue implements Venue {
  readonly name: string;
  readonly owner: Address;
  private readonly client: PublicClient;
  private readonly book: OrderBookClient;
  /** When this venue first saw each fill (trade id → the injected clock's ms). */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly c: IntentsVenueSettings,
    private readonly clock: Clock,
    private readonly account: PrivateKeyAccount,
  ) {
    this.name = c.name;
    this.owner = account.address;
    this.client = createPublicClient({ transport: http(c.rpcUrl) }) as PublicClient;
    this.book = new OrderBookClient(c.book);
  }

  private token(symbol: string) {
    return this.c.tokens[symbol];
  }

  async balances(): Promise<Balances> {
    const out: Record<string, number> = {};
    for (const [s, t] of Object.entries(this.c.tokens)) {
      const b = await this.client.readContract({
        address: t.address,
        abi: erc20Abi,
        functionName: 'balanceOf',
        args: [this.owner],
      });
      if (b > 0n) out[s] = num(b, t.decimals);
    }
    return out;
  }

  async prices(assets: readonly string[], quote: string): Promise<PriceQuote[]> {
    const q = this.token(quote);
    if (q === undefined) return [];
    const usd = async (feed: Address) => {
      const r = await this.client.readContract({ address: feed, abi: feedAbi, functionName: 'latestRoundData' });
      return { usd: Number(r[1]) / 1e8, time: Number(r[3]) * 1000 };
    };
    const pq = await usd(q.usdFeed);
    const out: PriceQuote[] = [];
    for (const a of assets) {
      const t = this.token(a);
      if (t === undefined) continue;
      const pa = await usd(t.usdFeed);
      out.push({ asset: a, price: pa.usd / pq.usd, time: Math.min(pa.time, pq.time), source: this.name });
    }
    return out;
  }

  async rules(assets: readonly string[], quote: string): Promise<MarketRules[]> {
    if (this.token(quote) === undefined || quote !== this.c.quote) return [];
    // every configured token trades against the quote; `rules` only adds a lot step or a minimum notional
    return assets.flatMap((a) => {
      const r = this.c.rules[a] ?? { lotStep: 0, minNotional: 0 };
      return this.token(a) === undefined || a === quote ? [] : [{ asset: a, minQuantity: 0, tickSize: 0, ...r }];
    });
  }

  /** The GPv2 order for a request (see the file's comment); exact base units. `now`: the chain's latest block time. */
  async orderFor(o: OrderRequest, quantity: number, now?: number): Promise<GPv2Order> {
    const a = this.token(o.asset)!;
    const q = this.token(o.quote)!;
    const slip = this.c.maxSlippageBps / 10_000;
    const price = o.type === 'limit' && o.limitPrice !== undefined ? o.limitPrice : o.referencePrice;
    now ??= Number((await this.client.getBlock()).timestamp);
    const common = {
      receiver: ZERO_ADDRESS,
      validTo: now + this.c.deadlineSec,
      appData: appDataOf(o.clientOrderId),
      sellTokenBalance: 'erc20' as const,
      buyTokenBalance: 'erc20' as const,
    };
    const feeOf = (x: bigint) => (x * BigInt(this.c.feeBps)) / 10_000n;
    if (o.side === 'sell') {
      const total = units(quantity, a.decimals);
      const fee = feeOf(total);
      const sellAmount = total - fee;
      const limit = o.type === 'limit' ? price : price * (1 - slip);
      return {
        ...common,
        sellToken: a.address,
        buyToken: q.address,
        sellAmount,
        buyAmount: units(num(sellAmount, a.decimals) * limit, q.decimals),
        feeAmount: fee,
        kind: 'sell',
        partiallyFillable: quantity * o.referencePrice >= this.c.partialAboveNotional,
      };
    }
    const limit = o.type === 'limit' ? price : price * (1 + slip);
    const sellAmount = units(quantity * limit, q.decimals);
    return {
      ...common,
      sellToken: q.address,
      buyToken: a.address,
      sellAmount,
      buyAmount: units(quantity, a.decimals),
      feeAmount: feeOf(sellAmount),
      kind: 'buy',
      partiallyFillable: false,
    };
  }

  async place(o: OrderRequest): Promise<OrderState> {
    const [r] = await this.rules([o.asset], o.quote);
    if (r === undefined) throw new OrderRejectedError(o.clientOrderId, `${this.name} has no ${o.asset}/${o.quote}`);
    const quantity = truncateToLot(o.quantity, r.lotStep);
    skipBelowMinimum(o.clientOrderId, r, quantity, o.referencePrice, o.quote);
    let signed: Awaited<ReturnType<typeof signOrder>>;
    let block: bigint;
    try {
      // the block the order is signed at: no settlement of it can come earlier, so lookups scan its
      // Trade events from there (the book keeps it with the order)
      const head = await this.client.getBlock();
      block = head.number;
      const order = await this.orderFor(o, quantity, Number(head.timestamp));
      signed = await signOrder(this.account, order, gpv2Domain(this.c.chainId, this.c.settlement));
    } catch (e) {
      // nothing was posted: the chain did not answer (block time) or the order could not be built
      throw new OrderRejectedError(o.clientOrderId, `not signed: ${(e as Error).message.split('\n')[0]}`);
    }
    try {
      await this.book.post(signed.order, signed.owner, signed.signature, block);
    } catch (e) {
      if (e instanceof OrderBookError && e.next === 'next-cycle')
        throw new OrderRejectedError(o.clientOrderId, e.message);
      throw new OrderOutcomeUnknownError(o.clientOrderId, e);
    }
    // posted (or, after a crash, already there: the same intent's order, never a second one)
    if (o.type === 'limit') return this.lookup(o.clientOrderId);
    // waits in polls (waitMs / pollMs of them), not by the clock: a replayed clock may stand still
    const polls = Math.ceil(this.c.waitMs / this.c.pollMs);
    for (let i = 0; ; i++) {
      const s = await this.lookup(o.clientOrderId);
      if (s.status !== 'open' && s.status !== 'partially_filled') return s;
      if (i >= polls) return this.cancel(o.clientOrderId);
      await new Promise((res) => setTimeout(res, this.c.pollMs));
    }
  }

  private async entry(clientOrderId: string): Promise<BookEntry | null> {
    return this.book.byIntent(appDataOf(clientOrderId));
  }

  /** The Trade events of the owner from `fromBlock` on. */
  private tradeLogs(fromBlock: bigint) {
    return this.client.getLogs({
      address: this.c.settlement,
      event: tradeEvent,
      args: { owner: this.owner },
      fromBlock,
    });
  }

  /**
   * The order's fills from the settlement's Trade events, scanned from the block it was signed at (the
   * book's hint). The hint is not signed: when the events found add up to less than `filled` (the
   * settlement's `filledAmount`), the scan starts again from block 0, so a wrong hint costs time, never fills.
   * Each fill's time is the injected clock's when this venue first saw it, the same on every later lookup.
   */
  private async fills(e: BookEntry, filled: bigint, head: bigint): Promise<Fill[]> {
    if (filled === 0n) return [];
    const mine = (ls: Awaited<ReturnType<IntentsVenue['tradeLogs']>>) =>
      ls.filter((l) => l.args.orderUid?.toLowerCase() === e.uid.toLowerCase());
    const executed = (ls: ReturnType<typeof mine>) =>
      ls.reduce(
        (s, l) => s + (e.order.kind === 'sell' ? l.args.sellAmount! - l.args.feeAmount! : l.args.buyAmount!),
        0n,
      );
    // an order invalidated on chain has filledAmount = uint256(-1): nothing to check the events against
    // (a hint past the head would be refused by the node: it is clamped to the head, then found wrong)
    const hint = BigInt(e.block ?? 0);
    const from = filled === INVALIDATED ? 0n : hint < head ? hint : head;
    let logs = mine(await this.tradeLogs(from));
    if (executed(logs) < filled && from > 0n) logs = mine(await this.tradeLogs(0n));
    const buy = e.order.sellToken.toLowerCase() === this.token(this.c.quote)!.address.toLowerCase();
    const asset = Object.values(this.c.tokens).find(
      (t) => t.address.toLowerCase() === (buy ? e.order.buyToken : e.order.sellToken).toLowerCase(),
    )!;
    const q = this.token(this.c.quote)!;
    const assetSym = Object.keys(this.c.tokens).find((s) => this.c.tokens[s] === asset)!;
    return logs.map((l) => {
      const sold = l.args.sellAmount! - l.args.feeAmount!;
      const qty = buy ? num(l.args.buyAmount!, asset.decimals) : num(sold, asset.decimals);
      const value = buy ? num(sold, q.decimals) : num(l.args.buyAmount!, q.decimals);
      const tradeId = `${l.transactionHash}-${l.logIndex}`;
      let time = this.seen.get(tradeId);
      if (time === undefined) {
        time = this.clock.now();
        this.seen.set(tradeId, time);
      }
      // a batch auction's explanation (issue #25), posted by the solver, in this order's asset
      const note = e.explanations?.find(
        (n) =>
          n.txHash.toLowerCase() === l.transactionHash?.toLowerCase() &&
          n.token.toLowerCase() === asset.address.toLowerCase(),
      );
      return {
        tradeId,
        quantity: qty,
        price: qty > 0 ? value / qty : 0,
        fee: num(l.args.feeAmount!, buy ? q.decimals : asset.decimals),
        feeAsset: buy ? this.c.quote : assetSym,
        time,
        ...(note === undefined
          ? {}
          : {
              explanation: {
                matched: num(BigInt(note.matched), asset.decimals),
                routed: num(BigInt(note.routed), asset.decimals),
              },
            }),
      };
    });
  }

  async lookup(clientOrderId: string): Promise<OrderState> {
    const e = await this.entry(clientOrderId);
    if (e === null) return notFound(clientOrderId);
    const [filled, block] = await Promise.all([
      this.client.readContract({
        address: this.c.settlement,
        abi: settlementAbi,
        functionName: 'filledAmount',
        args: [e.uid],
      }),
      this.client.getBlock(),
    ]);
    const fills = await this.fills(e, filled, block.number);
    const filledQuantity = fills.reduce((s, f) => s + f.quantity, 0);
    const value = fills.reduce((s, f) => s + f.quantity * f.price, 0);
    const full = e.order.kind === 'sell' ? e.order.sellAmount : e.order.buyAmount;
    const base = {
      clientOrderId,
      venueOrderId: e.uid,
      filledQuantity,
      averagePrice: filledQuantity > 0 ? value / filledQuantity : 0,
      fills,
    };
    if (filled === INVALIDATED) return { ...base, status: 'canceled', reason: 'invalidated on chain' };
    if (filled >= full) return { ...base, status: 'filled' };
    if (e.status === 'withdrawn') return { ...base, status: 'canceled', reason: 'withdrawn from the order book' };
    if (BigInt(e.order.validTo) < block.timestamp) return { ...base, status: 'canceled', reason: 'expired' };
    return { ...base, status: filled > 0n ? 'partially_filled' : 'open' };
  }

  async cancel(clientOrderId: string): Promise<OrderState> {
    const e = await this.entry(clientOrderId);
    if (e === null) return notFound(clientOrderId);
    const s = await this.lookup(clientOrderId);
    if (s.status !== 'open' && s.status !== 'partially_filled') return s;
    const eth = await this.client.getBalance({ address: this.owner });
    if (this.c.cancel === 'onchain' || (this.c.cancel === 'auto' && eth > 0n)) await this.invalidate(e.uid);
    // off chain too (and only, without ETH): the solver stops seeing it; the signature expires at validTo
    await this.book.withdraw(e.uid, await signWithdrawal(this.account, e.uid));
    return this.lookup(clientOrderId);
  }

  private async invalidate(uid: Hex): Promise<void> {
    const wallet = createWalletClient({ transport: http(this.c.rpcUrl), account: this.account });
    const chain = {
      id: this.c.chainId,
      name: 'local',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [this.c.rpcUrl] } },
    };
    const hash = await wallet.writeContract({
      address: this.c.settlement,
      abi: settlementAbi,
      functionName: 'invalidateOrder',
      args: [uid],
      chain,
    });
    await this.client.waitForTransactionReceipt({ hash, pollingInterval: 100 });
  }
}
