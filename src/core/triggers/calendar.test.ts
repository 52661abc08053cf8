import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { periodKeys } from '../calendar.ts';
import { makeUniverse } from '../universe.ts';
import { bandKernel } from './band.ts';
import { calendarKernel, hybridKernel } from './calendar.ts';
import { decide, type TriggerBar } from './types.ts';

const T = (s: string) => Date.parse(`${s}T00:00:00Z`);
const u = makeUniverse('USDT', { BTC: 0.5, USDT: 0.5 });
const bar = (prev: string | null, now: string, btc: number): TriggerBar => ({
  time: T(now),
  prevTime: prev === null ? Number.NaN : T(prev),
  qty: new Float64Array(2),
  prices: new Float64Array(2).fill(1),
  w: Float64Array.from([btc, 1 - btc]),
  value: 1,
});

describe('calendar trigger', () => {
  const k = calendarKernel(u.n, 'month');
  it('fires for the whole portfolio (n) on the first bar of a new period', () => {
    assert.equal(k.check(bar('2024-01-31', '2024-02-01', 0.5)), u.n);
    const d = decide(k, bar('2024-01-31', '2024-02-01', 0.5));
    assert.deepEqual(d, { rebalance: true, reason: 'calendar: new month 2024-02 (previous bar in 2024-01)' });
  });
  it('does not fire within a period, whatever the drift', () => {
    assert.equal(k.check(bar('2024-02-01', '2024-02-29', 1)), -1);
    assert.equal(decide(k, bar('2024-02-01', '2024-02-29', 1)).reason, 'calendar: still month 2024-02');
  });
  it('does not fire without a previous time', () => {
    assert.equal(k.check(bar(null, '2024-02-01', 1)), -1);
    assert.match(decide(k, bar(null, '2024-02-01', 1)).reason, /no previous bar/);
  });
  it('week: 2015-12-31 → 2016-01-01 stays in 2015-W53; 2016-01-04 opens 2016-W01', () => {
    const w = calendarKernel(u.n, 'week');
    assert.equal(w.check(bar('2015-12-31', '2016-01-01', 0.5)), -1);
    assert.equal(w.check(bar('2016-01-03', '2016-01-04', 0.5)), u.n);
    assert.match(decide(w, bar('2016-01-03', '2016-01-04', 0.5)).reason, /2016-W01 \(previous bar in 2015-W53\)/);
  });
});

describe('hybrid trigger', () => {
  const k = hybridKernel(calendarKernel(u.n, 'month'), bandKernel(u, 0.125), 'month');
  it('calendar bar without a band breach: no', () => {
    assert.equal(k.check(bar('2024-01-31', '2024-02-01', 0.625)), -1, 'drift equal to the band');
    assert.match(
      decide(k, bar('2024-01-31', '2024-02-01', 0.625)).reason,
      /^hybrid: calendar: new month.*within bands/,
    );
  });
  it('non-calendar bar with a breach: no', () => {
    assert.equal(k.check(bar('2024-02-01', '2024-02-02', 0.9)), -1);
    assert.match(decide(k, bar('2024-02-01', '2024-02-02', 0.9)).reason, /^hybrid: calendar: still month/);
  });
  it('calendar bar with a breach: yes, at the breaching entry', () => {
    assert.equal(k.check(bar('2024-01-31', '2024-02-01', 0.9)), 0);
  });
  it('a skipped period is not carried over', () => {
    assert.equal(k.check(bar('2024-01-31', '2024-02-01', 0.55)), -1);
    assert.equal(k.check(bar('2024-02-01', '2024-02-02', 0.9)), -1, 'the breach comes a bar too late');
    assert.equal(k.check(bar('2024-02-28', '2024-03-01', 0.9)), 0, 'next period');
  });
  it('edge plans use the band half-widths', () => {
    assert.deepEqual([...k.halfWidth()!], [0.125, 0.125]);
  });
});

describe('calendar scan with precomputed period keys (issue #29)', () => {
  // Irregular bars over several years (gaps of 1 to 40 days), prices and holdings of two entries.
  const times: number[] = [];
  let t = T('2015-12-20');
  for (let k = 0; k < 400; k++) {
    times.push(t);
    t += (1 + ((k * 37) % 40)) * 86_400_000;
  }
  const tms = Float64Array.from(times);
  const P = Float64Array.from(times.flatMap((_, k) => [1 + k / 100, 1]));
  const qty = Float64Array.from([1, 1]);
  for (const period of ['day', 'week', 'month', 'quarter'] as const) {
    it(`${period}: the same fired bars and values as computing each bar's key`, () => {
      const keys = periodKeys(tms, period);
      const pairs = [
        [calendarKernel(u.n, period), calendarKernel(u.n, period, keys)],
        [
          hybridKernel(calendarKernel(u.n, period), bandKernel(u, 0.1), period),
          hybridKernel(calendarKernel(u.n, period), bandKernel(u, 0.1), period, keys),
        ],
      ] as const;
      for (const [plain, keyed] of pairs) {
        const va = new Float64Array(tms.length);
        const vb = new Float64Array(tms.length);
        let fired = 0;
        for (let from = 1; from < tms.length; ) {
          const a = plain.scan!(P, tms, qty, from, tms.length, va);
          assert.equal(keyed.scan!(P, tms, qty, from, tms.length, vb), a, `${period} from ${from}`);
          if (a < tms.length) fired++;
          from = a + 1;
        }
        assert.deepEqual(vb, va);
        assert.ok(fired > 5, `${period}: ${fired} periods fired`);
      }
    });
  }
});
