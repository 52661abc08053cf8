import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStrategy, StrategyError } from './strategy.ts';

describe('parseStrategy: the documented names', () => {
  it('parses every trigger, mode and dynamic target, keeping the name as typed', () => {
    assert.equal(parseStrategy('hodl').trigger, 'hodl');
    assert.deepEqual(parseStrategy('calendar:quarter').trigger, { type: 'calendar', period: 'quarter' });
    assert.deepEqual(parseStrategy('band:0.05').trigger, { type: 'band', band: 0.05 });
    assert.deepEqual(parseStrategy('relband:0.25').trigger, { type: 'relband', band: 0.25 });
    assert.deepEqual(parseStrategy('hybrid:month:0.05').trigger, { type: 'hybrid', period: 'month', band: 0.05 });
    const vol = parseStrategy('vol:0.05:1').trigger;
    assert.ok(vol !== 'hodl' && vol.type === 'voladaptive' && vol.base === 0.05 && vol.exponent === 1);
    const vol2 = parseStrategy('voladaptive:0.04').trigger;
    assert.ok(vol2 !== 'hodl' && vol2.type === 'voladaptive' && vol2.exponent === -1);
    const ca = parseStrategy('costaware:2:10').trigger;
    assert.ok(ca !== 'hodl' && ca.type === 'costaware' && ca.riskAversion === 2 && ca.horizon === 10);
    assert.equal(parseStrategy('band:0.05+edge').mode, 'edge');
    assert.equal(parseStrategy('relband:0.2+auto').mode, 'auto');
    assert.equal(parseStrategy('band:0.05').mode, 'full');
    assert.deepEqual(parseStrategy('erc@calendar:month').targets, { kind: 'erc', lookback: 90 });
    assert.deepEqual(parseStrategy('minvar/60@band:0.1+edge').targets, { kind: 'minvar', lookback: 60 });
    assert.deepEqual(parseStrategy('ew@calendar:week').targets, { kind: 'equal', lookback: 90 });
    assert.equal(parseStrategy(' band:0.05').name, ' band:0.05');
    const ob = parseStrategy('optband');
    assert.deepEqual(ob.trigger, {
      type: 'optband',
      kappa: 1,
      vol: 'ewma',
      refitEvery: 20,
      lambda: 0.94,
      warmup: 20,
      barsPerYear: 365,
      fixedCost: 0,
    });
    assert.equal(ob.mode, 'edge');
    const og = parseStrategy('optband@garch:kappa=2,fixed=5,refit=10,lambda=0.97,warmup=30,bars=252+full');
    assert.deepEqual(og.trigger, {
      type: 'optband',
      kappa: 2,
      vol: 'garch',
      refitEvery: 10,
      lambda: 0.97,
      warmup: 30,
      barsPerYear: 252,
      fixedCost: 5,
    });
    assert.equal(og.mode, 'full');
    assert.equal(parseStrategy('optband@hmm+auto').mode, 'auto');
  });
});

describe('parseStrategy: errors (StrategyError, exit code 2, naming the strategy)', () => {
  const bad: Array<[string, RegExp]> = [
    ['foo', /unknown strategy "foo"/],
    ['band:abc', /"band:abc": band "abc" is not a number/],
    ['band', /"band": band "" is not a number/],
    ['band:-1', /"band:-1": band: Too small/],
    ['band:0', /"band:0": band: Too small/],
    ['relband:0', /"relband:0"/],
    ['calendar:year', /"calendar:year": period/],
    ['hybrid:month', /"hybrid:month": band/],
    ['vol:x', /"vol:x": base band "x"/],
    ['costaware:0', /"costaware:0": riskAversion/],
    ['band:0.05+foo', /unknown mode \+foo/],
    ['xx@band:0.05', /unknown target rule "xx"/],
    ['ew/abc@band:0.05', /lookback "abc" is not a number/],
    ['file@band:0.05', /needs --weights FILE/],
    ['ew@hodl', /hodl never rebalances/],
    // extra parameters are not silently dropped (band:0.05:0.1 was probably meant as a hybrid)
    ['band:0.05:7', /too many ":" parameters for band \(it takes 1\)/],
    ['vol:0.05:-1:3', /too many ":" parameters for vol/],
    ['hodl:1', /too many ":" parameters for hodl/],
    ['calendar:month:0.05', /too many ":" parameters for calendar/],
    // +edge without a band would silently run as full
    ['calendar:month+edge', /\+edge needs a band .* calendar has none/],
    ['hodl+edge', /\+edge needs a band .* hodl has none/],
    ['costaware+auto', /\+auto needs a band .* costaware has none/],
    ['optband@arima', /unknown volatility model "arima"/],
    ['optband@garch@har', /unknown volatility model/],
    ['optband:gamma=2', /unknown optband parameter "gamma=2"/],
    ['optband:kappa', /kappa "" is not a number/],
    ['optband:kappa=0', /kappa: Too small/],
    ['optband:kappa=1,kappa=2', /kappa is given twice/],
    ['optband:refit=1.5', /refitEvery/],
    ['optband:kappa=1:2', /too many ":" parameters for optband/],
    ['erc@optband', /optband takes the fixed target/],
  ];
  for (const [name, msg] of bad) {
    it(JSON.stringify(name), () => {
      assert.throws(
        () => parseStrategy(name),
        (e: unknown) => e instanceof StrategyError && e.next === 'fix-usage' && msg.test(e.message),
      );
    });
  }
});
