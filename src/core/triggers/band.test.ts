import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeUniverse } from '../universe.ts';
import { bandKernel, firstAbsBreach, firstRelBreach, relbandKernel } from './band.ts';
import { decide, type TriggerBar } from './types.ts';

// Binary fractions so that w − t equals the band exactly in floating point.
const u = makeUniverse('USDT', { BTC: 0.5, ETH: 0.25, USDT: 0.25 });
const bar = (w: number[]): TriggerBar => ({
  time: 0,
  prevTime: Number.NaN,
  qty: new Float64Array(u.n),
  prices: new Float64Array(u.n).fill(1),
  w: Float64Array.from(w),
  value: 1,
});
const up = (x: number) => x + 2 ** -40;

describe('band trigger', () => {
  const k = bandKernel(u, 0.125);
  it('drift equal to the band does not fire, either side', () => {
    assert.equal(k.check(bar([0.625, 0.25, 0.125])), -1);
    assert.equal(k.check(bar([0.375, 0.25, 0.375])), -1);
  });
  it('drift just above the band fires at the first breaching entry', () => {
    assert.equal(k.check(bar([up(0.625), 0.25, 0.125])), 0);
    assert.equal(k.check(bar([0.5, 0.25 - 0.125 - 2 ** -40, 0.375])), 1);
  });
  it('the quote is tested like any entry', () => {
    assert.equal(k.check(bar([0.5, 0.125, 0.375])), -1);
    assert.equal(k.check(bar([0.5, 0.125 - 2 ** -40, up(0.375)])), 1);
    assert.equal(k.check(bar([0.5, 0.25, up(0.375)])), 2);
    assert.equal(k.check(bar([0.5, 0.25, 0.125 - 2 ** -40])), 2);
  });
  it('per-asset overrides, the quote included', () => {
    const o = bandKernel(u, 0.125, { ETH: 0.25, USDT: 0.0625 });
    assert.deepEqual([...o.halfWidth()!], [0.125, 0.25, 0.0625]);
    assert.equal(o.check(bar([0.5, 0.5, 0.25])), -1, 'ETH drift 0.25 = its override');
    assert.equal(o.check(bar([0.5, up(0.5), 0.25])), 1);
    assert.equal(o.check(bar([0.5, 0.25, 0.3125])), -1, 'USDT drift 0.0625 = its override');
    assert.equal(o.check(bar([0.5, 0.25, up(0.3125)])), 2);
  });
  it('the reason names the asset, its drift and the band', () => {
    const d = decide(k, bar([up(0.625), 0.25, 0.125]));
    assert.equal(d.rebalance, true);
    assert.match(d.reason, /^band: BTC weight 62\.50% vs target 50\.00% \(drift \+12\.50%\) exceeds band 12\.50%$/);
    const h = decide(k, bar([0.5625, 0.25, 0.1875]));
    assert.equal(h.rebalance, false);
    assert.match(h.reason, /^within bands: largest drift BTC/);
  });
  it('firstAbsBreach is the plain rule on raw columns', () => {
    const t = Float64Array.from([0.5, 0.5]);
    const b = Float64Array.from([0.25, 0.25]);
    assert.equal(firstAbsBreach(Float64Array.from([0.75, 0.25]), t, b), -1);
    assert.equal(firstAbsBreach(Float64Array.from([0.25, up(0.75)]), t, b), 1);
  });
});

describe('relband trigger', () => {
  const k = relbandKernel(u, 0.5);
  it('relative drift equal to the band does not fire, either side', () => {
    // BTC: |0.75−0.5|/0.5 = 0.5; ETH: |0.125−0.25|/0.25 = 0.5; USDT: |0.375−0.25|/0.25 = 0.5.
    assert.equal(k.check(bar([0.75, 0.125, 0.125])), -1);
    assert.equal(k.check(bar([0.5, 0.125, 0.375])), -1);
    assert.equal(k.check(bar([0.25, 0.375, 0.375])), -1);
  });
  it('just above fires, the quote included', () => {
    assert.equal(k.check(bar([up(0.75), 0.125, 0.125])), 0);
    assert.equal(k.check(bar([0.5, 0.125 - 2 ** -40, 0.375])), 1);
    assert.equal(k.check(bar([0.5, 0.125, up(0.375)])), 2);
  });
  it('per-asset overrides; half-widths are r·t for edge plans', () => {
    const o = relbandKernel(u, 0.5, { ETH: 0.25, USDT: 1 });
    assert.deepEqual([...o.halfWidth()!], [0.25, 0.0625, 0.25]);
    assert.equal(o.check(bar([0.5, 0.3125, 0.1875])), -1, 'ETH rel drift 0.25 = its override');
    assert.equal(o.check(bar([0.5, up(0.3125), 0.1875])), 1);
    assert.equal(o.check(bar([0.25, 0.25, 0.5])), -1, 'USDT rel drift 1 = its override');
    assert.equal(o.check(bar([0.25, 0.25 - 2 ** -40, up(0.5)])), 2);
  });
  it('an implicit zero-weight quote is not tested', () => {
    const v = makeUniverse('USDT', { BTC: 0.5, ETH: 0.5 });
    const r = relbandKernel(v, 0.5);
    const w = Float64Array.from([0.5, 0.25, 0.25]);
    assert.equal(r.check({ ...bar([0, 0, 0]), w }), -1);
    assert.equal(firstRelBreach(w, v.target, Float64Array.from([0.5, 0.5, Number.POSITIVE_INFINITY])), -1);
  });
  it('the reason reports the relative drift', () => {
    const d = decide(k, bar([0.5, 0.125 - 2 ** -40, 0.375]));
    assert.match(
      d.reason,
      /^relband: ETH weight 12\.50% vs target 25\.00% \(relative drift -50\.00%\) exceeds 50\.00%$/,
    );
  });
});

describe('columnar scan over a weights matrix', () => {
  it('firstAbsBreach and firstRelBreach read row k at offset k·n, the same answers as per-row views', () => {
    const t = Float64Array.from([0.5, 0.25, 0.25]);
    const b = Float64Array.from([0.125, 0.125, 0.125]);
    const W = Float64Array.from([0.625, 0.25, 0.125, up(0.625), 0.25, 0.125, 0.5, 0.25 - 2 ** -40 - 0.125, 0.375]);
    const rows = [0, 1, 2].map((k) => W.subarray(3 * k, 3 * k + 3));
    assert.deepEqual(
      [0, 1, 2].map((k) => firstAbsBreach(W, t, b, 3 * k)),
      [-1, 0, 1],
    );
    assert.deepEqual(
      rows.map((r) => firstAbsBreach(r, t, b)),
      [-1, 0, 1],
    );
    const r = Float64Array.from([0.25, 0.5, 0.5]);
    assert.deepEqual(
      [0, 1, 2].map((k) => firstRelBreach(W, t, r, 3 * k)),
      rows.map((x) => firstRelBreach(x, t, r)),
    );
  });
});
