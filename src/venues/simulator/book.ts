/** A simulated market: exact filters, the touch derived from the mid, and an optional stepped depth for slippage. */

import { BallastError } from '../../core/errors.ts';
import { div, floorTo, mul, units } from './decimal.ts';
import type { SimMarketConfig } from './types.ts';

export interface Market {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  mid: bigint;
  readonly tick: bigint;
  readonly step: bigint;
  readonly minQty: bigint;
  readonly maxQty: bigint;
  readonly minPrice: bigint;
  readonly maxPrice: bigint;
  readonly minNotional: bigint;
  readonly maxNotional: bigint;
  readonly spreadBps: number;
  readonly depth?: { readonly levelQty: bigint; readonly stepBps: number; readonly levels: number };
  readonly quoteVolume: bigint;
}

export interface Level {
  readonly price: bigint;
  /** Base units available at this price; -1n = unlimited. */
  readonly qty: bigint;
}

const BIG = 9_000_000_000n * 100_000_000n;

export function compileMarket(c: SimMarketConfig): Market {
  const f = (v: string | undefined, name: string, dflt: bigint): bigint =>
    v === undefined ? dflt : units(v, `${c.symbol}.${name}`);
  const m: Market = {
    symbol: c.symbol,
    base: c.base,
    quote: c.quote,
    mid: f(c.price, 'price', 0n),
    tick: f(c.tickSize, 'tickSize', 0n),
    step: f(c.stepSize, 'stepSize', 0n),
    minQty: f(c.minQty, 'minQty', 0n),
    maxQty: f(c.maxQty, 'maxQty', BIG),
    minPrice: f(c.minPrice, 'minPrice', 0n),
    maxPrice: f(c.maxPrice, 'maxPrice', BIG),
    minNotional: f(c.minNotional, 'minNotional', 0n),
    maxNotional: f(c.maxNotional, 'maxNotional', BIG),
    spreadBps: c.spreadBps ?? 0,
    depth: c.depth && {
      levelQty: units(c.depth.levelQty, `${c.symbol}.depth.levelQty`),
      stepBps: c.depth.stepBps,
      levels: c.depth.levels ?? 20,
    },
    quoteVolume: f(c.quoteVolume, 'quoteVolume', 1_000_000n * 100_000_000n),
  };
  if (m.mid <= 0n) throw new BallastError(`${c.symbol}.price must be > 0`, { next: 'fix-input' });
  if (m.tick <= 0n || m.step <= 0n)
    throw new BallastError(`${c.symbol}: tickSize and stepSize must be > 0`, { next: 'fix-input' });
  return m;
}

function ceilTo(v: bigint, step: bigint): bigint {
  return ((v + step - 1n) / step) * step;
}

/** v × (1 + bps/10 000), floored (or ceiled with `up`) to 1e-8 so a tiny spread never vanishes. */
function scaleBps(v: bigint, bps: number, up = false): bigint {
  const n = v * BigInt(Math.round((10_000 + bps) * 1000));
  return up ? (n + 9_999_999n) / 10_000_000n : n / 10_000_000n;
}

/** Best bid and ask: the mid ± half the spread, bid floored and ask ceiled to the tick. */
export function touch(m: Market): { bid: bigint; ask: bigint } {
  const half = m.spreadBps / 2;
  const bid = floorTo(scaleBps(m.mid, -half), m.tick);
  return { bid: bid > 0n ? bid : m.tick, ask: ceilTo(scaleBps(m.mid, half, true), m.tick) };
}

/** The levels a taker walks: asks upward for a buy, bids downward for a sell. */
export function levels(m: Market, side: 'BUY' | 'SELL'): Level[] {
  const { bid, ask } = touch(m);
  const first = side === 'BUY' ? ask : bid;
  if (m.depth === undefined) return [{ price: first, qty: -1n }];
  const out: Level[] = [];
  for (let i = 0; i < m.depth.levels; i++) {
    const moved = scaleBps(first, (side === 'BUY' ? 1 : -1) * i * m.depth.stepBps, side === 'BUY');
    const price = side === 'BUY' ? ceilTo(moved, m.tick) : floorTo(moved, m.tick);
    if (price <= 0n) break;
    out.push({ price, qty: i === m.depth.levels - 1 ? -1n : m.depth.levelQty });
  }
  return out;
}

export interface Slice {
  readonly price: bigint;
  readonly qty: bigint;
}

/** Walks the book for `qty` base units (or until `quoteBudget` is spent, for quoteOrderQty buys/sells). */
export function walk(m: Market, side: 'BUY' | 'SELL', want: { qty?: bigint; quote?: bigint }): Slice[] {
  const out: Slice[] = [];
  let qtyLeft = want.qty ?? -1n;
  let quoteLeft = want.quote ?? -1n;
  for (const level of levels(m, side)) {
    let q = level.qty < 0n ? BIG : level.qty;
    if (qtyLeft >= 0n && q > qtyLeft) q = qtyLeft;
    if (quoteLeft >= 0n) {
      const affordable = floorTo(div(quoteLeft, level.price), m.step);
      if (q > affordable) q = affordable;
    }
    if (q <= 0n) break;
    out.push({ price: level.price, qty: q });
    if (qtyLeft >= 0n) qtyLeft -= q;
    if (quoteLeft >= 0n) quoteLeft -= mul(level.price, q);
    if (qtyLeft === 0n) break;
  }
  return out;
}
