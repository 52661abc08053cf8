/**
 * A Venue (src/core/ports.ts) over any ccxt exchange. Orders: client order id passed explicitly (no broker
 * id injected), quantity truncated with amountToPrecision, price rounded with priceToPrecision, minimum
 * quantity and notional checked before anything is sent (ccxt does not check the notional). A create that
 * fails ambiguously is OrderOutcomeUnknownError and is never re-sent here.
 */
import ccxt, { type Exchange, type MarketInterface as Market, type Order, type Ticker } from 'ccxt';
import { BallastError } from '../../core/errors.ts';
import {
  type Balances,
  type Clock,
  type MarketRules,
  OrderOutcomeUnknownError,
  OrderRejectedError,
  type OrderRequest,
  type OrderState,
  type PriceQuote,
} from '../../core/ports.ts';
import type { VenueCapabilities } from '../capabilities.ts';
import { parseBalancesReply, parseTickers, VenueReplyError } from '../replies.ts';
import { ccxtCapabilities } from './capabilities.ts';
import { classify, sanitize, toVenueError } from './errors.ts';
import type { Touch, TradingVenue } from './execution-types.ts';
import { type GraphMarket, liquidityFromTickers, MarketGraph, type Route } from './market-graph.ts';
import { notFound, toFill, toOrderState } from './order-state.ts';
import { type RetryPolicy, withRetry } from './retry.ts';
import { rulesOf, takerFeeBps } from './rules.ts';

export interface CcxtVenueOptions {
  /** Venue name in logs and the journal (default: the ccxt exchange id). */
  readonly name?: string;
  /** Retries for reads (never for creates). */
  readonly retry?: RetryPolicy;
  /** Override every market's taker fee (bps) for routing costs, e.g. with a VIP tier or BNB discount. */
  readonly feeBps?: number;
  /** Strings that must never appear in errors (the venue adds the credentials it was built with). */
  readonly secrets?: readonly string[];
  /** Markets and routes are reloaded after this long, so listings and delistings are noticed. Default 1 h. */
  readonly marketsTtlMs?: number;
  /** The clock of the markets' time-to-live: injected, never read from the system here. */
  readonly clock: Clock;
  /** What this exchange supports (default: `ccxtCapabilities(exchange.id)`). */
  readonly capabilities?: VenueCapabilities;
}

const CLIENT_ID = /^[A-Za-z0-9]{1,32}$/;

export class CcxtVenue implements TradingVenue {
  readonly name: string;
  private marketsLoaded: Promise<Record<string, Market>> | undefined;
  private readonly secrets: string[];
  private readonly graphs = new Map<string, Promise<MarketGraph>>();
  private loadedAt = 0;
  private reloadMarkets = false;
  readonly capabilities: VenueCapabilities;
  private readonly clock: Clock;

  constructor(
    readonly exchange: Exchange,
    private readonly opts: CcxtVenueOptions,
  ) {
    this.name = opts.name ?? exchange.id;
    this.capabilities = opts.capabilities ?? ccxtCapabilities(exchange.id);
    this.clock = opts.clock;
    this.secrets = [...(opts.secrets ?? []), exchange.apiKey, exchange.secret, exchange.password].filter(
      (s): s is string => typeof s === 'string' && s.length >= 4,
    );
  }

  private fail(operation: string, e: unknown): Error {
    return toVenueError(this.name, operation, e, this.secrets);
  }

