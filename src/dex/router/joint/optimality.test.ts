/**
 * Issue #18 item 2: the joint route is optimal, checked by a different method. 240 random small cases (1–4 pools,
 * 3 tokens, mixed v2 / v3 / weighted / stable pools, zero gas): sell A buy B (C a hub), sell A buy B and C in given
 * proportions, or sell A and C buy B. The reference minimises the same problem's dual by nested golden-section
 * search (a derivative-free fine search over the ≤ 2 free prices), each pool's arbitrage solved by bisection on
 * the pool's own marginal with its exact bigint output: by weak duality its minimum is the optimum. The router's
 * exact received value at the oracle prices must be within 1e-5 relative of it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPool } from '../../pools/index.ts';
import type { Address, PoolState, SwapPool } from '../../pools/types.ts';
import { mulberry32 } from '../testing/cp-pool.ts';
import { prepareMarket } from './market.ts';
import { routeJoint } from './route-joint.ts';
import { KINDS, randomPool, tokenAddr, unitPrice } from './testing/random-market.ts';
import type { JointRequest } from './types.ts';

interface Case {
  readonly states: PoolState[];
  readonly sells: { token: number; amount: bigint }[];
  readonly buys: { token: number; value: number }[];
}

const PAIRS: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [2, 1],
];

function randomCase(seed: number): Case {
  const rnd = mulberry32(seed);
  const shape = seed % 3;
  for (;;) {
    const n = 1 + Math.floor(rnd() * 4);
    const states: PoolState[] = [];
    const pairs: (readonly [number, number])[] = [];
    for (let k = 0; k < n; k++) {
      const pair = PAIRS[Math.floor(rnd() * 3)]!;
      pairs.push(pair);
      const kind = KINDS[Math.floor(rnd() * KINDS.length)]!;
      states.push(randomPool(kind, seed * 10 + k, pair[0], pair[1], 10 ** (5 + 2 * rnd()), rnd));
    }
    const has = (a: number, b: number) => pairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
    const reach = (a: number, b: number) => has(a, b) || (has(a, 3 - a - b) && has(3 - a - b, b));
    const value = 10 ** (2 + 2 * rnd());
    if (shape === 0 && reach(0, 1))
      return { states, sells: [{ token: 0, amount: BigInt(Math.floor(value * 1e18)) }], buys: [{ token: 1, value }] };
    if (shape === 1 && reach(0, 1) && reach(0, 2)) {
      const f = 0.2 + 0.6 * rnd();
      return {
        states,
        sells: [{ token: 0, amount: BigInt(Math.floor(value * 1e18)) }],
        buys: [
          { token: 1, value: value * f },
          { token: 2, value: value * (1 - f) },
        ],
      };
    }
    if (shape === 2 && reach(0, 1) && reach(2, 1)) {
      const f = 0.2 + 0.6 * rnd();
      return {
        states,
        sells: [
          { token: 0, amount: BigInt(Math.floor(value * f * 1e18)) },
          { token: 2, amount: BigInt(Math.floor(value * (1 - f) * 1e8)) },
        ],
        buys: [{ token: 1, value }],
      };
    }
  }
}

/** Pool arbitrage at prices (na, nb) for a → b: bisection on log x of the pool's marginal, exact output. */
function arbRef(pool: SwapPool, ta: Address, tb: Address, na: number, nb: number): number {
  const p = na / nb;
  if (!(pool.marginal(ta, tb, 0) > p)) return 0;
  const cap = pool.maxIn(ta, tb);
  let lo = 0;
  let hi = Math.log(Math.min(cap, 1e45));
  if (pool.marginal(ta, tb, Math.exp(hi)) <= p)
    for (let k = 0; k < 64; k++) {
      const mid = (lo + hi) / 2;
      if (pool.marginal(ta, tb, Math.exp(mid)) > p) lo = mid;
      else hi = mid;
    }
  else lo = hi;
  const x = Math.floor(Math.exp(lo));
  const y = Number(pool.amountOut(ta, tb, BigInt(x)));
  return Math.max(0, nb * y - na * x);
}

