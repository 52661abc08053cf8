/**
 * Resolution of unfinished chain transactions (issue #30 item 1): every entry point that sends runs it first
 * and refuses to plan while one stays unresolved (requireResolved). Each journaled transaction of the
 * portfolio or of the signing account is looked up by hash and by the account's nonce:
 *   mined → its receipt; pending at the node → still unresolved;
 *   unknown to the node and its nonce consumed → the receipt is read AGAIN (it may have been mined between the
 *     first lookup and the nonce read), and only then is it settled as never mined;
 *   unknown to the node, nonce free → past the batch's deadline it is never re-broadcast (settled: if some
 *     node still mines it, it reverts Expired); otherwise the SAME signed bytes are re-broadcast (one hash is
 *     mined at most once: never a second send) and waited for.
 * It signs something new only to replace a transaction still pending after `replaceAfterMs` (same nonce: at
 * most one of them is mined).
 */
import type { Address, Hex, TransactionReceipt } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import type { ChainTxIntent } from '../../store/chain-txs.ts';
import { broadcastRaw, recordReceipt, sendClient } from './broadcast.ts';
import { ChainTxPendingError, replaceStuck, type Sender } from './send.ts';

/** What resolution needs: a sender without a cycle (it never signs). */
export type Resolver = Omit<Sender, 'cycle'>;

export class UnresolvedChainTxError extends BallastError {
  static override readonly next: Next = 'lookup';
  override readonly name = 'UnresolvedChainTxError';
}

export interface Resolution {
  /** Settled by this run (filled, rejected, not_placed, canceled), in journal order. */
  readonly settled: ChainTxIntent[];
  /** Still unresolved: pending at the node, or no answer. */
  readonly pending: ChainTxIntent[];
}

/** The batch deadline journaled in a transaction's `calls` (decimal seconds), if any. */
export function deadlineOf(calls: unknown): bigint | undefined {
  const d = calls !== null && typeof calls === 'object' ? (calls as { deadline?: unknown }).deadline : undefined;
  return typeof d === 'string' && /^\d+$/.test(d) ? BigInt(d) : undefined;
}

async function receiptOf(s: Resolver, hash: Hex): Promise<TransactionReceipt | null> {
  return s.client.getTransactionReceipt({ hash }).catch(() => null);
}

async function waitFor(s: Resolver, hash: Hex): Promise<TransactionReceipt | null> {
  const limit = s.receiptTimeoutMs ?? 120_000;
  const started = Date.now();
  for (let i = 0; Date.now() - started <= limit; i++) {
    const r = await receiptOf(s, hash);
    if (r) return r;
    await new Promise((res) => setTimeout(res, Math.min(5 + 5 * i, 500)));
  }
  return null;
}

async function resolveOne(s: Resolver, t: ChainTxIntent): Promise<ChainTxIntent> {
  const now = s.now ?? Date.now;
  const j = s.journal;
  const cid = t.clientOrderId;
  const hash = t.txHash as Hex;
  const mined = await receiptOf(s, hash);
  if (mined) {
    await j.recordLookup(cid, now(), 'found');
    return recordReceipt(j, cid, mined, now());
  }
  const known = await s.client.getTransaction({ hash }).catch(() => null);
  if (known) {
    await j.recordLookup(cid, now(), 'found');
    return t.state === 'open' ? t : j.markAccepted(cid, now());
  }
  const latest = await s.client.getTransactionCount({ address: t.from as Address, blockTag: 'latest' });
  if (latest > t.nonce) {
    // The race: empty receipt, then mined, then the nonce read as used. Look again before settling.
    const late = await receiptOf(s, hash);
    await j.recordLookup(cid, now(), late ? 'found' : 'not_found');
    if (late) return recordReceipt(j, cid, late, now());
    return j.resolveNeverMined(cid, `nonce ${t.nonce} consumed by another transaction; ${hash} was never mined`, now());
  }
  await j.recordLookup(cid, now(), 'not_found');
  const deadline = deadlineOf(t.calls);
  if (deadline !== undefined) {
    const ts = (await s.client.getBlock()).timestamp;
    if (ts > deadline)
      return j.resolveNeverMined(
        cid,
        `dropped and past its deadline ${deadline} (block time ${ts}): not re-broadcast; if a node still mines it, it reverts Expired`,
        now(),
      );
  }
  if (t.state === 'committed') await j.markSent(cid, now());
  const out = await broadcastRaw(sendClient(s.client, s.sendRpcUrl), t.rawTx as Hex); // the same bytes
  if (out.kind === 'refused') {
    const late = await receiptOf(s, hash);
    if (late) return recordReceipt(j, cid, late, now());
    return j.markRejected(cid, `re-broadcast refused: ${out.reason}`, now());
  }
  if (out.kind === 'unknown') return t.state === 'open' ? t : j.markUnknown(cid, `re-broadcast: ${out.reason}`, now());
  const cur = await j.get(cid);
  if (cur.state !== 'open') await j.markAccepted(cid, now());
  const r = await waitFor(s, hash);
  return r ? recordReceipt(j, cid, r, now()) : j.get(cid);
}