  private async read<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(fn, this.opts.retry);
    } catch (e) {
      // ccxt parses a body it cannot read with plain JS errors (an HTML page → TypeError, "NaN" → SyntaxError).
      if (!(e instanceof ccxt.BaseError) && (e instanceof TypeError || e instanceof SyntaxError))
        throw new VenueReplyError(
          this.name,
          REPLY_CALL[operation] ?? operation,
          'body',
          `the reply could not be parsed (${sanitize(`${e.name}: ${e.message}`, this.secrets)})`,
        );
      throw this.fail(operation, e);
    }
  }

  private expireIfStale(): void {
    if (this.marketsLoaded !== undefined && this.clock.now() - this.loadedAt > (this.opts.marketsTtlMs ?? 3_600_000))
      this.invalidate();
  }

  async markets(): Promise<Record<string, Market>> {
    this.expireIfStale();
    let loaded = this.marketsLoaded;
    if (loaded === undefined) {
      this.loadedAt = this.clock.now();
      const reload = this.reloadMarkets;
      this.reloadMarkets = false;
      loaded = this.read(
        'loadMarkets',
        async () => (await this.exchange.loadMarkets(reload)) as Record<string, Market>,
      );
      this.marketsLoaded = loaded;
      loaded.catch(() => {
        this.marketsLoaded = undefined; // retry on the next call instead of caching the failure
      });
    }
    return loaded;
  }

  private async market(asset: string, quote: string): Promise<Market | undefined> {
    const m = (await this.markets())[`${asset}/${quote}`];
    return m?.spot !== false && m?.active !== false ? m : undefined;
  }

  /** Drops cached markets and routes; the next call reloads them (ccxt's own cache included). */
  invalidate(): void {
    this.marketsLoaded = undefined;
    this.graphs.clear();
    this.reloadMarkets = true;
  }

  /** Routes from each asset to `quote`, ranked by 24 h volume (built once per quote and cached). */
  async graph(quote: string): Promise<MarketGraph> {
    this.expireIfStale();
    let g = this.graphs.get(quote);
    if (g === undefined) {
      g = this.buildGraph(quote);
      this.graphs.set(quote, g);
      g.catch(() => this.graphs.delete(quote));
    }
    return g;
  }

  private async buildGraph(quote: string): Promise<MarketGraph> {
    const markets = Object.values(await this.markets()).filter((m): m is Market => m !== undefined && m.spot !== false);
    const nodes: GraphMarket[] = markets.map((m) => ({
      symbol: m.symbol,
      base: m.base,
      quote: m.quote,
      active: m.active !== false,
      takerFeeBps: takerFeeBps(m, this.opts.feeBps),
    }));
    const tickers = await this.read('fetchTickers', () => this.exchange.fetchTickers(nodes.map((n) => n.symbol)));
    const vols = Object.values(tickers).map((t) => ({
      symbol: String(t.symbol),
      last: t.last ?? undefined,
      quoteVolume: t.quoteVolume ?? undefined,
    }));
    return new MarketGraph(nodes, quote, liquidityFromTickers(nodes, vols, quote));
  }

  /** The asset's route to `quote` (direct or through one intermediate); undefined when none. */
  async route(asset: string, quote: string): Promise<Route | undefined> {
    return (await this.graph(quote)).route(asset);
  }

  /** Combined taker fee in bps of the asset's route (both legs for a two-leg route), for the planner's cost. */
  async pathFeeBps(asset: string, quote: string): Promise<number> {
    return (await this.graph(quote)).pathFeeBps(asset);
  }

  /** Free balances; a reply that fails the schema (HTML, non-JSON, negative, NaN) is a VenueReplyError. */
  async balances(): Promise<Balances> {
    const b = await this.read('fetchBalance', () => this.exchange.fetchBalance());
    return parseBalancesReply(
      b,
      this.name,
      this.capabilities.balancesInfoShape === 'binance' ? { infoShape: 'binance' } : {},
    );
  }

  private async tickers(symbols: readonly string[]): Promise<Record<string, Ticker>> {
    if (symbols.length === 0) return {};
    return this.read('fetchTickers', () => this.exchange.fetchTickers([...new Set(symbols)]));
  }

  /** Target assets with neither a market nor a route to `quote` here (start-up check, see src/venues/unlisted.ts). */
  async unlisted(assets: readonly string[], quote: string): Promise<string[]> {
    const g = await this.graph(quote);
    return assets.filter((a) => a !== quote && g.route(a) === undefined);
  }

  /**
   * Prices through each asset's route: a routed price is the product of its legs' mids; its time the oldest
   * leg's. Assets without a route are absent; a leg's ticker that fails the schema (missing, no timestamp,
   * negative or NaN price) is a VenueReplyError, never a silently missing price.
   */
  async prices(assets: readonly string[], quote: string): Promise<PriceQuote[]> {
    const g = await this.graph(quote);
    const routes = assets.map((a) => g.route(a)).filter((r): r is Route => r !== undefined);
    const symbols = routes.flatMap((r) => r.legs.map((l) => l.symbol));
    const tickers = parseTickers(await this.tickers(symbols), symbols, this.name);
    const out: PriceQuote[] = [];
    for (const r of routes) {
      let price = 1;
      let time = Number.POSITIVE_INFINITY;
      for (const leg of r.legs) {
        const t = tickers.get(leg.symbol)!;
        price *= leg.side === 'sell' ? t.price : 1 / t.price;
        time = Math.min(time, t.time);
      }
      if (Number.isFinite(price) && price > 0)
        out.push({ asset: r.asset, price, time, source: `${this.name}:${r.legs.map((l) => l.symbol).join('>')}` });
    }
    return out;
  }

  /** Direct markets: their rules. Routed assets: the first leg's lot, the larger leg minimum in quote units. */
  async rules(assets: readonly string[], quote: string): Promise<MarketRules[]> {
    const g = await this.graph(quote);
    const mode = this.exchange.precisionMode ?? 4; // 4 = ccxt TICK_SIZE
    const markets = await this.markets();
    const out: MarketRules[] = [];
    for (const asset of assets) {
      const r = g.route(asset);
      if (r === undefined) continue;
      const first = markets[r.legs[0].symbol];
      const second = markets[r.legs[r.legs.length - 1].symbol];
      if (first === undefined || second === undefined) continue;
      // An inverse first leg (asset is that market's quote) has its limits in the other currency: the asset's
      // minimum is then the market's minimum cost, and no lot step applies to it.
      const own: MarketRules =
        r.legs[0].side === 'sell'
          ? rulesOf(asset, first, mode)
          : { asset, minNotional: 0, lotStep: 0, minQuantity: first.limits.cost?.min ?? 0, tickSize: 0 };
      if (r.legs.length === 1) {
        out.push(own);
        continue;
      }
      const [viaPrice] = await this.prices([r.via ?? ''], quote);
      const firstMin = (first.limits.cost?.min ?? 0) * (viaPrice?.price ?? 0);
      out.push({ ...own, minNotional: Math.max(firstMin, second.limits.cost?.min ?? 0), tickSize: 0 });
    }
    return out;
  }

  /** Best bid and ask of the asset/quote market. */
  async touch(asset: string, quote: string): Promise<Touch> {
    const t = await this.read('fetchTicker', () => this.exchange.fetchTicker(`${asset}/${quote}`));
    if (t.bid === undefined || t.ask === undefined || !(t.bid > 0) || !(t.ask > 0))
      throw this.fail('fetchTicker', new BallastError(`no bid/ask for ${asset}/${quote}`, { next: 'next-cycle' }));
    return { bid: t.bid, ask: t.ask, time: t.timestamp ?? 0 };
  }

  /** The venue's precision applied to a quantity (truncated) for asset/quote. */
  async quantityToPrecision(asset: string, quote: string, quantity: number): Promise<number> {
    await this.markets();
    try {
      return Number(this.exchange.amountToPrecision(`${asset}/${quote}`, quantity));
    } catch {
      return 0; // ccxt throws below one step: nothing tradeable
    }
  }

  async place(order: OrderRequest): Promise<OrderState> {
    const id = order.clientOrderId;
    if (!CLIENT_ID.test(id)) throw new OrderRejectedError(id, 'client order id must be 1-32 characters of [A-Za-z0-9]');
    const symbol = `${order.asset}/${order.quote}`;
    let m: Market | undefined;
    try {
      m = await this.market(order.asset, order.quote);
    } catch (e) {
      throw new OrderRejectedError(id, `not sent: markets unavailable (${(e as Error).message})`);
    }
    if (m === undefined)
      throw new OrderRejectedError(
        id,
        `${this.name} has no active ${symbol} market; route it through an intermediate (executeRoute)`,
      );
    const { amount, price } = this.prepare(order, m);
    const params: Record<string, unknown> = { clientOrderId: id };
    if (this.capabilities.fullOrderResponse) params.newOrderRespType = 'FULL';
    let o: Order;
    try {
      o = await this.exchange.createOrder(symbol, order.type, order.side, amount, price, params);
    } catch (e) {
      const cls = classify(e);
      const detail = sanitize(e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e), this.secrets);
      if (cls === 'rejected') throw new OrderRejectedError(id, detail);
      if (cls === 'rate-limit')
        throw new OrderRejectedError(id, `rate limited, not placed (${detail}); the next cycle re-plans`);
      if (cls === 'clock')
        throw new OrderRejectedError(
          id,
          `clock skew: timestamp outside recvWindow, not placed (${detail}); sync the clock (NTP) or enable adjustForTimeDifference`,
        );
      if (cls === 'auth')
        throw new OrderRejectedError(
          id,
          `authentication failed, not placed (${detail}); check key, secret, permissions and IP allow-list`,
        );
      // Timeouts, 5xx, dropped connections, a duplicate id, unparseable replies: maybe placed.
      throw new OrderOutcomeUnknownError(id, new BallastError(detail, { next: 'lookup' }));
    }
    return toOrderState(o, id, (o.trades ?? []).map(toFill));
  }

  /** Applies precision and checks minimum/maximum quantity and notional before sending. */
  private prepare(order: OrderRequest, m: Market): { amount: number; price: number | undefined } {
    const id = order.clientOrderId;
    const unit = `${order.asset}`;
    if (!(order.quantity > 0) || !Number.isFinite(order.quantity))
      throw new OrderRejectedError(id, `quantity must be a positive number, got ${order.quantity}`);
    let amount: number;
    try {
      amount = Number(this.exchange.amountToPrecision(m.symbol, order.quantity));
    } catch {
      amount = 0;
    }
    const minQty = m.limits.amount?.min ?? 0;
    if (!(amount > 0) || amount < minQty) {
      throw new OrderRejectedError(
        id,
        `skipped: quantity ${order.quantity} ${unit} is below the minimum ${minQty} ${unit} (lot step ${m.precision.amount}) of ${m.symbol}`,
      );
    }
    const maxQty = m.limits.amount?.max;
    if (maxQty !== undefined && amount > maxQty)
      throw new OrderRejectedError(
        id,
        `quantity ${amount} ${unit} exceeds the maximum ${maxQty} of ${m.symbol}; split it into chunks`,
      );
    let price: number | undefined;
    if (order.type === 'limit') {
      if (order.limitPrice === undefined || !(order.limitPrice > 0))
        throw new OrderRejectedError(id, 'limit order without a positive limitPrice');
      price = Number(this.exchange.priceToPrecision(m.symbol, order.limitPrice));
    }
    const ref = price ?? order.referencePrice;
    if (!(ref > 0))
      throw new OrderRejectedError(
        id,
        `referencePrice must be > 0 to check the minimum notional, got ${order.referencePrice}`,
      );
    const notional = amount * ref;
    const minNotional = m.limits.cost?.min ?? 0;
    if (notional < minNotional) {
      throw new OrderRejectedError(
        id,
        `skipped: notional ${notional.toPrecision(6)} ${m.quote} is below ${m.symbol}'s minimum ${minNotional} ${m.quote}`,
      );
    }
    const maxNotional = m.limits.cost?.max;
    if (maxNotional !== undefined && notional > maxNotional)
      throw new OrderRejectedError(
        id,
        `notional ${notional} ${m.quote} exceeds ${m.symbol}'s maximum ${maxNotional}; split it into chunks`,
      );
    return { amount, price };
  }

  async lookup(clientOrderId: string, asset: string, quote: string): Promise<OrderState> {
    const symbol = `${asset}/${quote}`;
    await this.markets();
    let o: Order;
    try {
      o = await withRetry(
        () => this.exchange.fetchOrder(undefined as unknown as string, symbol, { clientOrderId }),
        this.opts.retry,
      );
    } catch (e) {
      if (classify(e) === 'not-found') return notFound(clientOrderId);
      throw this.fail('lookup', e);
    }
    const fills = (o.filled ?? 0) > 0 ? await this.fillsOf(o, symbol) : [];
    return toOrderState(o, clientOrderId, fills);
  }

  private async fillsOf(o: Order, symbol: string): Promise<ReturnType<typeof toFill>[]> {
    const trades = this.capabilities.myTradesBySymbol
      ? await this.read('fetchMyTrades', () =>
          this.exchange.fetchMyTrades(symbol, undefined, undefined, { orderId: o.id }),
        )
      : await this.read('fetchOrderTrades', () => this.exchange.fetchOrderTrades(String(o.id), symbol));
    return trades.filter((t) => t.order === undefined || String(t.order) === String(o.id)).map(toFill);
  }

  async cancel(clientOrderId: string, asset: string, quote: string): Promise<OrderState> {
    const symbol = `${asset}/${quote}`;
    await this.markets();
    try {
      await withRetry(
        () => this.exchange.cancelOrder(undefined as unknown as string, symbol, { clientOrderId }),
        this.opts.retry,
      );
    } catch (e) {
      // "Unknown order": no longer open (filled or canceled meanwhile) or never placed; the lookup tells which.
      if (classify(e) !== 'not-found') throw this.fail('cancel', e);
    }
    return this.lookup(clientOrderId, asset, quote);
  }

  async close(): Promise<void> {
    await this.exchange.close();
  }
}

/** The call a read answers, in VenueReplyError messages ("binance balances: …"). */
const REPLY_CALL: Record<string, string> = { fetchBalance: 'balances', fetchTickers: 'tickers', fetchTicker: 'ticker' };
