/**
 * The committed solc-js output of contracts/src/BallastBasket.sol (issue #20), its deployment and the TypeScript
 * shape of its on-chain risk profile. The contract's guarantees are in docs/basket.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Abi, type Address, BaseError, decodeErrorResult, type Hex, type PublicClient, zeroAddress } from 'viem';
import { BallastError } from '../../core/errors.ts';
import type { TxSender } from '../client.ts';
import type { PoolSources } from '../executor/artifact.ts';
import { type FeedConfig, readFeed } from '../oracles/feeds.ts';

export interface BasketArtifact {
  readonly abi: Abi;
  readonly bytecode: Hex;
}

const cached = new Map<string, BasketArtifact>();

function load(name: 'BallastBasket' | 'BallastSleeveBasket'): BasketArtifact {
  const hit = cached.get(name);
  if (hit) return hit;
  const here = dirname(fileURLToPath(import.meta.url));
  const path = ['../../..', '../../../..']
    .map((up) => join(here, up, 'contracts', 'out', `${name}.json`))
    .find((p) => existsSync(p));
  if (path === undefined)
    throw new BallastError(`contracts/out/${name}.json is missing: run node scripts/build-contracts.mjs`);
  const basket = JSON.parse(readFileSync(path, 'utf8')) as BasketArtifact;
  // the pool calls' errors (BasketPools, run by delegatecall) bubble out of the basket: its ABI names them too
  const pools = JSON.parse(readFileSync(path.replace(`${name}.json`, 'BasketPools.json'), 'utf8')) as BasketArtifact;
  const names = new Set(basket.abi.filter((x) => x.type === 'error').map((x) => x.name));
  const extra = pools.abi.filter((x) => x.type === 'error' && !names.has(x.name));
  const a = { ...basket, abi: [...basket.abi, ...extra] };
  cached.set(name, a);
  return a;
}

export function basketArtifact(): BasketArtifact {
  return load('BallastBasket');
}

/** BallastSleeveBasket (issue #22): a basket with an idle Aave v3 sleeve; its ABI is the basket's plus the sleeve's. */
export function sleeveBasketArtifact(): BasketArtifact {
  return load('BallastSleeveBasket');
}

/** An asset's feed as the basket checks it: heartbeat (seconds) and the open interval (minAnswer, maxAnswer). */
export interface BasketFeed {
  readonly feed: Address;
  readonly heartbeat: number;
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
}

/** Leg and pool kinds: Uniswap v2, Uniswap v3, Balancer v2, Uniswap v4 (the lean executor's step kinds). */
/** 0 v2, 1 v3, 2 Balancer, 4 v4; 5/6: a sleeve withdraw/supply (BASKET_SLEEVE_*). */
export type BasketPoolKind = 0 | 1 | 2 | 4 | 5 | 6;

/** Leg kinds of a basket's Aave sleeve (issue #22): withdraw aToken → asset, supply asset → aToken. */
export const BASKET_SLEEVE_WITHDRAW = 5;
export const BASKET_SLEEVE_SUPPLY = 6;

/** The poolId a sleeve leg names: the basket's Aave Pool address, left-padded to 32 bytes. */
export function sleevePoolId(aavePool: Address): Hex {
  return `0x${aavePool.slice(2).toLowerCase().padStart(64, '0')}`;
}

/** The poolId of a Uniswap v2/v3 pool (none). */
export const NO_POOL_ID: Hex = `0x${'0'.repeat(64)}`;

/** A v4 pool's poolId field: its tickSpacing as uint256(uint24(int24)). */
export function v4PoolId(tickSpacing: number): Hex {
  return `0x${(tickSpacing & 0xffffff).toString(16).padStart(64, '0')}`;
}

/**
 * An allowed pool of two basket assets: Uniswap v2 (kind 0, fee 0, poolId 0), v3 (kind 1, fee in pips, poolId 0),
 * a Balancer pool of the Vault (kind 2, fee 0, poolId its pool id) or a hook-less v4 pool (kind 4, its fee in
 * pips, poolId its tickSpacing: v4PoolId).
 */
export interface BasketPool {
  readonly kind: BasketPoolKind;
  readonly tokenA: Address;
  readonly tokenB: Address;
  readonly fee: number;
  readonly poolId: Hex;
}

/** The on-chain risk profile (IBallastBasket.Profile); weights and bands in basis points. */
export interface BasketProfile {
  readonly targetBps: readonly number[];
  readonly bandAbsBps: number;
  readonly bandRelBps: number;
  readonly calendar: boolean;
  readonly minInterval: number;
  readonly maxLossBps: number;
  readonly maxTurnoverBps: number;
  readonly keeper: Address;
  readonly keeperWindow: number;
  readonly feeBps: number;
  readonly feeRecipient: Address;
  readonly feeds: readonly BasketFeed[];
  readonly pools: readonly BasketPool[];
}

/** One swap of a rebalance: exactly `amountIn` through the allowed pool (kind, tokens, fee, poolId), output to the basket. */
export interface BasketLeg {
  readonly kind: BasketPoolKind;
  readonly tokenIn: Address;
  readonly tokenOut: Address;
  readonly fee: number;
  readonly poolId: Hex;
  readonly amountIn: bigint;
}

