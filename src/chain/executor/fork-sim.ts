/**
 * Local simulation for private sending (issue #30 item 5): with `--send-rpc`, the read RPC must never see the
 * batch's or the approvals' calldata (no eth_call, eth_estimateGas or eth_simulateV1 there: it could front-run
 * it). Every simulation runs instead on a local anvil forked from the read RPC, which only asks it for state
 * (code, storage, balances, blocks). `refresh()` re-forks at the read RPC's latest block (anvil_reset), so a
 * simulation after the approvals were mined sees them.
 */
import { createPublicClient, http, type PublicClient } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import { type AnvilNode, startAnvil } from '../anvil.ts';

export class ForkSimulatorError extends BallastError {
  static override readonly next: Next = 'retry';
  override readonly name = 'ForkSimulatorError';
}

export interface ForkSimulator {
  readonly client: PublicClient;
  /** Re-forks at the read RPC's latest block. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/** The read RPC's URL never appears in a message (it can carry an API key). */
const masked = (e: unknown, url: string): string =>
  (e as Error).message.split(url).join('<read rpc>').split('\n').slice(0, 2).join(' ');

export async function startForkSimulator(readRpc: string, chainId: number): Promise<ForkSimulator> {
  let node: AnvilNode;
  try {
    node = await startAnvil({ chainId, args: ['--fork-url', readRpc, '--no-storage-caching'] });
  } catch (e) {
    throw new ForkSimulatorError(
      `--send-rpc simulates locally on an anvil fork of the read RPC, and it could not start: ${masked(e, readRpc)}`,
    );
  }
  const client = createPublicClient({ transport: http(node.rpcUrl, { timeout: 60_000 }) }) as PublicClient;
  return {
    client,
    refresh: async () => {
      await client.request({ method: 'anvil_reset', params: [{ forking: { jsonRpcUrl: readRpc } }] } as never);
    },
    stop: () => node.stop(),
  };
}
