import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../errors.ts';
import { checkConfigFees, highFees } from './fee-limit.ts';
import type { CostsConfig } from './schema.ts';

const costs = (feeBps: number, eth?: number): CostsConfig => ({
  feeBps,
  halfSpreadBps: 0,
  impact: 0,
  fixedPerOrder: 0,
  assets: eth === undefined ? {} : { ETH: { feeBps: eth } },
});

test('fees up to 1,000 bps pass; above, each field is named unless high fees are allowed', () => {
  assert.deepEqual(highFees(costs(1000)), []);
  assert.deepEqual(highFees(costs(1001, 5000)), [
    ['costs.feeBps', 1001],
    ['costs.assets.ETH.feeBps', 5000],
  ]);
  assert.throws(
    () => checkConfigFees(costs(5000), 'p.yaml', false),
    (e: Error) => e instanceof InputError && /^p\.yaml: costs\.feeBps: 5000 bps .*--allow-high-fees/.test(e.message),
  );
  checkConfigFees(costs(5000), 'p.yaml', true);
});
