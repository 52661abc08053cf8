/**
 * `ballast advise` (issue #27): for a portfolio value, its assets, a price file and its costs, the expected
 * net benefit of rebalancing a year against the band's half-width, the best band, and the value below
 * which rebalancing costs more than it harvests (docs/bands.md). The same estimator, cost model and band
 * formula as the `optband` trigger. Every flag is checked before the file is read; the report is written
 * through a temporary file.
 */
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { PriceWindowError } from '../../backtest/data/errors.ts';
import { loadPriceCsv } from '../../backtest/data/load.ts';
import { ADVISE_MAX_WIDTH, advise } from '../../core/bands/advise.ts';
import { WeightVarianceEstimator } from '../../core/bands/weight-variance.ts';
import { makeCostModel } from '../../core/costs.ts';
import type { ForecastModelName } from '../../core/forecast/types.ts';
import { makeUniverse } from '../../core/universe.ts';
import { UsageError } from '../io.ts';
import { checkOutput, writeOutput } from '../output-file.ts';

interface AdviseFlags {
  value: string;
  prices: string;
  assets?: string;
  quote: string;
  feeBps: string;
  halfSpreadBps: string;
  gasPriceGwei?: string;
  gasUsed?: string;
  l1DataFee?: string;
  ethPrice?: string;
  kappa: string;
  impact?: string;
  sigma?: string;
  adv?: string;
  vol: ForecastModelName;
  barsPerYear: string;
  json?: boolean;
  report?: string;
}

function positive(flag: string, v: string, allowZero = false): number {
  const x = Number(v);
  if (!(v.trim() !== '' && Number.isFinite(x) && (allowZero ? x >= 0 : x > 0)))
    throw new UsageError(`${flag}: expected a number ${allowZero ? '≥ 0' : '> 0'}, got ${JSON.stringify(v)}`);
  return x;
}

/** `BTC,ETH` (equal weights) or `BTC=0.4,ETH=0.4,USD=0.2`; the quote may take a weight. */
export function parseAssets(s: string, quote: string): Record<string, number> {
  const parts = s.split(',').map((x) => x.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`--assets: an empty name in ${JSON.stringify(s)}`);
  const weighted = parts.some((p) => p.includes('='));
  const out: Record<string, number> = {};
  for (const p of parts) {
    const [a, w, ...rest] = p.split('=').map((x) => x.trim());
    if (!a || (weighted && (w === undefined || rest.length > 0 || w === '' || !(Number(w) >= 0 && Number(w) <= 1))))
      throw new UsageError(
        `--assets: ${JSON.stringify(p)} is not ASSET=WEIGHT with a weight in [0, 1] (or give names only)`,
      );
    if (a in out) throw new UsageError(`--assets: ${a} is given twice`);
    out[a] = weighted ? Number(w) : 1 / parts.length;
  }
  const sum = Object.values(out).reduce((x, y) => x + y, 0);
  if (Math.abs(sum - 1) > 1e-9) throw new UsageError(`--assets: weights sum to ${sum}, expected 1`);
  if (Object.keys(out).every((a) => a === quote)) throw new UsageError(`--assets: no asset other than ${quote}`);
  return out;
}

/** The checked flags: everything but the price file. */
function checkFlags(f: AdviseFlags) {
  const value = positive('--value', f.value);
  const kappa = positive('--kappa', f.kappa);
  const barsPerYear = positive('--bars-per-year', f.barsPerYear);
  const feeBps = positive('--fee-bps', f.feeBps, true);
  const halfSpreadBps = positive('--half-spread-bps', f.halfSpreadBps, true);
  if ((f.gasPriceGwei === undefined) !== (f.gasUsed === undefined))
    throw new UsageError(
      f.gasUsed === undefined ? '--gas-price-gwei needs --gas-used' : '--gas-used needs --gas-price-gwei',
    );
  if (f.gasPriceGwei === undefined && (f.l1DataFee !== undefined || f.ethPrice !== undefined))
    throw new UsageError(
      `${f.l1DataFee !== undefined ? '--l1-data-fee' : '--eth-price'} needs --gas-price-gwei and --gas-used`,
    );
  const gas =
    f.gasPriceGwei === undefined
      ? null
      : {
          gwei: positive('--gas-price-gwei', f.gasPriceGwei, true),
          used: positive('--gas-used', f.gasUsed!, true),
          l1: f.l1DataFee === undefined ? 0 : positive('--l1-data-fee', f.l1DataFee, true),
          ethPrice: f.ethPrice === undefined ? undefined : positive('--eth-price', f.ethPrice),
        };
  if (f.quote.trim() === '') throw new UsageError('--quote: the name is empty');
  const target = f.assets === undefined ? undefined : parseAssets(f.assets, f.quote);
  if (f.report !== undefined) checkOutput('--report', f.report, ['html']);
  const impact = checkImpact(f, target);
  return { value, kappa, barsPerYear, feeBps, halfSpreadBps, gas, target, impact };
}

