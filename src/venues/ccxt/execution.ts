/**
 * Order execution strategies over a TradingVenue: market, or limit at the touch re-pegged until filled or a
 * timeout; large orders split into chunks of at most `maxChunkNotional`; partial fills carried over to the
 * next child. Every child order (chunk, re-peg, remainder) gets its own client order id from `childId`,
 * and `beforeSend` is awaited first so the journal commits the intent before anything goes out.
 * An ambiguous send stops everything (status "unknown"): it is never re-sent here.
 */
import {
  type Fill,
  OrderOutcomeUnknownError,
  OrderRejectedError,
  type OrderRequest,
  type OrderState,
  type Side,
} from '../../core/ports.ts';
import type { TradingVenue } from './execution-types.ts';

export type Strategy =
  | { readonly kind: 'market' }
  | {
      readonly kind: 'limit';
      /** Re-peg to the new touch when the order has rested this long and the touch moved. */
      readonly repegMs: number;
      /** Give up after this long: cancel the rest, or send it as a market order. */
      readonly timeoutMs: number;
      readonly onTimeout?: 'cancel' | 'market';
      /** Poll interval for the resting order's state. Default min(250, repegMs). */
      readonly pollMs?: number;
    };

export interface ExecutionHooks {
  /** Awaited before each child is sent (journal the intent here). Throwing aborts before sending. */
  beforeSend?(order: OrderRequest, child: number): Promise<void> | void;
  /** Every state learnt for a child (acknowledgement, polls, final). */
  onState?(state: OrderState, order: OrderRequest, child: number): Promise<void> | void;
}

export interface ExecutionOptions {
  readonly strategy: Strategy;
  /** Split orders above this notional (quote units) into chunks. Default: no split. */
  readonly maxChunkNotional?: number;
  /** Deterministic client order id of child n (0, 1, 2...): at most 32 characters of [A-Za-z0-9]. */
  readonly childId: (child: number) => string | Promise<string>;
  /** First child number (route executions continue numbering across legs). Default 0. */
  readonly firstChild?: number;
  /** Safety cap on children of one execution. Default 100. */
  readonly maxChildren?: number;
  readonly hooks?: ExecutionHooks;
  /**
   * Sends one child (default: venue.place). The service passes a function that commits the intent and
   * sends it through the journal (commitIntent + sendIntent); it must throw OrderRejectedError or
   * OrderOutcomeUnknownError exactly as Venue.place does.
   */
  readonly send?: (order: OrderRequest, child: number) => Promise<OrderState>;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock of re-pegs and timeouts (injected: the service's clock). */
  readonly now: () => number;
}

export interface ExecutionRequest {
  readonly asset: string;
  readonly quote: string;
  readonly side: Side;
  /** Base units wanted. */
  readonly quantity: number;
  /** The validated price the plan used (notional checks, chunk sizing). */
  readonly referencePrice: number;
}

export interface ExecutionReport {
  /** filled: all of it; partial: some; none: nothing (rejected/skipped/timed out); unknown: a child's outcome is unknown. */
  readonly status: 'filled' | 'partial' | 'none' | 'unknown';
  readonly filledQuantity: number;
  /** Quote units spent (buy) or received before fees (sell). */
  readonly quoteAmount: number;
  readonly averagePrice: number;
  readonly fills: readonly Fill[];
  readonly children: readonly OrderState[];
  /** Next unused child number. */
  readonly nextChild: number;
  readonly reason?: string;
  /** The child whose outcome is unknown: resolve it by lookup, never by re-sending. */
  readonly unknownClientOrderId?: string;
}

/** Removes float noise from differences of decimal amounts (0.05 − 0.03332 = 0.016680000000000004) before truncation. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Run {
  child: number;
  filled = 0;
  readonly fills: Fill[] = [];
  readonly children: OrderState[] = [];
  reason: string | undefined;
  unknown: string | undefined;
  /** The rest is below one lot step (truncation dust), so the order counts as filled. */
  dust = false;

  constructor(
    readonly venue: TradingVenue,
    readonly req: ExecutionRequest,
    readonly opts: ExecutionOptions,
  ) {
    this.child = opts.firstChild ?? 0;
  }

  get remaining(): number {
    return clean(this.req.quantity - this.filled);
  }

  /** Sends one child; returns its state, or undefined when the run must stop (reason/unknown set). */
  async send(quantity: number, type: 'market' | 'limit', limitPrice?: number): Promise<OrderState | undefined> {
    if (this.child - (this.opts.firstChild ?? 0) >= (this.opts.maxChildren ?? 100)) {
      this.reason = `stopped after ${this.opts.maxChildren ?? 100} child orders`;
      return undefined;
    }
    const n = this.child++;
    const order: OrderRequest = {
      clientOrderId: await this.opts.childId(n),
      asset: this.req.asset,
      quote: this.req.quote,
      side: this.req.side,
      quantity,
      type,
      referencePrice: this.req.referencePrice,
      ...(limitPrice === undefined ? {} : { limitPrice }),
    };
    await this.opts.hooks?.beforeSend?.(order, n);
    try {
      const s = await (this.opts.send ? this.opts.send(order, n) : this.venue.place(order));
      await this.opts.hooks?.onState?.(s, order, n);
      return s;
    } catch (e) {
      if (e instanceof OrderOutcomeUnknownError) this.unknown = order.clientOrderId;
      else if (e instanceof OrderRejectedError) this.reason = e.reason;
      else throw e;
      return undefined;
    }
  }