export interface BasketInit {
  readonly name: string;
  readonly symbol: string;
  /** Who proposes profile changes. */
  readonly owner: Address;
  readonly assets: readonly Address[];
  /** Units of each asset per 1e18 shares while the supply is 0 (the genesis composition). */
  readonly genesisUnits: readonly bigint[];
  /** Virtual shares 10^offset and one virtual unit per asset (0: none, a naive vault; only for the attack test). */
  readonly offset: number;
  /** Seconds between a profile proposal and the earliest time it may apply (0: at once). */
  readonly profileDelay: number;
  /** The largest fee (bps per year) any profile may set; at most 500. */
  readonly maxFeeBps: number;
  readonly profile: BasketProfile;
  /**
   * Aave v3 Pool of the basket's idle sleeve (issue #22; absent or zero: a plain BallastBasket). Set: deployBasket
   * deploys a BallastSleeveBasket, which reads each asset's aToken from the Pool's reserve data; NAV, issue and
   * redeem count an asset's aToken balance as the asset.
   */
  readonly aavePool?: Address;
}

/** Constructor arguments: the Init struct, and for a sleeve basket the Aave Pool after it. */
export function basketConstructorArgs(init: BasketInit, s: PoolSources): readonly unknown[] {
  const args = basketDeployArgs(init, s);
  return init.aavePool && init.aavePool !== zeroAddress ? [...args, init.aavePool] : args;
}

/**
 * Gas limit for a basket's deployment: the basket and, from its constructor, its BasketPools (~35 KB of runtime code
 * together, 200 gas a byte, plus the profile's storage); a 7-asset basket with its pools deploys well within it.
 */
export const BASKET_DEPLOY_GAS = 15_000_000n;

/** The offset the helpers deploy with unless told otherwise: 10^18 virtual shares (one whole share). */
export const DEFAULT_BASKET_OFFSET = 18;

export function basketDeployArgs(init: BasketInit, s: PoolSources): readonly unknown[] {
  return [
    {
      name: init.name,
      symbol: init.symbol,
      owner: init.owner,
      assets: init.assets,
      genesisUnits: init.genesisUnits,
      offset: init.offset,
      profileDelay: init.profileDelay,
      maxFeeBps: init.maxFeeBps,
      v2Factory: s.v2Factory,
      v2InitCodeHash: s.v2InitCodeHash,
      v3Factory: s.v3Factory,
      v3InitCodeHash: s.v3InitCodeHash,
      vault: s.vault,
      v4PoolManager: s.v4PoolManager,
      profile: init.profile,
    },
  ];
}

/**
 * Deploys a basket whose pools are the CREATE2 pools of `sources`' Uniswap v2/v3 factories, Balancer pools of its
 * Vault and hook-less pools of its v4 PoolManager (the constructor deploys the basket's BasketPools).
 */
export function deployBasket(tx: TxSender, init: BasketInit, sources: PoolSources): Promise<Address> {
  const sleeve = init.aavePool !== undefined && init.aavePool !== zeroAddress;
  const a = sleeve ? sleeveBasketArtifact() : basketArtifact();
  const label = `${sleeve ? 'BallastSleeveBasket' : 'BallastBasket'} ${init.symbol}`;
  return tx.deploy(a.abi, a.bytecode, basketConstructorArgs(init, sources), label);
}

const INT128_MAX = 2n ** 127n - 1n;

/**
 * The basket's check of a feed from the project's feed config: heartbeat + margin, and the bounds read from the
 * feed's aggregator as src/chain/oracles/ reads them (clamped to int128, still a bound).
 */
export async function basketFeed(client: PublicClient, feed: FeedConfig, subject: string): Promise<BasketFeed> {
  const r = await readFeed(client, feed.address, subject);
  const clamp = (x: bigint) => (x > INT128_MAX ? INT128_MAX : x < -INT128_MAX ? -INT128_MAX : x);
  return {
    feed: feed.address,
    heartbeat: feed.heartbeatSec + feed.marginSec,
    minAnswer: clamp(r.minAnswer),
    maxAnswer: clamp(r.maxAnswer),
  };
}

/** The name of the basket's custom error in a viem error (undefined: not a revert the basket's ABI decodes). */
export function basketErrorName(e: unknown): string | undefined {
  if (!(e instanceof BaseError)) return undefined;
  let name: string | undefined;
  let raw: Hex | undefined;
  e.walk((x) => {
    const { data, raw: r } = x as { data?: unknown; raw?: unknown };
    const n = (data as { errorName?: unknown } | undefined)?.errorName;
    if (typeof n === 'string') {
      name = n;
      return true;
    }
    for (const d of [r, data]) if (typeof d === 'string' && d.startsWith('0x') && d.length >= 10) raw = d as Hex;
    return false;
  });
  if (name !== undefined || raw === undefined) return name;
  try {
    return decodeErrorResult({ abi: basketArtifact().abi, data: raw }).errorName;
  } catch {
    return undefined;
  }
}
