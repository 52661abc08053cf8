import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkConfigFees } from '../core/config/fee-limit.ts';
import { parsePortfolio } from '../core/config/parse.ts';
import type { ConstraintsConfig, CostsConfig, PortfolioConfig } from '../core/config/schema.ts';
import { BallastError, InputError } from '../core/errors.ts';
import { loadPriceCsv, selectWindow } from './data/index.ts';
import type { FillMode } from './data/types.ts';
import { holdingsWeights, type PreparedData, prepareData, runBacktest } from './engine/run.ts';
import { parseStrategy, StrategyError } from './engine/strategy.ts';
import type { BacktestOptions, BacktestResult, StrategySpec, TargetRule } from './engine/types.ts';
import { growthOf, type IdleYield, inCash, withYield } from './engine/yield.ts';
import { parseIdleYield } from './supply-rates.ts';
import { loadWeightSchedule } from './weights-file.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLED_PRICES = join(root, 'examples', 'data', 'crypto-daily.csv');
export const DEFAULT_TARGET = 'BTC=0.4,ETH=0.3,BNB=0.1,XRP=0.1,USD=0.1';
export const DEFAULT_STRATEGIES = [
  'hodl',
  'calendar:month',
  'calendar:quarter',
  'band:0.05',
  'relband:0.25',
  'hybrid:month:0.05',
  'vol:0.05:-1',
  'vol:0.05:1',
  'costaware',
  'band:0.05+edge',
  'erc@calendar:month',
];

export interface BacktestRequest {
  prices?: string;
  target?: string;
  strategies: string[];
  start?: string;
  end?: string;
  capital: number;
  feeBps?: number;
  periodsPerYear: number;
  config?: string;
  configDoc?: unknown;
  /** Accept a config fee above 1,000 bps (refused otherwise: likely a typo). */
  allowHighFees?: boolean;
  fill: FillMode;
  lag: 0 | 1;
  weights?: string;
  /** The idle sleeve's supplied fraction (issue #22 item 3; with `supplyRate`). */
  idleShare?: number;
  /** `ASSET=APR,…` or a CSV of APRs (src/backtest/supply-rates.ts). */
  supplyRate?: string;
}

export interface BacktestRun {
  readonly data: PreparedData;
  readonly specs: StrategySpec[];
  readonly results: BacktestResult[];
  readonly options: BacktestOptions;
  readonly filled: number;
  readonly pricesPath: string;
  /** The idle sleeve's yield, when asked for: `data` then holds the prices the engine ran on (engine/yield.ts). */
  readonly idle?: IdleYield;
}

/**
 * `BTC=0.4,ETH=0.3,USD=0.3` → weights (validated with the portfolio schema). A flag's value: every error
 * is a usage error (exit 2) that starts with `--target` and names the part or the asset at fault.
 */
export function parseTargetFlag(s: string, cash: string): PortfolioConfig {
  const usage = (message: string) => new BallastError(`--target: ${message}`, { next: 'fix-usage' });
  const target: Record<string, number> = {};
  for (const part of s.split(',').filter((x) => x.trim() !== '')) {
    const [a, w] = part.split('=').map((x) => x.trim());
    if (!a || w === undefined || w === '' || !Number.isFinite(Number(w)))
      throw usage(`${JSON.stringify(part)} is not ASSET=WEIGHT (e.g. BTC=0.4,ETH=0.3,USD=0.3)`);
    if (Object.hasOwn(target, a)) throw usage(`duplicate asset ${a}: list each asset once`);
    target[a] = Number(w);
  }
  try {
    return parsePortfolio({ quote: cash, target }, '--target');
  } catch (e) {
    if (e instanceof InputError) throw new BallastError(e.message, { next: 'fix-usage', cause: e });
    throw e;
  }
}

/** A stand-in schedule to check `file@…` strategy names before the weights file is read. */
const CHECK_SCHEDULE: TargetRule & { kind: 'file' } = {
  kind: 'file',
  path: '',
  schedule: { times: new Float64Array(0), weights: [] },
};

/** Checks every strategy name (and that `file@…` has --weights) before any data is read. */
export function checkStrategies(names: readonly string[], weights: string | undefined): void {
  for (const n of names) {
    parseStrategy(n, CHECK_SCHEDULE);
    if (/^file[@/]/.test(n.trim()) && weights === undefined)
      throw new StrategyError(`strategy ${JSON.stringify(n)} needs --weights FILE`);
  }
}

