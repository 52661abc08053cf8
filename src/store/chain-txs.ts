/**
 * On-chain transactions (issue #8) on the same intent state machine as exchange orders:
 *   commitTx (signed raw tx + hash + nonce, fsync'd) → markSent → markAccepted (in the mempool: open)
 *   → recordReceipt (success: filled | reverted: rejected); a broadcast that times out → markUnknown.
 * After a crash, look the hash up: mined → its receipt; pending → open; unknown to the node → re-broadcast
 * the SAME raw bytes (a hash can be mined at most once, so this is not a second send) or, once the
 * account's nonce moved past it, resolve not_placed. A replacement (same nonce, higher fee) is a new child.
 */
import { clientOrderIdFromPrefix } from '../core/orders/client-order-id.ts';
import { UNFINISHED_STATES } from '../core/orders/order-states.ts';
import { IllegalTransitionError, JournalConflictError, JournalInputError } from './errors.ts';
import { IntentCore, requireFinite, writeTx } from './intent-core.ts';
import { type IntentBase, type IntentRow, type OrderEvent, type OrderLookup, toIntentBase } from './intent-rows.ts';
import type { SqliteDatabase } from './open-database.ts';
import { toStoredJson } from './secrets.ts';

const HEX = /^0x[0-9a-f]*$/;

export interface ChainTxInput {
  readonly portfolioId: string;
  readonly cycle: number;
  /** 0 for a whole-portfolio batch; leg numbers when legs go in separate transactions. */
  readonly leg: number;
  /** 0, then 1, 2 … for replacements of the same nonce. */
  readonly child: number;
  /** e.g. 'evm:1' */
  readonly venue: string;
  readonly chainId: number;
  readonly from: string;
  readonly to: string | null;
  readonly nonce: number;
  readonly txHash: string;
  /** The signed serialized transaction (public once broadcast; it holds a signature, never a key). */
  readonly rawTx: string;
  readonly valueWei?: bigint;
  readonly gasLimit?: bigint;
  readonly maxFeePerGas?: bigint;
  /** The swaps batched in the transaction (legs, minimum outputs): JSON. */
  readonly calls?: unknown;
  /** Label of the send endpoint ('public', 'private'), never its URL. */
  readonly sendRpc?: string;
  readonly at: number;
}

export interface ChainReceipt {
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly status: 'success' | 'reverted';
}

export interface ChainTxIntent extends IntentBase {
  readonly kind: 'chain_tx';
  readonly chainId: number;
  readonly from: string;
  readonly to: string | null;
  readonly nonce: number;
  readonly txHash: string;
  readonly rawTx: string;
  readonly valueWei: bigint;
  readonly gasLimit: bigint | null;
  readonly maxFeePerGas: bigint | null;
  readonly calls: unknown;
  readonly sendRpc: string | null;
  readonly receipt: ChainReceipt | null;
}

export interface TxRow extends IntentRow {
  chain_id: number;
  from_address: string;
  to_address: string | null;
  nonce: number;
  tx_hash: string;
  raw_tx: string;
  value_wei: string;
  gas_limit: string | null;
  max_fee_per_gas: string | null;
  calls: string | null;
  send_rpc: string | null;
  block_number: number | null;
  block_hash: string | null;
  gas_used: string | null;
  effective_gas_price: string | null;
  receipt_status: 'success' | 'reverted' | null;
}

const big = (s: string | null): bigint | null => (s === null ? null : BigInt(s));
export const toTx = (r: TxRow): ChainTxIntent => ({
  ...toIntentBase(r),
  kind: 'chain_tx',
  chainId: r.chain_id,
  from: r.from_address,
  to: r.to_address,
  nonce: r.nonce,
  txHash: r.tx_hash,
  rawTx: r.raw_tx,
  valueWei: BigInt(r.value_wei),
  gasLimit: big(r.gas_limit),
  maxFeePerGas: big(r.max_fee_per_gas),
  calls: r.calls === null ? null : JSON.parse(r.calls),
  sendRpc: r.send_rpc,
  receipt:
    r.receipt_status === null || r.block_number === null
      ? null
      : {
          blockNumber: r.block_number,
          blockHash: r.block_hash ?? '',
          gasUsed: BigInt(r.gas_used ?? '0'),
          effectiveGasPrice: BigInt(r.effective_gas_price ?? '0'),
          status: r.receipt_status,
        },
});

export function hex(field: string, v: string, len?: number): string {
  const s = v.toLowerCase();
  if (!HEX.test(s) || (len !== undefined && s.length !== len))
    throw new JournalInputError(
      field,
      `must be 0x-prefixed hex${len === undefined ? '' : ` of ${len} characters`}, got ${JSON.stringify(v.slice(0, 80))}`,
    );
  return s;
}

