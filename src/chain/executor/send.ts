/**
 * Sending on-chain transactions like exchange orders (issue #8 §3, issue #30 items 1 and 6): simulate first
 * (eth_call + eth_estimateGas, on `simulator` when the read RPC must not see the calldata), pick the nonce from
 * the node AND the journal, take fees under the configured cap, sign locally, journal the signed bytes durably,
 * then broadcast (optionally through a private endpoint used only for eth_sendRawTransaction) and wait for the
 * receipt. A node's refusal is journaled `rejected` (the nonce is reused by the next transaction); no answer is
 * `unknown` (resolved by lookup, resolve.ts). A transaction still pending after `replaceAfterMs` is replaced
 * with the same nonce and bumped fees (a new child of the same intent); whichever is mined settles the others.
 */
import {
  type Address,
  type Hex,
  keccak256,
  type PrivateKeyAccount,
  type PublicClient,
  parseTransaction,
  type TransactionReceipt,
} from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import type { ChainTxIntent } from '../../store/chain-txs.ts';
import type { ChainTxPort } from '../../store/ports.ts';
import { gasWithHeadroom } from '../gas-headroom.ts';
import { broadcastRaw, recordReceipt, sendClient } from './broadcast.ts';
import { explainRevert } from './calldata.ts';
import { bumpedFees, cappedFees, type Fees } from './fees.ts';

export class ChainSendError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name: string = 'ChainSendError';
}

/** A transaction may be out and its outcome is not known yet: look it up (run again later), never re-send. */
export class ChainTxPendingError extends ChainSendError {
  static override readonly next: Next = 'lookup';
  override readonly name = 'ChainTxPendingError';
}

export interface Sender {
  /** The read RPC: nonces, fees, receipts, lookups (and simulation unless `simulator` is set). */
  readonly client: PublicClient;
  readonly account: PrivateKeyAccount;
  readonly chainId: number;
  readonly journal: ChainTxPort;
  readonly portfolioId: string;
  readonly cycle: number;
  /** Private transaction endpoint: used ONLY for eth_sendRawTransaction (never for reads). */
  readonly sendRpcUrl?: string;
  /** Where eth_call/eth_estimateGas run (e.g. a local anvil fork of the read RPC); default `client`. */
  readonly simulator?: PublicClient;
  /** Fee cap: the max fee per gas never exceeds it; above it nothing is sent (FeeCapError). */
  readonly maxFeePerGas?: bigint;
  /** Replace a transaction still pending after this long (same nonce, fees +12.5%); default never. */
  readonly replaceAfterMs?: number;
  readonly now?: () => number;
  /** Receipt wait limit; default 120 s. */
  readonly receiptTimeoutMs?: number;
  /**
   * Crash-trial hook (tests only): called after signing (nothing journaled yet), after the signed bytes are
   * journaled (nothing broadcast yet) and after the node accepted them (no receipt read yet).
   */
  readonly hook?: (point: 'signed' | 'journaled' | 'broadcast', txHash: string) => void;
}

export interface TxRequest {
  readonly to: Address;
  readonly data: Hex;
  /** Journal leg: 0 for the batch, 1… for its approvals. */
  readonly leg: number;
  /**
   * What the transaction does, journaled as JSON. A batch's object carries `rebalanceId` and `deadline`
   * (decimal seconds): a dropped transaction is never re-broadcast after its deadline (resolve.ts).
   */
  readonly calls: unknown;
}

export interface SentTx {
  readonly intent: ChainTxIntent;
  readonly receipt: TransactionReceipt;
}

/** eth_call then eth_estimateGas from the sender: throws ChainSendError with the revert reason. */
export async function simulate(s: Sender, req: TxRequest): Promise<bigint> {
  const on = s.simulator ?? s.client;
  try {
    await on.call({ account: s.account.address, to: req.to, data: req.data });
    return await on.estimateGas({ account: s.account.address, to: req.to, data: req.data });
  } catch (e) {
    throw new ChainSendError(`simulation of leg ${req.leg} reverted, nothing sent: ${explainRevert(e)}`);
  }
}

interface Signed {
  readonly cid: string;
  readonly hash: Hex;
  readonly fees: Fees;
  readonly child: number;
}

interface Unsigned {
  readonly req: TxRequest;
  readonly nonce: number;
  readonly gasLimit: bigint;
}

