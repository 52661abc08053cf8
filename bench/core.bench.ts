/**
 * Core benchmarks (issue #3 §6): planning a 50-asset portfolio with every constraint and cost, target
 * < 50 µs per plan (planInto with reused buffers); a band trigger check over 10 assets × 100,000 bars
 * through the columnar form, target < 3 ms. Prints a markdown table.
 * Run: npm run bench -- core
 */
import { parsePortfolio } from '../src/core/config/parse.ts';
import { makePlanContext, PlanBuffers, type PlanMode } from '../src/core/planner/context.ts';
import { planInto } from '../src/core/planner/plan.ts';
import { bandArray, bandKernel, firstAbsBreach } from '../src/core/triggers/band.ts';
import type { TriggerBar } from '../src/core/triggers/types.ts';
import { universeOf } from '../src/core/universe.ts';
import { timed } from './timing.ts';

/** A deterministic generator (no Math.random: figures must be reproducible). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};

/** 50 assets + the quote, every constraint and cost of the schema in use. */
function portfolio50() {
  const rnd = lcg(50);
  const n = 50;
  const names = Array.from({ length: n }, (_, i) => `A${String(i).padStart(2, '0')}`);
  const target: Record<string, number> = {};
  const costAssets: Record<string, object> = {};
  const consAssets: Record<string, object> = {};
  const raw = names.map(() => 0.5 + rnd());
  const sum = raw.reduce((a, b) => a + b, 0) / 0.9;
  const prices: number[] = [];
  names.forEach((a, i) => {
    target[a] = raw[i]! / sum;
    prices.push(10 ** (rnd() * 5 - 1)); // 0.1 … 10,000
    costAssets[a] = { sigma: 0.02 + 0.05 * rnd(), adv: 10 ** (6 + 4 * rnd()) };
    consAssets[a] = { lotStep: 10 ** Math.floor(-4 * rnd()), minNotional: 10, reserve: 0.01 * rnd() };
  });
  target.USDT = 1 - Object.values(target).reduce((a, b) => a + b, 0);
  consAssets.USDT = { reserve: 100 };
  const config = parsePortfolio(
    {
      quote: 'USDT',
      target,
      costs: { feeBps: 10, halfSpreadBps: 2, impact: 0.5, fixedPerOrder: 0.1, assets: costAssets },
      constraints: { maxTurnover: 0.05, assets: consAssets },
    },
    'bench',
  );
  const ctx = makePlanContext(universeOf(config), config);
  const V = 1e6;
  // 64 drifted holdings: each asset ±30% off its target value.
  const snaps = Array.from({ length: 64 }, () => {
    const qty = new Float64Array(ctx.u.n);
    const px = new Float64Array(ctx.u.n);
    for (let i = 0; i < ctx.u.n; i++) {
      px[i] = i === ctx.u.quoteIndex ? 1 : prices[i]!;
      qty[i] = (ctx.u.target[i]! * V * (0.7 + 0.6 * rnd())) / px[i]!;
    }
    return { qty, px };
  });
  return { ctx, snaps };
}

function benchPlan(mode: PlanMode): { us: number; wallUs: number; trades: number; scaledShare: number } {
  const { ctx, snaps } = portfolio50();
  const buf = new PlanBuffers(ctx.u.n);
  const halfWidth = bandArray(ctx.u, 0.02, undefined);
  const opts = { halfWidth };
  let trades = 0;
  const once = (k: number) => {
    const s = snaps[k & 63]!;
    planInto(ctx, s.qty, s.px, mode, buf, opts);
  };
  for (let k = 0; k < 5000; k++) once(k); // warm-up (JIT)
  for (let i = 0; i < ctx.u.n; i++) if (buf.dq[i] !== 0 && i !== ctx.u.quoteIndex) trades++;
  const iters = 20_000;
  const cpu: number[] = [];
  const wall: number[] = [];
  let scaled = 0;
  for (let r = 0; r < 7; r++) {
    const t = timed(() => {
      for (let k = 0; k < iters; k++) {
        once(k);
        scaled += buf.scaleReason === 0 ? 0 : 1;
      }
    });
    cpu.push((t.cpu * 1e3) / iters);
    wall.push((t.wall * 1e3) / iters);
  }
  return { us: median(cpu), wallUs: median(wall), trades, scaledShare: scaled / (7 * iters) };
}