/** `BTC=0.04,ETH=0.05`: a positive number per named asset. */
export function parseAssetNumbers(flag: string, s: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of s.split(',').map((x) => x.trim())) {
    const [a, v, ...rest] = p.split('=').map((x) => x.trim());
    if (!a || v === undefined || v === '' || rest.length > 0 || !(Number(v) > 0 && Number.isFinite(Number(v))))
      throw new UsageError(`${flag}: ${JSON.stringify(p)} is not ASSET=NUMBER with a number > 0`);
    if (a in out) throw new UsageError(`${flag}: ${a} is given twice`);
    out[a] = Number(v);
  }
  return out;
}

/** The cost model's square-root impact: --impact with --sigma and --adv for the same assets, or none. */
function checkImpact(f: AdviseFlags, target: Record<string, number> | undefined) {
  if (f.impact === undefined) {
    if (f.sigma !== undefined || f.adv !== undefined)
      throw new UsageError(`${f.sigma !== undefined ? '--sigma' : '--adv'} needs --impact`);
    return null;
  }
  const impact = positive('--impact', f.impact);
  if (f.sigma === undefined || f.adv === undefined)
    throw new UsageError(
      `--impact needs ${f.sigma === undefined ? '--sigma' : '--adv'} (per asset, as in costs.assets)`,
    );
  const sigma = parseAssetNumbers('--sigma', f.sigma);
  const adv = parseAssetNumbers('--adv', f.adv);
  for (const a of Object.keys(sigma))
    if (!(a in adv)) throw new UsageError(`--adv: no value for ${a} (--sigma has one)`);
  for (const a of Object.keys(adv))
    if (!(a in sigma)) throw new UsageError(`--sigma: no value for ${a} (--adv has one)`);
  if (target !== undefined)
    for (const a of Object.keys(sigma))
      if (!(a in target)) throw new UsageError(`--sigma: ${a} is not one of --assets`);
  return { impact, sigma, adv };
}

