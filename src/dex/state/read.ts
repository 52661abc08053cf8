/**
 * Reads the state of many pools with ONE multicall (Multicall3.aggregate3) pinned to one block, so every
 * state is consistent: Uniswap v2 reserves, Uniswap v3 slot0/liquidity/all initialized ticks (through the
 * V3TickLens contract), Balancer weighted/stable balances, weights, amplification and fees.
 */
import type { Address, Hex, PublicClient } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import type { PoolState, Protocol, StableState, V2State, V3State, WeightedState } from '../pools/types.ts';
import { balancerPoolAbi, erc20DecimalsAbi, v2PairAbi, v3LensAbi, v3PoolAbi, vaultAbi } from './abis.ts';

/** What the reader needs to know about a pool (a FixturePool from the fixture satisfies it). */
export interface PoolRef {
  readonly protocol: Exclude<Protocol, 'curve-stable'>;
  readonly address: Address;
  /** Required for Balancer pools. */
  readonly poolId?: Hex;
}

export interface StateReaderConfig {
  readonly client: PublicClient;
  /** Deployed V3TickLens (contracts/src/V3TickLens.sol); required when there are v3 pools. */
  readonly v3TickLens?: Address;
  /** Balancer Vault; required when there are Balancer pools. */
  readonly balancerVault?: Address;
  /** Multicall3 address; default: the client's chain's multicall3 contract. */
  readonly multicall3?: Address;
}

export interface PoolSnapshot {
  readonly blockNumber: bigint;
  /** Same order as the refs. */
  readonly states: readonly PoolState[];
}

export class StateReadError extends BallastError {
  static override readonly next: Next = 'retry';
  override readonly name = 'StateReadError';
}

interface Call {
  readonly address: Address;
  readonly abi: readonly unknown[];
  readonly functionName: string;
  readonly args?: readonly unknown[];
}

type Decode = (r: readonly unknown[]) => PoolState;

