import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basketArtifact } from './artifact.ts';

test('the committed BallastBasket runtime code fits the EIP-170 limit (24,576 bytes) and its ABI has the named errors', () => {
  const a = basketArtifact() as { deployedBytecode?: string; abi: readonly { type: string; name?: string }[] };
  assert.ok(a.deployedBytecode);
  const bytes = (a.deployedBytecode.length - 2) / 2;
  assert.ok(bytes > 0 && bytes <= 24_576, `${bytes} bytes`);
  const errors = new Set(a.abi.filter((x) => x.type === 'error').map((x) => x.name));
  for (const e of [
    'NotDue',
    'WithinBand',
    'DriftGrew',
    'DriftNotReduced',
    'LossTooHigh',
    'TurnoverTooHigh',
    'PoolNotAllowed',
    'StaleOracle',
    'OracleOutOfBounds',
    'BadOracle',
    'Expired',
    'NotKeeper',
    'ForgedCallback',
    'ProfileNotReady',
    'ReentrancyGuardReentrantCall',
  ]) {
    assert.ok(errors.has(e), e);
  }
});
