/**
 * On-chain reference quotes for the differential tests, batched with Multicall3 (allowFailure) at one block:
 * Uniswap v2 Router02.getAmountsOut, Uniswap v3 QuoterV2.quoteExactInputSingle, Balancer Vault.queryBatchSwap.
 */
import { type Address, type Hex, type PublicClient, parseAbi, zeroAddress } from 'viem';
import type { FixtureContracts, FixturePool } from '../../src/chain/fixture/types.ts';

export interface SwapCase {
  readonly pool: FixturePool;
  readonly tokenIn: Address;
  readonly tokenOut: Address;
  readonly amountIn: bigint;
}

export interface ChainQuote {
  /** null when the chain reverts (e.g. Balancer's 30% max-in ratio). */
  readonly amountOut: bigint | null;
  /** v3 only: initialized ticks crossed, as reported by QuoterV2. */
  readonly ticksCrossed?: number;
  /** Gas estimate (v3 QuoterV2 only). */
  readonly gas?: bigint;
}

const routerAbi = parseAbi([
  'function getAmountsOut(uint256 amountIn, address[] path) view returns (uint256[] amounts)',
]);
const quoterAbi = parseAbi([
  'struct QuoteExactInputSingleParams { address tokenIn; address tokenOut; uint256 amountIn; uint24 fee; uint160 sqrtPriceLimitX96; }',
  'function quoteExactInputSingle(QuoteExactInputSingleParams params) returns (uint256 amountOut, uint160 sqrtPriceX96After, uint32 initializedTicksCrossed, uint256 gasEstimate)',
]);
const vaultAbi = parseAbi([
  'struct BatchSwapStep { bytes32 poolId; uint256 assetInIndex; uint256 assetOutIndex; uint256 amount; bytes userData; }',
  'struct FundManagement { address sender; bool fromInternalBalance; address recipient; bool toInternalBalance; }',
  'function queryBatchSwap(uint8 kind, BatchSwapStep[] swaps, address[] assets, FundManagement funds) returns (int256[] assetDeltas)',
]);

/** Chunk size (calldata bytes) per aggregate3 call: keeps each eth_call well under the 30M gas cap. */
const CHUNK_BYTES = 12_000;
const GROUP = 200;

export async function chainQuotes(
  client: PublicClient,
  c: FixtureContracts,
  cases: readonly SwapCase[],
  blockNumber: bigint,
): Promise<ChainQuote[]> {
  const contracts = cases.map((s) => {
    if (s.pool.protocol === 'uniswap-v2') {
      return {
        address: c.uniswapV2Router02,
        abi: routerAbi,
        functionName: 'getAmountsOut',
        args: [s.amountIn, [s.tokenIn, s.tokenOut]],
      } as const;
    }
    if (s.pool.protocol === 'uniswap-v3') {
      const params = {
        tokenIn: s.tokenIn,
        tokenOut: s.tokenOut,
        amountIn: s.amountIn,
        fee: s.pool.feePips,
        sqrtPriceLimitX96: 0n,
      };
      return { address: c.quoterV2, abi: quoterAbi, functionName: 'quoteExactInputSingle', args: [params] } as const;
    }
    const step = {
      poolId: s.pool.poolId as Hex,
      assetInIndex: 0n,
      assetOutIndex: 1n,
      amount: s.amountIn,
      userData: '0x' as Hex,
    };
    const funds = { sender: zeroAddress, fromInternalBalance: false, recipient: zeroAddress, toInternalBalance: false };
    return {
      address: c.balancerVault,
      abi: vaultAbi,
      functionName: 'queryBatchSwap',
      args: [0, [step], [s.tokenIn, s.tokenOut], funds], // 0 = GIVEN_IN
    } as const;
  });
  // Groups of GROUP cases, one after the other: each is one JSON-RPC batch of a few aggregate3 eth_calls
  // (anvil refuses an over-large HTTP body, which concurrent groups would be merged into).
  const results: { status: 'success' | 'failure'; result?: unknown; error?: Error }[] = [];
  for (let i = 0; i < contracts.length; i += GROUP) {
    const part = await client.multicall({
      contracts: contracts.slice(i, i + GROUP) as never,
      allowFailure: true,
      blockNumber,
      batchSize: CHUNK_BYTES,
    });
    results.push(...(part as typeof results));
  }
  return results.map((r, k) => {
    if (r.status !== 'success') {
      if (r.error && !/revert/i.test(r.error.message)) throw r.error; // transport problems are not reverts
      return { amountOut: null };
    }
    const p = cases[k].pool.protocol;
    if (p === 'uniswap-v2') return { amountOut: (r.result as readonly bigint[])[1] };
    if (p === 'uniswap-v3') {
      const [out, , crossed, gas] = r.result as readonly [bigint, bigint, number, bigint];
      return { amountOut: out, ticksCrossed: crossed, gas };
    }
    const deltas = r.result as readonly bigint[];
    return { amountOut: -deltas[1] };
  });
}
