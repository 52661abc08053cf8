import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAnvil } from './anvil.ts';

async function rpc(url: string, method: string): Promise<unknown> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
  });
  return ((await r.json()) as { result: unknown }).result;
}

test('anvil starts on a free port with chain id 1337 and stops', async () => {
  const node = await startAnvil();
  try {
    assert.match(node.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(node.port > 0);
    assert.equal(await rpc(node.rpcUrl, 'eth_chainId'), '0x539');
  } finally {
    await node.stop();
  }
  await assert.rejects(fetch(node.rpcUrl), 'the node no longer answers after stop()');
  await node.stop(); // idempotent
});

test('two nodes run side by side on different ports', async () => {
  const [a, b] = await Promise.all([startAnvil(), startAnvil({ chainId: 31337 })]);
  try {
    assert.notEqual(a.port, b.port);
    assert.equal(await rpc(b.rpcUrl, 'eth_chainId'), '0x7a69');
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
