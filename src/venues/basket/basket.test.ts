/**
 * The basket venue (issue #21 item 2) on its own. The shared venue contract (src/venues/contract/) is about
 * single orders: of it, what applies to an atomic basket runs here against a real basket on anvil (balances
 * exactly, rules, unknown ids not_found); create/cancel/lot rounding do not apply, and `place` refuses with
 * the reason (a basket trades one whole rebalance per decision: placeBatch). Also: a config the venue cannot
 * run is one line naming the field; a rebalance the contract would refuse is refused without a transaction.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatUnits } from 'viem';
import {
  ACCOUNT1,
  answers,
  basketSend,
  deployTestBasket,
  refreshFeeds,
  tok,
  warp,
} from '../../../test/onchain/basket-world.ts';
import { KEY1, startWorld, type World } from '../../../test/onchain/setup.ts';
import { InputError } from '../../core/errors.ts';
import { OrderRejectedError } from '../../core/ports.ts';
import { basketParts } from '../../service/venues.ts';
import { Journal } from '../../store/journal.ts';
import { sqliteStore } from '../../store/ports.ts';
import { basketVenueSchema } from './config.ts';

const clock = { now: () => Date.UTC(2026, 0, 1) };
const A = '0x0000000000000000000000000000000000000001';

describe('basket venue config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-basket-cfg-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = (over: Record<string, unknown> = {}) =>
    basketVenueSchema.parse({
      type: 'basket',
      rpcUrl: 'http://127.0.0.1:1',
      basket: A,
      chainFile: join(dir, 'none.json'),
      ...over,
    });
  const j = () => sqliteStore(Journal.open(':memory:', { now: 0 })).chainTxs;
  const where = { source: 'service', path: 'portfolios.p1.venue' };

  test('no key: one line naming keyEnv', () => {
    assert.throws(
      () => basketParts(cfg(), { clock, chainTxs: j(), env: {}, where }),
      (e: unknown) =>
        e instanceof InputError &&
        /^service: portfolios\.p1\.venue\.keyEnv: environment variable BALLAST_PRIVATE_KEY/.test(e.message),
    );
  });
  test('a chain file that does not exist: one line naming chainFile', () => {
    assert.throws(
      () => basketParts(cfg(), { clock, chainTxs: j(), env: { BALLAST_PRIVATE_KEY: KEY1 }, where }),
      (e: unknown) =>
        e instanceof InputError &&
        e.message.split('\n').length === 1 &&
        /^service: portfolios\.p1\.venue\.chainFile: .*none\.json does not exist/.test(e.message),
    );
  });
});

describe('basket venue on anvil', () => {
  let w: World;
  let dir: string;
  let journal: Journal;
  let venue: ReturnType<typeof basketParts>['venue'];
  let c: ReturnType<typeof basketVenueSchema.parse>;
  let basket: `0x${string}`;
  before(async () => {
    w = await startWorld();
    await refreshFeeds(w);
    basket = await deployTestBasket(w, {
      symbols: ['WETH', 'USDC'],
      targetBps: [5000, 5000],
      profile: { keeper: ACCOUNT1, minInterval: 0 },
    });
    await basketSend(w, basket, 'issue', [100n * 10n ** 18n, w.account.address]);
    dir = mkdtempSync(join(tmpdir(), 'ballast-basket-venue-'));
    writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
    const keyFile = join(dir, 'k.key');
    writeFileSync(keyFile, KEY1);
    chmodSync(keyFile, 0o600);
    journal = Journal.open(join(dir, 'j.sqlite'), { now: 0 });
    c = basketVenueSchema.parse({
      type: 'basket',
      rpcUrl: w.node.rpcUrl,
      basket,
      chainFile: join(dir, 'chain.json'),
      keyFile,
    });
    venue = basketParts(c, {
      clock,
      chainTxs: sqliteStore(journal).chainTxs,
      targets: { WETH: 0.5, USDC: 0.5 },
      where: { source: 'service', path: 'portfolios.p1.venue' },
    }).venue;
  });
  after(async () => {
    journal?.close();
    await w?.node.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('balances: the basket’s own, exactly', async () => {
    const b = await venue.balances();
    for (const s of ['WETH', 'USDC']) {
      const raw = await w.clients.public.readContract({
        address: tok(w, s),
        abi: [
          {
            type: 'function',
            name: 'balanceOf',
            stateMutability: 'view',
            inputs: [{ type: 'address' }],
            outputs: [{ type: 'uint256' }],
          },
        ],
        functionName: 'balanceOf',
        args: [basket],
      });
      assert.equal(b[s], Number(formatUnits(raw, w.tokens.get(s)!.decimals)));
    }
  });

  test('prices: the basket’s feeds, in the quote; rules: every basket asset, no lots', async () => {
    const [weth, usdc] = await answers(w, ['WETH', 'USDC']);
    const [p] = await venue.prices(['WETH'], 'USDC');
    assert.equal(p?.price, Number(weth) / Number(usdc));
    assert.deepEqual(await venue.rules(['WETH', 'LINK'], 'USDC'), [
      { asset: 'WETH', lotStep: 0, minNotional: 0, minQuantity: 0, tickSize: 0 },
    ]);
  });

  test('unknown ids are not_found; a single order is refused with the reason, nothing sent', async () => {
    assert.equal((await venue.lookup('x')).status, 'not_found');
    assert.equal((await venue.cancel('x')).status, 'not_found');
    const n0 = await w.clients.public.getTransactionCount({ address: ACCOUNT1 });
    await assert.rejects(
      venue.place({
        clientOrderId: 'c1',
        asset: 'WETH',
        quote: 'USDC',
        side: 'sell',
        quantity: 0.1,
        type: 'market',
        referencePrice: 3000,
      }),
      (e: unknown) => e instanceof OrderRejectedError && /one transaction \(placeBatch/.test(e.message),
    );
    assert.equal(await w.clients.public.getTransactionCount({ address: ACCOUNT1 }), n0);
  });

  test('a rebalance the contract would refuse (inside the band) is refused off-chain: nothing signed or journaled', async () => {
    const out = await venue.placeBatch({
      portfolioId: 'p1',
      cycle: 1,
      quote: 'USDC',
      trades: [{ asset: 'WETH', side: 'sell', quantity: 0.01, notional: 30, referencePrice: 3000 }],
    });
    assert.equal(out.status, 'refused');
    assert.equal(out.status === 'refused' ? out.code : '', 'WithinBand');
    assert.deepEqual(journal.chainTxs.unfinished(), []);
  });

  test('a portfolio whose targets are not the basket’s is refused, naming the basket', async () => {
    const v = basketParts(c, {
      clock,
      chainTxs: sqliteStore(journal).chainTxs,
      targets: { WETH: 0.6, USDC: 0.4 },
      where: { source: 'service', path: 'portfolios.p1.venue' },
    }).venue;
    await assert.rejects(
      v.balances(),
      (e: unknown) =>
        e instanceof InputError && /^service: portfolios\.p1\.venue\.basket: the basket's targets are/.test(e.message),
    );
  });
  test('no contract at the basket address: one line naming basket', async () => {
    const v = basketParts(
      { ...c, basket: '0x00000000000000000000000000000000000000aa' },
      { clock, chainTxs: sqliteStore(journal).chainTxs, where: { source: 'service', path: 'portfolios.p1.venue' } },
    ).venue;
    await assert.rejects(
      v.balances(),
      (e: unknown) =>
        e instanceof InputError && /^service: portfolios\.p1\.venue\.basket: no contract at 0x0+aA?a?/i.test(e.message),
    );
  });

  test('a feed the basket would refuse (older than its heartbeat of 3660 s) gives no price', async () => {
    assert.equal((await venue.prices(['WETH'], 'USDC')).length, 1);
    await warp(w, 3700); // the basket's heartbeat: 3600 s + 60 s margin
    assert.deepEqual(await venue.prices(['WETH'], 'USDC'), []);
    await refreshFeeds(w);
    assert.equal((await venue.prices(['WETH'], 'USDC')).length, 1);
  });
});