async function run(f: AdviseFlags): Promise<void> {
  const flags = checkFlags(f);
  const table = loadPriceCsv(f.prices);
  const target = flags.target ?? Object.fromEntries(table.assets.map((a) => [a, 1 / table.assets.length]));
  const u = makeUniverse(f.quote, target);
  const cols = u.assets.map((a) => (a === f.quote ? -1 : table.assets.indexOf(a)));
  cols.forEach((c, i) => {
    if (c < 0 && i !== u.quoteIndex)
      throw new PriceWindowError(
        `${f.prices}: asset "${u.assets[i]}" is not in the price file (it has: ${table.assets.join(', ')})`,
      );
  });
  // Rows from the first where every asset has a price; a gap after it is an error naming the row.
  const T = table.times.length;
  const has = (t: number) => cols.every((c) => c < 0 || Number.isFinite(table.closes[c]![t]!));
  let first = 0;
  while (first < T && !has(first)) first++;
  const n = u.n;
  const row = new Float64Array(n);
  const est = new WeightVarianceEstimator(u.target, u.quoteIndex, {
    vol: f.vol,
    refitEvery: 20,
    lambda: 0.94,
    warmup: 20,
  });
  let bars = 0;
  for (let t = first; t < T; t++) {
    for (let i = 0; i < n; i++) {
      const c = cols[i]!;
      const p = c < 0 ? 1 : table.closes[c]![t]!;
      if (!(p > 0 && Number.isFinite(p)))
        throw new PriceWindowError(
          `${f.prices}: ${u.assets[i]} has no price on ${new Date(table.times[t]!).toISOString().slice(0, 10)}`,
        );
      row[i] = p;
    }
    est.observeRow(row, 0);
    bars++;
  }
  if (!est.ready)
    throw new PriceWindowError(
      `${f.prices}: ${bars} rows with every asset priced; the ${f.vol} forecasts need more (at least 51 for garch, har, hmm; 31 for ewma)`,
    );
  let fixedCost = 0;
  let ethPrice: number | null = null;
  if (flags.gas !== null) {
    const eth = table.assets.indexOf('ETH');
    ethPrice = flags.gas.ethPrice ?? (eth >= 0 ? lastClose(table.closes[eth]!) : Number.NaN);
    if (!(ethPrice > 0)) throw new UsageError(`--eth-price: needed to price gas (${f.prices} has no ETH column)`);
    fixedCost = (flags.gas.gwei * 1e-9 * flags.gas.used + flags.gas.l1) * ethPrice;
  }
  const im = flags.impact;
  if (im !== null)
    for (const a of Object.keys(im.sigma))
      if (!u.assets.includes(a) || a === f.quote)
        throw new UsageError(
          `--sigma: ${a} is not one of the assets (${u.assets.filter((x) => x !== f.quote).join(', ')})`,
        );
  const model = makeCostModel(u, {
    feeBps: flags.feeBps,
    halfSpreadBps: flags.halfSpreadBps,
    impact: im?.impact ?? 0,
    fixedPerOrder: 0,
    assets:
      im === null
        ? {}
        : Object.fromEntries(Object.keys(im.sigma).map((a) => [a, { sigma: im.sigma[a]!, adv: im.adv[a]! }])),
  });
  const idx = u.assets.map((_, i) => i).filter((i) => i !== u.quoteIndex);
  const s2 = idx.map((i) => est.s2[i]! * flags.barsPerYear);
  const c = idx.map((i) => model.rate[i]!);
  const impactK = idx.map((i) => model.impactK[i]!);
  const grid = Array.from({ length: 121 }, (_, j) => 0.001 * (ADVISE_MAX_WIDTH / 0.001) ** (j / 120));
  const a = advise({ value: flags.value, kappa: flags.kappa, fixedCost, s2, c, impactK }, grid);
  const out = {
    value: flags.value,
    quote: f.quote,
    prices: f.prices,
    vol: f.vol,
    kappa: flags.kappa,
    fixedCost,
    policy: a.policy,
    assets: idx.map((i, k) => ({
      asset: u.assets[i]!,
      weight: u.target[i]!,
      weightSigma: Math.sqrt(s2[k]!),
      cost: c[k]!,
      impactK: impactK[k]!,
      formulaBand: a.formulaBands[k]!,
    })),
    best: a.best,
    breakEvenValue: a.breakEvenValue,
    ceilingValue: a.ceilingValue,
    curve: a.curve,
  };
  if (f.report !== undefined) {
    const { renderAdviseReport } = await import('../../backtest/report/advise.ts');
    writeOutput(
      f.report,
      renderAdviseReport({
        title: `ballast advise: ${basename(f.prices)}, ${flags.value} ${f.quote}`,
        generatedAt: new Date().toISOString(),
        quote: f.quote,
        summary: summaryLines(out, ethPrice),
        curve: a.curve,
        best: a.best.halfWidth,
        formulaBands: out.assets.map((x) => ({ asset: x.asset, halfWidth: x.formulaBand })),
      }),
    );
  }
  process.stdout.write(f.json ? `${JSON.stringify(out)}\n` : `${summaryLines(out, ethPrice).join('\n')}\n`);
  if (f.report !== undefined) process.stderr.write(`report: ${f.report}\n`);
}

function lastClose(col: Float64Array): number {
  for (let t = col.length - 1; t >= 0; t--) if (col[t]! > 0) return col[t]!;
  return Number.NaN;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const money = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });

