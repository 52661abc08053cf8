/**
 * eth_sendRawTransaction and its outcome (issue #30 item 6): the node answered with a JSON-RPC error → it
 * refused the transaction with certainty (never mined under this hash: journaled `rejected`, its nonce reused);
 * "already known" → it holds it (accepted); no answer (network error, timeout, HTTP failure) → unknown, to be
 * resolved by lookup, never by signing again.
 */
import {
  BaseError,
  createPublicClient,
  type Hex,
  http,
  type PublicClient,
  RpcRequestError,
  type TransactionReceipt,
} from 'viem';
import type { ChainTxIntent } from '../../store/chain-txs.ts';
import type { ChainTxPort } from '../../store/ports.ts';

export type BroadcastOutcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** First lines of an error, any URL masked (a private endpoint's URL can carry an API key). */
export const short = (e: unknown): string =>
  (e as Error).message
    .split('\n')
    .slice(0, 2)
    .join(' ')
    .replace(/\b[a-z]+:\/\/\S+/gi, '<url>');

/** The node already holds these exact bytes (a re-broadcast after a crash, or a second path). */
const ALREADY_KNOWN = /already known|known transaction|already imported|already exists/i;

export function sendClient(read: PublicClient, sendRpcUrl: string | undefined): PublicClient {
  return sendRpcUrl === undefined
    ? read
    : (createPublicClient({ transport: http(sendRpcUrl, { timeout: 30_000, retryCount: 1 }) }) as PublicClient);
}

export async function broadcastRaw(via: PublicClient, raw: Hex): Promise<BroadcastOutcome> {
  try {
    await via.request({ method: 'eth_sendRawTransaction', params: [raw] });
    return { kind: 'accepted' };
  } catch (e) {
    const rpc = e instanceof BaseError ? e.walk((x) => x instanceof RpcRequestError) : null;
    if (rpc instanceof RpcRequestError) {
      const why = rpc.details || rpc.shortMessage;
      if (ALREADY_KNOWN.test(why)) return { kind: 'accepted' };
      return { kind: 'refused', reason: `the node refused it (${rpc.code}: ${why.slice(0, 200)})` };
    }
    return { kind: 'unknown', reason: `no answer from the node (${short(e)})` };
  }
}

/** Journals a mined transaction's receipt (success → filled, reverted → rejected). */
export function recordReceipt(
  journal: ChainTxPort,
  cid: string,
  r: TransactionReceipt,
  at: number,
): Promise<ChainTxIntent> {
  return journal.recordReceipt(
    cid,
    {
      blockNumber: Number(r.blockNumber),
      blockHash: r.blockHash,
      gasUsed: r.gasUsed,
      effectiveGasPrice: r.effectiveGasPrice,
      status: r.status,
    },
    at,
  );
}
