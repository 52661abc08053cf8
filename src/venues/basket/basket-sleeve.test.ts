/**
 * The basket venue with a sleeve basket (issue #22 item 2) on anvil and the fixture's real Aave v3 market: the
 * venue's `sleeve:` is resolved against the basket (a plain basket, an asset that is not the basket's: one line
 * naming the field), its balances count the aTokens as the underlying they redeem to, and a decision's trades go
 * through the same planning as `ballast vault rebalance` (keeper-legs.ts): the swap and the supplies that bring
 * each asset's supplied part to its share, keeping the buffer, in one rebalance.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatUnits, parseUnits } from 'viem';
import {
  ACCOUNT1,
  basketSend,
  deployTestBasket,
  refreshFeeds,
  tok,
  tokenAbi,
} from '../../../test/onchain/basket-world.ts';
import { KEY1, startWorld, type World } from '../../../test/onchain/setup.ts';
import { InputError } from '../../core/errors.ts';
import { basketParts } from '../../service/venues.ts';
import { Journal } from '../../store/journal.ts';
import { sqliteStore } from '../../store/ports.ts';
import { basketVenueSchema } from './config.ts';

const clock = { now: () => Date.UTC(2026, 0, 1) };
const where = { source: 'service', path: 'portfolios.p1.venue' };

describe('basket venue with a sleeve basket on anvil', () => {
  let w: World;
  let dir: string;
  let journal: Journal;
  let sleeved: `0x${string}`;
  let plain: `0x${string}`;
  let keyFile: string;
  const parts = (basket: `0x${string}`, sleeve: Record<string, unknown>) =>
    basketParts(
      basketVenueSchema.parse({
        type: 'basket',
        rpcUrl: w.node.rpcUrl,
        basket,
        chainFile: join(dir, 'chain.json'),
        keyFile,
        sleeve,
      }),
      { clock, chainTxs: sqliteStore(journal).chainTxs, targets: { WETH: 0.5, USDC: 0.5 }, where },
    );
  const held = (token: `0x${string}`, who: `0x${string}`) =>
    w.clients.public.readContract({ address: token, abi: tokenAbi, functionName: 'balanceOf', args: [who] });
  const aToken = (s: string) => w.fx.aaveReserves.find((r) => r.symbol === s)!.aToken;

  before(async () => {
    w = await startWorld();
    await refreshFeeds(w);
    const spec = {
      symbols: ['WETH', 'USDC'],
      targetBps: [5000, 5000],
      genesisBps: [7000, 3000],
      profile: { keeper: ACCOUNT1, minInterval: 0 },
    };
    sleeved = await deployTestBasket(w, { ...spec, aavePool: w.fx.contracts.aavePool });
    plain = await deployTestBasket(w, spec);
    await basketSend(w, sleeved, 'issue', [100n * 10n ** 18n, w.account.address]);
    dir = mkdtempSync(join(tmpdir(), 'ballast-basket-sleeve-'));
    writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
    keyFile = join(dir, 'k.key');
    writeFileSync(keyFile, KEY1);
    chmodSync(keyFile, 0o600);
    journal = Journal.open(join(dir, 'j.sqlite'), { now: 0 });
    journal.portfolios.upsert({ id: 'p1', config: {}, at: 1 });
  });
  after(async () => {
    journal?.close();
    await w?.node.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('sleeve: on a plain basket, or naming an asset that is not the basket’s, is one line naming the field', async () => {
    await assert.rejects(
      parts(plain, { WETH: { share: 0.5 } }).venue.balances(),
      (e: unknown) =>
        e instanceof InputError &&
        e.message.split('\n').length === 1 &&
        /^service: portfolios\.p1\.venue\.sleeve: the basket is a plain BallastBasket/.test(e.message),
    );
    await assert.rejects(
      parts(sleeved, { DAI: { share: 0.5 } }).venue.balances(),
      (e: unknown) =>
        e instanceof InputError &&
        /^service: portfolios\.p1\.venue\.sleeve\.DAI: not an asset of the basket/.test(e.message),
    );
    await assert.rejects(
      parts(sleeved, { USDC: { share: 0.5, buffer: '0.0000001' } }).venue.balances(),
      (e: unknown) =>
        e instanceof InputError &&
        /^service: portfolios\.p1\.venue\.sleeve\.USDC\.buffer: 0\.0000001 has more than 6 decimals/.test(e.message),
    );
    assert.throws(
      () =>
        basketVenueSchema.parse({
          type: 'basket',
          rpcUrl: 'http://x',
          basket: plain,
          chainFile: 'c',
          sleeve: { WETH: { share: 2 } },
        }),
      /must be in \[0, 1\]/,
    );
  });

  test('a decision’s trades: the swap and the supplies in one rebalance; balances count the aTokens', async () => {
    const { venue } = parts(sleeved, { WETH: { share: 0.5 }, USDC: { share: 0.5, buffer: '10' } });
    const b0 = await venue.balances();
    const [p] = await venue.prices(['WETH'], 'USDC');
    const nav = b0.WETH! * p!.price + b0.USDC!;
    const sell = b0.WETH! * p!.price - nav / 2;
    const cycle = journal.cycles.start('p1', clock.now()).cycle;
    const out = await venue.placeBatch({
      portfolioId: 'p1',
      cycle,
      quote: 'USDC',
      trades: [{ asset: 'WETH', side: 'sell', quantity: sell / p!.price, notional: sell, referencePrice: p!.price }],
    });
    assert.equal(out.status, 'filled', JSON.stringify(out));
    const [txs] = [journal.chainTxs.unfinished()];
    assert.deepEqual(txs, []);
    for (const [s, buffer] of [
      ['WETH', 0n],
      ['USDC', parseUnits('10', 6)],
    ] as const) {
      const wallet = await held(tok(w, s), sleeved);
      const supplied = await held(aToken(s), sleeved);
      const total = wallet + supplied;
      const desired = total / 2n < total - buffer ? total / 2n : total - buffer;
      const off = supplied > desired ? supplied - desired : desired - supplied;
      assert.ok(off * 10_000n <= total * 30n, `${s}: supplied ${supplied}, wanted about ${desired}`);
      const b = await venue.balances();
      assert.equal(b[s], Number(formatUnits(total, w.tokens.get(s)!.decimals)), `${s}: balances count the aTokens`);
    }
  });
});
