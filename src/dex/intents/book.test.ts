/** The local order book over real HTTP (issue #24 item 3): signatures checked, one order per intent, owner-only withdrawal, kept in its file. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { OrderBookClient } from './book-client.ts';
import { startOrderBook } from './book-server.ts';
import { appDataOf, type GPv2Order, gpv2Domain, uidParts, ZERO_ADDRESS } from './gpv2-order.ts';
import { signOrder, signWithdrawal } from './sign.ts';

const settlement = '0x9008D19f58AAbD9eD0D60971565AA8510560ab41';
const domain = gpv2Domain(1337, settlement);
const order = (over: Partial<GPv2Order> = {}): GPv2Order => ({
  sellToken: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  buyToken: '0x4ed7c70F96B99c776995fB64377f0d4aB3B0e1C1',
  receiver: ZERO_ADDRESS,
  sellAmount: 10n ** 18n,
  buyAmount: 2_900n * 10n ** 6n,
  validTo: 2_000_000_000,
  appData: appDataOf('intent1'),
  feeAmount: 10n ** 15n,
  kind: 'sell',
  partiallyFillable: false,
  sellTokenBalance: 'erc20',
  buyTokenBalance: 'erc20',
  ...over,
});

test('order book: checks signatures, keeps one order per intent, withdraws only for the owner, survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-book-'));
  const file = join(dir, 'orders.json');
  const alice = privateKeyToAccount(generatePrivateKey());
  const mallory = privateKeyToAccount(generatePrivateKey());
  let book = await startOrderBook({ chainId: 1337, settlement, file });
  try {
    const c = new OrderBookClient(book.url);
    const s = await signOrder(alice, order(), domain);
    assert.deepEqual(uidParts(s.uid), { digest: s.uid.slice(0, 66), owner: alice.address, validTo: 2_000_000_000 });
    assert.deepEqual(await c.post(s.order, s.owner, s.signature), { uid: s.uid, created: true, conflict: false });
    // the same order again (a retry after a crash): the same uid, nothing new
    assert.deepEqual(await c.post(s.order, s.owner, s.signature), { uid: s.uid, created: false, conflict: false });
    // another order for the same intent (re-signed after a crash at a new validTo): refused, the first one named
    const again = await signOrder(alice, order({ validTo: 2_000_000_100 }), domain);
    assert.deepEqual(await c.post(again.order, again.owner, again.signature), {
      uid: s.uid,
      created: false,
      conflict: true,
    });
    // signed by someone else than the owner it claims
    const forged = await signOrder(mallory, order({ appData: appDataOf('intent2') }), domain);
    await assert.rejects(c.post(forged.order, alice.address, forged.signature), /not signed by owner/);
    assert.equal((await c.list('open')).length, 1);
    // withdrawal needs the owner's signature
    await assert.rejects(c.withdraw(s.uid, await signWithdrawal(mallory, s.uid)), /refused the withdrawal \(403\)/);
    assert.equal((await c.withdraw(s.uid, await signWithdrawal(alice, s.uid)))?.status, 'withdrawn');
    assert.deepEqual(await c.list('open'), []);
    await book.close();
    book = await startOrderBook({ chainId: 1337, settlement, file });
    const back = await new OrderBookClient(book.url).byIntent(appDataOf('intent1'));
    assert.equal(back?.uid, s.uid);
    assert.equal(back?.status, 'withdrawn');
    assert.equal(back?.order.sellAmount, 10n ** 18n);
  } finally {
    await book.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('order book: a solver’s explanation of a settlement (issue #25) is validated, kept per transaction, and survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-book-'));
  const file = join(dir, 'orders.json');
  const alice = privateKeyToAccount(generatePrivateKey());
  let book = await startOrderBook({ chainId: 1337, settlement, file });
  try {
    const c = new OrderBookClient(book.url);
    const s = await signOrder(alice, order({ appData: appDataOf('explained') }), domain);
    await c.post(s.order, s.owner, s.signature);
    const tx = `0x${'ab'.repeat(32)}` as const;
    const note = { txHash: tx, token: s.order.sellToken, matched: '600', routed: '400' };
    await assert.rejects(c.explain(s.uid, { ...note, matched: '-1' }), /\(400\): matched: a decimal integer string/);
    await assert.rejects(c.explain(s.uid, { ...note, txHash: '0x12' }), /\(400\): txHash: 32 bytes hex/);
    await c.explain(s.uid, note);
    await c.explain(s.uid, { ...note, matched: '700', routed: '300' }); // the same transaction again: replaced
    await book.close();
    book = await startOrderBook({ chainId: 1337, settlement, file });
    const back = await new OrderBookClient(book.url).byIntent(appDataOf('explained'));
    assert.deepEqual(back?.explanations, [{ ...note, matched: '700', routed: '300' }]);
  } finally {
    await book.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('order book: keeps the block an order was signed at (a hint, across restarts); refuses one that is not a block number', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-book-'));
  const file = join(dir, 'orders.json');
  const alice = privateKeyToAccount(generatePrivateKey());
  let book = await startOrderBook({ chainId: 1337, settlement, file });
  try {
    const c = new OrderBookClient(book.url);
    const s = await signOrder(alice, order({ appData: appDataOf('hinted') }), domain);
    await c.post(s.order, s.owner, s.signature, 1234n);
    assert.equal((await c.byIntent(appDataOf('hinted')))?.block, 1234);
    const bad = await fetch(`${book.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...((await (await fetch(`${book.url}/orders/${s.uid}`)).json()) as object), block: -1 }),
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /^block: /);
    await book.close();
    book = await startOrderBook({ chainId: 1337, settlement, file });
    assert.equal((await new OrderBookClient(book.url).byIntent(appDataOf('hinted')))?.block, 1234);
  } finally {
    await book.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
