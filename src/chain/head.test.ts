/**
 * headAtLeast on a real anvil: returns at once when the head is at the floor, waits for a block not yet
 * mined, and gives up with one line naming both blocks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PublicClient } from 'viem';
import { type AnvilNode, startAnvil } from './anvil.ts';
import { localClients } from './client.ts';
import { ChainError } from './errors.ts';
import { headAtLeast } from './head.ts';

describe('headAtLeast (anvil)', () => {
  let node: AnvilNode;
  let client: PublicClient;
  before(async () => {
    node = await startAnvil();
    client = localClients(node.rpcUrl).public;
  });
  after(() => node?.stop());

  it('returns the head when it is already at the floor', async () => {
    const n = await client.getBlockNumber({ cacheTime: 0 });
    const h = await headAtLeast(client, n);
    assert.equal(h.number, n);
    assert.equal(typeof h.timestamp, 'bigint');
  });

  it('waits for a block that is not mined yet', async () => {
    const n = await client.getBlockNumber({ cacheTime: 0 });
    const mined = new Promise((r) => setTimeout(r, 300)).then(() =>
      client.request({ method: 'evm_mine' as never, params: [] as never }),
    );
    const h = await headAtLeast(client, n + 1n);
    assert.ok(h.number >= n + 1n);
    await mined;
  });

  it('gives up after its timeout with one line naming both blocks', async () => {
    const n = await client.getBlockNumber({ cacheTime: 0 });
    await assert.rejects(headAtLeast(client, n + 5n, { timeoutMs: 200 }), (e: unknown) => {
      assert.ok(e instanceof ChainError);
      assert.equal(e.message, `the node's latest block is ${n}, still before block ${n + 5n} it already mined`);
      return true;
    });
  });
});
