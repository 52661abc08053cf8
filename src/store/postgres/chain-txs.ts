/** The PostgreSQL image of ChainTxJournal (../chain-txs.ts): the same protocol, checks and messages. */
import { clientOrderIdFromPrefix } from '../../core/orders/client-order-id.ts';
import { UNFINISHED_STATES } from '../../core/orders/order-states.ts';
import {
  type ChainReceipt,
  type ChainTxInput,
  type ChainTxIntent,
  checkTxInput,
  hex,
  SELECT_TX,
  type TxRow,
  toTx,
} from '../chain-txs.ts';
import { IllegalTransitionError, JournalConflictError } from '../errors.ts';
import type { OrderEvent, OrderLookup } from '../intent-rows.ts';
import type { ChainTxPort } from '../ports.ts';
import { PgIntentCore } from './intent-core.ts';
import type { Sql } from './sql.ts';

export class PgChainTxJournal implements ChainTxPort {
  private readonly core: PgIntentCore;
  constructor(private readonly sql: Sql) {
    this.core = new PgIntentCore(sql);
  }

  async commitTx(input: ChainTxInput): Promise<ChainTxIntent> {
    const { from, to, txHash, rawTx, calls } = checkTxInput(input);
    return this.sql.tx(async (s) => {
      const self = new PgChainTxJournal(s);
      const cid = clientOrderIdFromPrefix(
        await self.core.prefixOf(input.portfolioId),
        input.cycle,
        input.leg,
        input.child,
      );
      const existing = await self.core.findRow(cid);
      if (existing !== undefined) {
        const tx = existing.kind === 'chain_tx' ? await self.get(cid) : undefined;
        if (tx === undefined || tx.txHash !== txHash) {
          throw new JournalConflictError(
            `journal: intent ${cid} is already committed${tx !== undefined ? ` as transaction ${tx.txHash}` : ' as an exchange order'}; a replacement must use a new child number.`,
          );
        }
        return tx;
      }
      await self.core.requireCycle(input.portfolioId, input.cycle);
      const r = await s.run(
        `INSERT INTO order_intents (client_order_id, portfolio_id, cycle, leg, child, kind, venue, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'chain_tx', ?, 'committed', ?, ?) RETURNING id`,
        cid,
        input.portfolioId,
        input.cycle,
        input.leg,
        input.child,
        input.venue,
        input.at,
        input.at,
      );
      const id = Number(r.rows[0]?.id);
      await s.run(
        `INSERT INTO chain_txs (intent_id, chain_id, from_address, to_address, nonce, tx_hash, raw_tx, value_wei, gas_limit, max_fee_per_gas, calls, send_rpc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      await self.core.created(id, input.at, { txHash, nonce: input.nonce });
      return self.get(cid);
    });
  }

  markSent(clientOrderId: string, at: number): Promise<ChainTxIntent> {
    return this.sql.tx(async (s) => {
      const self = new PgChainTxJournal(s);
      const row = await self.core.row(clientOrderId);
      if (row.state !== 'committed') throw new IllegalTransitionError(clientOrderId, row.state, 'sent');
      await self.core.transition(row, 'sent', { reason: 'raw transaction broadcast', at });
      return self.get(clientOrderId);
    });
  }

  markAccepted(clientOrderId: string, at: number): Promise<ChainTxIntent> {
    return this.move(clientOrderId, 'open', 'accepted by the node (pending)', at);
  }

  markUnknown(clientOrderId: string, reason: string, at: number): Promise<ChainTxIntent> {
    return this.move(clientOrderId, 'unknown', reason, at);
  }

  markRejected(clientOrderId: string, reason: string, at: number): Promise<ChainTxIntent> {
    return this.move(clientOrderId, 'rejected', reason, at);
  }

  recordReceipt(clientOrderId: string, receipt: ChainReceipt, at: number): Promise<ChainTxIntent> {
    return this.sql.tx(async (s) => {
      const self = new PgChainTxJournal(s);
      const row = await self.core.row(clientOrderId);
      await s.run(
        'UPDATE chain_txs SET block_number = ?, block_hash = ?, gas_used = ?, effective_gas_price = ?, receipt_status = ? WHERE intent_id = ?',
        receipt.blockNumber,
        hex('blockHash', receipt.blockHash, 66),
        receipt.gasUsed.toString(),
        receipt.effectiveGasPrice.toString(),
        receipt.status,
        row.id,
      );
      const to = receipt.status === 'success' ? 'filled' : 'rejected';
      await self.core.transition(row, to, {
        reason:
          receipt.status === 'success'
            ? `mined in block ${receipt.blockNumber}`
            : `reverted in block ${receipt.blockNumber}`,
        at,
      });
      return self.get(clientOrderId);
    });
  }

  recordLookup(
    clientOrderId: string,
    at: number,
    result: 'found' | 'not_found' | 'error',
    error?: string,
  ): Promise<void> {
    return this.sql.tx(async (s) => {
      const core = new PgIntentCore(s);
      await core.recordLookup(await core.row(clientOrderId), at, result, null, error ?? null);
    });
  }

  resolveNotPlaced(clientOrderId: string, reason: string, at: number): Promise<ChainTxIntent> {
    return this.move(clientOrderId, 'not_placed', reason, at);
  }

  /** As the SQLite journal's (chain-txs.ts): never mined under this hash, from any unfinished state. */
  resolveNeverMined(clientOrderId: string, reason: string, at: number): Promise<ChainTxIntent> {
    return this.sql.tx(async (s) => {
      const self = new PgChainTxJournal(s);
      let row = await self.core.row(clientOrderId);
      if (row.state === 'sent') row = await self.core.transition(row, 'unknown', { reason, at });
      await self.core.transition(row, row.state === 'open' ? 'canceled' : 'not_placed', { reason, at });
      return self.get(clientOrderId);
    });
  }

  private move(
    clientOrderId: string,
    to: 'open' | 'unknown' | 'rejected' | 'not_placed',
    reason: string,
    at: number,
  ): Promise<ChainTxIntent> {
    return this.sql.tx(async (s) => {
      const self = new PgChainTxJournal(s);
      await self.core.transition(await self.core.row(clientOrderId), to, { reason, at });
      return self.get(clientOrderId);
    });
  }

  async get(clientOrderId: string): Promise<ChainTxIntent> {
    await this.core.row(clientOrderId);
    return toTx((await this.sql.get<TxRow>(`${SELECT_TX} WHERE i.client_order_id = ?`, clientOrderId)) as TxRow);
  }

  async findByHash(txHash: string): Promise<ChainTxIntent | undefined> {
    const r = await this.sql.get<TxRow>(`${SELECT_TX} WHERE c.tx_hash = ?`, txHash.toLowerCase());
    return r === undefined ? undefined : toTx(r);
  }

  async unfinished(portfolioId?: string): Promise<ChainTxIntent[]> {
    const states = UNFINISHED_STATES.map((s) => `'${s}'`).join(',');
    const rows = await this.sql.all<TxRow>(
      `${SELECT_TX} WHERE i.state IN (${states}) AND (?::text IS NULL OR i.portfolio_id = ?) ORDER BY i.id`,
      portfolioId ?? null,
      portfolioId ?? null,
    );
    return rows.map(toTx);
  }

  async highestNonce(chainId: number, from: string): Promise<number | undefined> {
    const r = await this.sql.get<{ n: number | null }>(
      `SELECT MAX(c.nonce) AS n FROM chain_txs c JOIN order_intents i ON i.id = c.intent_id
       WHERE c.chain_id = ? AND c.from_address = ? AND i.state <> 'not_placed' AND NOT (i.state IN ('rejected','canceled') AND c.receipt_status IS NULL)`,
      chainId,
      from.toLowerCase(),
    );
    return r?.n ?? undefined;
  }

  events(clientOrderId: string): Promise<OrderEvent[]> {
    return this.core.events(clientOrderId);
  }

  lookups(clientOrderId: string): Promise<OrderLookup[]> {
    return this.core.lookups(clientOrderId);
  }
}
