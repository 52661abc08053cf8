/**
 * The local order book (issue #24 item 3): a small HTTP service, as CoW's own order book is, so the venue
 * (inside the service) and the solver (`ballast solve`, another process) share it without sharing a
 * database file. It keeps signed GPv2 orders, checks each signature against its owner, and holds at most
 * one order per intent (per appData): posting the same order again answers with its uid, and a different
 * order for the same intent is refused with 409 and the uid already there, so a crash and a retry never
 * leave two orders for one intent. An owner withdraws an order (off-chain cancellation) with a signed
 * message; the settlement still honours its signature until validTo, so a withdrawn order stays listed
 * as withdrawn and the solver never settles it. With `file`, the book is written through to a JSON file
 * (atomic rename) and read back at start.
 *
 * A solver that settled an order in a batch auction (issue #25) posts how: per settlement transaction, the
 * traded asset's amount matched inside the settlement and routed through pools (`POST /orders/:uid/explanations`);
 * the venue reads it with the order. The book is local and trusts its solver: the explanation is not signed.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Address, getAddress, type Hex, isAddress, isHex, verifyMessage } from 'viem';
import {
  type GPv2Domain,
  type GPv2Order,
  gpv2Domain,
  orderDigest,
  orderToJson,
  orderUid,
  type SignedOrder,
  signerOf,
} from './gpv2-order.ts';

export type BookStatus = 'open' | 'withdrawn';

/** A solver's explanation of one settlement of an order (issue #25): base units of `token` as decimal strings. */
export interface FillNote {
  readonly txHash: Hex;
  readonly token: Address;
  readonly matched: string;
  readonly routed: string;
}

export interface BookEntry extends SignedOrder {
  readonly status: BookStatus;
  readonly explanations?: readonly FillNote[];
  /**
   * The block the poster says the order was signed at (not signed itself: a hint for the owner's lookups,
   * which scan the settlement's events from there and check them against `filledAmount`).
   */
  readonly block?: number;
}

export interface OrderBookOptions {
  readonly chainId: number;
  readonly settlement: Address;
  /** Write-through JSON file; absent = memory only. */
  readonly file?: string;
  readonly host?: string;
  /** 0 = a free port. */
  readonly port?: number;
}

export interface OrderBookHandle {
  readonly url: string;
  /** Every order the book holds, in posting order. */
  entries(): readonly BookEntry[];
  close(): Promise<void>;
}

/** The message an owner signs (EIP-191) to withdraw an order. */
export const withdrawMessage = (uid: Hex): string => `ballast: withdraw order ${uid.toLowerCase()}`;

export function entryToJson(e: BookEntry) {
  return {
    uid: e.uid,
    owner: e.owner,
    signature: e.signature,
    status: e.status,
    order: orderToJson(e.order),
    ...(e.explanations === undefined ? {} : { explanations: e.explanations }),
    ...(e.block === undefined ? {} : { block: e.block }),
  };
}

/** Parses a solver's explanation; each problem names the field. */
export function noteFromJson(j: unknown): FillNote {
  const o = (typeof j === 'object' && j !== null ? j : {}) as Record<string, unknown>;
  if (typeof o.txHash !== 'string' || !isHex(o.txHash) || o.txHash.length !== 66)
    throw new BadRequest('txHash: 32 bytes hex');
  return {
    txHash: o.txHash as Hex,
    token: addr(o.token, 'token'),
    matched: big(o.matched, 'matched').toString(),
    routed: big(o.routed, 'routed').toString(),
  };
}

/** The optional `block` of a posted order or a stored row. */
export function blockFromJson(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new BadRequest('block: a block number');
  return v;
}

const big = (v: unknown, field: string): bigint => {
  if (typeof v !== 'string' || !/^\d{1,78}$/.test(v)) throw new BadRequest(`${field}: a decimal integer string`);
  return BigInt(v);
};
const addr = (v: unknown, field: string): Address => {
  if (typeof v !== 'string' || !isAddress(v)) throw new BadRequest(`${field}: an address`);
  return getAddress(v);
};

