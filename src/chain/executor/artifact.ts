/**
 * The committed solc-js output of contracts/src/BallastExecutor.sol, its deployment (the factories, init code
 * hashes and Vault it accepts pools from are fixed in its constructor) and its on-chain configuration (the feeds
 * it values the batch at, the L2 sequencer feed and the slippage cap: issue #30 item 2).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Abi,
  type Address,
  encodeDeployData,
  encodeFunctionData,
  getCreate2Address,
  type Hex,
  keccak256,
  type PublicClient,
  zeroAddress,
} from 'viem';
import { BallastError } from '../../core/errors.ts';
import type { TxSender } from '../client.ts';
import type { FixtureContracts } from '../fixture/types.ts';
import { type FeedConfig, readFeed, type SequencerConfig } from '../oracles/feeds.ts';

export interface ExecutorArtifact {
  readonly abi: Abi;
  readonly bytecode: Hex;
}

let cached: ExecutorArtifact | undefined;

export function executorArtifact(): ExecutorArtifact {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const path = ['../../..', '../../../..']
    .map((up) => join(here, up, 'contracts', 'out', 'BallastExecutor.json'))
    .find((p) => existsSync(p));
  if (path === undefined)
    throw new BallastError('contracts/out/BallastExecutor.json is missing: run node scripts/build-contracts.mjs');
  cached = JSON.parse(readFileSync(path, 'utf8')) as ExecutorArtifact;
  return cached;
}

/** Where the executor accepts pools from: the factories with their pools' init code hashes, the Vault, the v4 PoolManager. */
export interface PoolSources {
  readonly v2Factory: Address;
  readonly v2InitCodeHash: Hex;
  readonly v3Factory: Address;
  readonly v3InitCodeHash: Hex;
  readonly vault: Address;
  /** Uniswap v4 PoolManager (zero address: v4 steps revert UnsupportedStep). */
  readonly v4PoolManager: Address;
  /** Aave v3 Pool of the idle sleeve's steps (issue #22; zero address: those steps revert AaveDisabled). */
  readonly aavePool: Address;
  /** Permit2 of executePermit2 (issue #19; zero address: executePermit2 reverts NoPermit2). */
  readonly permit2: Address;
}

/**
 * keccak256 of the UniswapV2Pair and UniswapV3Pool creation code: the audited builds the fixture deploys from npm,
 * the same as Uniswap's own deployments on mainnet (artifact.test.ts checks them against the npm artifacts).
 */
export const UNISWAP_V2_PAIR_INIT_CODE_HASH: Hex = '0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f';
export const UNISWAP_V3_POOL_INIT_CODE_HASH: Hex = '0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54';

/** The chain's factories and Vault, with Uniswap's pool init code hashes. */
export function poolSources(c: FixtureContracts): PoolSources {
  return {
    v2Factory: c.uniswapV2Factory,
    v2InitCodeHash: UNISWAP_V2_PAIR_INIT_CODE_HASH,
    v3Factory: c.uniswapV3Factory,
    v3InitCodeHash: UNISWAP_V3_POOL_INIT_CODE_HASH,
    vault: c.balancerVault,
    v4PoolManager: c.v4PoolManager ?? zeroAddress,
    aavePool: c.aavePool ?? zeroAddress,
    permit2: c.permit2 ?? zeroAddress,
  };
}

/** The CREATE2 address the executor computes for a Uniswap pool (v2: fee undefined). */
export function uniswapPoolAddress(s: PoolSources, tokenA: Address, tokenB: Address, fee?: number): Address {
  const [t0, t1] = tokenA.toLowerCase() < tokenB.toLowerCase() ? [tokenA, tokenB] : [tokenB, tokenA];
  if (fee === undefined)
    return getCreate2Address({
      from: s.v2Factory,
      salt: keccak256(`0x${t0.slice(2)}${t1.slice(2)}`),
      bytecodeHash: s.v2InitCodeHash,
    });
  const word = (h: string) => h.slice(2).toLowerCase().padStart(64, '0');
  return getCreate2Address({
    from: s.v3Factory,
    salt: keccak256(`0x${word(t0)}${word(t1)}${word(`0x${fee.toString(16)}`)}`),
    bytecodeHash: s.v3InitCodeHash,
  });
}

