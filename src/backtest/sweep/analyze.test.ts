import assert from 'node:assert/strict';
import { test } from 'node:test';
import { walkForward } from './analyze.ts';
import type { SweepConfig } from './grid.ts';
import { K, metricIndex } from './metrics-layout.ts';

const cfg = (width: number, feeBps: number) =>
  ({ family: 'band', width, feeBps, spec: { name: `band@${width}` } }) as unknown as SweepConfig;

test('walk-forward chooses and scores at the user’s fee, never at a fee that won in sample', () => {
  // Fee 0 wins in sample by far; at the user's fee 10, width 0.1 wins in sample.
  const configs = [cfg(0.05, 0), cfg(0.1, 0), cfg(0.05, 10), cfg(0.1, 10)];
  const k = metricIndex('sharpe');
  const res = (xs: number[]) => {
    const r = new Float64Array(configs.length * K);
    xs.forEach((x, i) => {
      r[i * K + k] = x;
    });
    return r;
  };
  const wf = walkForward(res([9, 8, 1, 2]), res([7, 6, 0.5, 0.4]), configs, 'sharpe', 0, 10);
  assert.equal(wf.chosen, 3);
  assert.deepEqual([wf.inSample, wf.outOfSample, wf.bestOutOfSample], [2, 0.4, 0.5]);
  assert.equal(wf.rankOutOfSample, 0);
  assert.throws(
    () => walkForward(res([1, 1, 1, 1]), res([1, 1, 1, 1]), configs, 'sharpe', 0, 25),
    /--fee 25 is not among/,
  );
});