class BadRequest {
  constructor(readonly message: string) {}
}

/** Parses an order from its JSON form; each problem names the field. */
export function orderFromJson(j: unknown): GPv2Order {
  if (typeof j !== 'object' || j === null) throw new BadRequest('order: an object');
  const o = j as Record<string, unknown>;
  const validTo = o.validTo;
  if (typeof validTo !== 'number' || !Number.isInteger(validTo) || validTo < 0 || validTo > 0xffffffff)
    throw new BadRequest('order.validTo: a uint32');
  if (typeof o.appData !== 'string' || !isHex(o.appData) || o.appData.length !== 66)
    throw new BadRequest('order.appData: 32 bytes hex');
  if (o.kind !== 'sell' && o.kind !== 'buy') throw new BadRequest('order.kind: sell or buy');
  if (typeof o.partiallyFillable !== 'boolean') throw new BadRequest('order.partiallyFillable: a boolean');
  if (o.sellTokenBalance !== 'erc20' || o.buyTokenBalance !== 'erc20')
    throw new BadRequest('order.sellTokenBalance/buyTokenBalance: erc20 (the only balances this book takes)');
  return {
    sellToken: addr(o.sellToken, 'order.sellToken'),
    buyToken: addr(o.buyToken, 'order.buyToken'),
    receiver: addr(o.receiver, 'order.receiver'),
    sellAmount: big(o.sellAmount, 'order.sellAmount'),
    buyAmount: big(o.buyAmount, 'order.buyAmount'),
    validTo,
    appData: o.appData as Hex,
    feeAmount: big(o.feeAmount, 'order.feeAmount'),
    kind: o.kind,
    partiallyFillable: o.partiallyFillable,
    sellTokenBalance: 'erc20',
    buyTokenBalance: 'erc20',
  };
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > 64 * 1024) reject(new BadRequest('body: at most 64 KiB'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new BadRequest('body: JSON'));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function loadBook(file: string | undefined): BookEntry[] {
  if (file === undefined || !existsSync(file)) return [];
  const rows = JSON.parse(readFileSync(file, 'utf8')) as {
    uid: Hex;
    owner: Address;
    signature: Hex;
    status: BookStatus;
    order: unknown;
    explanations?: unknown[];
    block?: unknown;
  }[];
  return rows.map((r) => {
    const block = blockFromJson(r.block);
    return {
      uid: r.uid,
      owner: r.owner,
      signature: r.signature,
      status: r.status,
      order: orderFromJson(r.order),
      ...(r.explanations === undefined ? {} : { explanations: r.explanations.map(noteFromJson) }),
      ...(block === undefined ? {} : { block }),
    };
  });
}

export async function startOrderBook(opts: OrderBookOptions): Promise<OrderBookHandle> {
  const domain: GPv2Domain = gpv2Domain(opts.chainId, opts.settlement);
  const byUid = new Map<string, BookEntry>();
  const byIntent = new Map<string, string>();
  for (const e of loadBook(opts.file)) {
    byUid.set(e.uid.toLowerCase(), e);
    byIntent.set(e.order.appData.toLowerCase(), e.uid.toLowerCase());
  }
  const persist = (): void => {
    if (opts.file === undefined) return;
    const tmp = `${opts.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify([...byUid.values()].map(entryToJson)));
    renameSync(tmp, opts.file);
  };

  const post = async (body: unknown): Promise<[number, unknown]> => {
    const b = body as Record<string, unknown>;
    const order = orderFromJson(b.order);
    const owner = addr(b.owner, 'owner');
    if (typeof b.signature !== 'string' || !isHex(b.signature) || b.signature.length !== 132)
      throw new BadRequest('signature: 65 bytes hex (EIP-712 r‖s‖v)');
    const signature = b.signature as Hex;
    const block = blockFromJson(b.block);
    let signer: Address;
    try {
      signer = await signerOf(order, domain, signature);
    } catch {
      throw new BadRequest('signature: not a valid EIP-712 signature of the order');
    }
    if (signer !== owner) throw new BadRequest('signature: not signed by owner');
    const uid = orderUid(orderDigest(order, domain), owner, order.validTo);
    const key = uid.toLowerCase();
    if (byUid.has(key)) return [200, { uid, created: false }];
    const other = byIntent.get(order.appData.toLowerCase());
    if (other !== undefined)
      return [
        409,
        {
          error: 'intent_has_order',
          message: 'this intent (appData) already has an order',
          uid: byUid.get(other)!.uid,
        },
      ];
    const e: BookEntry = { order, owner, signature, uid, status: 'open', ...(block === undefined ? {} : { block }) };
    byUid.set(key, e);
    byIntent.set(order.appData.toLowerCase(), key);
    persist();
    return [201, { uid, created: true }];
  };

  const withdraw = async (uid: string, body: unknown): Promise<[number, unknown]> => {
    const e = byUid.get(uid.toLowerCase());
    if (e === undefined) return [404, { error: 'not_found' }];
    const sig = (body as Record<string, unknown>).signature;
    if (typeof sig !== 'string' || !isHex(sig)) throw new BadRequest('signature: hex');
    const ok = await verifyMessage({ address: e.owner, message: withdrawMessage(e.uid), signature: sig }).catch(
      () => false,
    );
    if (!ok) return [403, { error: 'forbidden', message: 'signature: not the owner’s withdrawal of this order' }];
    if (e.status !== 'withdrawn') {
      byUid.set(uid.toLowerCase(), { ...e, status: 'withdrawn' });
      persist();
    }
    return [200, entryToJson(byUid.get(uid.toLowerCase())!)];
  };

  const handle = async (req: IncomingMessage): Promise<[number, unknown]> => {
    const url = new URL(req.url ?? '/', 'http://book');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (req.method === 'POST' && url.pathname === '/orders') return post(await readBody(req));
    if (req.method === 'GET' && url.pathname === '/orders') {
      const status = url.searchParams.get('status');
      if (status !== null && status !== 'open' && status !== 'withdrawn')
        throw new BadRequest('status: open or withdrawn');
      return [200, [...byUid.values()].filter((e) => status === null || e.status === status).map(entryToJson)];
    }
    if (req.method === 'POST' && parts[0] === 'orders' && parts[2] === 'explanations' && parts.length === 3) {
      const key = parts[1]!.toLowerCase();
      const e = byUid.get(key);
      if (e === undefined) return [404, { error: 'not_found' }];
      const note = noteFromJson(await readBody(req));
      const others = (e.explanations ?? []).filter((n) => n.txHash.toLowerCase() !== note.txHash.toLowerCase());
      byUid.set(key, { ...e, explanations: [...others, note] });
      persist();
      return [200, entryToJson(byUid.get(key)!)];
    }
    if (parts[0] === 'orders' && parts.length === 2) {
      if (req.method === 'GET') {
        const e = byUid.get(parts[1]!.toLowerCase());
        return e === undefined ? [404, { error: 'not_found' }] : [200, entryToJson(e)];
      }
      if (req.method === 'DELETE') return withdraw(parts[1]!, await readBody(req));
    }
    if (req.method === 'GET' && parts[0] === 'intents' && parts.length === 2) {
      const key = byIntent.get(parts[1]!.toLowerCase());
      return key === undefined ? [404, { error: 'not_found' }] : [200, entryToJson(byUid.get(key)!)];
    }
    return [404, { error: 'not_found', message: `no route ${req.method} ${url.pathname}` }];
  };

  const server: Server = createServer((req, res) => {
    handle(req).then(
      ([status, body]) => send(res, status, body),
      (e: unknown) =>
        e instanceof BadRequest
          ? send(res, 400, { error: 'bad_request', message: e.message })
          : send(res, 500, { error: 'internal', message: 'the order book failed; see its log' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${a.port}`,
    entries: () => [...byUid.values()],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
