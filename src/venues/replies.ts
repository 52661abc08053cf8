/**
 * Venue replies pass a schema before use (issue #13, item 5). A balance reply that is an HTML page or a
 * non-JSON body, a negative or NaN quantity, a ticker with a negative price or no timestamp: each is a
 * VenueReplyError naming the venue, the call and the offending field — never an empty account and never
 * a price of 0. Pure functions over what an adapter received (ccxt's unified shapes, or a PriceSource's
 * quotes); an empty but well-formed balance reply is left to the core's rule (src/core/balance-reply-rule.ts).
 */
import { z } from 'zod';
import { BallastError, type Next } from '../core/errors.ts';
import type { Balances, PriceQuote } from '../core/ports.ts';

/** Which venue call a reply answered. */
export type ReplyCall = 'balances' | 'tickers' | 'prices' | (string & {});

/** A venue answered, but with something that is not a usable reply. The cycle fails; nothing is inferred from it. */
export class VenueReplyError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'VenueReplyError';
  constructor(
    readonly venue: string,
    readonly call: ReplyCall,
    /** Dotted path of the offending field ("free.BTC", "BTC/USDT.timestamp"), or "body" for the whole reply. */
    readonly field: string,
    detail: string,
  ) {
    super(oneLine(`${venue} ${call}: ${detail}`));
  }
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/** How a value looks in a message: `-1`, `NaN`, `"abc"`, `missing`, `an object`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : String(v);
}

/** Not a JSON object: a string body (HTML page, plain text, empty), a JSON array, null... */
function notAnObject(venue: string, call: ReplyCall, field: string, v: unknown): VenueReplyError {
  if (typeof v === 'string') {
    const html = /^\s*</.test(v);
    const what = v.trim() === '' ? 'empty' : html ? 'an HTML page' : 'not JSON';
    return new VenueReplyError(venue, call, field, `the reply body is ${what} (${describeValue(v.trim())})`);
  }
  return new VenueReplyError(venue, call, field, `${field} is ${describeValue(v)}, not a JSON object`);
}

const NON_NEGATIVE = 'a non-negative number';
const nonNegative = z.number({ error: NON_NEGATIVE }).min(0, { error: NON_NEGATIVE });
/** ccxt leaves a field undefined (or null) when the exchange did not send it. */
const optionalNonNegative = nonNegative.nullish();
const quantities = z.record(z.string(), optionalNonNegative, { error: 'an object of asset quantities' });

/** ccxt's unified fetchBalance result: `info` is the exchange's raw reply, `free` / `used` / `total` by asset. */
const balanceSchema = z
  .object({ info: z.unknown().optional(), free: quantities, used: quantities.optional(), total: quantities.optional() })
  .loose();

/** Binance's GET /api/v3/account: every entry an asset with decimal-string quantities. */
const DECIMAL = 'a non-negative decimal string';
const decimal = z.string({ error: DECIMAL }).regex(/^\d+(\.\d+)?$/, { error: DECIMAL });
const binanceAccount = z
  .object({
    balances: z.array(
      z.object({ asset: z.string({ error: 'an asset name' }).min(1), free: decimal, locked: decimal }),
      {
        error: 'a list of balances',
      },
    ),
  })
  .loose();

/** Raw reply shapes checked field by field where ccxt would otherwise read a missing list as "nothing held". */
const INFO_SCHEMAS = { binance: binanceAccount } as const;

export interface BalancesReplyOptions {
  /** Also check the exchange's raw reply (`info`) against its known shape. */
  readonly infoShape?: keyof typeof INFO_SCHEMAS;
}