export function executorDeployData(owner: Address, s: PoolSources): Hex {
  const a = executorArtifact();
  return encodeDeployData({
    abi: a.abi,
    bytecode: a.bytecode,
    args: [
      owner,
      s.v2Factory,
      s.v2InitCodeHash,
      s.v3Factory,
      s.v3InitCodeHash,
      s.vault,
      s.v4PoolManager,
      s.aavePool,
      s.permit2,
    ],
  });
}

/** Deploys an executor owned by `owner` (default: the sender's account) accepting the fixture's pools. */
export function deployExecutor(
  tx: TxSender,
  contracts: FixtureContracts,
  owner: Address = tx.clients.account,
): Promise<Address> {
  const a = executorArtifact();
  const s = poolSources(contracts);
  return tx.deploy(
    a.abi,
    a.bytecode,
    [
      owner,
      s.v2Factory,
      s.v2InitCodeHash,
      s.v3Factory,
      s.v3InitCodeHash,
      s.vault,
      s.v4PoolManager,
      s.aavePool,
      s.permit2,
    ],
    'BallastExecutor',
  );
}

const INT128_MAX = 2n ** 127n - 1n;

export interface ExecutorConfig {
  /** Token address → its USD feed (heartbeat + margin is the age the executor accepts). */
  readonly feeds: readonly { token: Address; feed: FeedConfig }[];
  readonly sequencer?: SequencerConfig;
  /** The largest maxSlippageBps execute() accepts. */
  readonly slippageCapBps: number;
}

/**
 * The owner's calls that configure the executor: setFeed per token (bounds read from the feed's aggregator, as
 * the off-chain guard reads them; decimals are read on-chain by setFeed) and setGuards (sequencer, cap).
 */
export async function executorConfigCalls(
  client: PublicClient,
  executor: Address,
  cfg: ExecutorConfig,
): Promise<{ to: Address; data: Hex; label: string }[]> {
  const abi = executorArtifact().abi;
  const calls: { to: Address; data: Hex; label: string }[] = [];
  for (const { token, feed } of cfg.feeds) {
    const r = await readFeed(client, feed.address, token);
    // the executor stores bounds as int128: a wider bound (some Chainlink maxAnswer) is clamped, still a bound
    const clamp = (x: bigint) => (x > INT128_MAX ? INT128_MAX : x < -INT128_MAX ? -INT128_MAX : x);
    calls.push({
      to: executor,
      label: `setFeed ${token}`,
      data: encodeFunctionData({
        abi,
        functionName: 'setFeed',
        args: [token, feed.address, feed.heartbeatSec + feed.marginSec, clamp(r.minAnswer), clamp(r.maxAnswer)],
      }),
    });
  }
  calls.push({
    to: executor,
    label: 'setGuards',
    data: encodeFunctionData({
      abi,
      functionName: 'setGuards',
      args: [cfg.sequencer?.address ?? zeroAddress, cfg.sequencer?.gracePeriodSec ?? 0, cfg.slippageCapBps],
    }),
  });
  return calls;
}

/** Sends executorConfigCalls through a TxSender (tests, the fixture). */
export async function configureExecutor(tx: TxSender, executor: Address, cfg: ExecutorConfig): Promise<void> {
  for (const c of await executorConfigCalls(tx.clients.public, executor, cfg)) {
    const hash = await tx.clients.wallet.sendTransaction({
      account: tx.clients.account,
      chain: tx.clients.wallet.chain,
      to: c.to,
      data: c.data,
      gas: 500_000n,
    });
    const r = await tx.clients.public.waitForTransactionReceipt({ hash });
    if (r.status !== 'success') throw new BallastError(`executor configuration "${c.label}" reverted`);
  }
}
