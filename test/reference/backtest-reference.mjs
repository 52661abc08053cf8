#!/usr/bin/env node
// Independent reference backtester for docs/backtest.md (imports nothing from src/). Plain Node ≥ 20.
// node test/reference/backtest-reference.mjs --prices F.csv --target BTC=0.4,ETH=0.5,USD=0.1 --strategy hodl
//   --strategy band:0.05 --strategy calendar:month [--fee-bps 10] [--capital 1e6] [--periods-per-year 365] [--lag 1]
// Wide CSV, cash USD, fixed target, proportional fee; prints { "runs": [...] } like `ballast backtest --json`.
import { readFileSync } from 'node:fs';

const arg = { strategy: [], 'fee-bps': '10', capital: '1000000', 'periods-per-year': '365', lag: '0' };
for (let k = 2; k < process.argv.length; k += 2) {
  if (process.argv[k] === '--strategy') arg.strategy.push(process.argv[k + 1]);
  else arg[process.argv[k].slice(2)] = process.argv[k + 1];
}
const [f, C, P, lag] = [Number(arg['fee-bps']) / 1e4, Number(arg.capital), Number(arg['periods-per-year']), arg.lag];
const target = Object.fromEntries(arg.target.split(',').map((s) => [s.split('=')[0], Number(s.split('=')[1])]));
const names = Object.keys(target).filter((a) => a !== 'USD'); // the risky assets; USD is the cash, price 1
const tw = names.map((a) => target[a]);
const tgt = [...tw, target.USD ?? 0]; // every entry, the cash last

const [head, ...rows] = readFileSync(arg.prices, 'utf8').trim().split(/\r?\n/);
const cols = names.map((a) => head.split(',').indexOf(a));
const cells = rows.map((l) => l.split(','));
const all = cells.map((r) => ({ ms: Date.parse(`${r[0]}T00:00:00Z`), p: cols.map((c) => +r[c]) }));
const bars = all.slice(all.findIndex((b) => b.p.every((x) => x > 0))); // '' → 0: unpriced
if (bars.some((b) => !b.p.every((x) => x > 0))) throw new Error('missing price inside the window');

// V′ = V − f·Σ|tᵢV′ − hᵢ|: g(x) = x + f·Σ|tᵢx − hᵢ| − V is increasing and linear between the kinks hᵢ/tᵢ,
// so take the two consecutive points of {0, kinks, V} that bracket the root and interpolate (exact on a line).
function solve(V, h) {
  const g = (x) => x - V + f * tw.reduce((s, t, i) => s + Math.abs(t * x - h[i]), 0);
  const xs = [0, V, ...tw.map((t, i) => h[i] / t).filter((x) => x > 0 && x < V)].sort((a, b) => a - b);
  const k = xs.findIndex((x, j) => j > 0 && g(xs[j - 1]) <= 0 && g(x) >= 0);
  const [a, b] = [xs[k - 1], xs[k]];
  return g(b) === g(a) ? b : a - (g(a) * (b - a)) / (g(b) - g(a));
}

function run(strategy) {
  const [kind, param] = strategy.split(':');
  if (!['hodl', 'band', 'calendar'].includes(kind) || (kind === 'calendar' && !['day', 'month'].includes(param)))
    throw new Error(`reference: unsupported strategy ${strategy} (hodl, band:<abs>, calendar:day|month)`);
  const key = (ms) => new Date(ms).toISOString().slice(0, param === 'day' ? 10 : 7); // UTC day or month
  const s = { q: tw.map(() => 0), cash: C, fees: 0, turnover: 0, rebalances: 0, pending: false };
  const mark = (p) => s.cash + s.q.reduce((v, x, i) => v + x * p[i], 0);
  const rebalance = (p) => {
    const V = mark(p); // full rebalance to the target at prices p
    const h = s.q.map((x, i) => x * p[i]);
    const Vp = f === 0 ? V : solve(V, h);
    s.turnover += tw.reduce((v, t, i) => v + Math.abs(t * Vp - h[i]), 0);
    s.fees += V - Vp;
    s.q = tw.map((t, i) => (t * Vp) / p[i]);
    s.cash = tgt[tw.length] * Vp;
  };
  rebalance(bars[0].p); // bar 0: the purchase, not a rebalance
  const eq = [mark(bars[0].p)];
  for (let t = 1; t < bars.length; t++) {
    const p = bars[t].p;
    if (s.pending) rebalance(p); // --lag 1: decided on the previous bar, traded now
    s.pending = false;
    const V = mark(p);
    const w = [...s.q.map((x, i) => (x * p[i]) / V), s.cash / V];
    const band = kind === 'band' && w.some((x, i) => Math.abs(x - tgt[i]) > Number(param));
    if (band || (kind === 'calendar' && key(bars[t].ms) !== key(bars[t - 1].ms))) {
      s.rebalances++;
      if (lag === '1') s.pending = true;
      else rebalance(p);
    }
    eq.push(mark(p));
  }
  const r = eq.slice(1).map((v, t) => v / eq[t] - 1);
  const VT = eq[eq.length - 1];
  const mean = r.reduce((a, x) => a + x, 0) / r.length;
  const sd = r.length > 1 ? Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / (r.length - 1)) : 0;
  const days = (bars[bars.length - 1].ms - bars[0].ms) / 86_400_000;
  const maxDrawdown = Math.max(...eq.map((v, t) => 1 - v / Math.max(...eq.slice(0, t + 1))));
  const risk = { volatility: sd > 0 ? sd * Math.sqrt(P) : null, sharpe: sd > 0 ? (mean / sd) * Math.sqrt(P) : null };
  const { rebalances, fees, turnover } = s;
  const cagr = days > 0 ? (VT / C) ** (365.25 / days) - 1 : null;
  return { strategy, finalValue: VT, totalReturn: VT / C - 1, cagr, ...risk, maxDrawdown, rebalances, fees, turnover };
}
process.stdout.write(`${JSON.stringify({ runs: arg.strategy.map(run) })}\n`);
