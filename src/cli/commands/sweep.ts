import { basename, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { prepareData, runBacktest } from '../../backtest/engine/run.ts';
import { parseStrategy } from '../../backtest/engine/strategy.ts';
import { resolveData } from '../../backtest/request.ts';
import { adviseBand } from '../../backtest/sweep/advisor.ts';
import { bestIndex, heatmap, walkForward } from '../../backtest/sweep/analyze.ts';
import { buildGrid, linSpace, logSpace, type SweepConfig } from '../../backtest/sweep/grid.ts';
import { K, METRIC_KEYS, metricIndex } from '../../backtest/sweep/metrics-layout.ts';
import { SweepPool } from '../../backtest/sweep/pool.ts';
import { generateGbm } from '../../backtest/synthetic/index.ts';
import { MAX_FEE_BPS } from '../../core/config/fee-limit.ts';
import { feeBps, jumpFactor, positive, whole } from '../flags.ts';
import { readDocument, UsageError } from '../io.ts';
import { checkOutput, writeOutput } from '../output-file.ts';
import { progressBar } from '../progress.ts';
import { fmtMetric, fmtPct, table } from '../table.ts';
import { dayFlag, warnAboutData } from './backtest.ts';

interface SweepFlags {
  prices?: string;
  target?: string;
  config?: string;
  start?: string;
  end?: string;
  fill: string;
  capital: string;
  periodsPerYear: string;
  families: string;
  widths: string;
  fees: string;
  workers?: string;
  metric: string;
  out?: string;
  report?: string;
  walkForward?: string;
  synthetic?: string;
  seed: string;
  assets: string;
  bars: string;
  fee: string;
  json?: boolean;
  allowHighFees?: boolean;
  jumpWarn: string;
}

/** Synthetic markets: at most this many price cells (bars × assets), about 160 MB of prices. */
export const MAX_SYNTHETIC_CELLS = 20_000_000;

/**
 * `from:to:count` → count values from `from` up to `to` (log-spaced for widths, even for fees), or a comma
 * list. `check` refuses a value (negative fee, width ≥ 1); a range must not run backwards.
 */
function range(flag: string, s: string, log: boolean, check: (x: number) => string | undefined): number[] {
  const parts = s.split(':');
  let xs: number[];
  if (parts.length === 3) {
    const [a, b, n] = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p))) as [number, number, number];
    if (![a, b, n].every(Number.isFinite) || !Number.isInteger(n) || n < 1)
      throw new UsageError(`${flag}: expected from:to:count (count a whole number ≥ 1), got ${JSON.stringify(s)}`);
    if (b < a)
      throw new UsageError(`${flag}: the range ${s} runs backwards (from ${a} > to ${b}); write ${b}:${a}:${n}`);
    if (log && !(a > 0)) throw new UsageError(`${flag}: must be > 0, got ${JSON.stringify(s)}`);
    xs = log ? logSpace(a, b, n) : linSpace(a, b, n);
  } else {
    xs = s.split(',').map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
    if (!xs.every(Number.isFinite)) throw new UsageError(`${flag}: expected numbers, got ${JSON.stringify(s)}`);
  }
  for (const x of xs) {
    const why = check(x);
    if (why) throw new UsageError(`${flag}: ${x} ${why}`);
  }
  return xs;
}

/** Usage errors for what the grid and the metric name refuse (unknown family, unknown metric). */
function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof Error && !(e instanceof UsageError) ? new UsageError(e.message) : e;
  }
}

