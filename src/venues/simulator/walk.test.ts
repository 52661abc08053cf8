import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MARKETS } from './default-config.ts';
import { toTick, walkStep } from './walk.ts';

test('toTick rounds to the market tick as an exact decimal string', () => {
  assert.equal(toTick(60000.123456, '0.01'), '60000.12');
  assert.equal(toTick(0.1234567, '0.00000100'), '0.123457');
  assert.equal(toTick(0, '0.01'), '0.01');
});

test('walkStep moves every market by about volBps, deterministically for a seed', () => {
  const seq = (seed: number) => {
    let s = seed;
    return () => {
      s = (s * 16807) % 2147483647;
      return (s / 2147483647) * 2 - 1;
    };
  };
  const a = walkStep(new Map(), DEFAULT_MARKETS, 20, seq(7));
  const b = walkStep(new Map(), DEFAULT_MARKETS, 20, seq(7));
  assert.deepEqual([...a], [...b]);
  for (const m of DEFAULT_MARKETS) {
    const moved = Math.abs(Number(a.get(m.symbol)) / Number(m.price) - 1);
    assert.ok(moved <= 0.0021 + Number(m.tickSize) / Number(m.price), `${m.symbol} moved ${moved}`);
  }
});
