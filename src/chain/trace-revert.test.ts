/**
 * revertOf on a real anvil: a mined transaction that reverted inside a nested call is explained by that
 * call's target and decoded reason; an out-of-gas one says so with its gas; a successful one has no failure.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeFunctionData, type Hex, parseAbi } from 'viem';
import type { AnvilNode } from './anvil.ts';
import { localClients } from './client.ts';
import { startFixtureNode } from './fixture/cache.ts';
import type { Fixture } from './fixture/types.ts';
import { describeFailure, innermostFailure, revertOf } from './trace-revert.ts';

const erc20 = parseAbi(['function transfer(address,uint256) returns (bool)']);

describe('revertOf (anvil call trace)', () => {
  let node: AnvilNode;
  let fx: Fixture;
  before(async () => {
    ({ node, fixture: fx } = await startFixtureNode());
  });
  after(() => node?.stop());

  const send = async (to: Hex, data: Hex, gas: bigint) => {
    const c = localClients(fx.rpcUrl, undefined, fx.chainId);
    const hash = await c.wallet.sendTransaction({ to, data, gas, account: c.account, chain: c.wallet.chain });
    const r = await c.public.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    return { hash, status: r.status, client: c.public };
  };

  it('names the failing call and decodes its reason', async () => {
    const usdc = fx.tokens.find((t) => t.symbol === 'USDC')!.address;
    const data = encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [fx.contracts.weth9, 10n ** 40n] });
    const t = await send(usdc, data, 200_000n);
    assert.equal(t.status, 'reverted');
    const why = await revertOf(t.client, t.hash);
    assert.match(why, new RegExp(`^${usdc}: execution reverted: .*(exceeds balance|insufficient)`, 'i'));
  });

  it('says out of gas with the gas it had', async () => {
    const usdc = fx.tokens.find((t) => t.symbol === 'USDC')!.address;
    const data = encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [fx.contracts.weth9, 0n] });
    const t = await send(usdc, data, 23_000n);
    assert.equal(t.status, 'reverted');
    assert.match(await revertOf(t.client, t.hash), /out of gas.*\(gas \d+\/\d+\)/i);
  });

  it('walks to the innermost failing frame (pure)', () => {
    const top = {
      to: '0xa',
      error: 'execution reverted',
      calls: [
        { to: '0xb', gas: '0x10', gasUsed: '0x8' },
        { to: '0xc', error: 'execution reverted', revertReason: 'Too little received', gas: '0x20', gasUsed: '0x1f' },
      ],
    };
    assert.equal(innermostFailure(top)?.to, '0xc');
    assert.equal(describeFailure(top), '0xc: execution reverted: Too little received (gas 31/32)');
    assert.equal(innermostFailure({ to: '0xa' }), null);
  });
});
