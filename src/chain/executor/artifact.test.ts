import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keccak256 } from 'viem';
import { artifacts } from '../fixture/artifacts.ts';
import {
  executorArtifact,
  UNISWAP_V2_PAIR_INIT_CODE_HASH,
  UNISWAP_V3_POOL_INIT_CODE_HASH,
  uniswapPoolAddress,
} from './artifact.ts';

test('the pool init code hashes are those of the npm builds the fixture deploys', () => {
  assert.equal(keccak256(artifacts.uniswapV2Pair().bytecode), UNISWAP_V2_PAIR_INIT_CODE_HASH);
  assert.equal(keccak256(artifacts.uniswapV3Pool().bytecode), UNISWAP_V3_POOL_INIT_CODE_HASH);
});

test('pool addresses as the executor computes them: mainnet USDC/WETH v2 and v3 0.05%', () => {
  const s = {
    v2Factory: '0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f',
    v2InitCodeHash: UNISWAP_V2_PAIR_INIT_CODE_HASH,
    v3Factory: '0x1F98431c8aD98523631AE4a59f267346ea31F984',
    v3InitCodeHash: UNISWAP_V3_POOL_INIT_CODE_HASH,
    vault: '0xBA12222222228d8Ba445958a75a0704d566BF2C8',
    v4PoolManager: '0x000000000004444c5dc75cB358380D2e3dE08A90',
    aavePool: '0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2',
    permit2: '0x000000000022D473030F116dDEE9F6B43aC78BA3',
  } as const;
  const usdc = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
  const weth = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2';
  assert.equal(uniswapPoolAddress(s, weth, usdc), '0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc');
  assert.equal(uniswapPoolAddress(s, usdc, weth, 500), '0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640');
});

test('the committed BallastExecutor runtime code fits the EIP-170 limit (24,576 bytes) and has executePermit2', () => {
  const a = executorArtifact() as { deployedBytecode?: string; abi: readonly { name?: string }[] };
  assert.ok(a.deployedBytecode, 'contracts/out/BallastExecutor.json has its runtime code');
  const size = (a.deployedBytecode.length - 2) / 2;
  assert.ok(size <= 24_576, `BallastExecutor runtime code is ${size} bytes`);
  assert.ok(a.abi.some((f) => f.name === 'executePermit2'));
});
