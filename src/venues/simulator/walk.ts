/**
 * A moving market for the simulator (issue #15): every `everyMs`, each market's mid price takes a seeded
 * geometric random-walk step of `volBps` (one standard deviation, in basis points), rounded to the market's
 * tick. Deterministic for a seed, so a paper-trading test replays the same path.
 */
import type { SimMarketConfig } from './types.ts';

export interface WalkOptions {
  /** Step standard deviation in bps (e.g. 20 = 0.2 % per step). */
  readonly volBps: number;
  readonly everyMs: number;
  readonly seed: number;
}

/** mulberry32 → standard normal (Box–Muller). */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Rounds a price to the market's tick as a decimal string (no binary noise). */
export function toTick(price: number, tickSize: string): string {
  const decimals = tickSize.includes('.') ? tickSize.split('.')[1]!.replace(/0+$/, '').length : 0;
  const tick = Number(tickSize);
  const rounded = Math.max(tick, Math.round(price / tick) * tick);
  return rounded.toFixed(decimals);
}

/** The next prices of one step, per symbol: pure, for the tests. */
export function walkStep(
  prices: Map<string, number>,
  markets: readonly SimMarketConfig[],
  volBps: number,
  next: () => number,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of markets) {
    const p = prices.get(m.symbol) ?? Number(m.price);
    const q = p * Math.exp((volBps / 1e4) * next());
    const s = toTick(q, m.tickSize);
    prices.set(m.symbol, Number(s));
    out.set(m.symbol, s);
  }
  return out;
}

/** Starts the walk; returns its stop function. */
export function startWalk(
  markets: readonly SimMarketConfig[],
  setPrice: (symbol: string, price: string) => void,
  o: WalkOptions,
): () => void {
  const next = normals(o.seed);
  const prices = new Map(markets.map((m) => [m.symbol, Number(m.price)]));
  const timer = setInterval(() => {
    for (const [sym, p] of walkStep(prices, markets, o.volBps, next)) setPrice(sym, p);
  }, o.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
