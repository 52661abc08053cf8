/**
 * The chain's head, no older than a block we already saw mined. A node can answer `latest` from the block
 * before the one whose receipt it just gave (anvil publishes a new block's receipt, state and environment
 * in separate steps; geth has had the same lag: foundry-rs/foundry#16368, ethereum/go-ethereum#31798). A
 * solver that reads pools at that stale head simulates a settlement on the state before its own previous
 * one, and the transaction then reverts on the real state. So each read is pinned to a block number at or
 * after the last receipt's, waited for here.
 */
import type { PublicClient } from 'viem';
import { ChainError } from './errors.ts';

export interface Head {
  readonly number: bigint;
  readonly timestamp: bigint;
}

/** The latest block once its number is ≥ `floor` (polls every `pollMs`; one line after `timeoutMs`). */
export async function headAtLeast(
  client: PublicClient,
  floor: bigint,
  opts: { pollMs?: number; timeoutMs?: number } = {},
): Promise<Head> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const b = await client.getBlock({ blockTag: 'latest' });
    if (b.number >= floor) return { number: b.number, timestamp: b.timestamp };
    if (Date.now() > deadline)
      throw new ChainError(`the node's latest block is ${b.number}, still before block ${floor} it already mined`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 25));
  }
}