export interface ResolvedData {
  readonly data: PreparedData;
  readonly options: BacktestOptions;
  readonly config: PortfolioConfig | undefined;
  readonly filled: number;
  readonly pricesPath: string;
}

/** Resolves flags and config into the cash, target, costs and constraints, and loads the window. */
export function resolveData(req: Omit<BacktestRequest, 'strategies' | 'weights'>): ResolvedData {
  const config = req.configDoc !== undefined ? parsePortfolio(req.configDoc, req.config ?? 'config') : undefined;
  if (config) checkConfigFees(config.costs, req.config ?? 'config', req.allowHighFees === true);
  const cash = config?.quote ?? 'USD';
  const portfolio =
    req.target !== undefined || config === undefined ? parseTargetFlag(req.target ?? DEFAULT_TARGET, cash) : config;
  const costs: CostsConfig = {
    ...(config?.costs ?? { halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} }),
    feeBps: req.feeBps ?? (config ? config.costs.feeBps : 10),
  };
  const constraints: ConstraintsConfig = config?.constraints ?? { assets: {} };
  const pricesPath = req.prices ?? BUNDLED_PRICES;
  const table = loadPriceCsv(pricesPath);
  const risky = Object.keys(portfolio.target).filter((a) => a !== cash);
  const win = selectWindow(table, { assets: risky, cash, start: req.start, end: req.end, fill: req.fill });
  if (win.times.length < 2)
    throw InputError.one(pricesPath, '', `the window holds ${win.times.length} bar(s); a backtest needs at least 2`);
  const data = prepareData(win, cash, portfolio.target);
  const options: BacktestOptions = {
    cash,
    target: portfolio.target,
    capital: req.capital,
    costs,
    constraints,
    lag: req.lag,
    periodsPerYear: req.periodsPerYear,
  };
  return { data, options, config, filled: win.filled, pricesPath };
}

/**
 * Resolves flags and config into strategies and options, loads the data, runs every strategy. Each run
 * keeps its holdings after each trade (not T×n weights), so a long file stays small in memory; `onProgress`
 * hears (bars done, bars in all, strategy) about every 1% of each run.
 */
export function runRequest(
  req: BacktestRequest,
  onProgress?: (done: number, total: number, name: string, run: number, runs: number) => void,
): BacktestRun {
  const resolved = resolveData(req);
  const { options, config, filled, pricesPath } = resolved;
  const idle = parseIdleYield(req.idleShare, req.supplyRate, resolved.data.u);
  const growth = idle ? growthOf(resolved.data.times, resolved.data.u, idle) : undefined;
  const data = growth ? withYield(resolved.data, growth) : resolved.data;
  const schedule = req.weights !== undefined ? loadWeightSchedule(req.weights, data.u) : undefined;
  const names = req.strategies.length > 0 ? [...req.strategies] : [...DEFAULT_STRATEGIES];
  checkStrategies(names, req.weights);
  const specs = names.map((s) => parseStrategy(s, schedule));
  if (config?.trigger)
    specs.push({ name: 'config', trigger: config.trigger, mode: 'full', targets: { kind: 'fixed' } });
  if (!specs.some((s) => s.trigger === 'hodl')) specs.push(parseStrategy('hodl'));
  const T = data.times.length;
  const total = specs.length * T;
  const results = specs.map((spec, k) => {
    const progress = onProgress && ((t: number) => onProgress(k * T + t, total, spec.name, k + 1, specs.length));
    const r = runBacktest(data, spec, options, { holdings: true, ...(progress ? { progress } : {}) });
    onProgress?.((k + 1) * T, total, spec.name, k + 1, specs.length);
    return growth ? inCash(r, data, growth, options) : r;
  });
  return { data, specs, results, options, filled, pricesPath, ...(idle ? { idle } : {}) };
}

/** A result's post-trade weights at every bar (T×n), derived from its holdings: for small runs and checks. */
export function weightsOf(run: BacktestRun, r: BacktestResult): Float64Array {
  if (r.weights !== null) return r.weights;
  const n = run.data.u.n;
  const T = run.data.times.length;
  const out = new Float64Array(T * n);
  for (let t = 0; t < T; t++) holdingsWeights(r.holdings!, run.data.prices, n, t, out.subarray(t * n, t * n + n));
  return out;
}
