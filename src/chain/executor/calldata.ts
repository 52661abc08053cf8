/** BallastExecutor.execute calldata, its eth_call simulation and the owner's exact approvals for it. */
import { type Address, decodeFunctionResult, encodeFunctionData, type Hex, type PublicClient, parseAbi } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import type { Batch } from '../rebalance/build.ts';
import { executorArtifact } from './artifact.ts';
import { explainRevert } from './revert.ts';

export { explainRevert } from './revert.ts';

const erc20 = parseAbi([
  'function approve(address spender, uint256 amount) returns (bool)',
  'function allowance(address owner, address spender) view returns (uint256)',
]);

/** What execute() takes: a built Batch or hand-made legs. */
export type ExecuteArgs = Pick<Batch, 'pulls' | 'legs' | 'valuations' | 'minTotalValue' | 'deadline'>;

export function encodeExecute(b: ExecuteArgs): Hex {
  return encodeFunctionData({
    abi: executorArtifact().abi,
    functionName: 'execute',
    args: [b.pulls, b.legs, b.valuations, b.minTotalValue, b.deadline],
  });
}

export interface Simulation {
  /** Output of each executor leg, in order. */
  readonly outs: readonly bigint[];
  /** USD × 1e18 of the outputs at the oracle prices read on chain. */
  readonly totalValue: bigint;
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
  const [outs, totalValue] = decodeFunctionResult({
    abi: executorArtifact().abi,
    functionName: 'execute',
    data: r.data ?? '0x',
  }) as readonly [readonly bigint[], bigint];
  return { outs, totalValue };
}

/** approve(executor, amount) calldata for each pull whose allowance is not already exactly that amount. */
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
    if (have === p.amount) continue;
    out.push({
      token: p.token,
      amount: p.amount,
      data: encodeFunctionData({ abi: erc20, functionName: 'approve', args: [executor, p.amount] }),
    });
  }
  return out;
}