/** Checks a transaction before either journal writes it (one line naming the field); returns its stored forms. */
export function checkTxInput(input: ChainTxInput): {
  from: string;
  to: string | null;
  txHash: string;
  rawTx: string;
  calls: string | null;
} {
  if (!Number.isSafeInteger(input.chainId) || input.chainId <= 0)
    throw new JournalInputError('chainId', `must be a positive integer, got ${input.chainId}`);
  if (!Number.isSafeInteger(input.nonce) || input.nonce < 0)
    throw new JournalInputError('nonce', `must be an integer ≥ 0, got ${input.nonce}`);
  requireFinite('at', input.at);
  const from = hex('from', input.from, 42);
  const to = input.to === null ? null : hex('to', input.to, 42);
  const txHash = hex('txHash', input.txHash, 66);
  const rawTx = hex('rawTx', input.rawTx);
  for (const [f, v] of [
    ['valueWei', input.valueWei],
    ['gasLimit', input.gasLimit],
    ['maxFeePerGas', input.maxFeePerGas],
  ] as const) {
    if (v !== undefined && v < 0n) throw new JournalInputError(f, `must be ≥ 0, got ${v}`);
  }
  const calls = input.calls === undefined ? null : toStoredJson('calls', input.calls);
  return { from, to, txHash, rawTx, calls };
}

export const SELECT_TX = 'SELECT i.*, c.* FROM order_intents i JOIN chain_txs c ON c.intent_id = i.id';

export class ChainTxJournal {
  readonly core: IntentCore;
  constructor(private readonly db: SqliteDatabase) {
    this.core = new IntentCore(db);
  }

