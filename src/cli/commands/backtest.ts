import { basename, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { jumpWarning, spacingWarning } from '../../backtest/data/checks.ts';
import { parseDay } from '../../backtest/data/dates.ts';
import type { PreparedData } from '../../backtest/engine/run.ts';
import { STRATEGY_HELP } from '../../backtest/engine/strategy.ts';
import { type BacktestRun, runRequest } from '../../backtest/request.ts';
import { writeEquityCsv } from '../equity-csv.ts';
import { feeBps, fraction, jumpFactor, positive } from '../flags.ts';
import { readDocument, UsageError } from '../io.ts';
import { checkOutput, writeOutput } from '../output-file.ts';
import { runsProgress } from '../progress.ts';
import { fmtNum, fmtPct, table } from '../table.ts';

interface BacktestFlags {
  prices?: string;
  target?: string;
  strategy: string[];
  start?: string;
  end?: string;
  capital: string;
  feeBps?: string;
  periodsPerYear: string;
  config?: string;
  json?: boolean;
  report?: string;
  equity?: string;
  fill: string;
  lag: string;
  weights?: string;
  allowHighFees?: boolean;
  jumpWarn: string;
  idleShare?: string;
  supplyRate?: string;
}

/** One stderr line per suspicious property of valid data: a huge one-bar move, a wrong periods-per-year. */
export function warnAboutData(data: PreparedData, file: string, jump: number, periodsPerYear: number): void {
  const d = { times: data.times, prices: data.prices, assets: data.u.assets, skip: data.u.quoteIndex };
  for (const w of [jumpWarning(d, jump, file), spacingWarning(data.times, periodsPerYear, file)])
    if (w !== null) process.stderr.write(`${w}\n`);
}

/** A UTC day flag (`--start`, `--end`), checked before any file is read. */
export function dayFlag(flag: string, v: string | undefined): string | undefined {
  if (v !== undefined && Number.isNaN(parseDay(v.trim())))
    throw new UsageError(`${flag}: ${JSON.stringify(v)} is not a date: use YYYY-MM-DD (a UTC day)`);
  return v;
}

export function jsonRuns(run: BacktestRun) {
  return {
    runs: run.results.map((r) => ({
      strategy: r.strategy,
      finalValue: r.metrics.finalValue,
      totalReturn: r.metrics.totalReturn,
      cagr: r.metrics.cagr,
      volatility: r.metrics.volatility,
      sharpe: r.metrics.sharpe,
      maxDrawdown: r.metrics.maxDrawdown,
      rebalances: r.metrics.rebalances,
      fees: r.metrics.fees,
      turnover: r.metrics.turnover,
    })),
  };
}

export function metricsTable(run: BacktestRun): string {
  const hodl = run.results.find((r) => r.strategy === 'hodl') ?? run.results[run.results.length - 1]!;
  const opt = (x: number | null, f: (v: number) => string) => (x === null ? 'n/a' : f(x));
  const rows = run.results.map((r) => {
    const m = r.metrics;
    return [
      r.strategy,
      fmtNum(m.finalValue, 0),
      fmtPct(m.totalReturn, 1),
      opt(m.cagr, (v) => fmtPct(v, 2)),
      opt(m.volatility, (v) => fmtPct(v, 1)),
      opt(m.sharpe, (v) => v.toFixed(3)),
      fmtPct(m.maxDrawdown, 1),
      String(m.rebalances),
      fmtNum(m.fees, 0),
      fmtNum(m.turnover, 0),
      r === hodl
        ? ''
        : `${m.finalValue >= hodl.metrics.finalValue ? '+' : ''}${fmtPct(m.finalValue / hodl.metrics.finalValue - 1, 2)}`,
    ];
  });
  return table(
    ['strategy', 'final value', 'return', 'CAGR', 'vol', 'sharpe', 'max DD', 'rebal.', 'fees', 'turnover', 'vs HODL'],
    rows,
  );
}

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('run Ballast’s own decisions over price history and compare with buy-and-hold')
    .option(
      '--prices <file>',
      'wide (date,A,B,…) or long (timestamp,asset,close) CSV; default: bundled crypto-daily.csv',
    )
    .option('--target <weights>', 'e.g. BTC=0.4,ETH=0.3,USD=0.3 (the cash asset is USD, or the config’s quote)')
    .option(
      '--strategy <name>',
      'a strategy (repeatable); see below',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--start <date>', 'first UTC day of the window (YYYY-MM-DD)')
    .option('--end <date>', 'last UTC day of the window (YYYY-MM-DD)')
    .option('--capital <amount>', 'starting capital in the cash asset', '1000000')
    .option('--fee-bps <bps>', 'fee on each non-cash trade (default 10, or the config’s)')
    .option('--periods-per-year <n>', 'bars per year for volatility and Sharpe', '365')
    .option(
      '--config <file>',
      'portfolio file: its quote, target, costs and constraints; its trigger runs as strategy "config"',
    )
    .option('--json', 'print { "runs": [...] } on stdout')
    .option('--report <file>', 'write the HTML report there')
    .option('--equity <file>', 'write the equity curves as CSV')
    .addOption(
      new Option('--fill <mode>', 'missing prices inside the window').choices(['none', 'forward']).default('none'),
    )
    .addOption(new Option('--lag <bars>', 'decide at close t, trade at close t+lag').choices(['0', '1']).default('0'))
    .option('--weights <file>', 'target weights file (date,asset,weight) for file@<trigger> strategies')
    .option('--allow-high-fees', 'accept fees above 1,000 bps (10%) per trade (refused otherwise: likely a typo)')
    .option('--idle-share <fraction>', 'fraction of every holding supplied to a lending market (with --supply-rate)')
    .option(
      '--supply-rate <rates>',
      'supply APR per asset and cash: ASSET=APR,… (0.05 = 5%) or a CSV date,ASSET,… (with --idle-share)',
    )
    .option('--jump-warn <factor>', 'warn when a price moves more than ×factor or ÷factor in one bar (0 = off)', '5')
    .addHelpText(
      'after',
      `\n${STRATEGY_HELP}\n\nWith no arguments: the bundled data, a default portfolio and strategies; writes ballast-report.html.`,
    )
    .action(async (f: BacktestFlags, cmd: Command) => {
      const noArgs = cmd.parent!.args.length <= 1 && process.argv.slice(3).length === 0;
      // Every flag, output path and file is checked before the run (issue #16 item 4).
      const capital = positive('--capital', f.capital);
      const periodsPerYear = positive('--periods-per-year', f.periodsPerYear);
      const fee = f.feeBps === undefined ? undefined : feeBps('--fee-bps', f.feeBps, f.allowHighFees === true);
      const jump = jumpFactor('--jump-warn', f.jumpWarn);
      if ((f.idleShare === undefined) !== (f.supplyRate === undefined))
        throw new UsageError(
          f.idleShare === undefined
            ? '--supply-rate needs --idle-share (the fraction supplied, 0–1)'
            : '--idle-share needs --supply-rate (ASSET=APR,… or a CSV file)',
        );
      const reportPath = f.report ?? (noArgs ? 'ballast-report.html' : undefined);
      if (reportPath !== undefined) checkOutput('--report', reportPath, ['html']);
      if (f.equity !== undefined) checkOutput('--equity', f.equity, ['csv']);
      const run = runRequest(
        {
          prices: f.prices,
          target: f.target,
          strategies: f.strategy,
          start: dayFlag('--start', f.start),
          end: dayFlag('--end', f.end),
          capital,
          feeBps: fee,
          periodsPerYear,
          config: f.config,
          configDoc: f.config === undefined ? undefined : readDocument(f.config),
          allowHighFees: f.allowHighFees === true,
          fill: f.fill as 'none' | 'forward',
          lag: Number(f.lag) as 0 | 1,
          weights: f.weights,
          ...(f.idleShare !== undefined ? { idleShare: fraction('--idle-share', f.idleShare) } : {}),
          ...(f.supplyRate !== undefined ? { supplyRate: f.supplyRate } : {}),
        },
        runsProgress(),
      );
      if (run.filled > 0) process.stderr.write(`note: ${run.filled} missing price cell(s) filled forward\n`);
      warnAboutData(run.data, basename(run.pricesPath), jump, periodsPerYear);
      if (f.equity) writeEquityCsv(run, f.equity);
      if (reportPath) {
        const { backtestReportHtml } = await import('../../backtest/report-writer.ts');
        writeOutput(reportPath, backtestReportHtml(run));
      }
      if (f.json) process.stdout.write(`${JSON.stringify(jsonRuns(run))}\n`);
      else {
        const d0 = new Date(run.data.times[0]!).toISOString().slice(0, 10);
        const d1 = new Date(run.data.times[run.data.times.length - 1]!).toISOString().slice(0, 10);
        process.stdout.write(
          `${run.data.u.assets.join(', ')} (cash ${run.options.cash}), ${run.data.times.length} bars ${d0} → ${d1}, capital ${fmtNum(run.options.capital, 0)}, fee ${run.options.costs.feeBps} bps\n\n${metricsTable(run)}\n`,
        );
      }
      if (reportPath) process.stderr.write(`report: ${resolve(reportPath)}\n`);
    });
}
