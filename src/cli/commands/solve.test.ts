/** `ballast solve` as a user runs it (issue #24 item 3): flags refused with exit 2 naming the flag; a real round. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { erc20Abi, maxUint256 } from 'viem';
import { ballast } from '../../../test/support/cli.ts';
import { refreshFeeds } from '../../chain/intents/testing/cow-scenario.ts';
import { type IntentWorld, sellOrder, signAndPost, startIntentWorld } from '../../chain/intents/testing/world.ts';

describe('ballast solve', () => {
  it('refuses bad flags with exit 2 and one line naming the flag', async () => {
    for (const [args, flag] of [
      [[], '--book'],
      [['--book', 'x', '--serve-book', '1'], '--book'],
      [['--book', 'ftp://x'], '--book'],
      [['--serve-book', '70000'], '--serve-book'],
      [['--book', 'http://127.0.0.1:1', '--book-file', 'f.json'], '--book-file'],
      [['--book', 'http://127.0.0.1:1', '--interval-ms', '5'], '--interval-ms'],
      [['--book', 'http://127.0.0.1:1', '--max-deviation-bps', '50'], '--max-deviation-bps'],
      [['--book', 'http://127.0.0.1:1', '--batch', '--max-deviation-bps', '0'], '--max-deviation-bps'],
      [['--book', 'http://127.0.0.1:1', '--batch', '--feed-heartbeat-sec', 'x'], '--feed-heartbeat-sec'],
      [['--book', 'http://127.0.0.1:1', '--feed-heartbeat-sec', '60'], '--feed-heartbeat-sec'],
    ] as const) {
      const r = await ballast('solve', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(flag));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  describe('on the local chain', () => {
    let w: IntentWorld;
    let dir: string;
    before(async () => {
      w = await startIntentWorld();
      dir = mkdtempSync(join(tmpdir(), 'ballast-solve-'));
      writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
    });
    after(async () => {
      await w?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('chain fund --approve-relayer: a fresh wallet gets tokens and the relayer’s allowance, and still 0 ETH', async () => {
      const to = '0x00000000000000000000000000000000000Ba11a';
      const r = await ballast(
        'chain',
        'fund',
        '--chain-file',
        join(dir, 'chain.json'),
        '--to',
        to,
        '--token',
        'WETH',
        '--amount',
        '2',
        '--approve-relayer',
      );
      assert.equal(r.code, 0, r.stderr);
      const allowance = await w.client.readContract({
        address: w.token('WETH').address,
        abi: erc20Abi,
        functionName: 'allowance',
        args: [to, w.fx.contracts.gpv2VaultRelayer],
      });
      assert.equal(allowance, maxUint256);
      assert.equal(await w.client.getBalance({ address: to }), 0n);
    });

    it('simulates by default (nothing sent), settles with --send; --json prints one object per round', async () => {
      const owner = await w.owner({ WETH: 10n ** 18n });
      const order = await sellOrder(w, 'WETH', 'USDT', 5n * 10n ** 17n);
      const uid = await signAndPost(w, owner, order);
      const chain = ['--chain-file', join(dir, 'chain.json'), '--book', w.book.url, '--json'];
      const sim = await ballast('solve', ...chain);
      assert.equal(sim.code, 0, sim.stderr);
      const s = JSON.parse(sim.stdout) as { outcomes: { uid: string; status: string }[] };
      assert.deepEqual(
        s.outcomes.map((o) => [o.uid, o.status]),
        [[uid, 'simulated']],
      );
      assert.equal(await w.balance(w.token('USDT').address, owner.address), 0n);
      const sent = await ballast('solve', ...chain, '--send');
      assert.equal(sent.code, 0, sent.stderr);
      const o = (JSON.parse(sent.stdout) as { outcomes: { status: string; executedBuy: string }[] }).outcomes[0]!;
      assert.equal(o.status, 'settled');
      assert.equal(await w.balance(w.token('USDT').address, owner.address), BigInt(o.executedBuy));
      assert.ok(BigInt(o.executedBuy) >= order.buyAmount);
    });

    it('--batch: opposite orders of two owners in one settle, each line explains matched vs routed', async () => {
      await refreshFeeds(w);
      const a = await w.owner({ WETH: 2n * 10n ** 18n });
      const b = await w.owner({ USDC: 3_000n * 10n ** 6n });
      await signAndPost(w, a, await sellOrder(w, 'WETH', 'USDC', 2n * 10n ** 18n));
      await signAndPost(w, b, await sellOrder(w, 'USDC', 'WETH', 3_000n * 10n ** 6n));
      const chain = ['--chain-file', join(dir, 'chain.json'), '--book', w.book.url];
      const r = await ballast('solve', ...chain, '--batch', '--send');
      assert.equal(r.code, 0, r.stderr);
      // the earlier test's order is still listed by the book (filled on chain): skipped
      const lines = r.stdout
        .trim()
        .split('\n')
        .filter((l) => / settled /.test(l));
      assert.equal(lines.length, 2, r.stdout);
      const txs = new Set(lines.map((l) => / tx (0x[0-9a-f]+)/.exec(l)?.[1]));
      assert.equal(txs.size, 1, `one settle: ${r.stdout}`);
      assert.match(lines.join('\n'), /settled .*\(0\.99\d* WETH matched internally, 0 routed\)/);
      assert.match(lines.join('\n'), /\(0\.99\d* WETH matched internally, 0\.99\d* routed\)/);
    });
  });
});
