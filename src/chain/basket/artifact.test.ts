import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Address, encodeDeployData, type Hex } from 'viem';
import type { PoolSources } from '../executor/artifact.ts';
import { type BasketInit, basketArtifact, basketConstructorArgs, sleeveBasketArtifact } from './artifact.ts';

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

test('EIP-3860 (49,152 bytes of deployment code): a plain basket fits 7 assets with 7 pools, a sleeve basket 4 with 4, not 5', () => {
  const A: Address = '0x1111111111111111111111111111111111111111';
  const H: Hex = `0x${'00'.repeat(32)}`;
  const sources: PoolSources = {
    v2Factory: A,
    v2InitCodeHash: H,
    v3Factory: A,
    v3InitCodeHash: H,
    vault: A,
    v4PoolManager: A,
    aavePool: A,
    permit2: A,
  };
  const size = (n: number, aavePool?: Address) => {
    const init: BasketInit = {
      name: 'Ballast Basket',
      symbol: 'BSKT',
      owner: A,
      assets: Array(n).fill(A),
      genesisUnits: Array(n).fill(10n ** 18n),
      offset: 18,
      profileDelay: 0,
      maxFeeBps: 0,
      ...(aavePool ? { aavePool } : {}),
      profile: {
        targetBps: Array(n).fill(1000),
        bandAbsBps: 200,
        bandRelBps: 0,
        calendar: false,
        minInterval: 3600,
        maxLossBps: 100,
        maxTurnoverBps: 10_000,
        keeper: A,
        keeperWindow: 86_400,
        feeBps: 0,
        feeRecipient: A,
        feeds: Array(n).fill({ feed: A, heartbeat: 3600, minAnswer: 1n, maxAnswer: 10n ** 30n }),
        pools: Array(n).fill({ kind: 0, tokenA: A, tokenB: A, fee: 0, poolId: H }),
      },
    };
    const a = aavePool ? sleeveBasketArtifact() : basketArtifact();
    const data = encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args: basketConstructorArgs(init, sources) });
    return (data.length - 2) / 2;
  };
  assert.ok(size(7) <= 49_152, `plain 7: ${size(7)}`);
  assert.ok(size(4, A) <= 49_152, `sleeve 4: ${size(4, A)}`);
  assert.ok(size(5, A) > 49_152, `sleeve 5: ${size(5, A)}`);
  const s = sleeveBasketArtifact() as { deployedBytecode?: string };
  assert.ok(
    s.deployedBytecode && (s.deployedBytecode.length - 2) / 2 <= 24_576,
    'sleeve basket runtime within EIP-170',
  );
});
