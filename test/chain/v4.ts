/** Shared pieces of the Uniswap v4 suites: the V4SwapsHarness owned by the fixture's deployer, PoolKeys, paths. */
import { type Address, type Hex, parseAbi } from 'viem';
import type { LocalClients, TxSender } from '../../src/chain/client.ts';
import { ownArtifact } from '../../src/chain/contracts.ts';
import type { Fixture, FixtureV4Pool } from '../../src/chain/fixture/types.ts';
import { keyOf } from '../../src/dex/state/read-v4.ts';

export const harnessAbi = ownArtifact('V4SwapsHarness').abi;
const approveAbi = parseAbi(['function approve(address spender, uint256 amount) returns (bool)']);

export interface Hop {
  readonly pool: FixtureV4Pool;
  readonly tokenIn: Address;
}

export interface PathArg {
  readonly hops: readonly {
    key: { currency0: Address; currency1: Address; fee: number; tickSpacing: number; hooks: Address };
    zeroForOne: boolean;
  }[];
  readonly amountIn: bigint;
  readonly minOut: bigint;
}

export function pathArg(hops: readonly Hop[], amountIn: bigint, minOut = 0n): PathArg {
  return {
    hops: hops.map((h) => ({
      key: { ...keyOf(h.pool) },
      zeroForOne: h.tokenIn.toLowerCase() === h.pool.tokens[0].toLowerCase(),
    })),
    amountIn,
    minOut,
  };
}

/** Deploys the harness from the deployer and gives it standing allowances on every v4 token. */
export async function deployHarness(tx: TxSender, fx: Fixture): Promise<Address> {
  const a = ownArtifact('V4SwapsHarness');
  const harness = await tx.deploy(a.abi, a.bytecode, [fx.contracts.v4PoolManager], 'V4SwapsHarness');
  const tokens = new Set(fx.v4Pools.flatMap((p) => p.tokens));
  for (const t of tokens) await tx.call(t, approveAbi, 'approve', [harness, 2n ** 256n - 1n], 'approve harness');
  return harness;
}

/** The chain's outputs of harness.swap(paths) as an eth_call from the owner at `block` (nothing is mined). */
export async function simulateSwap(
  c: LocalClients,
  harness: Address,
  paths: readonly PathArg[],
  blockNumber?: bigint,
): Promise<readonly bigint[]> {
  const r = await c.public.simulateContract({
    address: harness,
    abi: harnessAbi,
    functionName: 'swap',
    args: [paths],
    account: c.account,
    ...(blockNumber === undefined ? {} : { blockNumber }),
  });
  return r.result as readonly bigint[];
}

export const symbolOf = (fx: Fixture, t: Address): string =>
  fx.tokens.find((x) => x.address.toLowerCase() === t.toLowerCase())?.symbol ?? t;

export type { Hex };
