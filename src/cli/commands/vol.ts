/**
 * `ballast vol fit` and `ballast vol evaluate` (issue #26): one-step variance forecasts of an asset's
 * daily log returns, and their out-of-sample comparison. Every flag and output path is checked before
 * any work; the report is written through a temporary file.
 */
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { loadPriceCsv } from '../../backtest/data/load.ts';
import { EVAL_MIN_TRAINING, evaluateReturns } from '../../core/forecast/evaluate.ts';
import { fitEwma } from '../../core/forecast/ewma.ts';
import { fitGarch } from '../../core/forecast/garch.ts';
import { fitHar } from '../../core/forecast/har.ts';
import { fitHmm, hmmFilter, hmmForecast } from '../../core/forecast/hmm.ts';
import { MODEL_NAMES } from '../../core/forecast/models.ts';
import { ForecastInputError } from '../../core/forecast/types.ts';
import { UsageError } from '../io.ts';
import { checkOutput, writeOutput } from '../output-file.ts';
import { progressBar } from '../progress.ts';
import { assetSeries, dayFlag } from './vol-data.ts';
import { type EvaluatedAsset, evaluateJson, evaluateText, type FitResult, fitJson, fitText } from './vol-format.ts';

interface FitFlags {
  prices: string;
  asset: string;
  model: 'garch' | 'ewma' | 'har' | 'hmm';
  start?: string;
  end?: string;
  lambda: string;
  json?: boolean;
}

interface EvaluateFlags {
  prices: string;
  asset: string[];
  holdout: string;
  refitEvery: string;
  start?: string;
  end?: string;
  report?: string;
  json?: boolean;
}

function integerFlag(flag: string, v: string, min: number): number {
  const x = Number(v);
  if (!(/^\d+$/.test(v.trim()) && Number.isSafeInteger(x) && x >= min))
    throw new UsageError(`${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return x;
}

function lambdaFlag(v: string): number {
  const x = Number(v);
  if (!(v.trim() !== '' && x > 0 && x < 1))
    throw new UsageError(`--lambda: expected a number in (0, 1), got ${JSON.stringify(v)}`);
  return x;
}

function window(f: { start?: string; end?: string }) {
  const start = dayFlag('--start', f.start);
  const end = dayFlag('--end', f.end);
  if (start !== undefined && end !== undefined && end < start)
    throw new UsageError(`--end ${f.end} is before --start ${f.start}`);
  return { start, end };
}

function fit(f: FitFlags): void {
  const lambda = lambdaFlag(f.lambda);
  const w = window(f);
  const s = assetSeries(loadPriceCsv(f.prices), f.prices, f.asset, w.start, w.end);
  const result = naming(f.prices, f.asset, () => fitModel(f.model, s.returns, lambda));
  process.stdout.write(f.json ? `${JSON.stringify(fitJson(result))}\n` : fitText(result, s));
}

/** Runs a fit; a ForecastInputError it throws is prefixed with the file and the asset. */
function naming<T>(file: string, asset: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ForecastInputError) throw new ForecastInputError(`${file}: ${asset}: ${e.message}`, { cause: e });
    throw e;
  }
}

function fitModel(model: FitFlags['model'], r: Float64Array, lambda: number): FitResult {
  let result: FitResult;
  if (model === 'garch') result = { model: 'garch', fit: fitGarch(r) };
  else if (model === 'ewma') result = { model: 'ewma', fit: fitEwma(r, lambda) };
  else if (model === 'har') result = { model: 'har', fit: fitHar(r) };
  else {
    const h = fitHmm(r);
    const flt = hmmFilter(h, r, 0, r.length);
    result = { model: 'hmm', fit: h, forecast: hmmForecast(h, flt.f0, flt.f1), n: r.length };
  }
  return result;
}

async function evaluate(f: EvaluateFlags): Promise<void> {
  const holdout = integerFlag('--holdout', f.holdout, 1);
  const refitEvery = integerFlag('--refit-every', f.refitEvery, 1);
  const w = window(f);
  if (f.report !== undefined) checkOutput('--report', f.report, ['html']);
  const dup = f.asset.find((a, i) => f.asset.indexOf(a) !== i);
  if (dup !== undefined) throw new UsageError(`--asset ${dup} is given twice`);
  const table = loadPriceCsv(f.prices);
  const assets = f.asset.length > 0 ? f.asset : table.assets;
  const series = assets.map((a) => assetSeries(table, f.prices, a, w.start, w.end));
  for (const s of series)
    if (s.returns.length - holdout < EVAL_MIN_TRAINING)
      throw new UsageError(
        `--holdout ${holdout}: ${f.prices} has ${s.returns.length} returns of ${s.asset} in the window; at least ${EVAL_MIN_TRAINING} must precede the holdout`,
      );
  const bar = progressBar('vol evaluate');
  const total = series.length * MODEL_NAMES.length;
  let done = 0;
  bar(0, total);
  const list: EvaluatedAsset[] = series.map((s) => ({
    series: s,
    ev: naming(f.prices, s.asset, () =>
      evaluateReturns(s.returns, holdout, { refitEvery, window: 0 }, MODEL_NAMES, () => bar(++done, total)),
    ),
  }));
  if (f.report !== undefined) {
    const { volReportInput } = await import('./vol-report.ts');
    const { renderVolReport } = await import('../../backtest/report/vol.ts');
    writeOutput(f.report, renderVolReport(volReportInput(basename(f.prices), refitEvery, list)));
  }
  process.stdout.write(
    f.json ? `${JSON.stringify(evaluateJson(f.prices, holdout, refitEvery, list))}\n` : evaluateText(list),
  );
  if (f.report !== undefined) process.stderr.write(`report: ${f.report}\n`);
}

export function registerVol(program: Command): void {
  const vol = program
    .command('vol')
    .description('volatility forecasts: EWMA, GARCH(1,1), HAR-RV and a two-state regime model (docs/forecasts.md)');
  vol
    .command('fit')
    .description('fit one model to an asset’s daily log returns and forecast the next bar’s variance')
    .requiredOption('--prices <file>', 'wide (date,A,B,…) or long (timestamp,asset,close) price CSV')
    .requiredOption('--asset <name>', 'the asset (a column of the file)')
    .addOption(new Option('--model <name>', 'the model').choices(['garch', 'ewma', 'har', 'hmm']).makeOptionMandatory())
    .option('--start <date>', 'first UTC day of the window (YYYY-MM-DD)')
    .option('--end <date>', 'last UTC day of the window (YYYY-MM-DD)')
    .option('--lambda <λ>', 'EWMA decay', '0.94')
    .option('--json', 'print one JSON object (keys: docs/forecasts.md)')
    .action((f: FitFlags) => fit(f));
  vol
    .command('evaluate')
    .description('score rolling one-step forecasts of every model over the last N bars (QLIKE, MSE, DM vs EWMA)')
    .requiredOption('--prices <file>', 'wide (date,A,B,…) or long (timestamp,asset,close) price CSV')
    .option(
      '--asset <name>',
      'an asset (repeatable; default: every asset of the file)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--holdout <n>', 'returns scored at the end of each series', '500')
    .option('--refit-every <n>', 'GARCH, HAR and the HMM refit after every n returns (expanding window)', '20')
    .option('--start <date>', 'first UTC day of the window (YYYY-MM-DD)')
    .option('--end <date>', 'last UTC day of the window (YYYY-MM-DD)')
    .option('--report <file>', 'write the HTML report (forecasts against realized squared returns) there')
    .option('--json', 'print one JSON object (shape: docs/forecasts.md)')
    .action((f: EvaluateFlags) => evaluate(f));
}
