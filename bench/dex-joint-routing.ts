/**
 * Joint routing benchmarks (issue #18), printed by bench/dex-router.bench.ts: the docs/onchain.md walkthrough's
 * rebalance as one joint route over the chain fixture's 25 recorded pools (states in memory, 20 gwei), CPU time
 * per route over 200 runs; and scaling on random mixed markets (v2, v3, Balancer weighted and stable) up to
 * 1,000 pools.
 */

import type { PoolState } from '../src/dex/pools/types.ts';
import { prepareMarket } from '../src/dex/router/joint/market.ts';
import { routeJoint } from '../src/dex/router/joint/route-joint.ts';
import { walkthrough } from '../src/dex/router/joint/testing/fixture-market.ts';
import { KINDS, randomPool, tokenAddr, unitPrice } from '../src/dex/router/joint/testing/random-market.ts';
import type { JointRequest, JointRoute } from '../src/dex/router/joint/types.ts';
import { mulberry32 } from '../src/dex/router/testing/cp-pool.ts';

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: number[]): number => pct(xs, 0.5);

function timed(req: JointRequest, runs: number, warm = 5): { cpu: number[]; wall: number[]; last: JointRoute } {
  const cpu: number[] = [];
  const wall: number[] = [];
  let last = routeJoint(req); // warm-up (JIT)
  for (let k = 0; k < warm; k++) routeJoint(req);
  for (let k = 0; k < runs; k++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    last = routeJoint(req);
    wall.push(performance.now() - w0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { cpu, wall, last };
}

export function walkthroughTable(): string {
  const rows: string[] = [];
  for (const gwei of [20, 0]) {
    const w = walkthrough(gwei);
    const m0 = performance.now();
    for (let k = 0; k < 20; k++) prepareMarket(w.fx.states);
    const prep = (performance.now() - m0) / 20;
    const t = timed(w.request, 200);
    const c = t.last.certificate;
    rows.push(
      `| ${gwei} gwei | ${median(t.cpu).toFixed(2)} | ${pct(t.cpu, 0.9).toFixed(2)} | ${median(t.wall).toFixed(2)} | ${prep.toFixed(2)} | ${t.last.legs.length} | ${t.last.hops} | ${t.last.legs.reduce((n, l) => n + l.ticksCrossed, 0)} | ${t.last.gas} | ${c.solves} | ${c.iterations} | ${c.evaluations} | ${c.gap.toExponential(1)} |`,
    );
  }
  return [
    '| walkthrough rebalance, 25 fixture pools | CPU ms median | CPU ms p90 | wall ms median | prepareMarket ms | legs | max hops | v3 ticks crossed | gas | solves | Newton iterations | dual evaluations | gap |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** m random mixed pools over n = ⌈√m⌉ + 2 tokens; sell tokens 0 and 1, buy 2 and 3 ($20k–$60k each). */
export function randomRebalance(m: number, seed: number): JointRequest {
  const rnd = mulberry32(seed);
  const n = Math.ceil(Math.sqrt(m)) + 2;
  const states: PoolState[] = [];
  for (let k = 0; k < m; k++) {
    const i = k < n - 1 ? k : Math.floor(rnd() * n); // a chain 0-1-2-… keeps every token connected
    let j = k < n - 1 ? k + 1 : Math.floor(rnd() * (n - 1));
    if (j >= i && k >= n - 1) j++;
    states.push(
      randomPool(KINDS[Math.floor(rnd() * KINDS.length)]!, seed * 100_000 + k, i, j, 10 ** (5 + 2 * rnd()), rnd),
    );
  }
  const market = prepareMarket(states);
  const v = () => 20_000 + 40_000 * rnd();
  const [s0, s1] = [v(), v()];
  const f = rnd();
  return {
    market,
    sells: [
      { token: tokenAddr(0), amount: BigInt(Math.floor((s0 / unitPrice(0)) * 1)) * 1n },
      { token: tokenAddr(1), amount: BigInt(Math.floor(s1 / unitPrice(1))) },
    ],
    buys: [
      { token: tokenAddr(2), value: (s0 + s1) * f },
      { token: tokenAddr(3), value: (s0 + s1) * (1 - f) },
    ],
    prices: new Map(Array.from({ length: n }, (_, t) => [tokenAddr(t), unitPrice(t)])),
    gasPriceWei: 20n * 10n ** 9n,
    ethPrice: 3000,
  };
}

export function scalingTable(): string {
  const rows: string[] = [];
  for (const m of [25, 100, 250, 500, 1000]) {
    const cpu: number[] = [];
    const prep: number[] = [];
    const legs: number[] = [];
    const its: number[] = [];
    const gaps: number[] = [];
    const solves: number[] = [];
    for (let seed = 1; seed <= 3; seed++) {
      const p0 = performance.now();
      const req = randomRebalance(m, seed);
      prep.push(performance.now() - p0);
      const t = timed(req, 2, 0);
      cpu.push(Math.min(...t.cpu));
      legs.push(t.last.legs.length);
      its.push(t.last.certificate.iterations);
      gaps.push(t.last.certificate.gap);
      solves.push(t.last.certificate.solves);
    }
    rows.push(
      `| ${m} | ${Math.ceil(Math.sqrt(m)) + 2} | ${median(prep).toFixed(1)} | ${median(cpu).toFixed(1)} | ${Math.max(...cpu).toFixed(1)} | ${median(legs)} | ${median(solves)} | ${median(its)} | ${Math.max(...gaps).toExponential(1)} |`,
    );
  }
  return [
    '| m mixed pools | n tokens | prepareMarket ms | route CPU ms median | max | legs | solves (gas search) | Newton iterations | worst gap |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
