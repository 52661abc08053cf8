/** Minimal ABIs of the views the state reader calls. */
import { parseAbi } from 'viem';

export const v2PairAbi = parseAbi([
  'function token0() view returns (address)',
  'function token1() view returns (address)',
  'function getReserves() view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast)',
]);

export const v3PoolAbi = parseAbi([
  'function token0() view returns (address)',
  'function token1() view returns (address)',
]);

export const v3LensAbi = parseAbi([
  'struct State { uint160 sqrtPriceX96; int24 tick; uint128 liquidity; uint24 fee; int24 tickSpacing; int24[] tickIndex; int128[] liquidityNet; }',
  'function state(address pool) view returns (State s)',
]);

export const vaultAbi = parseAbi([
  'function getPoolTokens(bytes32 poolId) view returns (address[] tokens, uint256[] balances, uint256 lastChangeBlock)',
]);

export const balancerPoolAbi = parseAbi([
  'function getPoolId() view returns (bytes32)',
  'function getNormalizedWeights() view returns (uint256[])',
  'function getSwapFeePercentage() view returns (uint256)',
  'function getAmplificationParameter() view returns (uint256 value, bool isUpdating, uint256 precision)',
]);

export const erc20DecimalsAbi = parseAbi(['function decimals() view returns (uint8)']);