function summaryLines(
  o: {
    value: number;
    quote: string;
    vol: string;
    kappa: number;
    fixedCost: number;
    policy: string;
    assets: { asset: string; weight: number; weightSigma: number; cost: number; formulaBand: number }[];
    best: { halfWidth: number; netBenefit: number; harvest: number; cost: number };
    breakEvenValue: number | null;
    ceilingValue: number | null;
  },
  ethPrice: number | null,
): string[] {
  const q = o.quote;
  return [
    `value ${money(o.value)} ${q}; κ ${o.kappa}; volatility ${o.vol}; fixed cost per rebalance ${money(o.fixedCost)} ${q}${ethPrice !== null ? ` (ETH at ${money(ethPrice)})` : ''}; policy: ${o.policy === 'edge' ? 'trade to the band edge' : 'full rebalance at the band'}`,
    ...o.assets.map(
      (a) =>
        `${a.asset}: weight ${pct(a.weight)}, weight σ ${pct(a.weightSigma)} a year, cost ${(a.cost * 1e4).toFixed(2)} bps, optband ±${pct(a.formulaBand)}`,
    ),
    `best band ±${pct(o.best.halfWidth)}: net benefit ${money(o.best.netBenefit)} ${q} a year (harvest ${money(o.best.harvest)}, cost ${money(o.best.cost)})`,
    payingLine(o.breakEvenValue, o.ceilingValue, q),
  ];
}

function payingLine(from: number | null, to: number | null, q: string): string {
  if (from === null) return 'rebalancing does not pay at any portfolio value with these costs';
  const upTo =
    to === null
      ? ''
      : `${from === 0 ? '' : ' and'} below ${money(to)} ${q} (above it, price impact costs more than it harvests)`;
  if (from === 0)
    return to === null ? 'rebalancing pays at any portfolio value (no fixed cost)' : `rebalancing pays${upTo}`;
  return `rebalancing pays above a portfolio value of ${money(from)} ${q}${upTo}`;
}

export function registerAdvise(program: Command): void {
  program
    .command('advise')
    .description(
      'how wide bands should be for these costs, and below which value rebalancing does not pay (docs/bands.md)',
    )
    .requiredOption('--value <V>', 'portfolio value, in the quote')
    .requiredOption('--prices <file>', 'wide (date,A,B,…) or long (timestamp,asset,close) price CSV')
    .option('--assets <list>', 'BTC,ETH (equal weights) or BTC=0.4,ETH=0.4,USD=0.2 (default: every asset, equal)')
    .option('--quote <name>', 'the quote (cash) asset', 'USD')
    .option('--fee-bps <bps>', 'exchange or pool fee, basis points of notional', '0')
    .option('--half-spread-bps <bps>', 'half the bid-ask spread, basis points', '0')
    .option('--gas-price-gwei <gwei>', 'chain gas price (with --gas-used): a fixed cost per rebalance')
    .option('--gas-used <gas>', 'gas of one rebalance (the executor batch, docs/benchmarks.md)')
    .option('--l1-data-fee <eth>', 'an L2’s L1 data fee per rebalance, in ETH')
    .option('--eth-price <price>', 'ETH in the quote (default: the last ETH close of the price file)')
    .option('--kappa <κ>', 'tracking penalty (κ/2)(w − w*)² a year', '1')
    .option('--impact <coef>', 'square-root impact coefficient (costs.impact); needs --sigma and --adv')
    .option('--sigma <list>', 'daily volatility per asset for impact, BTC=0.04,ETH=0.05 (costs.assets.*.sigma)')
    .option('--adv <list>', 'average daily volume per asset in the quote, BTC=3e10,… (costs.assets.*.adv)')
    .addOption(
      new Option('--vol <model>', 'volatility forecaster').choices(['ewma', 'garch', 'har', 'hmm']).default('ewma'),
    )
    .option('--bars-per-year <n>', 'bars of the price file in a year', '365')
    .option('--json', 'print one JSON object (keys: docs/bands.md)')
    .option('--report <file>', 'write the HTML report (net benefit against the band) there')
    .action((f: AdviseFlags) => run(f));
}