/** Signs, journals (before anything leaves) and broadcasts one child; throws on a refusal or no answer. */
async function signAndBroadcast(s: Sender, u: Unsigned, fees: Fees, child: number): Promise<Signed> {
  const now = s.now ?? Date.now;
  const raw = await s.account.signTransaction({
    type: 'eip1559',
    chainId: s.chainId,
    to: u.req.to,
    data: u.req.data,
    nonce: u.nonce,
    gas: u.gasLimit,
    maxFeePerGas: fees.maxFeePerGas,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
  });
  const hash = keccak256(raw);
  s.hook?.('signed', hash);
  const intent = await s.journal.commitTx({
    portfolioId: s.portfolioId,
    cycle: s.cycle,
    leg: u.req.leg,
    child,
    venue: `evm:${s.chainId}`,
    chainId: s.chainId,
    from: s.account.address,
    to: u.req.to,
    nonce: u.nonce,
    txHash: hash,
    rawTx: raw,
    gasLimit: u.gasLimit,
    maxFeePerGas: fees.maxFeePerGas,
    calls: u.req.calls,
    sendRpc: s.sendRpcUrl === undefined ? 'public' : 'private',
    at: now(),
  });
  const cid = intent.clientOrderId;
  s.hook?.('journaled', hash);
  await s.journal.markSent(cid, now());
  const out = await broadcastRaw(sendClient(s.client, s.sendRpcUrl), raw);
  if (out.kind === 'refused') {
    await s.journal.markRejected(cid, `broadcast refused: ${out.reason}`, now());
    throw new ChainSendError(
      `broadcast of ${hash} (nonce ${u.nonce}) refused: ${out.reason}; journaled rejected, never mined: the nonce is reused by the next transaction`,
    );
  }
  if (out.kind === 'unknown') {
    await s.journal.markUnknown(cid, `broadcast: ${out.reason}`, now());
    throw new ChainTxPendingError(
      `broadcast of ${hash} has no answer (${out.reason}); journaled unknown: run again later, the next run looks it up before planning anything`,
    );
  }
  s.hook?.('broadcast', hash);
  await s.journal.markAccepted(cid, now());
  return { cid, hash, fees, child };
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/**
 * Waits for any child's receipt, replacing the transaction `replaceAfterMs` after `lastSent` (then again after
 * each replacement); when one is mined the others are settled `canceled`.
 */
async function waitMined(s: Sender, u: Unsigned, children: readonly Signed[], lastSentAt?: number): Promise<SentTx> {
  const now = s.now ?? Date.now;
  const limit = s.receiptTimeoutMs ?? 120_000;
  const started = Date.now();
  let lastSent = lastSentAt ?? started;
  const live: Signed[] = [...children];
  for (let i = 0; ; i++) {
    for (const c of live) {
      const r = await s.client.getTransactionReceipt({ hash: c.hash }).catch(() => null);
      if (!r) continue;
      const done = await recordReceipt(s.journal, c.cid, r, now());
      for (const o of live)
        if (o !== c)
          await s.journal.resolveNeverMined(o.cid, `replaced: nonce ${u.nonce} was mined as ${c.hash}`, now());
      return { intent: done, receipt: r };
    }
    if (Date.now() - started > limit)
      throw new ChainTxPendingError(
        `no receipt for ${live.map((c) => c.hash).join(' or ')} (nonce ${u.nonce}) after ${limit} ms: it stays open in the journal; run again later: the next run resolves it before planning anything`,
      );
    if (s.replaceAfterMs !== undefined && Date.now() - lastSent >= s.replaceAfterMs) {
      lastSent = Date.now();
      const last = live[live.length - 1]!;
      const fees = await bumpedFees(s.client, last.fees, s.maxFeePerGas);
      if (fees !== undefined) {
        const child = Math.max(...live.map((c) => c.child)) + 1;
        try {
          live.push(await signAndBroadcast(s, u, fees, child));
        } catch (e) {
          if (e instanceof ChainTxPendingError) continue; // journaled unknown: still looked up at the end
          if (!(e instanceof ChainSendError)) throw e; // a refused replacement: the original keeps waiting
        }
      }
    }
    await sleep(Math.min(5 + 5 * i, 500));
  }
}

/** Simulates, signs, journals, sends and waits for the receipt of one transaction. */
export async function sendTx(s: Sender, req: TxRequest): Promise<SentTx> {
  const gas = await simulate(s, req);
  const pending = await s.client.getTransactionCount({ address: s.account.address, blockTag: 'pending' });
  const journaled = await s.journal.highestNonce(s.chainId, s.account.address);
  const nonce = Math.max(pending, journaled === undefined ? 0 : journaled + 1);
  const fees = await cappedFees(s.client, s.maxFeePerGas);
  const u: Unsigned = { req, nonce, gasLimit: gasWithHeadroom(gas) };
  const sent = await waitMined(s, u, [await signAndBroadcast(s, u, fees, 0)]);
  if (sent.receipt.status !== 'success')
    throw new ChainSendError(
      `transaction ${sent.receipt.transactionHash} reverted in block ${sent.receipt.blockNumber} (journaled)`,
    );
  return sent;
}

/**
 * A transaction found still pending by a later run (resolve.ts), its wait past `replaceAfterMs`: replaced now
 * with the same nonce, to, data and gas (read back from its journaled signed bytes) and fees +12.5%, then
 * waited for like a fresh one. `children` are the journaled transactions of that nonce still pending.
 */
export async function replaceStuck(s: Sender, children: readonly ChainTxIntent[]): Promise<SentTx> {
  const first = parseTransaction(children[0]!.rawTx as Hex);
  const u: Unsigned = {
    req: { to: first.to as Address, data: first.data ?? '0x', leg: children[0]!.leg, calls: children[0]!.calls },
    nonce: children[0]!.nonce,
    gasLimit: first.gas ?? 0n,
  };
  const signed = children.map((c): Signed => {
    const t = parseTransaction(c.rawTx as Hex);
    return {
      cid: c.clientOrderId,
      hash: c.txHash as Hex,
      fees: { maxFeePerGas: t.maxFeePerGas ?? 0n, maxPriorityFeePerGas: t.maxPriorityFeePerGas ?? 0n },
      child: c.child,
    };
  });
  signed.sort((a, b) => a.child - b.child);
  return waitMined(s, u, signed, 0);
}
