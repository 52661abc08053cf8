/** BallastExecutor.execute calldata, its eth_call simulation, the rebalance id and the owner's standing approvals. */
import {
  type Address,
  decodeFunctionResult,
  encodeFunctionData,
  encodePacked,
  type Hex,
  keccak256,
  maxUint256,
  type PublicClient,
  parseAbi,
} from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import type { Batch } from '../rebalance/build.ts';
import { executorArtifact } from './artifact.ts';
import { abiStep, FROM_PAYER, LegEncodingError } from './legs.ts';
import { withCycle } from './rebalance-id.ts';
import { explainRevert } from './revert.ts';

export { explainRevert } from './revert.ts';

const erc20 = parseAbi([
  'function approve(address spender, uint256 amount) returns (bool)',
  'function allowance(address owner, address spender) view returns (uint256)',
]);

/** What execute() takes: a built Batch or hand-made steps. */
export type ExecuteArgs = Pick<Batch, 'id' | 'pulls' | 'legs' | 'maxSlippageBps' | 'deadline'>;

/** An on-chain rebalance id without a journal (tests, dry runs): keccak256(portfolio id) with the cycle in the low 64 bits. */
export function rebalanceId(portfolioId: string, cycle: number | bigint): Hex {
  return withCycle(keccak256(encodePacked(['string'], [portfolioId])), cycle);
}

/**
 * What the executor pulls: the batch's pulls (all the owner spends) less the FROM_PAYER steps' inputs, which go
 * straight from the owner's allowance to their pools; a token left with nothing to pull is not pulled.
 */
export function contractPulls(b: Pick<Batch, 'pulls' | 'legs'>): { token: Address; amount: bigint }[] {
  const direct = new Map<string, bigint>();
  for (const s of b.legs)
    if ((s.flags & FROM_PAYER) !== 0)
      direct.set(s.tokenIn.toLowerCase(), (direct.get(s.tokenIn.toLowerCase()) ?? 0n) + s.share);
  const out: { token: Address; amount: bigint }[] = [];
  for (const p of b.pulls) {
    const d = direct.get(p.token.toLowerCase()) ?? 0n;
    direct.delete(p.token.toLowerCase());
    if (p.amount < d) throw new LegEncodingError(`the steps pay more ${p.token} from the owner than the batch spends`);
    if (p.amount > d) out.push({ token: p.token, amount: p.amount - d });
  }
  if (direct.size > 0)
    throw new LegEncodingError(`a step pays ${[...direct.keys()][0]} from the owner, not spent by the batch`);
  return out;
}

export function encodeExecute(b: ExecuteArgs): Hex {
  return encodeFunctionData({
    abi: executorArtifact().abi,
    functionName: 'execute',
    args: [b.id, contractPulls(b), b.legs.map(abiStep), BigInt(b.maxSlippageBps), b.deadline],
  });
}

export interface Simulation {
  /** Output of each executor step, in order (a Balancer batch reports each asset's total on its first step). */
  readonly outs: readonly bigint[];
  /** USD × 1e18 of what was pulled, at the feeds configured on the executor. */
  readonly valueIn: bigint;
  /** USD × 1e18 of what the owner got back, at the same feeds. */
  readonly totalValue: bigint;
}

export function decodeExecute(data: Hex): Simulation {
  const [outs, valueIn, totalValue] = decodeFunctionResult({
    abi: executorArtifact().abi,
    functionName: 'execute',
    data,
  }) as readonly [readonly bigint[], bigint, bigint];
  return { outs, valueIn, totalValue };
}

export class ExecutorRevertError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'ExecutorRevertError';
}

/** eth_call of execute() from `from`; throws ExecutorRevertError naming the contract's custom error on revert. */
export async function simulateExecute(
  client: PublicClient,
  from: Address,
  executor: Address,
  data: Hex,
): Promise<Simulation> {
  let r: { data?: Hex };
  try {
    r = await client.call({ account: from, to: executor, data });
  } catch (e) {
    throw new ExecutorRevertError(`execute() reverts in simulation: ${explainRevert(e)}`);
  }
  return decodeExecute(r.data ?? '0x');
}

/**
 * The owner's standing approvals (issue #19): approve(executor, max) for each pulled token whose allowance is
 * below the pull; a token with a non-zero allowance is first set to 0 (USDT refuses non-zero → non-zero).
 */
export async function approvalsNeeded(
  client: PublicClient,
  owner: Address,
  executor: Address,
  b: Pick<Batch, 'pulls'>,
): Promise<{ token: Address; amount: bigint; data: Hex }[]> {
  const out: { token: Address; amount: bigint; data: Hex }[] = [];
  for (const p of b.pulls) {
    const have = await client.readContract({
      address: p.token,
      abi: erc20,
      functionName: 'allowance',
      args: [owner, executor],
    });
    if (have >= p.amount) continue;
    const approve = (amount: bigint) => ({
      token: p.token,
      amount,
      data: encodeFunctionData({ abi: erc20, functionName: 'approve', args: [executor, amount] }),
    });
    if (have > 0n) out.push(approve(0n));
    out.push(approve(maxUint256));
  }
  return out;
}