/** 100,000 bars × 10 assets of weights drifting around the target, as the backtester would see them. */
function weightsMatrix(bars: number, n: number, t: Float64Array): Float64Array {
  const rnd = lcg(10);
  const w = new Float64Array(bars * n);
  for (let b = 0; b < bars; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const x = t[i]! * (1 + 0.2 * (rnd() - 0.5));
      w[b * n + i] = x;
      s += x;
    }
    for (let i = 0; i < n; i++) w[b * n + i] = w[b * n + i]! / s;
  }
  return w;
}

function benchTrigger() {
  const bars = 100_000;
  const target: Record<string, number> = {};
  for (let i = 0; i < 9; i++) target[`A${i}`] = 0.1;
  const config = parsePortfolio({ quote: 'USDT', target: { ...target, USDT: 0.1 } }, 'bench');
  const u = universeOf(config);
  const n = u.n;
  const W = weightsMatrix(bars, n, u.target);
  // kernel.check takes a bar object: one view per bar, built before timing.
  const views = Array.from({ length: bars }, (_, b) => W.subarray(b * n, (b + 1) * n));
  const b = bandArray(u, 0.0099, undefined);
  const k = bandKernel(u, 0.0099);
  const bar: { -readonly [K in keyof TriggerBar]: TriggerBar[K] } = {
    time: 0,
    prevTime: Number.NaN,
    qty: new Float64Array(n),
    prices: new Float64Array(n),
    w: views[0]!,
    value: 1,
  };
  let fires = 0;
  const scan = () => {
    let c = 0;
    for (let t = 0, off = 0; t < bars; t++, off += n) if (firstAbsBreach(W, u.target, b, off) >= 0) c++;
    return c;
  };
  const scanKernel = () => {
    let c = 0;
    for (let t = 0; t < bars; t++) {
      bar.w = views[t]!;
      if (k.check(bar) >= 0) c++;
    }
    return c;
  };
  for (let r = 0; r < 5; r++) fires = scan() + scanKernel() - fires; // warm-up
  const time = (f: () => number) => {
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let r = 0; r < 15; r++) {
      const t = timed(() => {
        fires = f();
      });
      cpu.push(t.cpu);
      wall.push(t.wall);
    }
    return { cpu: median(cpu), wall: median(wall) };
  };
  return { firstAbs: time(scan), kernel: time(scanKernel), fires };
}

export default async function run(): Promise<void> {
  const rows: string[][] = [];
  for (const mode of ['full', 'edge', 'auto'] as const) {
    const r = benchPlan(mode);
    rows.push([
      `plan, 50 assets, ${mode} (${r.trades} trades; ${(100 * r.scaledShare).toFixed(0)}% scaled by maxTurnover/cash)`,
      `${r.us.toFixed(2)} µs`,
      `${r.wallUs.toFixed(2)} µs`,
      '< 50 µs',
      r.us < 50 ? 'ok' : 'MISSED',
    ]);
  }
  const t = benchTrigger();
  for (const [name, x] of [
    ['firstAbsBreach over the matrix (columnar form)', t.firstAbs],
    ['kernel.check, one bar view each (informational)', t.kernel],
  ] as const) {
    rows.push([
      `band check, 10 assets × 100,000 bars, ${name}`,
      `${x.cpu.toFixed(2)} ms`,
      `${x.wall.toFixed(2)} ms`,
      '< 3 ms',
      x.cpu < 3 ? 'ok' : 'MISSED',
    ]);
  }
  const out = [
    '| benchmark | CPU (median) | wall (median) | target | |',
    '|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Plans: 51 entries (50 assets + USDT) with lot steps, minNotional 10, reserves, 10 bps fee, 2 bps half-spread, square-root impact, 0.1 fixed per order, maxTurnover 0.05; medians of 7 × 20,000 plans over 64 drifted holdings, reused buffers, after 5,000 warm-up plans. Trigger: ${t.fires} of 100,000 bars breach; medians of 15 scans after warm-up. The verdict uses CPU time.`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}