  /** Commits the signed transaction durably BEFORE broadcasting it. Same child again with the same hash: returns it. */
  commitTx(input: ChainTxInput): ChainTxIntent {
    const { from, to, txHash, rawTx, calls } = checkTxInput(input);
    return writeTx(this.db, () => {
      const cid = clientOrderIdFromPrefix(this.core.prefixOf(input.portfolioId), input.cycle, input.leg, input.child);
      const existing = this.core.findRow(cid);
      if (existing !== undefined) {
        const tx = this.get(cid);
        if (existing.kind !== 'chain_tx' || tx.txHash !== txHash) {
          throw new JournalConflictError(
            `journal: intent ${cid} is already committed${existing.kind === 'chain_tx' ? ` as transaction ${tx.txHash}` : ' as an exchange order'}; a replacement must use a new child number.`,
          );
        }
        return tx;
      }
      this.core.requireCycle(input.portfolioId, input.cycle);
      const r = this.db
        .prepare(
          `INSERT INTO order_intents (client_order_id, portfolio_id, cycle, leg, child, kind, venue, state, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'chain_tx', ?, 'committed', ?, ?)`,
        )
        .run(cid, input.portfolioId, input.cycle, input.leg, input.child, input.venue, input.at, input.at);
      const id = Number(r.lastInsertRowid);
      this.db
        .prepare(
          `INSERT INTO chain_txs (intent_id, chain_id, from_address, to_address, nonce, tx_hash, raw_tx, value_wei, gas_limit, max_fee_per_gas, calls, send_rpc)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.chainId,
          from,
          to,
          input.nonce,
          txHash,
          rawTx,
          (input.valueWei ?? 0n).toString(),
          input.gasLimit?.toString() ?? null,
          input.maxFeePerGas?.toString() ?? null,
          calls,
          input.sendRpc ?? null,
        );
      this.core.created(id, input.at, { txHash, nonce: input.nonce });
      return this.get(cid);
    });
  }

  /** Journals that eth_sendRawTransaction is about to be called. Once only. */
  markSent(clientOrderId: string, at: number): ChainTxIntent {
    return writeTx(this.db, () => {
      const row = this.core.row(clientOrderId);
      if (row.state !== 'committed') throw new IllegalTransitionError(clientOrderId, row.state, 'sent');
      this.core.transition(row, 'sent', { reason: 'raw transaction broadcast', at });
      return this.get(clientOrderId);
    });
  }

  /** The node accepted it into its mempool (pending). */
  markAccepted(clientOrderId: string, at: number): ChainTxIntent {
    return this.move(clientOrderId, 'open', 'accepted by the node (pending)', at);
  }

  markUnknown(clientOrderId: string, reason: string, at: number): ChainTxIntent {
    return this.move(clientOrderId, 'unknown', reason, at);
  }

  /** The node refused it with certainty (e.g. nonce too low, insufficient funds): never mined. */
  markRejected(clientOrderId: string, reason: string, at: number): ChainTxIntent {
    return this.move(clientOrderId, 'rejected', reason, at);
  }

  /** The transaction was mined: success → filled, reverted → rejected (its nonce is consumed either way). */
  recordReceipt(clientOrderId: string, receipt: ChainReceipt, at: number): ChainTxIntent {
    return writeTx(this.db, () => {
      const row = this.core.row(clientOrderId);
      this.db
        .prepare(
          'UPDATE chain_txs SET block_number = ?, block_hash = ?, gas_used = ?, effective_gas_price = ?, receipt_status = ? WHERE intent_id = ?',
        )
        .run(
          receipt.blockNumber,
          hex('blockHash', receipt.blockHash, 66),
          receipt.gasUsed.toString(),
          receipt.effectiveGasPrice.toString(),
          receipt.status,
          row.id,
        );
      const to = receipt.status === 'success' ? 'filled' : 'rejected';
      this.core.transition(row, to, {
        reason:
          receipt.status === 'success'
            ? `mined in block ${receipt.blockNumber}`
            : `reverted in block ${receipt.blockNumber}`,
        at,
      });
      return this.get(clientOrderId);
    });
  }

  /** Journals a lookup of the hash after a crash or timeout ('found' = known to the node). */
  recordLookup(clientOrderId: string, at: number, result: 'found' | 'not_found' | 'error', error?: string): void {
    writeTx(this.db, () => this.core.recordLookup(this.core.row(clientOrderId), at, result, null, error ?? null));
  }

  /** Never mined and never will be (the account's nonce moved past it): the next cycle re-plans. */
  resolveNotPlaced(clientOrderId: string, reason: string, at: number): ChainTxIntent {
    return this.move(clientOrderId, 'not_placed', reason, at);
  }

  /**
   * Never mined and never will be under this hash (the account's nonce was consumed by another transaction,
   * or it was dropped past its deadline), from whatever unfinished state it is in: committed or unknown →
   * not_placed; sent → unknown → not_placed (the state machine wants a lookup in between); open (the node had
   * accepted it, then dropped or replaced it) → canceled. Its nonce is free again unless another mined it.
   */
  resolveNeverMined(clientOrderId: string, reason: string, at: number): ChainTxIntent {
    return writeTx(this.db, () => {
      let row = this.core.row(clientOrderId);
      if (row.state === 'sent') row = this.core.transition(row, 'unknown', { reason, at });
      this.core.transition(row, row.state === 'open' ? 'canceled' : 'not_placed', { reason, at });
      return this.get(clientOrderId);
    });
  }

  private move(
    clientOrderId: string,
    to: 'open' | 'unknown' | 'rejected' | 'not_placed',
    reason: string,
    at: number,
  ): ChainTxIntent {
    return writeTx(this.db, () => {
      this.core.transition(this.core.row(clientOrderId), to, { reason, at });
      return this.get(clientOrderId);
    });
  }

  get(clientOrderId: string): ChainTxIntent {
    this.core.row(clientOrderId);
    return toTx(this.db.prepare(`${SELECT_TX} WHERE i.client_order_id = ?`).get(clientOrderId) as TxRow);
  }

  findByHash(txHash: string): ChainTxIntent | undefined {
    const r = this.db.prepare(`${SELECT_TX} WHERE c.tx_hash = ?`).get(txHash.toLowerCase()) as TxRow | undefined;
    return r === undefined ? undefined : toTx(r);
  }

  /** Chain transactions to resolve on start, oldest first. */
  unfinished(portfolioId?: string): ChainTxIntent[] {
    const states = UNFINISHED_STATES.map((s) => `'${s}'`).join(',');
    const rows = this.db
      .prepare(`${SELECT_TX} WHERE i.state IN (${states}) AND (? IS NULL OR i.portfolio_id = ?) ORDER BY i.id`)
      .all(portfolioId ?? null, portfolioId ?? null) as TxRow[];
    return rows.map(toTx);
  }

  /**
   * Highest nonce the journal may have used for this account (undefined if none): counts every
   * transaction that might be or was mined; only not_placed, node-refused (rejected without a receipt) and
   * dropped (canceled without a receipt) ones free their nonce.
   * The next nonce is max(this + 1, the node's pending nonce).
   */
  highestNonce(chainId: number, from: string): number | undefined {
    const r = this.db
      .prepare(
        `SELECT MAX(c.nonce) AS n FROM chain_txs c JOIN order_intents i ON i.id = c.intent_id
         WHERE c.chain_id = ? AND c.from_address = ? AND i.state <> 'not_placed' AND NOT (i.state IN ('rejected','canceled') AND c.receipt_status IS NULL)`,
      )
      .get(chainId, from.toLowerCase()) as { n: number | null };
    return r.n ?? undefined;
  }

  events(clientOrderId: string): OrderEvent[] {
    return this.core.events(clientOrderId);
  }

  lookups(clientOrderId: string): OrderLookup[] {
    return this.core.lookups(clientOrderId);
  }
}