function fail(
  venue: string,
  call: ReplyCall,
  raw: unknown,
  error: z.ZodError,
  prefix = '',
  label: (path: PropertyKey[]) => string[] = (p) => p.map(String),
): VenueReplyError {
  const issue = error.issues[0]!;
  let v: unknown = raw;
  for (const k of issue.path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  const field = `${prefix}${label(issue.path).join('.')}` || 'body';
  const expected = issue.message.startsWith('Invalid input') ? 'of the expected shape' : issue.message;
  return new VenueReplyError(venue, call, field, `${field} is ${describeValue(v)}, not ${expected}`);
}

/**
 * Free balances from a ccxt-style balance reply `{ info, free, used?, total? }`. Throws VenueReplyError
 * when the reply is not an object, its raw body was not JSON (ccxt then hands back the text as `info`
 * with an empty `free`), or any quantity is negative, NaN or infinite. Zero quantities are dropped.
 * An empty result means the venue said "nothing held"; whether to believe it is checkEmptyBalances' call.
 */
export function parseBalancesReply(raw: unknown, venueName: string, opts: BalancesReplyOptions = {}): Balances {
  const call = 'balances';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw notAnObject(venueName, call, 'body', raw);
  const info = (raw as { info?: unknown }).info;
  if (info !== undefined && (info === null || typeof info !== 'object'))
    throw notAnObject(venueName, call, 'body', info);
  const r = balanceSchema.safeParse(raw);
  if (!r.success) throw fail(venueName, call, raw, r.error);
  if (opts.infoShape !== undefined) {
    if (Array.isArray(info)) throw notAnObject(venueName, call, 'body', info);
    const i = INFO_SCHEMAS[opts.infoShape].safeParse(info);
    if (!i.success) throw fail(venueName, call, info, i.error, 'body.');
  }
  const out: Record<string, number> = {};
  for (const [asset, q] of Object.entries(r.data.free)) if (q !== undefined && q !== null && q > 0) out[asset] = q;
  return out;
}

/** A ticker after validation: its usable price (mid of a positive bid and ask, else last) and source time. */
export interface ValidTicker {
  readonly symbol: string;
  readonly price: number;
  readonly time: number;
}

const TIME = 'a time in ms since the epoch';
const tickerSchema = z
  .object({
    timestamp: z.number({ error: TIME }).int({ error: TIME }).positive({ error: TIME }),
    bid: optionalNonNegative,
    ask: optionalNonNegative,
    last: optionalNonNegative,
  })
  .loose();

function priceOf(t: { bid?: number | null; ask?: number | null; last?: number | null }): number | undefined {
  if (t.bid != null && t.ask != null && t.bid > 0 && t.ask > 0) return (t.bid + t.ask) / 2;
  return t.last != null && t.last > 0 ? t.last : undefined;
}

/**
 * Validates ccxt's fetchTickers result (symbol → ticker) for the requested symbols: each must be present,
 * stamped with a time, without negative or NaN prices, and priceable (a positive bid and ask, or a positive
 * last). Tickers the caller did not ask for are ignored. Throws VenueReplyError naming the first bad field.
 */
export function parseTickers(raw: unknown, symbols: readonly string[], venueName: string): Map<string, ValidTicker> {
  const call = 'tickers';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw notAnObject(venueName, call, 'body', raw);
  const all = raw as Record<string, unknown>;
  const out = new Map<string, ValidTicker>();
  for (const symbol of new Set(symbols)) {
    const t = all[symbol];
    if (t === undefined)
      throw new VenueReplyError(venueName, call, symbol, `${symbol} is missing from the reply, not a ticker`);
    if (t === null || typeof t !== 'object' || Array.isArray(t)) throw notAnObject(venueName, call, symbol, t);
    const r = tickerSchema.safeParse(t);
    if (!r.success) throw fail(venueName, call, t, r.error, `${symbol}.`);
    const price = priceOf(r.data);
    if (price === undefined || !Number.isFinite(price))
      throw new VenueReplyError(
        venueName,
        call,
        `${symbol}.price`,
        `${symbol} has no positive bid and ask nor a positive last price (bid ${describeValue(r.data.bid)}, ask ${describeValue(r.data.ask)}, last ${describeValue(r.data.last)})`,
      );
    out.set(symbol, { symbol, price, time: r.data.timestamp });
  }
  return out;
}

/** Prices of `assets` in `quote` from their direct `ASSET/QUOTE` tickers, validated by parseTickers. */
export function parseTickersReply(
  raw: unknown,
  assets: readonly string[],
  quote: string,
  venueName: string,
): PriceQuote[] {
  const wanted = assets.filter((a) => a !== quote);
  const tickers = parseTickers(
    raw,
    wanted.map((a) => `${a}/${quote}`),
    venueName,
  );
  return wanted.map((asset) => {
    const t = tickers.get(`${asset}/${quote}`)!;
    return { asset, price: t.price, time: t.time, source: `${venueName}:${t.symbol}` };
  });
}

const POSITIVE = 'a positive number';
const quotesOf = (price: z.ZodType<number>) =>
  z.array(
    z.object({
      asset: z.string({ error: 'an asset name' }).min(1, { error: 'an asset name' }),
      price,
      time: z.number({ error: TIME }).positive({ error: TIME }),
      source: z.string({ error: 'a source name' }),
    }),
    { error: 'a list of price quotes' },
  );
const QUOTE_SCHEMAS = {
  positive: quotesOf(z.number({ error: POSITIVE }).positive({ error: POSITIVE })),
  /** Any number, NaN and ±Infinity included: the core's price guards refuse those with their reason. */
  number: quotesOf(z.custom<number>((v) => typeof v === 'number', { error: 'a number' })),
} as const;

export interface PriceQuotesOptions {
  /** 'positive' (default): a non-positive or non-finite price is a VenueReplyError. 'number': left to the guards. */
  readonly prices?: keyof typeof QUOTE_SCHEMAS;
}

/**
 * Validates quotes from a PriceSource (a live feed, a replay, a reference venue) before a venue uses them:
 * positive finite prices (unless `prices: 'number'`), a source time, no duplicates. Assets the source has no price for stay absent
 * (the port's contract); quotes for assets not asked for are dropped.
 */
export function parsePriceQuotes(
  raw: unknown,
  assets: readonly string[],
  venueName: string,
  opts: PriceQuotesOptions = {},
): PriceQuote[] {
  const call = 'prices';
  const r = QUOTE_SCHEMAS[opts.prices ?? 'positive'].safeParse(raw);
  if (!r.success) {
    // "BTC.price" rather than "3.price": a quote is named by its asset when it has one.
    const nameOf = (i: unknown): string => {
      const a = Array.isArray(raw) ? (raw[i as number] as { asset?: unknown } | undefined)?.asset : undefined;
      return typeof a === 'string' && a !== '' ? a : `[${String(i)}]`;
    };
    throw fail(venueName, call, raw, r.error, '', (p) =>
      p.length === 0 ? [] : [nameOf(p[0]), ...p.slice(1).map(String)],
    );
  }
  const wanted = new Set(assets);
  const seen = new Set<string>();
  const out: PriceQuote[] = [];
  for (const q of r.data) {
    if (!wanted.has(q.asset)) continue;
    if (seen.has(q.asset))
      throw new VenueReplyError(venueName, call, q.asset, `${q.asset} is priced twice in one reply`);
    seen.add(q.asset);
    out.push(q);
  }
  return out;
}
