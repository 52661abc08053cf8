/**
 * Alert webhook: the journal's `alerts` table is the outbox. The runner records every alert (rebalance,
 * skip, guard refusal, failure, approval wanted, kill switch); this sender POSTs each undelivered one as
 * JSON to the configured URL, retrying with exponential backoff, and records the outcome
 * (`delivered_at` or `delivery_error`). What is not delivered stays in the outbox and is retried by the
 * next pass (next alert, the periodic sweep, or a restart): delivery is at least once, so the payload
 * carries the alert's id for the receiver to drop duplicates. The URL itself may hold a secret (Slack and
 * Discord webhook URLs do), so it is never logged or stored: only its origin is.
 */

import { BallastError, type Next } from '../core/errors.ts';
import type { AlertRecord } from '../store/index.ts';
import type { Store } from '../store/ports.ts';
import type { ServiceFacade } from './facade.ts';
import type { Logger } from './logger.ts';
import type { AlertEvent } from './runner/types.ts';

/** What the receiver gets (Content-Type: application/json). */
export interface AlertPayload {
  readonly source: 'ballast';
  /** The journal's alert id: the same alert re-sent after a failure has the same id. */
  readonly id: number;
  readonly portfolioId: string | null;
  /** Milliseconds since the epoch (bar time in replay) and the same as ISO-8601. */
  readonly at: number;
  readonly time: string;
  readonly level: 'info' | 'warning' | 'critical';
  readonly kind: string;
  readonly message: string;
  readonly detail: unknown;
  /** Slack/Mattermost-compatible one-liner. */
  readonly text: string;
}

export interface AlertSenderOptions {
  readonly journal: Store;
  readonly webhook: string;
  /** Attempts per alert per pass (default 4). */
  readonly attempts?: number;
  /** First backoff delay; doubles each attempt, with jitter, capped by maxDelayMs (defaults 500 ms, 30 s). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class AlertWebhookConfigError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'AlertWebhookConfigError';
}

export function alertPayload(a: AlertRecord): AlertPayload {
  const who = a.portfolioId === null ? '' : `[${a.portfolioId}] `;
  return {
    source: 'ballast',
    id: a.id,
    portfolioId: a.portfolioId,
    at: a.at,
    time: new Date(a.at).toISOString(),
    level: a.level,
    kind: a.kind,
    message: a.message,
    detail: a.detail,
    text: `Ballast ${a.level}: ${who}${a.kind}: ${a.message}`,
  };
}

const retryable = (status: number) => status >= 500 || status === 408 || status === 429;

export class AlertSender {
  private readonly url: URL;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  readonly origin: string;

  constructor(private readonly o: AlertSenderOptions) {
    try {
      this.url = new URL(o.webhook);
    } catch {
      throw new AlertWebhookConfigError('alerts.webhook: not a valid URL; give an http(s) URL to POST alerts to.');
    }
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:')
      throw new AlertWebhookConfigError(`alerts.webhook: protocol ${this.url.protocol} is not supported; use https.`);
    this.origin = this.url.origin;
  }

  /** Delivers every undelivered alert (one pass at a time; a call during a pass makes it go round again). */
  flush(): Promise<void> {
    if (this.running !== null) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    await Promise.resolve(); // `running` is assigned before the loop can end
    try {
      for (;;) {
        this.again = false;
        for (const a of await this.o.journal.alerts.undelivered()) await this.deliver(a);
        // Checked and cleared in one synchronous step: a flush() after this starts a new pass.
        if (!this.again) {
          this.running = null;
          return;
        }
      }
    } catch (e) {
      this.running = null;
      throw e;
    }
  }

  /** Sweeps the outbox every `intervalMs` (undelivered alerts from failures or before a restart). */
  start(intervalMs = 60_000): void {
    void this.stop(); // clears the timer at once; a sweep under way finishes on its own
    this.timer = setInterval(() => void this.flush().catch(() => undefined), intervalMs);
    this.timer.unref();
    void this.flush().catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /**
   * An alert the journal could not record (a disk write failure): one POST with id 0, nothing journaled.
   * True when delivered.
   */
  async deliverDirect(e: AlertEvent): Promise<boolean> {
    const record: AlertRecord = {
      id: 0,
      portfolioId: e.portfolioId,
      level: e.level,
      kind: e.kind,
      message: e.message,
      detail: { journaled: false },
      at: e.at,
    } as AlertRecord;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'ballast-alerts' },
        body: JSON.stringify(alertPayload(record)),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 5_000),
      });
      await res.body?.cancel().catch(() => undefined);
      return res.ok;
    } catch {
      this.o.logger?.warn({ origin: this.origin }, 'direct alert webhook delivery failed');
      return false;
    }
  }

  /** One alert: up to `attempts` POSTs with backoff; true when delivered. The outcome is journaled. */
  async deliver(a: AlertRecord): Promise<boolean> {
    const attempts = this.o.attempts ?? 4;
    const base = this.o.baseDelayMs ?? 500;
    const cap = this.o.maxDelayMs ?? 30_000;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = this.o.now ?? Date.now;
    const body = JSON.stringify(alertPayload(a));
    let error = '';
    let tried = 0;
    for (let i = 0; i < attempts; i++) {
      tried = i + 1;
      let delay = Math.min(cap, base * 2 ** i * (0.5 + Math.random() / 2));
      try {
        const res = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'ballast-alerts' },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 5_000),
        });
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) {
          await this.o.journal.alerts.markDelivery(a.id, now());
          this.o.logger?.debug({ alert: a.id, attempt: i + 1, origin: this.origin }, 'alert delivered');
          return true;
        }
        error = `HTTP ${res.status} from ${this.origin}`;
        if (!retryable(res.status)) break;
        const after = Number(res.headers.get('retry-after'));
        if (Number.isFinite(after) && after > 0) delay = Math.min(cap, after * 1000);
      } catch (e) {
        // Never the URL (it may carry a token): the origin and the error's name/code only.
        const code = (e as { cause?: { code?: string } }).cause?.code;
        error = `${e instanceof Error ? e.name : 'error'}${code === undefined ? '' : ` ${code}`} posting to ${this.origin}`;
      }
      if (i + 1 < attempts) await sleep(delay);
    }
    await this.o.journal.alerts.markDelivery(
      a.id,
      now(),
      `${error} (after ${tried} attempt(s); retried on the next pass)`,
    );
    this.o.logger?.warn({ alert: a.id, origin: this.origin, error }, 'alert webhook delivery failed');
    return false;
  }
}

/**
 * Wires a sender to the service: each alert event (already journaled by the runner) triggers a delivery
 * pass, and the periodic sweep retries what failed. Returns the function that detaches and stops it.
 */
export function deliverAlerts(
  facade: Pick<ServiceFacade, 'onAlert'>,
  sender: AlertSender,
  sweepMs = 60_000,
): () => Promise<void> {
  const off = facade.onAlert((e) =>
    e.journaled === false
      ? void sender.deliverDirect(e).catch(() => undefined)
      : void sender.flush().catch(() => undefined),
  );
  sender.start(sweepMs);
  return async () => {
    off();
    await sender.stop();
  };
}
