#!/usr/bin/env node
// Independent reference backtester for docs/backtest.md (imports nothing from src/). Plain Node ≥ 20.
// node test/reference/backtest-reference.mjs --prices F.csv --target BTC=0.4,ETH=0.5,USD=0.1 \
//   --strategy hodl --strategy band:0.05 --strategy calendar:month [--fee-bps 10] [--capital 1e6] [--periods-per-year 365]
// Wide CSV (date,A,B,…), cash USD, fixed target, proportional fee; prints { "runs": [...] } like `ballast backtest --json`.
import { readFileSync } from 'node:fs';

const arg = { strategy: [], 'fee-bps': '10', capital: '1000000', 'periods-per-year': '365' };
for (let k = 2; k < process.argv.length; k += 2) {
  const key = process.argv[k].slice(2), v = process.argv[k + 1];
  if (key === 'strategy') arg.strategy.push(v); else arg[key] = v;
}
const f = Number(arg['fee-bps']) / 1e4, capital = Number(arg.capital), P = Number(arg['periods-per-year']);
const target = Object.fromEntries(arg.target.split(',').map((s) => s.split('=')).map(([a, w]) => [a, Number(w)]));
const names = Object.keys(target).filter((a) => a !== 'USD'); // the risky assets; USD is the cash, price 1
const tw = names.map((a) => target[a]), tc = target.USD ?? 0;

const [head, ...rows] = readFileSync(arg.prices, 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
const cols = names.map((a) => head.indexOf(a));
const all = rows.map((r) => ({ ms: Date.parse(`${r[0]}T00:00:00Z`), p: cols.map((c) => (r[c] === '' ? NaN : Number(r[c]))) }));
const bars = all.slice(all.findIndex((b) => b.p.every((x) => x > 0)));
if (bars.some((b) => !b.p.every((x) => x > 0))) throw new Error('missing price inside the window');

// V′ with V′ = V − f·Σ|tᵢV′ − hᵢ|: g(x) = x + f·Σ|tᵢx − hᵢ| − V is increasing and linear between the
// kinks hᵢ/tᵢ, so find the two consecutive points of {0, kinks, V} that bracket the root and interpolate.
function solve(V, h) {
  const g = (x) => x - V + f * tw.reduce((s, t, i) => s + Math.abs(t * x - h[i]), 0);
  const xs = [0, V, ...tw.map((t, i) => h[i] / t).filter((x) => x > 0 && x < V)].sort((a, b) => a - b);
  for (let k = 1; k < xs.length; k++) {
    const a = xs[k - 1], b = xs[k], ga = g(a), gb = g(b);
    if (ga <= 0 && gb >= 0) return gb === ga ? b : a - (ga * (b - a)) / (gb - ga);
  }
  throw new Error('no root');
}

function run(strategy) {
  const [kind, param] = strategy.split(':');
  if (!['hodl', 'band', 'calendar'].includes(kind) || (kind === 'calendar' && !['day', 'month'].includes(param)))
    throw new Error(`reference: unsupported strategy ${strategy} (hodl, band:<abs>, calendar:day|month)`);
  const key = (ms) => new Date(ms).toISOString().slice(0, param === 'day' ? 10 : 7); // UTC day or month
  let q = [], cash = 0, fees = 0, turnover = 0, rebalances = 0;
  const rebalance = (p, V) => { // the full rebalance to the target at prices p
    const h = q.map((x, i) => x * p[i]), Vp = f === 0 ? V : solve(V, h);
    turnover += tw.reduce((s, t, i) => s + Math.abs(t * Vp - h[i]), 0);
    fees += V - Vp;
    q = tw.map((t, i) => (t * Vp) / p[i]);
    cash = tc * Vp;
  };
  q = tw.map(() => 0); cash = capital;
  rebalance(bars[0].p, capital); // bar 0: the purchase, not a rebalance
  const mark = (p) => cash + q.reduce((s, x, i) => s + x * p[i], 0);
  const eq = [mark(bars[0].p)];
  for (let t = 1; t < bars.length; t++) {
    const p = bars[t].p;
    const V = mark(p);
    const w = [...q.map((x, i) => (x * p[i]) / V), cash / V], tgt = [...tw, tc];
    const fire = kind === 'band' ? w.some((x, i) => Math.abs(x - tgt[i]) > Number(param))
      : kind === 'calendar' ? key(bars[t].ms) !== key(bars[t - 1].ms) : false;
    if (fire) { rebalances++; rebalance(p, V); }
    eq.push(mark(p));
  }
  const r = eq.slice(1).map((v, t) => v / eq[t] - 1), T = eq.length, VT = eq[T - 1];
  const mean = r.reduce((s, x) => s + x, 0) / r.length;
  const sd = r.length > 1 ? Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1)) : 0;
  const days = (bars[T - 1].ms - bars[0].ms) / 86_400_000;
  let peak = -Infinity, mdd = 0;
  for (const v of eq) { peak = Math.max(peak, v); mdd = Math.max(mdd, 1 - v / peak); }
  return {
    strategy, finalValue: VT, totalReturn: VT / capital - 1, cagr: days > 0 ? (VT / capital) ** (365.25 / days) - 1 : null,
    volatility: sd > 0 ? sd * Math.sqrt(P) : null, sharpe: sd > 0 ? (mean / sd) * Math.sqrt(P) : null,
    maxDrawdown: mdd, rebalances, fees, turnover,
  };
}
process.stdout.write(`${JSON.stringify({ runs: arg.strategy.map(run) })}\n`);
