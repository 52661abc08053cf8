import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChainTxInput } from './chain-txs.ts';
import { IllegalTransitionError, JournalConflictError, JournalInputError } from './errors.ts';
import { journalWithPortfolio, T0 } from './testing/fixtures.ts';

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

test('chain txs: committed with raw tx, hash and nonce before sending; same state machine; receipt → filled', () => {
  const j = journalWithPortfolio();
  j.cycles.start('main', T0);
  const t = j.chainTxs.commitTx(tx());
  assert.equal(t.state, 'committed');
  assert.equal(t.from, FROM.toLowerCase());
  assert.equal(t.gasLimit, 500_000n);
  assert.deepEqual(t.calls, tx().calls, 'tokenIn/tokenOut are not mistaken for secrets');
  assert.deepEqual(j.chainTxs.commitTx(tx()), t, 'idempotent');
  assert.throws(
    () => j.chainTxs.commitTx(tx({ txHash: hash(2) })),
    JournalConflictError,
    'a replacement needs a new child',
  );
  j.chainTxs.markSent(t.clientOrderId, T0 + 1);
  assert.throws(() => j.chainTxs.markSent(t.clientOrderId, T0 + 2), IllegalTransitionError);
  j.chainTxs.markUnknown(t.clientOrderId, 'broadcast timed out', T0 + 2);
  assert.equal(
    j.orders.hasUnknownLegs('main'),
    true,
    'an unknown transaction blocks the portfolio like an unknown order',
  );
  assert.deepEqual(
    j.chainTxs.unfinished().map((x) => x.txHash),
    [hash(1)],
  );
  assert.deepEqual(j.orders.unfinishedIntents(), [], 'exchange reconciliation does not touch chain txs');
  j.chainTxs.recordLookup(t.clientOrderId, T0 + 3, 'found');
  const mined = j.chainTxs.recordReceipt(
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
  assert.equal(j.chainTxs.findByHash(hash(1).toUpperCase().replace('0X', '0x'))?.clientOrderId, t.clientOrderId);
  assert.deepEqual(
    j.chainTxs.events(t.clientOrderId).map((e) => e.to),
    ['committed', 'sent', 'unknown', 'filled'],
  );
  j.close();
});

test('chain txs: nonce bookkeeping counts maybe-mined transactions; not-placed and node-refused ones free their nonce', () => {
  const j = journalWithPortfolio();
  j.cycles.start('main', T0);
  assert.equal(j.chainTxs.highestNonce(31337, FROM), undefined);
  const a = j.chainTxs.commitTx(tx({ nonce: 7 }));
  const b = j.chainTxs.commitTx(tx({ leg: 1, nonce: 8, txHash: hash(2) }));
  assert.equal(j.chainTxs.highestNonce(31337, FROM), 8);
  j.chainTxs.markSent(b.clientOrderId, T0);
  j.chainTxs.markRejected(b.clientOrderId, 'nonce too low', T0);
  assert.equal(j.chainTxs.highestNonce(31337, FROM), 7);
  j.chainTxs.markSent(a.clientOrderId, T0);
  j.chainTxs.markAccepted(a.clientOrderId, T0);
  j.chainTxs.recordReceipt(
    a.clientOrderId,
    { blockNumber: 1, blockHash: hash(5), gasUsed: 1n, effectiveGasPrice: 1n, status: 'reverted' },
    T0,
  );
  assert.equal(j.chainTxs.get(a.clientOrderId).state, 'rejected');
  assert.equal(j.chainTxs.highestNonce(31337, FROM), 7, 'a reverted transaction consumed its nonce');
  assert.throws(() => j.chainTxs.commitTx(tx({ leg: 2, from: '0x12' })), JournalInputError);
  j.close();
});

test('resolveNeverMined from each unfinished state, and which settled transactions free their nonce', () => {
  const j = journalWithPortfolio();
  j.cycles.start('main', T0);
  const at = (leg: number, nonce: number) => tx({ leg, nonce, txHash: hash(100 + leg) });
  const committed = j.chainTxs.commitTx(at(1, 1));
  const sent = j.chainTxs.commitTx(at(2, 2));
  j.chainTxs.markSent(sent.clientOrderId, T0);
  const open = j.chainTxs.commitTx(at(3, 3));
  j.chainTxs.markSent(open.clientOrderId, T0);
  j.chainTxs.markAccepted(open.clientOrderId, T0);
  const refused = j.chainTxs.commitTx(at(4, 4));
  j.chainTxs.markSent(refused.clientOrderId, T0);
  j.chainTxs.markRejected(refused.clientOrderId, 'the node refused it', T0);
  assert.equal(j.chainTxs.highestNonce(31337, FROM), 3, 'a refused transaction frees its nonce');
  assert.equal(j.chainTxs.resolveNeverMined(committed.clientOrderId, 'x', T0 + 1).state, 'not_placed');
  const s = j.chainTxs.resolveNeverMined(sent.clientOrderId, 'x', T0 + 1);
  assert.equal(s.state, 'not_placed');
  assert.deepEqual(
    j.chainTxs.events(sent.clientOrderId).map((e) => e.to),
    ['committed', 'sent', 'unknown', 'not_placed'],
  );
  assert.equal(j.chainTxs.resolveNeverMined(open.clientOrderId, 'x', T0 + 1).state, 'canceled');
  assert.equal(j.chainTxs.highestNonce(31337, FROM), undefined, 'never mined: every nonce is free again');
  assert.deepEqual(j.chainTxs.unfinished(), []);
});
