/**
 * Deterministic client order ids: at most 32 characters of [A-Za-z0-9] (OKX's limit is 32 alphanumerics,
 * Binance's 36 with punctuation; this fits both), fixed width 25, lowercase base 36:
 *
 *   b PPPPPPPP CCCCCCCC LLLL KKKK
 *   │ │        │        │    └ child (re-peg or chunk number), 4 digits base 36 (0 … 1,679,615)
 *   │ │        │        └ leg within the cycle, 4 digits base 36
 *   │ │        └ cycle number, 8 digits base 36 (0 … 2.8e12)
 *   │ └ portfolio prefix: base-36 digest of SHA-256(namespace, portfolio id), 8 digits
 *   └ format version 'b'
 *
 * Fixed widths make the id injective in (prefix, cycle, leg, child). Two portfolio ids could in principle
 * digest to the same prefix (≈ 1 in 2.8e12 per pair): the journal stores each portfolio's prefix under a
 * UNIQUE constraint and refuses the second one, so ids are collision-free across portfolios in a journal.
 * The namespace is the journal's random id (meta 'journal_id'), so a journal rebuilt from scratch does not
 * reuse the ids of orders an exchange still remembers from the old one.
 */
import { createHash } from 'node:crypto';
import { BallastError, type Next } from '../errors.ts';

/** A part of a client order id out of range or malformed. Nothing was written. */
export class OrderIdError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'OrderIdError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`client order id: ${field}: ${message}`, { details: { field } });
  }
}

export const CLIENT_ORDER_ID_VERSION = 'b';
const PREFIX_LEN = 8;
const CYCLE_LEN = 8;
const LEG_LEN = 4;
const CHILD_LEN = 4;
export const CLIENT_ORDER_ID_LENGTH = 1 + PREFIX_LEN + CYCLE_LEN + LEG_LEN + CHILD_LEN;
export const MAX_CYCLE = 36 ** CYCLE_LEN - 1;
export const MAX_LEG = 36 ** LEG_LEN - 1;
export const MAX_CHILD = 36 ** CHILD_LEN - 1;

/** The 8-character base-36 prefix shared by every client order id of one portfolio in one journal. */
export function portfolioPrefix(portfolioId: string, namespace = ''): string {
  if (portfolioId.length === 0) throw new OrderIdError('portfolioId', 'must not be empty');
  const digest = createHash('sha256').update(`ballast-cid-v1\u0000${namespace}\u0000${portfolioId}`, 'utf8').digest();
  const n = digest.readUIntBE(0, 6) % 36 ** PREFIX_LEN; // 48 bits reduced to 36^8 (41.4 bits)
  return n.toString(36).padStart(PREFIX_LEN, '0');
}

function field(name: string, value: number, max: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new OrderIdError(name, `must be an integer in 0…${max} for a client order id, got ${value}`);
  }
  return value.toString(36).padStart(width, '0');
}

/** The id from a portfolio prefix (see portfolioPrefix) and the intent's numbers. */
export function clientOrderIdFromPrefix(prefix: string, cycle: number, leg: number, child: number): string {
  if (!/^[0-9a-z]{8}$/.test(prefix))
    throw new OrderIdError('prefix', `must be 8 characters of [0-9a-z], got ${JSON.stringify(prefix)}`);
  return (
    CLIENT_ORDER_ID_VERSION +
    prefix +
    field('cycle', cycle, MAX_CYCLE, CYCLE_LEN) +
    field('leg', leg, MAX_LEG, LEG_LEN) +
    field('child', child, MAX_CHILD, CHILD_LEN)
  );
}

/** clientOrderId(portfolioId, cycle, leg, child[, namespace]): deterministic, 25 characters of [0-9a-z]. */
export function clientOrderId(portfolioId: string, cycle: number, leg: number, child: number, namespace = ''): string {
  return clientOrderIdFromPrefix(portfolioPrefix(portfolioId, namespace), cycle, leg, child);
}

export interface ParsedClientOrderId {
  readonly prefix: string;
  readonly cycle: number;
  readonly leg: number;
  readonly child: number;
}

/** Inverse of clientOrderIdFromPrefix; undefined for anything that is not a Ballast id of this version. */
export function parseClientOrderId(id: string): ParsedClientOrderId | undefined {
  if (id.length !== CLIENT_ORDER_ID_LENGTH || id[0] !== CLIENT_ORDER_ID_VERSION || !/^[0-9a-z]+$/.test(id))
    return undefined;
  let at = 1;
  const take = (n: number): string => {
    const s = id.slice(at, at + n);
    at += n;
    return s;
  };
  const prefix = take(PREFIX_LEN);
  return {
    prefix,
    cycle: Number.parseInt(take(CYCLE_LEN), 36),
    leg: Number.parseInt(take(LEG_LEN), 36),
    child: Number.parseInt(take(CHILD_LEN), 36),
  };
}