export async function readPoolStates(
  cfg: StateReaderConfig,
  refs: readonly PoolRef[],
  blockNumber?: bigint,
): Promise<PoolSnapshot> {
  const block = blockNumber ?? (await cfg.client.getBlockNumber({ cacheTime: 0 }));
  const calls: Call[] = [];
  const add = (c: Call): number => calls.push(c) - 1;
  const decimalsAt = new Map<string, number>();
  const needDecimals: Address[] = [];
  const plans: { start: number; decode: Decode }[] = [];

  for (const ref of refs) {
    const address = ref.address;
    if (ref.protocol === 'uniswap-v2') {
      const i = add({ address, abi: v2PairAbi, functionName: 'token0' });
      add({ address, abi: v2PairAbi, functionName: 'token1' });
      add({ address, abi: v2PairAbi, functionName: 'getReserves' });
      plans.push({
        start: i,
        decode: (r): V2State => {
          const [res0, res1] = r[i + 2] as readonly [bigint, bigint, number];
          return {
            kind: 'uniswap-v2',
            address,
            token0: r[i] as Address,
            token1: r[i + 1] as Address,
            reserve0: res0,
            reserve1: res1,
          };
        },
      });
    } else if (ref.protocol === 'uniswap-v3') {
      const lens = need(cfg.v3TickLens, 'v3TickLens', ref);
      const i = add({ address, abi: v3PoolAbi, functionName: 'token0' });
      add({ address, abi: v3PoolAbi, functionName: 'token1' });
      add({ address: lens, abi: v3LensAbi, functionName: 'state', args: [address] });
      plans.push({
        start: i,
        decode: (r): V3State => {
          const s = r[i + 2] as {
            sqrtPriceX96: bigint;
            tick: number;
            liquidity: bigint;
            fee: number;
            tickSpacing: number;
            tickIndex: readonly number[];
            liquidityNet: readonly bigint[];
          };
          return {
            kind: 'uniswap-v3',
            address,
            token0: r[i] as Address,
            token1: r[i + 1] as Address,
            fee: s.fee,
            tickSpacing: s.tickSpacing,
            sqrtPriceX96: s.sqrtPriceX96,
            tick: s.tick,
            liquidity: s.liquidity,
            ticks: s.tickIndex.map((index, k) => ({ index, liquidityNet: s.liquidityNet[k] })),
          };
        },
      });
    } else {
      const vault = need(cfg.balancerVault, 'balancerVault', ref);
      if (ref.poolId === undefined)
        throw new StateReadError(`Balancer pool ${address} has no poolId: pass it in the ref`);
      const i = add({ address: vault, abi: vaultAbi, functionName: 'getPoolTokens', args: [ref.poolId] });
      add({ address, abi: balancerPoolAbi, functionName: 'getSwapFeePercentage' });
      const weighted = ref.protocol === 'balancer-weighted';
      add({
        address,
        abi: balancerPoolAbi,
        functionName: weighted ? 'getNormalizedWeights' : 'getAmplificationParameter',
      });
      const poolId = ref.poolId;
      plans.push({
        start: i,
        decode: (r) => {
          const [tokens, balances] = r[i] as readonly [readonly Address[], readonly bigint[], bigint];
          const decimals = tokens.map((t) => decimalsAt.get(t.toLowerCase()) ?? -1);
          const fee = r[i + 1] as bigint;
          if (weighted) {
            const w: WeightedState = {
              kind: 'balancer-weighted',
              address,
              poolId,
              tokens,
              balances,
              decimals,
              weights: r[i + 2] as readonly bigint[],
              swapFeePercentage: fee,
            };
            return w;
          }
          const [amp] = r[i + 2] as readonly [bigint, boolean, bigint];
          const s: StableState = {
            kind: 'balancer-stable',
            address,
            poolId,
            tokens,
            balances,
            decimals,
            amp,
            swapFeePercentage: fee,
          };
          return s;
        },
      });
    }
  }
  // Balancer's tokens are only known after the call; their decimals are read in the same multicall
  // only if already known from an earlier read (cache), else one extra multicall the first time.
  const results = await multicall(cfg, calls, block);
  for (const [k, ref] of refs.entries()) {
    if (ref.protocol !== 'balancer-weighted' && ref.protocol !== 'balancer-stable') continue;
    const [tokens] = results[plans[k].start] as readonly [readonly Address[]];
    for (const t of tokens) {
      const key = t.toLowerCase();
      if (!decimalsAt.has(key) && !decimalsCache.has(key) && !needDecimals.includes(t)) needDecimals.push(t);
    }
  }
  if (needDecimals.length > 0) {
    const dec = await multicall(
      cfg,
      needDecimals.map((address) => ({ address, abi: erc20DecimalsAbi, functionName: 'decimals' })),
      block,
    );
    for (const [k, t] of needDecimals.entries()) decimalsCache.set(t.toLowerCase(), Number(dec[k]));
  }
  for (const [k, v] of decimalsCache) decimalsAt.set(k, v);
  return { blockNumber: block, states: plans.map((p) => p.decode(results)) };
}

/** Token decimals never change: cached per process (keyed by lower-case address). */
const decimalsCache = new Map<string, number>();

async function multicall(cfg: StateReaderConfig, calls: readonly Call[], blockNumber: bigint): Promise<unknown[]> {
  try {
    return (await cfg.client.multicall({
      contracts: calls as never,
      allowFailure: false,
      blockNumber,
      batchSize: 0, // one aggregate3 call, never chunked
      ...(cfg.multicall3 ? { multicallAddress: cfg.multicall3 } : {}),
    })) as unknown[];
  } catch (e) {
    throw new StateReadError(
      `reading ${calls.length} pool views at block ${blockNumber} failed: ${(e as Error).message.split('\n')[0]}; ` +
        'check the RPC URL, the pool addresses and that Multicall3 and V3TickLens are deployed',
    );
  }
}

function need(a: Address | undefined, name: string, ref: PoolRef): Address {
  if (a === undefined)
    throw new StateReadError(`pool ${ref.address} (${ref.protocol}) needs ${name} in the reader config`);
  return a;
}
