/**
 * Fault injection on demand. Tests (in process, or over the admin API from another process) queue
 * faults; each request consumes the first matching one. Deterministic: nothing random happens here.
 */
import { BallastError } from '../../core/errors.ts';

export interface FaultMatch {
  /** Request path, e.g. "/api/v3/order". Default: any. */
  readonly path?: string;
  /** HTTP method. Default: any. */
  readonly method?: string;
  /** Only requests carrying this client order id (newClientOrderId or origClientOrderId). */
  readonly clientOrderId?: string;
}

export type FaultSpec =
  /** Reply with this HTTP status (429, 418, 500, 502, 503, 504...). `execute`: process the request first (5xx after acceptance). */
  | { readonly kind: 'status'; readonly status: number; readonly body?: string; readonly execute?: boolean }
  /** Never reply. `execute: true` = the order is accepted and executes, the client only sees a timeout. */
  | { readonly kind: 'hang'; readonly execute: boolean }
  /** The next order fills only `fraction` of its quantity now (market: rest EXPIRED; limit: rest stays open). */
  | { readonly kind: 'partial'; readonly fraction: number }
  /** The next order is accepted as NEW and fills later: on release(), or after `ms` when given. */
  | { readonly kind: 'delay'; readonly ms?: number }
  /**
   * A garbage reply with HTTP 200, after the request was processed (account and ticker endpoints):
   * `html_balance` an HTML maintenance page; `empty_balances` the real reply with its list emptied
   * (`{"balances":[]}` for the account, `[]` for tickers); `nonjson` a truncated JSON body; `negative` /
   * `nan` the real reply with `asset`'s quantities (account) or prices (tickers) set to "-1" / "NaN"
   * (default: every asset held, every ticker).
   */
  | { readonly kind: ReplyFaultKind; readonly asset?: string };

export type ReplyFaultKind = 'html_balance' | 'empty_balances' | 'nonjson' | 'negative' | 'nan';
export const REPLY_FAULTS: readonly ReplyFaultKind[] = ['html_balance', 'empty_balances', 'nonjson', 'negative', 'nan'];

export type Fault = FaultSpec & { readonly match?: FaultMatch; readonly times?: number };

interface Armed {
  readonly fault: Fault;
  remaining: number;
}

export interface RequestInfo {
  readonly method: string;
  readonly path: string;
  readonly clientOrderId?: string;
}

/** Which fault kinds act at which stage: transport faults before/around processing, order faults in the engine. */
const TRANSPORT: ReadonlySet<string> = new Set(['status', 'hang']);
const ORDER: ReadonlySet<string> = new Set(['partial', 'delay']);
const REPLY: ReadonlySet<string> = new Set(REPLY_FAULTS);

export class FaultController {
  private armed: Armed[] = [];
  /** Server time offset in ms (clock skew): positive = the server's clock runs ahead. */
  clockSkewMs = 0;
  /** How many faults fired, by kind (tests assert the fault really happened). */
  readonly fired: Record<string, number> = {};

  /** Queues a fault; it fires `times` times (default 1) on matching requests. */
  inject(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new BallastError(`fault.times must be a positive integer, got ${fault.times}`, { next: 'fix-input' });
    if (fault.kind === 'partial' && !(fault.fraction > 0 && fault.fraction < 1)) {
      throw new BallastError(`fault.fraction must be in (0, 1), got ${fault.fraction}`, { next: 'fix-input' });
    }
    this.armed.push({ fault, remaining: times });
  }

  /** Shorthands. */
  status(status: number, opts: { execute?: boolean; match?: FaultMatch; times?: number; body?: string } = {}): void {
    this.inject({ kind: 'status', status, ...opts, match: opts.match ?? ORDER_POST });
  }
  timeoutAfterAccept(match: FaultMatch = ORDER_POST): void {
    this.inject({ kind: 'hang', execute: true, match });
  }
  timeoutBeforeAccept(match: FaultMatch = ORDER_POST): void {
    this.inject({ kind: 'hang', execute: false, match });
  }
  partialFill(fraction: number, match: FaultMatch = ORDER_POST): void {
    this.inject({ kind: 'partial', fraction, match });
  }
  delayedFill(opts: { ms?: number; match?: FaultMatch } = {}): void {
    this.inject({ kind: 'delay', ms: opts.ms, match: opts.match ?? ORDER_POST });
  }
  /** A garbage 200 reply on matching requests (default: the account endpoint, i.e. fetchBalance). */
  reply(kind: ReplyFaultKind, opts: { asset?: string; match?: FaultMatch; times?: number } = {}): void {
    this.inject({ kind, asset: opts.asset, times: opts.times, match: opts.match ?? ACCOUNT_GET });
  }
  setClockSkew(ms: number): void {
    if (!Number.isFinite(ms))
      throw new BallastError(`clock skew must be a finite number of ms, got ${ms}`, { next: 'fix-input' });
    this.clockSkewMs = ms;
  }