const PENDING = ['committed', 'sent', 'open', 'unknown', 'partially_filled'];

/**
 * Looks up every unfinished transaction of the portfolio or of the signing account on this chain. With
 * `replaceAfterMs`, a nonce still pending that long after its newest transaction was journaled is replaced
 * now (same nonce, fees +12.5%: send.ts `replaceStuck`) and waited for.
 */
export async function resolveUnfinished(s: Resolver): Promise<Resolution> {
  const me = s.account.address.toLowerCase();
  const now = s.now ?? Date.now;
  const settled: ChainTxIntent[] = [];
  const pending: ChainTxIntent[] = [];
  for (const t of await s.journal.unfinished()) {
    if (t.chainId !== s.chainId || (t.portfolioId !== s.portfolioId && t.from !== me)) continue;
    const r = await resolveOne(s, t);
    (PENDING.includes(r.state) ? pending : settled).push(r);
  }
  if (s.replaceAfterMs === undefined || pending.length === 0) return { settled, pending };
  // one group per (intent, nonce): the children of one transaction and its replacements
  const groups = new Map<string, ChainTxIntent[]>();
  for (const t of pending) {
    const k = `${t.portfolioId}/${t.cycle}/${t.leg}/${t.nonce}`;
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  const still: ChainTxIntent[] = [];
  for (const g of groups.values()) {
    const newest = Math.max(...g.map((t) => t.createdAt));
    if (!g.every((t) => t.state === 'open') || now() - newest < s.replaceAfterMs) {
      still.push(...g);
      continue;
    }
    try {
      const done = await replaceStuck({ ...s, portfolioId: g[0]!.portfolioId, cycle: g[0]!.cycle }, g);
      settled.push(done.intent, ...(await Promise.all(g.map((t) => s.journal.get(t.clientOrderId)))));
    } catch (e) {
      if (!(e instanceof ChainTxPendingError)) throw e;
      const all = await s.journal.unfinished();
      still.push(
        ...all.filter((t) =>
          g.some((x) => x.nonce === t.nonce && x.portfolioId === t.portfolioId && x.from === t.from),
        ),
      );
    }
  }
  const seen = new Set<string>();
  const once = settled.filter((t) => !seen.has(t.clientOrderId) && seen.add(t.clientOrderId) !== undefined);
  return { settled: once, pending: still };
}

/**
 * Resolves first, then refuses (UnresolvedChainTxError, nothing planned or sent) while any transaction is
 * still unresolved, naming each hash and what to do.
 */
export async function requireResolved(s: Resolver): Promise<ChainTxIntent[]> {
  const { settled, pending } = await resolveUnfinished(s);
  if (pending.length > 0) {
    const list = pending.map((t) => `${t.txHash} (nonce ${t.nonce}, ${t.state})`).join(', ');
    throw new UnresolvedChainTxError(
      `not planned: ${pending.length === 1 ? 'a transaction' : 'transactions'} of ${s.account.address} ${pending.length === 1 ? 'is' : 'are'} still unresolved: ${list}; wait until ${pending.length === 1 ? 'it is' : 'they are'} mined (or dropped past the deadline) and run again: the next run looks ${pending.length === 1 ? 'it' : 'them'} up first and never sends a second batch meanwhile`,
      { details: { txHashes: pending.map((t) => t.txHash) } },
    );
  }
  return settled;
}

/** After a crash: resolves what it can and returns every unfinished transaction's outcome (settled, then pending). */
export async function resume(s: Resolver): Promise<ChainTxIntent[]> {
  const { settled, pending } = await resolveUnfinished(s);
  return [...settled, ...pending];
}
