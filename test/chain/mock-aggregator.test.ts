/** MockAggregatorV3 (contracts/src/MockAggregatorV3.sol): the Chainlink-style feed tests move and age (issue #8). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Address } from 'viem';
import { type AnvilNode, startAnvil } from '../../src/chain/anvil.ts';
import { type LocalClients, localClients, txSender } from '../../src/chain/client.ts';
import { ownArtifact } from '../../src/chain/contracts.ts';

let node: AnvilNode;
let c: LocalClients;
let feed: Address;
const { abi, bytecode } = ownArtifact('MockAggregatorV3');

before(async () => {
  node = await startAnvil();
  c = localClients(node.rpcUrl);
  feed = await txSender(c).deploy(abi, bytecode, [8, 'ETH / USD', 3000_00000000n, 1n, 10n ** 12n], 'feed');
});

after(async () => {
  await node?.stop();
});

const read = <T>(functionName: string, args: readonly unknown[] = []) =>
  c.public.readContract({ address: feed, abi, functionName, args }) as Promise<T>;

test('answers like AggregatorV3Interface and can be moved, aged and bounded by its owner', async () => {
  assert.equal(await read<number>('decimals'), 8);
  assert.equal(await read<string>('description'), 'ETH / USD');
  const [round, answer, , updatedAt, answeredIn] =
    await read<readonly [bigint, bigint, bigint, bigint, bigint]>('latestRoundData');
  assert.equal(round, 1n);
  assert.equal(answer, 3000_00000000n);
  assert.equal(answeredIn, 1n);
  assert.equal(updatedAt, (await c.public.getBlock()).timestamp);

  const tx = txSender(c);
  await tx.call(feed, abi, 'setAnswer', [2900_00000000n, 1_000n], 'move');
  const r2 = await read<readonly [bigint, bigint, bigint, bigint, bigint]>('latestRoundData');
  assert.deepEqual([r2[0], r2[1], r2[3]], [2n, 2900_00000000n, 1_000n]);
  const r1 = await read<readonly [bigint, bigint, bigint, bigint, bigint]>('getRoundData', [1n]);
  assert.equal(r1[1], 3000_00000000n);

  await tx.call(feed, abi, 'setUpdatedAt', [500n], 'age');
  assert.equal((await read<readonly bigint[]>('latestRoundData'))[3], 500n);
  await tx.call(feed, abi, 'setBounds', [10n, 20n], 'bounds');
  assert.equal(await read<bigint>('minAnswer'), 10n);
  assert.equal(await read<bigint>('maxAnswer'), 20n);
  assert.equal((await read<Address>('aggregator')).toLowerCase(), feed.toLowerCase());

  // Only the deployer may move the feed.
  const other = localClients(node.rpcUrl, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
  await assert.rejects(txSender(other).call(feed, abi, 'setAnswer', [1n, 0n], 'intruder'), /not owner/);
});