  /** Records a child's final state (its fills count towards the total). */
  settle(s: OrderState): void {
    this.children.push(s);
    this.filled += s.filledQuantity;
    this.fills.push(...s.fills);
  }

  report(): ExecutionReport {
    const qty = this.fills.reduce((a, f) => a + f.quantity, 0);
    const quoteAmount = this.fills.reduce((a, f) => a + f.quantity * f.price, 0);
    const done = this.remaining <= this.req.quantity * 1e-12 || this.dust;
    const status = this.unknown !== undefined ? 'unknown' : done ? 'filled' : this.filled > 0 ? 'partial' : 'none';
    return {
      status,
      filledQuantity: this.filled,
      quoteAmount,
      averagePrice: qty > 0 ? quoteAmount / qty : 0,
      fills: this.fills,
      children: this.children,
      nextChild: this.child,
      ...(this.reason === undefined ? {} : { reason: this.reason }),
      ...(this.unknown === undefined
        ? {}
        : { unknownClientOrderId: this.unknown, reason: `outcome of ${this.unknown} unknown; resolve it by lookup` }),
    };
  }
}

/** Executes `req` on its direct market with the chosen strategy, chunking and partial-fill handling. */
export async function execute(
  venue: TradingVenue,
  req: ExecutionRequest,
  opts: ExecutionOptions,
): Promise<ExecutionReport> {
  const run = new Run(venue, req, opts);
  // Equal chunks (n = ⌈notional / max⌉) rather than max-size chunks plus an untradeable dust tail; the
  // last chunk takes the truncation remainder, so it can exceed the max by less than one lot step per chunk.
  let chunksLeft =
    opts.maxChunkNotional === undefined
      ? 1
      : Math.max(1, Math.ceil((req.quantity * req.referencePrice) / opts.maxChunkNotional - 1e-9));
  while (run.remaining > 0 && run.unknown === undefined && run.reason === undefined) {
    const q = await venue.quantityToPrecision(req.asset, req.quote, run.remaining / Math.max(1, chunksLeft));
    chunksLeft -= 1;
    if (!(q > 0)) {
      // Less than one lot step left: untradeable dust. After fills that is "filled"; before any, a skip.
      if (run.filled > 0) run.dust = true;
      else
        run.reason = `skipped: quantity ${req.quantity} ${req.asset} is below one lot step of ${req.asset}/${req.quote}`;
      break;
    }
    const before = run.filled;
    if (opts.strategy.kind === 'market') {
      const s = await run.send(q, 'market');
      if (s === undefined) break;
      run.settle(s);
    } else {
      await limitChild(run, q, opts.strategy);
    }
    if (run.filled === before && run.reason === undefined && run.unknown === undefined) {
      run.reason = 'a child order filled nothing; stopping so the next cycle re-plans from fresh balances';
    }
  }
  return run.report();
}

/** One chunk as a limit order at the touch: re-pegged while it rests, until filled or the timeout. */
async function limitChild(run: Run, quantity: number, st: Extract<Strategy, { kind: 'limit' }>): Promise<void> {
  const sleep = run.opts.sleep ?? defaultSleep;
  const now = run.opts.now;
  const deadline = now() + st.timeoutMs;
  const poll = st.pollMs ?? Math.min(250, st.repegMs);
  const { asset, quote } = run.req;
  let left = quantity;
  while (left > 0) {
    const touch = await run.venue.touch(asset, quote);
    const price = run.req.side === 'buy' ? touch.bid : touch.ask;
    const sent = await run.send(left, 'limit', price);
    if (sent === undefined) return;
    let state = sent;
    const id = sent.clientOrderId;
    const pegUntil = Math.min(deadline, now() + st.repegMs);
    while (state.status === 'open' || state.status === 'partially_filled') {
      if (now() >= pegUntil) {
        const t = now() >= deadline ? undefined : await run.venue.touch(asset, quote);
        const moved = t === undefined || (run.req.side === 'buy' ? t.bid : t.ask) !== price;
        if (moved) break;
      }
      await sleep(poll);
      state = await guarded(run, id, () => run.venue.lookup(id, asset, quote));
      if (run.unknown !== undefined) return;
      await run.opts.hooks?.onState?.(state, { ...sentOrder(run, id, left, price) }, run.child - 1);
    }
    if (state.status === 'open' || state.status === 'partially_filled') {
      state = await guarded(run, id, () => run.venue.cancel(id, asset, quote));
      if (run.unknown !== undefined) return;
    }
    run.settle(state);
    left = await run.venue.quantityToPrecision(asset, quote, clean(left - state.filledQuantity));
    if (left > 0 && now() >= deadline) {
      if (st.onTimeout === 'market') {
        const s = await run.send(left, 'market');
        if (s !== undefined) run.settle(s);
      } else {
        run.reason = `limit timeout after ${st.timeoutMs} ms: ${left} ${asset} not filled (canceled)`;
      }
      return;
    }
  }
}

function sentOrder(run: Run, clientOrderId: string, quantity: number, limitPrice: number): OrderRequest {
  const { asset, quote, side, referencePrice } = run.req;
  return { clientOrderId, asset, quote, side, quantity, type: 'limit', limitPrice, referencePrice };
}

/** A lookup/cancel failure leaves a resting order in an unknown state: stop and let reconciliation resolve it. */
async function guarded(run: Run, id: string, fn: () => Promise<OrderState>): Promise<OrderState> {
  try {
    return await fn();
  } catch (e) {
    run.unknown = id;
    run.reason = e instanceof Error ? e.message : String(e);
    return { clientOrderId: id, status: 'open', filledQuantity: 0, averagePrice: 0, fills: [] };
  }
}