  clear(): void {
    this.armed = [];
    this.clockSkewMs = 0;
  }

  pending(): Fault[] {
    return this.armed.map((a) => ({ ...a.fault, times: a.remaining }));
  }

  /** Consumes the first armed transport fault (status/hang) matching the request. */
  takeTransport(req: RequestInfo): Fault | undefined {
    return this.take(req, (f) => TRANSPORT.has(f.kind));
  }

  /** Consumes the first armed order fault (partial/delay) matching the request. */
  takeOrder(req: RequestInfo): Fault | undefined {
    return this.take(req, (f) => ORDER.has(f.kind));
  }

  /** Consumes the first armed reply fault (garbage 200 body) matching a request that succeeded. */
  takeReply(req: RequestInfo): Fault | undefined {
    return this.take(req, (f) => REPLY.has(f.kind));
  }

  private take(req: RequestInfo, kind: (f: Fault) => boolean): Fault | undefined {
    const i = this.armed.findIndex((a) => kind(a.fault) && matches(a.fault.match, req));
    if (i < 0) return undefined;
    const a = this.armed[i];
    a.remaining -= 1;
    if (a.remaining <= 0) this.armed.splice(i, 1);
    this.fired[a.fault.kind] = (this.fired[a.fault.kind] ?? 0) + 1;
    return a.fault;
  }
}

export const ORDER_POST: FaultMatch = { path: '/api/v3/order', method: 'POST' };
export const ACCOUNT_GET: FaultMatch = { path: '/api/v3/account', method: 'GET' };
export const TICKERS_GET: FaultMatch = { path: '/api/v3/ticker/24hr', method: 'GET' };

const MAINTENANCE_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>System maintenance</h1></body></html>';

/** The garbage text a reply fault sends instead of `body` (the reply the request really produced). */
export function corruptReply(
  kind: ReplyFaultKind,
  body: unknown,
  asset?: string,
): { text: string; contentType: string } {
  const json = 'application/json;charset=UTF-8';
  if (kind === 'html_balance') return { text: MAINTENANCE_PAGE, contentType: 'text/html' };
  if (kind === 'nonjson') return { text: JSON.stringify(body).slice(0, 24), contentType: json };
  const rec = body as { balances?: { asset: string; free: string; locked: string }[] };
  if (kind === 'empty_balances')
    return { text: JSON.stringify(Array.isArray(body) ? [] : { ...rec, balances: [] }), contentType: json };
  const bad = kind === 'negative' ? '-1' : 'NaN';
  if (Array.isArray(rec.balances)) {
    const hit = (b: { asset: string; free: string }) => (asset === undefined ? Number(b.free) > 0 : b.asset === asset);
    const balances = rec.balances.map((b) => (hit(b) ? { ...b, free: bad } : b));
    return { text: JSON.stringify({ ...rec, balances }), contentType: json };
  }
  const tickers = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
  const out = tickers.map((t) =>
    asset === undefined || String(t.symbol).startsWith(asset)
      ? { ...t, lastPrice: bad, bidPrice: bad, askPrice: bad }
      : t,
  );
  return { text: JSON.stringify(Array.isArray(body) ? out : out[0]), contentType: json };
}

function matches(m: FaultMatch | undefined, req: RequestInfo): boolean {
  if (m === undefined) return true;
  if (m.path !== undefined && m.path !== req.path) return false;
  if (m.method !== undefined && m.method.toUpperCase() !== req.method) return false;
  if (m.clientOrderId !== undefined && m.clientOrderId !== req.clientOrderId) return false;
  return true;
}
