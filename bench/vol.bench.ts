/**
 * Volatility forecasts (issue #26): a GARCH(1,1) fit on 2,600 daily returns, target < 20 ms; for
 * reference, the other fits and a per-bar kernel step. Data: BTC's 2,598 log returns of the bundled
 * examples/data/crypto-daily.csv, and a simulated GARCH(1,1) series of 2,600 returns (seeded).
 * Prints a markdown table. Run: npm run bench -- vol
 */
import { join } from 'node:path';
import { loadPriceCsv } from '../src/backtest/data/load.ts';
import { Xoshiro128 } from '../src/backtest/synthetic/prng.ts';
import { fitEwma } from '../src/core/forecast/ewma.ts';
import { fitGarch, type GarchFit } from '../src/core/forecast/garch.ts';
import { fitHar } from '../src/core/forecast/har.ts';
import { fitHmm } from '../src/core/forecast/hmm.ts';
import { kernelFor } from '../src/core/forecast/models.ts';
import { logReturns } from '../src/core/forecast/returns.ts';
import { median, timed } from './timing.ts';

function simulated(n: number): Float64Array {
  const rng = new Xoshiro128(2600);
  const r = new Float64Array(n);
  let h = 1e-5 / (1 - 0.08 - 0.9);
  for (let t = 0; t < n; t++) {
    r[t] = Math.sqrt(h) * rng.nextNormal();
    h = 1e-5 + 0.08 * r[t]! ** 2 + 0.9 * h;
  }
  return r;
}

/** Median per-call time of f over `runs` timed batches of `batch` calls, after `warm` warm-up calls. */
function bench(f: () => void, warm: number, runs: number, batch: number): { cpu: number; wall: number } {
  for (let k = 0; k < warm; k++) f();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t = timed(() => {
      for (let j = 0; j < batch; j++) f();
    });
    cpu.push(t.cpu / batch);
    wall.push(t.wall / batch);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

export default async function run(): Promise<void> {
  const table = loadPriceCsv(join(import.meta.dirname, '..', 'examples', 'data', 'crypto-daily.csv'));
  const btc = logReturns(table.closes[table.assets.indexOf('BTC')]!);
  const sim = simulated(2_600);
  const rows: string[][] = [];
  // The first fit below is timed cold: nothing of the forecast code has run yet in this process.
  const ms = (x: number) => (x >= 0.1 ? `${x.toFixed(2)} ms` : `${(x * 1000).toFixed(1)} µs`);
  const row = (name: string, t: { cpu: number; wall: number }, target?: number) =>
    rows.push([
      name,
      ms(t.cpu),
      ms(t.wall),
      target ? `< ${target} ms` : '',
      target ? (t.cpu < target ? 'ok' : 'MISSED') : '',
    ]);
  for (const [name, r] of [
    [`BTC daily, ${btc.length.toLocaleString('en-US')} returns`, btc],
    ['simulated GARCH(1,1), 2,600 returns', sim],
  ] as const) {
    let f: GarchFit | undefined;
    const cold = timed(() => {
      f = fitGarch(r);
    });
    if (r === btc) row('GARCH(1,1) fit, BTC daily, first call in the process (cold JIT, informational)', cold);
    row(
      `GARCH(1,1) fit, ${name} (α ${f!.alpha.toFixed(3)}, β ${f!.beta.toFixed(3)})`,
      bench(() => fitGarch(r), 5, 15, 5),
      20,
    );
  }
  row(
    `HAR-RV fit, BTC daily`,
    bench(() => fitHar(btc), 20, 15, 20),
  );
  row(
    `EWMA fit, BTC daily`,
    bench(() => fitEwma(btc), 50, 15, 200),
  );
  row(
    `two-state HMM fit (Baum–Welch), BTC daily`,
    bench(() => fitHmm(btc), 2, 7, 1),
  );
  const n = table.assets.length;
  const P = new Float64Array(table.times.length * n);
  for (let t = 0; t < table.times.length; t++) for (let i = 0; i < n; i++) P[t * n + i] = table.closes[i]![t]!;
  const k = kernelFor('garch', n, { refitEvery: 0, window: 0 });
  for (let t = 0; t < 200; t++) k.observeRow(P, t * n); // fitted once, at 50 returns
  let bar = 200;
  const step = bench(
    () => {
      k.observeRow(P, bar * n);
      bar = bar + 1 < table.times.length ? bar + 1 : 200;
    },
    1_000,
    15,
    1_000,
  );
  row(`GARCH kernel, one bar of ${n} assets (no refit)`, step);
  process.stdout.write(
    `| benchmark | CPU (median) | wall (median) | target | |\n|---|---:|---:|---:|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`,
  );
}
