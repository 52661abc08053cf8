/**
 * Sending on-chain transactions like exchange orders (issue #8 §3): simulate with eth_call first, pick the
 * nonce from the node AND the journal, sign locally, journal the signed bytes durably, then broadcast
 * (optionally through a private endpoint used only for eth_sendRawTransaction) and record the receipt.
 * After a crash, resume() looks each unfinished hash up: mined → receipt; unknown with its nonce consumed →
 * not_placed; else the SAME raw bytes are re-broadcast (one hash is mined at most once: never a second send).
 */
import {
  type Address,
  createPublicClient,
  type Hex,
  http,
  keccak256,
  type PrivateKeyAccount,
  type PublicClient,
  type TransactionReceipt,
} from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import type { ChainTxIntent } from '../../store/chain-txs.ts';
import type { ChainTxPort } from '../../store/ports.ts';
import { explainRevert } from './calldata.ts';

export class ChainSendError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'ChainSendError';
}

export interface Sender {
  readonly client: PublicClient;
  readonly account: PrivateKeyAccount;
  readonly chainId: number;
  readonly journal: ChainTxPort;
  readonly portfolioId: string;
  readonly cycle: number;
  /** Private transaction endpoint: used ONLY for eth_sendRawTransaction (never for reads). */
  readonly sendRpcUrl?: string;
  readonly now?: () => number;
  /** Receipt wait limit; default 120 s. */
  readonly receiptTimeoutMs?: number;
}

export interface TxRequest {
  readonly to: Address;
  readonly data: Hex;
  /** Journal leg: 0 for the batch, 1… for its approvals. */
  readonly leg: number;
  /** What the transaction does (legs, minimum outputs), journaled as JSON. */
  readonly calls: unknown;
}

export interface SentTx {
  readonly intent: ChainTxIntent;
  readonly receipt: TransactionReceipt;
}

const short = (e: unknown): string => (e as Error).message.split('\n').slice(0, 2).join(' ');

/** eth_call then eth_estimateGas from the sender: throws ChainSendError with the revert reason. */
export async function simulate(s: Sender, req: TxRequest): Promise<bigint> {
  try {
    await s.client.call({ account: s.account.address, to: req.to, data: req.data });
    return await s.client.estimateGas({ account: s.account.address, to: req.to, data: req.data });
  } catch (e) {
    throw new ChainSendError(`simulation of leg ${req.leg} reverted, nothing sent: ${explainRevert(e)}`);
  }
}

async function broadcast(s: Sender, raw: Hex): Promise<void> {
  const via =
    s.sendRpcUrl === undefined ? s.client : createPublicClient({ transport: http(s.sendRpcUrl, { timeout: 30_000 }) });
  await via.request({ method: 'eth_sendRawTransaction', params: [raw] });
}

async function waitReceipt(s: Sender, hash: Hex): Promise<TransactionReceipt> {
  const limit = s.receiptTimeoutMs ?? 120_000;
  const started = Date.now();
  for (let i = 0; ; i++) {
    const r = await s.client.getTransactionReceipt({ hash }).catch(() => null);
    if (r) return r;
    if (Date.now() - started > limit)
      throw new ChainSendError(
        `no receipt for ${hash} after ${limit} ms: it stays open in the journal; run resume() later`,
      );
    await new Promise((res) => setTimeout(res, Math.min(5 + 5 * i, 500)));
  }
}

function record(s: Sender, cid: string, r: TransactionReceipt): Promise<ChainTxIntent> {
  return s.journal.recordReceipt(
    cid,
    {
      blockNumber: Number(r.blockNumber),
      blockHash: r.blockHash,
      gasUsed: r.gasUsed,
      effectiveGasPrice: r.effectiveGasPrice,
      status: r.status,
    },
    (s.now ?? Date.now)(),
  );
}

/** Simulates, signs, journals, sends and waits for the receipt of one transaction. */
export async function sendTx(s: Sender, req: TxRequest): Promise<SentTx> {
  const now = s.now ?? Date.now;
  const gas = await simulate(s, req);
  const pending = await s.client.getTransactionCount({ address: s.account.address, blockTag: 'pending' });
  const journaled = await s.journal.highestNonce(s.chainId, s.account.address);
  const nonce = Math.max(pending, journaled === undefined ? 0 : journaled + 1);
  const fees = await s.client.estimateFeesPerGas();
  const gasLimit = (gas * 12n) / 10n; // 20% headroom over the estimate
  const raw = await s.account.signTransaction({
    type: 'eip1559',
    chainId: s.chainId,
    to: req.to,
    data: req.data,
    nonce,
    gas: gasLimit,
    maxFeePerGas: fees.maxFeePerGas,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
  });
  const hash = keccak256(raw);
  const intent = await s.journal.commitTx({
    portfolioId: s.portfolioId,
    cycle: s.cycle,
    leg: req.leg,
    child: 0,
    venue: `evm:${s.chainId}`,
    chainId: s.chainId,
    from: s.account.address,
    to: req.to,
    nonce,
    txHash: hash,
    rawTx: raw,
    gasLimit,
    maxFeePerGas: fees.maxFeePerGas,
    calls: req.calls,
    sendRpc: s.sendRpcUrl === undefined ? 'public' : 'private',
    at: now(),
  });
  const cid = intent.clientOrderId;
  await s.journal.markSent(cid, now());
  try {
    await broadcast(s, raw);
  } catch (e) {
    await s.journal.markUnknown(cid, `broadcast failed: ${short(e)}`, now());
    throw new ChainSendError(
      `broadcast of ${hash} failed (${short(e)}); journaled as unknown, run resume() before re-planning`,
    );
  }
  await s.journal.markAccepted(cid, now());
  const receipt = await waitReceipt(s, hash);
  const done = await record(s, cid, receipt);
  if (receipt.status !== 'success')
    throw new ChainSendError(`transaction ${hash} reverted in block ${receipt.blockNumber} (journaled)`);
  return { intent: done, receipt };
}

/** Resolves every unfinished transaction of the portfolio after a crash; never signs anything new. */
export async function resume(s: Sender): Promise<ChainTxIntent[]> {
  const now = s.now ?? Date.now;
  const out: ChainTxIntent[] = [];
  for (const t of await s.journal.unfinished(s.portfolioId)) {
    if (t.chainId !== s.chainId) continue;
    const hash = t.txHash as Hex;
    const mined = await s.client.getTransactionReceipt({ hash }).catch(() => null);
    if (mined) {
      await s.journal.recordLookup(t.clientOrderId, now(), 'found');
      out.push(await record(s, t.clientOrderId, mined));
      continue;
    }
    const known = await s.client.getTransaction({ hash }).catch(() => null);
    await s.journal.recordLookup(t.clientOrderId, now(), known ? 'found' : 'not_found');
    if (known) {
      out.push(t);
      continue;
    }
    const latest = await s.client.getTransactionCount({ address: t.from as Address, blockTag: 'latest' });
    if (latest > t.nonce) {
      out.push(
        await s.journal.resolveNotPlaced(t.clientOrderId, `nonce ${t.nonce} consumed by another transaction`, now()),
      );
      continue;
    }
    if (t.state === 'committed') await s.journal.markSent(t.clientOrderId, now());
    await broadcast(s, t.rawTx as Hex); // the same signed bytes: same hash, minable once
    out.push(await record(s, t.clientOrderId, await waitReceipt(s, hash)));
  }
  return out;
}