function toCsv(configs: readonly SweepConfig[], res: Float64Array): string {
  const head = ['family', 'width', 'feeBps', 'strategy', ...METRIC_KEYS].join(',');
  const rows = configs.map((c, i) =>
    [c.family, c.width, c.feeBps, c.spec.name, ...METRIC_KEYS.map((_, k) => res[i * K + k])].join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run a grid of strategies × band widths × fee levels on all cores')
    .option('--prices <file>', 'price CSV (default: bundled crypto-daily.csv)')
    .option('--target <weights>', 'e.g. BTC=0.4,ETH=0.3,USD=0.3')
    .option('--config <file>', 'portfolio file (quote, target, costs, constraints)')
    .option('--start <date>', 'first UTC day')
    .option('--end <date>', 'last UTC day')
    .addOption(new Option('--fill <mode>', 'missing prices').choices(['none', 'forward']).default('none'))
    .option('--capital <amount>', 'starting capital', '1000000')
    .option('--periods-per-year <n>', 'bars per year', '365')
    .option(
      '--families <list>',
      'band, relband, vol:<exponent>, hybrid:<period>, calendar:<period>',
      'band,relband,vol:-1,vol:1,hybrid:month',
    )
    .option('--widths <from:to:n>', 'band widths, log-spaced (or a comma list)', '0.005:0.5:20')
    .option('--fees <from:to:n>', 'fee levels in bps, evenly spaced (or a comma list)', '0:50:6')
    .option('--workers <n>', 'worker threads (default: all cores)')
    .option('--metric <name>', `ranking metric: ${METRIC_KEYS.join(', ')}`, 'sharpe')
    .option('--out <file>', 'write every result (.csv or .json)')
    .option('--report <file>', 'write an HTML report with heatmaps')
    .option('--walk-forward <fraction>', 'choose on the first fraction of bars, score on the rest (e.g. 0.5)')
    .addOption(new Option('--synthetic <model>', 'use a seeded synthetic market instead of a CSV').choices(['gbm']))
    .option('--seed <n>', 'synthetic seed', '1')
    .option('--assets <n>', 'synthetic assets', '10')
    .option('--bars <n>', 'synthetic bars', '2600')
    .option('--fee <bps>', 'your fee level: for the band advisor and the walk-forward test', '10')
    .option('--allow-high-fees', 'accept fees above 1,000 bps (10%) per trade (refused otherwise: likely a typo)')
    .option('--json', 'print { configs, best, walkForward? } as one JSON object instead of the tables')
    .option('--jump-warn <factor>', 'warn when a price moves more than ×factor or ÷factor in one bar (0 = off)', '5')
    .action(async (f: SweepFlags) => {
      // Every flag and output path is checked before any data is read or computed (issue #16 item 4).
      const k = usage(() => metricIndex(f.metric));
      const workers = f.workers === undefined ? undefined : whole('--workers', f.workers, 1);
      const allowHigh = f.allowHighFees === true;
      const userFee = feeBps('--fee', f.fee, allowHigh);
      const jump = jumpFactor('--jump-warn', f.jumpWarn);
      const common = {
        capital: positive('--capital', f.capital),
        periodsPerYear: positive('--periods-per-year', f.periodsPerYear),
        fill: f.fill as 'none',
        lag: 0 as const,
      };
      const widths = range('--widths', f.widths, true, (x) =>
        x > 0 && x < 1 ? undefined : 'is not a band width: must be > 0 and < 1 (0.05 = 5 points)',
      );
      const fees = range('--fees', f.fees, false, (x) =>
        x < 0
          ? 'bps is negative: fees must be ≥ 0'
          : x > MAX_FEE_BPS && !allowHigh
            ? `bps is more than ${MAX_FEE_BPS} bps (10%) per trade, likely a typo; pass --allow-high-fees if you mean it`
            : undefined,
      );
      const frac = f.walkForward === undefined ? undefined : Number(f.walkForward);
      if (frac !== undefined && !(frac > 0 && frac < 1))
        throw new UsageError(`--walk-forward: expected a fraction in (0, 1), got ${JSON.stringify(f.walkForward)}`);
      if (frac !== undefined && !fees.includes(userFee))
        throw new UsageError(`--fee ${userFee}: the walk-forward test scores at your fee; add it to --fees`);
      const configs = usage(() => buildGrid({ families: f.families.split(','), widths, fees }));
      if (f.out !== undefined) checkOutput('--out', f.out, ['csv', 'json']);
      if (f.report !== undefined) checkOutput('--report', f.report, ['html']);
      let resolved: ReturnType<typeof resolveData>;
      if (f.synthetic) {
        const n = whole('--assets', f.assets, 1, 1000);
        const bars = whole('--bars', f.bars, 2, Math.floor(MAX_SYNTHETIC_CELLS / n));
        const mkt = generateGbm({
          seed: whole('--seed', f.seed, 0),
          bars,
          assets: n,
          sigma: linSpace(0.6, 1.2, n),
          barsPerYear: 365,
          correlation: 0.5,
        });
        const target = Object.fromEntries(mkt.assets.map((a) => [a, 1 / n]));
        resolved = {
          data: prepareData(mkt, 'USD', target),
          options: {
            cash: 'USD',
            target,
            costs: { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
            constraints: { assets: {} },
            ...common,
          },
          config: undefined,
          filled: 0,
          pricesPath: `synthetic gbm seed ${f.seed}`,
        };
      } else {
        resolved = resolveData({
          ...common,
          prices: f.prices,
          target: f.target,
          config: f.config,
          configDoc: f.config ? readDocument(f.config) : undefined,
          allowHighFees: allowHigh,
          start: dayFlag('--start', f.start),
          end: dayFlag('--end', f.end),
        });
      }
      const { data, options } = resolved;
      if (!f.synthetic) warnAboutData(data, basename(resolved.pricesPath), jump, common.periodsPerYear);
      process.stderr.write(
        `${configs.length.toLocaleString('en-US')} configurations × ${data.u.n - 1} assets (+ ${options.cash}) × ${data.times.length.toLocaleString('en-US')} bars (${resolved.pricesPath})\n`,
      );
      const t0 = performance.now();
      // One pool for the sweep and both walk-forward halves: workers keep what they compiled and computed.
      const pool = await SweepPool.open(
        data,
        options,
        workers === undefined ? undefined : Math.min(workers, configs.length),
      );
      try {
        const res = await pool.run(configs, { onProgress: progressBar('sweep') });
        const say = f.json === true ? () => {} : (s: string) => void process.stdout.write(s);
        const best: SweepBest[] = [];
        const wall = (performance.now() - t0) / 1000;
        const fams = [...new Set(configs.map((c) => c.family))];
        const rows = fams.map((fam) => {
          const b = bestIndex(res, configs, f.metric, (c) => c.family === fam && c.feeBps === userFee);
          const any = b >= 0 ? b : bestIndex(res, configs, f.metric, (c) => c.family === fam);
          const c = configs[any]!;
          best.push({
            family: fam,
            width: Number.isNaN(c.width) ? null : c.width,
            feeBps: c.feeBps,
            metric: f.metric,
            value: res[any * K + k]!,
            rebalances: res[any * K + 6]!,
          });
          return [
            fam,
            Number.isNaN(c.width) ? '' : fmtPct(c.width, 2),
            String(c.feeBps),
            fmtMetric(f.metric, res[any * K + k]!),
            String(res[any * K + 6]),
          ];
        });
        say(
          `best per family by ${f.metric} (${wall.toFixed(2)} s wall)\n${table(['family', 'width', 'fee bps', f.metric, 'rebalances'], rows)}\n`,
        );
        const fam0 = fams.find((x) => !x.startsWith('calendar')) ?? fams[0]!;
        const weights = Object.values(options.target);
        const advice = adviseBand(res, configs, fam0, userFee, f.metric, {
          weight: Math.max(...weights),
          riskAversion: 1,
        });
        say(
          `\nband advisor (${fam0}, fee ${userFee} bps): ${fmtPct(advice.band, 2)} from the ${advice.source}: ${advice.explanation}\n`,
        );
        let wf: ReturnType<typeof walkForward> | undefined;
        if (frac !== undefined) {
          const split = Math.floor(data.times.length * frac);
          const inRes = await pool.run(configs, {
            to: split,
            onProgress: progressBar('in-sample '),
          });
          const outRes = await pool.run(configs, {
            from: split - 1,
            onProgress: progressBar('out-sample'),
          });
          wf = walkForward(inRes, outRes, configs, f.metric, data.times[split - 1]!, userFee);
          say(
            `\nwalk-forward at ${new Date(wf.splitDate).toISOString().slice(0, 10)}: in-sample winner ${configs[wf.chosen]!.spec.name} @ ${configs[wf.chosen]!.feeBps} bps scored ${fmtMetric(f.metric, wf.inSample)} in sample, ${fmtMetric(f.metric, wf.outOfSample)} out of sample (best ${fmtMetric(f.metric, wf.bestOutOfSample)}, median ${fmtMetric(f.metric, wf.medianOutOfSample)}, rank ${fmtPct(wf.rankOutOfSample, 0)})\n`,
          );
        }
        if (f.json === true)
          process.stdout.write(
            `${JSON.stringify({ configs: configRows(configs, res), best, ...(wf === undefined ? {} : { walkForward: wf }) })}\n`,
          );
        if (f.out) {
          writeOutput(
            f.out,
            f.out.toLowerCase().endsWith('.json')
              ? JSON.stringify({ configs: configRows(configs, res) })
              : toCsv(configs, res),
          );
          process.stderr.write(`results: ${resolve(f.out)}\n`);
        }
        if (f.report) {
          const { sweepReportHtml } = await import('../../backtest/report-writer.ts');
          const w = +advice.band.toPrecision(4);
          const [kind, arg] = fam0.split(':');
          const advised =
            kind === 'vol' ? `vol:${w}:${arg}` : kind === 'hybrid' ? `hybrid:${arg}:${w}` : `${fam0}:${w}`;
          const specs = [parseStrategy('hodl'), parseStrategy(advised)];
          const opts = { ...options, costs: { ...options.costs, feeBps: userFee } };
          const results = specs.map((s) => runBacktest(data, s, opts, { holdings: true }));
          const run = { data, specs, results, options: opts, filled: resolved.filled, pricesPath: resolved.pricesPath };
          const heat = fams
            .filter((x) => !x.startsWith('calendar'))
            .map((fam) => ({ family: fam, ...heatmap(res, configs, fam, f.metric) }));
          writeOutput(
            f.report,
            sweepReportHtml({
              configs,
              results: res,
              metric: f.metric,
              families: fams,
              heat,
              advice,
              walkForward: wf,
              universe: data.u,
              run,
            }),
          );
          process.stderr.write(`report: ${resolve(f.report)}\n`);
        }
      } finally {
        await pool.close();
      }
    });
}

/** One row per configuration: its family, width, fee and every metric (the `configs` of --json and --out). */
function configRows(configs: readonly SweepConfig[], res: Float64Array) {
  return configs.map((c, i) => ({
    family: c.family,
    width: Number.isNaN(c.width) ? null : c.width,
    feeBps: c.feeBps,
    ...Object.fromEntries(METRIC_KEYS.map((m, j) => [m, res[i * K + j]])),
  }));
}

/** The best configuration of a family at the user's fee (`--fee`), by the ranking metric. */
interface SweepBest {
  readonly family: string;
  readonly width: number | null;
  readonly feeBps: number;
  readonly metric: string;
  readonly value: number;
  readonly rebalances: number;
}
