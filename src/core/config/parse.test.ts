import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../errors.ts';
import { parsePortfolio } from './parse.ts';

const SRC = 'portfolio.yaml';
const base = { quote: 'USDT', target: { BTC: 0.5, ETH: 0.3, USDT: 0.2 } };

/** Parses `doc` expecting an InputError; returns its lines. */
function errorLines(doc: unknown): string[] {
  try {
    parsePortfolio(doc, SRC);
  } catch (e) {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.equal(e.source, SRC);
    const lines = e.message.split('\n');
    for (const l of lines) assert.ok(l.startsWith(`${SRC}: `), `line does not name the file: ${l}`);
    return lines;
  }
  assert.fail(`expected ${JSON.stringify(doc)} to be rejected`);
}

/** Asserts that one line names `path` (as `file: path: …`) and matches `re`. */
function hasLine(lines: string[], path: string, re: RegExp): void {
  const hit = lines.find((l) => l.startsWith(`${SRC}: ${path}: `) && re.test(l));
  assert.ok(hit, `no line for ${path} matching ${re}; got:\n${lines.join('\n')}`);
}

describe('parsePortfolio: defaults', () => {
  it('fills every optional field with its documented default', () => {
    const p = parsePortfolio(base, SRC);
    assert.equal(p.trigger, undefined);
    assert.deepEqual(p.costs, { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} });
    assert.deepEqual(p.constraints, { assets: {} });
    assert.deepEqual(p.ignore, []);
  });
  it('accepts a sum within 1e-9 of 1 and fills trigger defaults', () => {
    const p = parsePortfolio(
      { quote: 'USDT', target: { BTC: 0.5 + 5e-10, USDT: 0.5 }, trigger: { type: 'voladaptive', base: 0.05 } },
      SRC,
    );
    assert.deepEqual(p.trigger, {
      type: 'voladaptive',
      base: 0.05,
      exponent: -1,
      lambda: 0.94,
      warmup: 20,
      min: 0,
      max: 1,
    });
    const c = parsePortfolio({ ...base, trigger: { type: 'costaware' } }, SRC);
    assert.deepEqual(c.trigger, { type: 'costaware', riskAversion: 1, horizon: 30, lambda: 0.94, warmup: 20 });
    const o = parsePortfolio({ ...base, trigger: { type: 'optband', vol: 'garch' } }, SRC);
    assert.deepEqual(o.trigger, {
      type: 'optband',
      kappa: 1,
      vol: 'garch',
      refitEvery: 20,
      lambda: 0.94,
      warmup: 20,
      barsPerYear: 365,
      fixedCost: 0,
    });
  });
  it('optband: every field is checked, an unknown one is an error', () => {
    hasLine(errorLines({ ...base, trigger: { type: 'optband', kappa: 0 } }), 'trigger.kappa', /.+/);
    hasLine(errorLines({ ...base, trigger: { type: 'optband', vol: 'arima' } }), 'trigger.vol', /.+/);
    hasLine(errorLines({ ...base, trigger: { type: 'optband', refitEvery: 2.5 } }), 'trigger.refitEvery', /.+/);
    hasLine(errorLines({ ...base, trigger: { type: 'optband', fixedCost: -1 } }), 'trigger.fixedCost', /.+/);
    hasLine(errorLines({ ...base, trigger: { type: 'optband', barsPerYear: 0 } }), 'trigger.barsPerYear', /.+/);
    hasLine(errorLines({ ...base, trigger: { type: 'optband', band: 0.05 } }), 'trigger', /band/);
  });
});

