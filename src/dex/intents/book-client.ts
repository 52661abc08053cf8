/** HTTP client of the local order book (book-server.ts): what the intent venue and the solver call. */
import type { Address, Hex } from 'viem';
import { type BookEntry, type BookStatus, type FillNote, noteFromJson, orderFromJson } from './book-server.ts';
import { OrderBookError } from './errors.ts';
import { type GPv2Order, orderToJson } from './gpv2-order.ts';

export interface PostResult {
  readonly uid: Hex;
  /** false: the book already held this order (a retry), or (`conflict`) another order for the same intent. */
  readonly created: boolean;
  /** The intent already had a different order: `uid` is that one. */
  readonly conflict: boolean;
}

type Row = {
  uid: Hex;
  owner: Address;
  signature: Hex;
  status: BookStatus;
  order: unknown;
  explanations?: unknown[];
  block?: number;
};
const fromRow = (r: Row): BookEntry => {
  const { explanations, ...rest } = r;
  return {
    ...rest,
    order: orderFromJson(r.order),
    ...(explanations === undefined ? {} : { explanations: explanations.map(noteFromJson) }),
  };
};

export class OrderBookClient {
  constructor(
    readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new OrderBookError(`order book ${this.url}: ${method} ${path} failed (${(e as Error).message})`, {
        cause: e,
      });
    }
    const json = (await res.json().catch(() => null)) as unknown;
    if (res.status >= 500) throw new OrderBookError(`order book ${this.url}: ${method} ${path} answered ${res.status}`);
    return { status: res.status, json };
  }

  /** `block`: the block the order was signed at (kept with it: the owner's lookups scan events from there). */
  async post(order: GPv2Order, owner: Address, signature: Hex, block?: bigint): Promise<PostResult> {
    const { status, json } = await this.call('POST', '/orders', {
      order: orderToJson(order),
      owner,
      signature,
      ...(block === undefined ? {} : { block: Number(block) }),
    });
    const j = json as { uid?: Hex; message?: string };
    if ((status === 200 || status === 201 || status === 409) && j.uid !== undefined)
      return { uid: j.uid, created: status === 201, conflict: status === 409 };
    throw new OrderBookError(`order book refused the order (${status}): ${j.message ?? 'no reason'}`, {
      next: 'next-cycle',
    });
  }

  async list(status?: BookStatus): Promise<BookEntry[]> {
    const { status: s, json } = await this.call('GET', `/orders${status ? `?status=${status}` : ''}`);
    if (s !== 200) throw new OrderBookError(`order book: listing answered ${s}`);
    return (json as Row[]).map(fromRow);
  }

  /** The order for an intent (its appData), or null. */
  async byIntent(appData: Hex): Promise<BookEntry | null> {
    const { status, json } = await this.call('GET', `/intents/${appData}`);
    if (status === 404) return null;
    if (status !== 200) throw new OrderBookError(`order book: intent lookup answered ${status}`);
    return fromRow(json as Row);
  }

  /** The solver's explanation of one settlement of the order (issue #25). */
  async explain(uid: Hex, note: FillNote): Promise<void> {
    const { status, json } = await this.call('POST', `/orders/${uid}/explanations`, note);
    if (status !== 200)
      throw new OrderBookError(
        `order book refused the explanation (${status}): ${(json as { message?: string }).message ?? 'no reason'}`,
      );
  }

  async withdraw(uid: Hex, signature: Hex): Promise<BookEntry | null> {
    const { status, json } = await this.call('DELETE', `/orders/${uid}`, { signature });
    if (status === 404) return null;
    if (status !== 200)
      throw new OrderBookError(
        `order book refused the withdrawal (${status}): ${(json as { message?: string }).message}`,
        {
          next: 'stop',
        },
      );
    return fromRow(json as Row);
  }
}
