import assert from 'node:assert/strict';
import { contract } from '../../test/support/stores.ts';
import type { ChainTxInput } from './chain-txs.ts';
import { IllegalTransitionError, JournalConflictError, JournalInputError } from './errors.ts';
import { T0 } from './testing/fixtures.ts';

const FROM = `0x${'aB'.repeat(20)}`;
const hash = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;
const tx = (over: Partial<ChainTxInput> = {}): ChainTxInput => ({
  portfolioId: 'main',
  cycle: 1,
  leg: 0,
  child: 0,
  venue: 'evm:31337',
  chainId: 31337,
  from: FROM,
  to: `0x${'11'.repeat(20)}`,
  nonce: 7,
  txHash: hash(1),
  rawTx: '0x02f8aa',
  valueWei: 0n,
  gasLimit: 500_000n,
  maxFeePerGas: 30_000_000_000n,
  calls: [{ tokenIn: 'WETH', tokenOut: 'USDC', amountIn: '1000000000000000000', minOut: '1990000000' }],
  sendRpc: 'private',
  at: T0,
  ...over,
});

contract(
  'chain txs: committed with raw tx, hash and nonce before sending; same state machine; receipt → filled',
  async (backend) => {
    const st = await backend.open();
    await st.cycles.start('main', T0);
    const t = await st.chainTxs.commitTx(tx());
    assert.equal(t.state, 'committed');
    assert.equal(t.from, FROM.toLowerCase());
    assert.equal(t.gasLimit, 500_000n);
    assert.deepEqual(t.calls, tx().calls, 'tokenIn/tokenOut are not mistaken for secrets');
    assert.deepEqual(await st.chainTxs.commitTx(tx()), t, 'idempotent');
    await assert.rejects(
      async () => await st.chainTxs.commitTx(tx({ txHash: hash(2) })),
      JournalConflictError,
      'a replacement needs a new child',
    );
    await st.chainTxs.markSent(t.clientOrderId, T0 + 1);
    await assert.rejects(async () => await st.chainTxs.markSent(t.clientOrderId, T0 + 2), IllegalTransitionError);
    await st.chainTxs.markUnknown(t.clientOrderId, 'broadcast timed out', T0 + 2);
    assert.equal(
      await st.orders.hasUnknownLegs('main'),
      true,
      'an unknown transaction blocks the portfolio like an unknown order',
    );
    assert.deepEqual(
      (await st.chainTxs.unfinished()).map((x) => x.txHash),
      [hash(1)],
    );
    assert.deepEqual(await st.orders.unfinishedIntents(), [], 'exchange reconciliation does not touch chain txs');
    await st.chainTxs.recordLookup(t.clientOrderId, T0 + 3, 'found');
    const mined = await st.chainTxs.recordReceipt(
      t.clientOrderId,
      { blockNumber: 12, blockHash: hash(99), gasUsed: 210_000n, effectiveGasPrice: 1_000_000_000n, status: 'success' },
      T0 + 4,
    );
    assert.equal(mined.state, 'filled');
    assert.deepEqual(mined.receipt, {
      blockNumber: 12,
      blockHash: hash(99),
      gasUsed: 210_000n,
      effectiveGasPrice: 1_000_000_000n,
      status: 'success',
    });
    assert.equal(
      (await st.chainTxs.findByHash(hash(1).toUpperCase().replace('0X', '0x')))?.clientOrderId,
      t.clientOrderId,
    );
    assert.deepEqual(
      (await st.chainTxs.events(t.clientOrderId)).map((e) => e.to),
      ['committed', 'sent', 'unknown', 'filled'],
    );
    await st.close();
  },
);

contract(
  'chain txs: nonce bookkeeping counts maybe-mined transactions; not-placed and node-refused ones free their nonce',
  async (backend) => {
    const st = await backend.open();
    await st.cycles.start('main', T0);
    assert.equal(await st.chainTxs.highestNonce(31337, FROM), undefined);
    const a = await st.chainTxs.commitTx(tx({ nonce: 7 }));
    const b = await st.chainTxs.commitTx(tx({ leg: 1, nonce: 8, txHash: hash(2) }));
    assert.equal(await st.chainTxs.highestNonce(31337, FROM), 8);
    await st.chainTxs.markSent(b.clientOrderId, T0);
    await st.chainTxs.markRejected(b.clientOrderId, 'nonce too low', T0);
    assert.equal(await st.chainTxs.highestNonce(31337, FROM), 7);
    await st.chainTxs.markSent(a.clientOrderId, T0);
    await st.chainTxs.markAccepted(a.clientOrderId, T0);
    await st.chainTxs.recordReceipt(
      a.clientOrderId,
      { blockNumber: 1, blockHash: hash(5), gasUsed: 1n, effectiveGasPrice: 1n, status: 'reverted' },
      T0,
    );
    assert.equal((await st.chainTxs.get(a.clientOrderId)).state, 'rejected');
    assert.equal(await st.chainTxs.highestNonce(31337, FROM), 7, 'a reverted transaction consumed its nonce');
    await assert.rejects(async () => await st.chainTxs.commitTx(tx({ leg: 2, from: '0x12' })), JournalInputError);
    await st.close();
  },
);

contract(
  'chain txs: resolveNeverMined from each unfinished state, and which settled transactions free their nonce',
  async (backend) => {
    const st = await backend.open();
    await st.cycles.start('main', T0);
    const at = (leg: number, nonce: number) => tx({ leg, nonce, txHash: hash(100 + leg) });
    const committed = await st.chainTxs.commitTx(at(1, 1));
    const sent = await st.chainTxs.commitTx(at(2, 2));
    await st.chainTxs.markSent(sent.clientOrderId, T0);
    const open = await st.chainTxs.commitTx(at(3, 3));
    await st.chainTxs.markSent(open.clientOrderId, T0);
    await st.chainTxs.markAccepted(open.clientOrderId, T0);
    const refused = await st.chainTxs.commitTx(at(4, 4));
    await st.chainTxs.markSent(refused.clientOrderId, T0);
    await st.chainTxs.markRejected(refused.clientOrderId, 'the node refused it', T0);
    assert.equal(await st.chainTxs.highestNonce(31337, FROM), 3, 'a refused transaction frees its nonce');
    assert.equal((await st.chainTxs.resolveNeverMined(committed.clientOrderId, 'x', T0 + 1)).state, 'not_placed');
    const s = await st.chainTxs.resolveNeverMined(sent.clientOrderId, 'x', T0 + 1);
    assert.equal(s.state, 'not_placed');
    assert.deepEqual(
      (await st.chainTxs.events(sent.clientOrderId)).map((e) => e.to),
      ['committed', 'sent', 'unknown', 'not_placed'],
    );
    assert.equal((await st.chainTxs.resolveNeverMined(open.clientOrderId, 'x', T0 + 1)).state, 'canceled');
    assert.equal(await st.chainTxs.highestNonce(31337, FROM), undefined, 'never mined: every nonce is free again');
    assert.deepEqual(await st.chainTxs.unfinished(), []);
    await st.close();
  },
);
