/**
 * One router leg (one swap through one pool) → one executor Leg: which contract to call, which spender to
 * approve for exactly amountIn, and the calldata, paying the owner (a final output) or the executor (a hub
 * amount), with minOut enforced both by the protocol and by the executor.
 */
import { type Address, encodeFunctionData, type Hex, parseAbi } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import type { FixtureContracts, FixturePool } from '../fixture/types.ts';

/** The swap entry points the executor's legs call (and tests measure). */
export const v2RouterAbi = parseAbi([
  'function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline) returns (uint256[])',
]);
export const v3RouterAbi = parseAbi([
  'struct ExactInputSingleParams { address tokenIn; address tokenOut; uint24 fee; address recipient; uint256 deadline; uint256 amountIn; uint256 amountOutMinimum; uint160 sqrtPriceLimitX96; }',
  'function exactInputSingle(ExactInputSingleParams params) payable returns (uint256)',
]);
export const vaultAbi = parseAbi([
  'struct SingleSwap { bytes32 poolId; uint8 kind; address assetIn; address assetOut; uint256 amount; bytes userData; }',
  'struct FundManagement { address sender; bool fromInternalBalance; address recipient; bool toInternalBalance; }',
  'function swap(SingleSwap singleSwap, FundManagement funds, uint256 limit, uint256 deadline) payable returns (uint256)',
]);

export interface ExecutorLeg {
  readonly target: Address;
  readonly spender: Address;
  readonly tokenIn: Address;
  readonly tokenOut: Address;
  readonly amountIn: bigint;
  readonly minOut: bigint;
  /** The protocol pays the owner directly (a final output) rather than the executor (a hub amount). */
  readonly toOwner: boolean;
  readonly data: Hex;
}

export interface SwapSpec {
  readonly pool: FixturePool;
  readonly tokenIn: Address;
  readonly tokenOut: Address;
  readonly amountIn: bigint;
  readonly minOut: bigint;
}

export class LegEncodingError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name = 'LegEncodingError';
}

/**
 * `executor` pays (the router pulls from it); `recipient` receives: the owner for a final output, the
 * executor for a hub amount.
 */
export function encodeLeg(
  s: SwapSpec,
  c: FixtureContracts,
  executor: Address,
  deadline: bigint,
  recipient: Address = executor,
): ExecutorLeg {
  const toOwner = recipient.toLowerCase() !== executor.toLowerCase();
  const base = { tokenIn: s.tokenIn, tokenOut: s.tokenOut, amountIn: s.amountIn, minOut: s.minOut, toOwner };
  if (s.pool.protocol === 'uniswap-v2') {
    // Router02 goes through the factory's pair for these tokens: the fixture has one v2 factory, so it is this pool.
    const data = encodeFunctionData({
      abi: v2RouterAbi,
      functionName: 'swapExactTokensForTokens',
      args: [s.amountIn, s.minOut, [s.tokenIn, s.tokenOut], recipient, deadline],
    });
    return { ...base, target: c.uniswapV2Router02, spender: c.uniswapV2Router02, data };
  }
  if (s.pool.protocol === 'uniswap-v3') {
    const data = encodeFunctionData({
      abi: v3RouterAbi,
      functionName: 'exactInputSingle',
      args: [
        {
          tokenIn: s.tokenIn,
          tokenOut: s.tokenOut,
          fee: s.pool.feePips,
          recipient,
          deadline,
          amountIn: s.amountIn,
          amountOutMinimum: s.minOut,
          sqrtPriceLimitX96: 0n,
        },
      ],
    });
    return { ...base, target: c.swapRouter, spender: c.swapRouter, data };
  }
  if (!s.pool.poolId) throw new LegEncodingError(`Balancer pool ${s.pool.label} has no poolId in the chain file`);
  const data = encodeFunctionData({
    abi: vaultAbi,
    functionName: 'swap',
    args: [
      { poolId: s.pool.poolId, kind: 0, assetIn: s.tokenIn, assetOut: s.tokenOut, amount: s.amountIn, userData: '0x' },
      { sender: executor, fromInternalBalance: false, recipient, toInternalBalance: false },
      s.minOut,
      deadline,
    ],
  });
  return { ...base, target: c.balancerVault, spender: c.balancerVault, data };
}
