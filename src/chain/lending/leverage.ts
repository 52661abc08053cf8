/**
 * BallastLeverage (issue #23, contracts/src/BallastLeverage.sol): its committed artifact, its deployment for an
 * owner on a chain's pools and Aave Pool, the lenders' fees read at plan time, and the calldata of one
 * flash-loan rebalance.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Abi, type Address, encodeFunctionData, type Hex, type PublicClient, parseAbi, zeroAddress } from 'viem';
import { BallastError } from '../../core/errors.ts';
import type { TxSender } from '../client.ts';
import { poolSources } from '../executor/artifact.ts';
import type { FixtureContracts } from '../fixture/types.ts';

export interface LeverageArtifact {
  readonly abi: Abi;
  readonly bytecode: Hex;
}

let cached: LeverageArtifact | undefined;

export function leverageArtifact(): LeverageArtifact {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const path = ['../../..', '../../../..']
    .map((up) => join(here, up, 'contracts', 'out', 'BallastLeverage.json'))
    .find((p) => existsSync(p));
  if (path === undefined)
    throw new BallastError('contracts/out/BallastLeverage.json is missing: run node scripts/build-contracts.mjs');
  cached = JSON.parse(readFileSync(path, 'utf8')) as LeverageArtifact;
  return cached;
}

/** Deploys a BallastLeverage owned by `owner` (default: the sender) on the chain's pools and Aave Pool. */
export function deployLeverage(
  tx: TxSender,
  contracts: FixtureContracts,
  owner: Address = tx.clients.account,
): Promise<Address> {
  const a = leverageArtifact();
  const s = poolSources(contracts);
  return tx.deploy(
    a.abi,
    a.bytecode,
    [owner, contracts.aavePool, s.v2Factory, s.v2InitCodeHash, s.v3Factory, s.v3InitCodeHash, s.vault, s.v4PoolManager],
    'BallastLeverage',
  );
}

export const LENDER = { none: 0, balancer: 1, aave: 2, 'uniswap-v3': 3 } as const;
export type LenderKind = keyof typeof LENDER;
export const OP = { repay: 1, withdraw: 2, supply: 3, borrow: 4 } as const;

export interface LeverageOp {
  readonly op: keyof typeof OP;
  readonly asset: Address;
  /** Exact amount; 2^256-1 (repay, supply): the contract's whole balance of the asset. */
  readonly amount: bigint;
}

/** StepTypes.Step (contracts/src/lean/StepTypes.sol). */
export interface LeverageStep {
  readonly kind: number;
  readonly flags: number;
  readonly tokenIn: Address;
  readonly tokenOut: Address;
  readonly fee: number;
  readonly poolId: Hex;
  readonly share: bigint;
  readonly minOut: bigint;
}

export interface LeverageCall {
  /** `none`: no loan (token/amount ignored, `loans` empty). */
  readonly lender: LenderKind;
  /** The (first) loaned token and its amount. */
  readonly token: Address;
  readonly amount: bigint;
  /** Several tokens in one loan (Balancer, Aave); when set, `token`/`amount` are its first entry. */
  readonly loans?: readonly { readonly token: Address; readonly amount: bigint }[];
  /** Uniswap v3 only: the loan pool's other token and fee tier. */
  readonly pairToken?: Address;
  readonly v3Fee?: number;
  readonly pre: readonly LeverageOp[];
  readonly steps: readonly LeverageStep[];
  readonly post: readonly LeverageOp[];
  /** Health factor floor, 1e18 = 1.0. */
  readonly minHealthFactor: bigint;
  readonly deadline: bigint;
}

const op = (o: LeverageOp) => ({ op: OP[o.op], asset: o.asset, amount: o.amount });

/** The loan's tokens and amounts as the contract takes them (sorted by address: the Balancer Vault requires it). */
export function loanArrays(c: LeverageCall): { tokens: Address[]; amounts: bigint[] } {
  if (c.lender === 'none') return { tokens: [], amounts: [] };
  const loans = [...(c.loans ?? [{ token: c.token, amount: c.amount }])].sort((a, b) =>
    BigInt(a.token) < BigInt(b.token) ? -1 : 1,
  );
  return { tokens: loans.map((l) => l.token), amounts: loans.map((l) => l.amount) };
}

export function encodeLeverage(c: LeverageCall): Hex {
  const { tokens, amounts } = loanArrays(c);
  return encodeFunctionData({
    abi: leverageArtifact().abi,
    functionName: 'rebalance',
    args: [
      LENDER[c.lender],
      tokens,
      amounts,
      c.pairToken ?? zeroAddress,
      c.v3Fee ?? 0,
      {
        pre: c.pre.map(op),
        steps: c.steps,
        post: c.post.map(op),
        minHealthFactor: c.minHealthFactor,
        deadline: c.deadline,
      },
    ],
  });
}

const feeAbi = parseAbi([
  'function getProtocolFeesCollector() view returns (address)',
  'function getFlashLoanFeePercentage() view returns (uint256)',
  'function FLASHLOAN_PREMIUM_TOTAL() view returns (uint128)',
  'function fee() view returns (uint24)',
]);

/** Balancer's flash-loan fee (1e18 = 100%), from the Vault's ProtocolFeesCollector. */
export async function balancerFlashFee(client: PublicClient, vault: Address): Promise<bigint> {
  const collector = await client.readContract({
    address: vault,
    abi: feeAbi,
    functionName: 'getProtocolFeesCollector',
  });
  return client.readContract({ address: collector, abi: feeAbi, functionName: 'getFlashLoanFeePercentage' });
}

/** Aave's flashLoanSimple premium (bps), read from the Pool. */
export async function aaveFlashPremiumBps(client: PublicClient, pool: Address): Promise<bigint> {
  return BigInt(await client.readContract({ address: pool, abi: feeAbi, functionName: 'FLASHLOAN_PREMIUM_TOTAL' }));
}