function golden(f: (x: number) => number, a: number, b: number, iters: number): { x: number; f: number } {
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let k = 0; k < iters; k++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return fc < fd ? { x: c, f: fc } : { x: d, f: fd };
}

/** min over prices of h(ν) = Σ ν_s·sell_s + Σ pool profits, Σ ν_b·target_b = 1: the optimal fraction of targets. */
function referenceOptimum(c: Case): number {
  const pools = c.states.map((s) => createPool(s));
  const present = [0, 1, 2].filter((t) => pools.some((p) => p.tokens.includes(tokenAddr(t))));
  const target = [0, 0, 0];
  let V = 0;
  for (const b of c.buys) {
    target[b.token] = b.value / unitPrice(b.token);
    V += b.value;
  }
  const sell = [0, 0, 0];
  for (const s of c.sells) sell[s.token] = Number(s.amount);
  const anchor = c.buys[0]!.token;
  const vars = present.filter((t) => t !== anchor);
  const nu0 = [0, 1, 2].map((t) => unitPrice(t) / V);
  const h = (u: readonly number[]): number => {
    const nu = [0, 0, 0];
    let rest = 0;
    vars.forEach((t, k) => {
      nu[t] = nu0[t]! * u[k]!;
      rest += target[t]! * nu[t]!;
    });
    nu[anchor] = (1 - rest) / target[anchor]!;
    if (!(nu[anchor]! > 0)) return Number.POSITIVE_INFINITY;
    let v = nu[0]! * sell[0]! + nu[2]! * sell[2]!;
    for (const p of pools) {
      const [a, b] = p.tokens as [Address, Address];
      const ia = present.find((t) => tokenAddr(t) === a)!;
      const ib = present.find((t) => tokenAddr(t) === b)!;
      v += Math.max(arbRef(p, a, b, nu[ia]!, nu[ib]!), arbRef(p, b, a, nu[ib]!, nu[ia]!));
    }
    return v;
  };
  const [lo, hi] = [0.1, 2];
  if (vars.length === 1) return golden((x) => h([x]), lo, hi, 60).f;
  return golden((x) => golden((y) => h([x, y]), lo, hi, 34).f, lo, hi, 34).f;
}

test('joint route = independent dual optimum within 1e-5 on 240 random small mixed cases (zero gas)', () => {
  let worst = 0;
  let worstSeed = -1;
  const kinds = new Set<string>();
  for (let seed = 1; seed <= 240; seed++) {
    const c = randomCase(seed);
    for (const s of c.states) kinds.add(s.kind);
    const market = prepareMarket(c.states);
    const req: JointRequest = {
      market,
      sells: c.sells.map((s) => ({ token: tokenAddr(s.token), amount: s.amount })),
      buys: c.buys.map((b) => ({ token: tokenAddr(b.token), value: b.value })),
      prices: new Map([0, 1, 2].map((t) => [tokenAddr(t), unitPrice(t)])),
      gasPriceWei: 0n,
      ethPrice: 0,
    };
    const r = routeJoint(req);
    const V = c.buys.reduce((v, b) => v + b.value, 0);
    let value = 0;
    for (const b of c.buys) {
      const got = r.received.find((x) => x.token === tokenAddr(b.token))?.amount ?? 0n;
      value += Number(got) * unitPrice(b.token);
    }
    const ref = referenceOptimum(c) * V;
    const rel = Math.abs(value / ref - 1);
    if (rel > worst) {
      worst = rel;
      worstSeed = seed;
    }
    assert.ok(
      rel <= 1e-5,
      `seed ${seed}: router ${value} vs reference ${ref} (${rel.toExponential(2)}), ${c.states.map((s) => s.kind).join(',')}`,
    );
    assert.ok(r.certificate.gap < 1e-5, `seed ${seed}: certificate gap ${r.certificate.gap}`);
  }
  assert.deepEqual([...kinds].sort(), [...KINDS].sort());
  console.log(`# worst relative gap ${worst.toExponential(3)} (seed ${worstSeed})`);
});
