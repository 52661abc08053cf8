/**
 * The joint router's legs as GPv2 settlement interactions (issue #24 item 3): the settlement itself holds
 * the sold tokens during `settle`, so each leg is an exact `approve` of the pool's entry point for the leg's
 * amount in, then the swap, paid back to the settlement (which then pays the trader at the clearing price).
 * Same entry points as the executor's legs (src/chain/executor/legs.ts), encoded here for the settlement.
 */
import { type Address, encodeFunctionData, type Hex, parseAbi } from 'viem';
import type { JointLeg } from '../../dex/router/joint/index.ts';
import type { FixtureContracts, FixturePool } from '../fixture/types.ts';
import { SolverError } from './errors.ts';

export interface Interaction {
  readonly target: Address;
  readonly value: bigint;
  readonly callData: Hex;
}

const erc20 = parseAbi(['function approve(address spender, uint256 amount) returns (bool)']);
const v2 = parseAbi([
  'function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline) returns (uint256[])',
]);
const v3 = parseAbi([
  'struct ExactInputSingleParams { address tokenIn; address tokenOut; uint24 fee; address recipient; uint256 deadline; uint256 amountIn; uint256 amountOutMinimum; uint160 sqrtPriceLimitX96; }',
  'function exactInputSingle(ExactInputSingleParams params) payable returns (uint256)',
]);
const vault = parseAbi([
  'struct SingleSwap { bytes32 poolId; uint8 kind; address assetIn; address assetOut; uint256 amount; bytes userData; }',
  'struct FundManagement { address sender; bool fromInternalBalance; address recipient; bool toInternalBalance; }',
  'function swap(SingleSwap singleSwap, FundManagement funds, uint256 limit, uint256 deadline) payable returns (uint256)',
]);

/** Each leg's minimum out is its exact simulated output: a pool that moved makes the settlement revert, never underpay. */
export function legInteractions(
  legs: readonly JointLeg[],
  pools: readonly FixturePool[],
  c: FixtureContracts,
  deadline: bigint,
): Interaction[] {
  const byAddress = new Map(pools.map((p) => [p.address.toLowerCase(), p]));
  const me = c.gpv2Settlement;
  const out: Interaction[] = [];
  for (const l of legs) {
    const pool = byAddress.get(l.pool.toLowerCase());
    if (pool === undefined) throw new SolverError(`pool ${l.pool} is not in the chain file`);
    let target: Address;
    let callData: Hex;
    if (pool.protocol === 'uniswap-v2') {
      target = c.uniswapV2Router02;
      callData = encodeFunctionData({
        abi: v2,
        functionName: 'swapExactTokensForTokens',
        args: [l.amountIn, l.amountOut, [l.tokenIn, l.tokenOut], me, deadline],
      });
    } else if (pool.protocol === 'uniswap-v3') {
      target = c.swapRouter;
      callData = encodeFunctionData({
        abi: v3,
        functionName: 'exactInputSingle',
        args: [
          {
            tokenIn: l.tokenIn,
            tokenOut: l.tokenOut,
            fee: pool.feePips,
            recipient: me,
            deadline,
            amountIn: l.amountIn,
            amountOutMinimum: l.amountOut,
            sqrtPriceLimitX96: 0n,
          },
        ],
      });
    } else {
      if (!pool.poolId) throw new SolverError(`Balancer pool ${pool.label} has no poolId in the chain file`);
      target = c.balancerVault;
      callData = encodeFunctionData({
        abi: vault,
        functionName: 'swap',
        args: [
          {
            poolId: pool.poolId,
            kind: 0,
            assetIn: l.tokenIn,
            assetOut: l.tokenOut,
            amount: l.amountIn,
            userData: '0x',
          },
          { sender: me, fromInternalBalance: false, recipient: me, toInternalBalance: false },
          l.amountOut,
          deadline,
        ],
      });
    }
    out.push({
      target: l.tokenIn,
      value: 0n,
      callData: encodeFunctionData({ abi: erc20, functionName: 'approve', args: [target, l.amountIn] }),
    });
    out.push({ target, value: 0n, callData });
  }
  return out;
}