describe('parsePortfolio: every bad input names the file and the field', () => {
  it('weights that do not sum to 1: the exact message', () => {
    const lines = errorLines({ quote: 'USDT', target: { BTC: 0.5, ETH: 0.25, USDT: 0.2 } });
    assert.deepEqual(lines, ['portfolio.yaml: target: weights sum to 0.95, expected 1']);
  });
  it('a sum off by more than 1e-9', () => {
    const lines = errorLines({ quote: 'USDT', target: { BTC: 0.5 + 2e-9, USDT: 0.5 } });
    hasLine(lines, 'target', /weights sum to 1\.00000000\d*, expected 1/);
  });
  it('unknown fields, top level and nested', () => {
    assert.match(errorLines({ ...base, foo: 1 }).join('\n'), /^portfolio\.yaml: unknown field foo /);
    hasLine(errorLines({ ...base, costs: { feeBps: 1, bogus: 2 } }), 'costs', /unknown field bogus/);
    hasLine(errorLines({ ...base, constraints: { assets: { BTC: { lot: 1 } } } }), 'constraints.assets.BTC', /lot/);
    hasLine(errorLines({ ...base, trigger: { type: 'band', band: 0.1, period: 'day' } }), 'trigger', /period/);
  });
  it('a negative weight and a weight above 1', () => {
    const lines = errorLines({ quote: 'USDT', target: { BTC: -0.1, USDT: 1.1 } });
    hasLine(lines, 'target.BTC', />=0/);
    hasLine(lines, 'target.USDT', /<=1/);
  });
  it('a non-number weight', () => {
    hasLine(errorLines({ quote: 'USDT', target: { BTC: '0.5', USDT: 0.5 } }), 'target.BTC', /number/);
  });
  it('an empty target', () => {
    hasLine(errorLines({ quote: 'USDT', target: {} }), 'target', /at least one/);
  });
  it('unknown assets in bands, costs and constraints', () => {
    const lines = errorLines({
      ...base,
      trigger: { type: 'band', band: 0.05, bands: { XRP: 0.1 } },
      costs: { assets: { DOGE: { sigma: 0.1 } } },
      constraints: { assets: { SOL: { lotStep: 1 } } },
    });
    hasLine(lines, 'trigger.bands.XRP', /unknown asset XRP/);
    hasLine(lines, 'costs.assets.DOGE', /unknown asset DOGE/);
    hasLine(lines, 'constraints.assets.SOL', /unknown asset SOL/);
    assert.equal(lines.length, 3, 'one line per error');
  });
  it('costs on the quote', () => {
    hasLine(errorLines({ ...base, costs: { assets: { USDT: { feeBps: 1 } } } }), 'costs.assets.USDT', /quote/);
  });
  it('ignore overlapping the target or the quote', () => {
    const lines = errorLines({ ...base, ignore: ['BNB', 'ETH', 'USDT'] });
    hasLine(lines, 'ignore[1]', /ETH is in the target/);
    hasLine(lines, 'ignore[2]', /USDT is the quote/);
    assert.equal(lines.length, 2);
  });
  it('relband with a zero target', () => {
    const lines = errorLines({
      quote: 'USDT',
      target: { BTC: 1, ETH: 0 },
      trigger: { type: 'relband', band: 0.1 },
    });
    hasLine(lines, 'target.ETH', /nonzero target/);
  });
  it('a bad trigger type and bad trigger parameters', () => {
    hasLine(errorLines({ ...base, trigger: { type: 'bandx', band: 0.1 } }), 'trigger.type', /calendar.*band/);
    hasLine(errorLines({ ...base, trigger: { type: 'band' } }), 'trigger.band', /number/);
    hasLine(errorLines({ ...base, trigger: { type: 'band', band: 0 } }), 'trigger.band', />0/);
    hasLine(errorLines({ ...base, trigger: { type: 'calendar', period: 'year' } }), 'trigger.period', /day/);
    hasLine(
      errorLines({ ...base, trigger: { type: 'voladaptive', base: 0.05, min: 0.2, max: 0.1 } }),
      'trigger.min',
      /max/,
    );
    hasLine(errorLines({ ...base, trigger: { type: 'costaware', lambda: 1 } }), 'trigger.lambda', /<1/);
  });
  it('missing quote and missing target', () => {
    hasLine(errorLines({ target: { BTC: 1 } }), 'quote', /expected string/);
    hasLine(errorLines({ quote: 'USDT' }), 'target', /expected record/);
  });
  it('negative costs and constraints', () => {
    const lines = errorLines({
      ...base,
      costs: { feeBps: -1 },
      constraints: { maxTurnover: 0, assets: { BTC: { reserve: -1 } } },
    });
    hasLine(lines, 'costs.feeBps', />=0/);
    hasLine(lines, 'constraints.maxTurnover', />0/);
    hasLine(lines, 'constraints.assets.BTC.reserve', />=0/);
  });
});
