/**
 * One `settle` transaction of the solver, both paths (each order alone, the batch): simulated from the solver
 * at a pinned block (the block every read of the plan used: head.ts), then sent to the head and waited for.
 * The gas limit is the estimate plus 20% (gas-headroom.ts). A send that simulated fine and still reverted
 * says which call failed, from the node's trace.
 */
import type { Hex, TransactionReceipt, WalletClient } from 'viem';
import { gasWithHeadroom } from '../gas-headroom.ts';
import { revertOf } from '../trace-revert.ts';
import { SolverError } from './errors.ts';
import { firstLine, type SettleArgs, type SolverDeps, settlementAbi } from './solve.ts';

type Request = Parameters<WalletClient['writeContract']>[0];

/** The send request if `settle(args)` succeeds at `block`, else the simulation's first line. */
export async function simulateSettle(
  d: SolverDeps,
  a: SettleArgs,
  block: bigint,
): Promise<{ readonly request: Request } | { readonly error: string }> {
  try {
    const sim = await d.client.simulateContract({
      address: d.fixture.contracts.gpv2Settlement,
      abi: settlementAbi,
      functionName: 'settle',
      args: [a.tokens, a.prices, a.trades, a.interactions] as never,
      account: d.account,
      blockNumber: block,
    });
    // the pinned block is the simulation's only: the transaction goes to the head as usual
    const { blockNumber: _pinned, ...req } = sim.request as typeof sim.request & { blockNumber?: bigint };
    return { request: req as Request };
  } catch (err) {
    return { error: firstLine(err) };
  }
}

export interface SentSettle {
  readonly hash: Hex;
  readonly receipt: TransactionReceipt;
  /** Set when it reverted on chain: the failing call and its reason. */
  readonly reverted?: string;
}

/** Sends a simulated settlement from the solver's wallet and waits for its receipt. */
export async function sendSettle(d: SolverDeps, request: Request): Promise<SentSettle> {
  if (d.wallet === undefined) throw new SolverError('sending needs the solver wallet', { next: 'stop' });
  const estimate = await d.client.estimateContractGas({ ...(request as object), account: d.account } as never);
  const hash = await d.wallet.writeContract({ ...request, gas: gasWithHeadroom(estimate) });
  const receipt = await d.client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status === 'success') return { hash, receipt };
  return { hash, receipt, reverted: `simulated, then reverted on chain: ${await revertOf(d.client, hash)}` };
}
