import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { absoluteDrift, portfolioDrift, portfolioValue, relativeDrift, weightsInto } from './valuation.ts';

describe('valuation and drift', () => {
  it('weights are qᵢpᵢ / Σqⱼpⱼ, the quote included', () => {
    const w = new Float64Array(3);
    const v = weightsInto([1.25, 10, 1500], [60000, 3000, 1], w);
    assert.equal(v, 106500);
    assert.equal(portfolioValue([1.25, 10, 1500], [60000, 3000, 1]), 106500);
    assert.deepEqual([...w], [75000 / 106500, 30000 / 106500, 1500 / 106500]);
  });
  it('an empty portfolio has zero weights (no NaN)', () => {
    const w = new Float64Array(2).fill(7);
    assert.equal(weightsInto([0, 0], [5, 1], w), 0);
    assert.deepEqual([...w], [0, 0]);
  });
  it('absolute, relative and portfolio drift', () => {
    assert.equal(absoluteDrift(0.55, 0.5), 0.55 - 0.5);
    assert.equal(relativeDrift(0.55, 0.5), (0.55 - 0.5) / 0.5);
    assert.ok(Number.isNaN(relativeDrift(0.1, 0)));
    assert.equal(portfolioDrift([0.6, 0.4], [0.5, 0.5]), Math.sqrt((0.6 - 0.5) ** 2 + (0.4 - 0.5) ** 2));
  });
});
