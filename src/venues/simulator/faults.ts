/**
 * Fault injection on demand. Tests (in process, or over the admin API from another process) queue
 * faults; each request consumes the first matching one. Deterministic: nothing random happens here.
 */

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
  | { readonly kind: 'delay'; readonly ms?: number };

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
      throw new Error(`fault.times must be a positive integer, got ${fault.times}`);
    if (fault.kind === 'partial' && !(fault.fraction > 0 && fault.fraction < 1)) {
      throw new Error(`fault.fraction must be in (0, 1), got ${fault.fraction}`);
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
  setClockSkew(ms: number): void {
    if (!Number.isFinite(ms)) throw new Error(`clock skew must be a finite number of ms, got ${ms}`);
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
    return this.take(req, (f) => !TRANSPORT.has(f.kind));
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

function matches(m: FaultMatch | undefined, req: RequestInfo): boolean {
  if (m === undefined) return true;
  if (m.path !== undefined && m.path !== req.path) return false;
  if (m.method !== undefined && m.method.toUpperCase() !== req.method) return false;
  if (m.clientOrderId !== undefined && m.clientOrderId !== req.clientOrderId) return false;
  return true;
}
