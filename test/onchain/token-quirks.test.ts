/**
 * Token quirks at planning (issue #30 item 8, off-chain half) on anvil: a fee-on-transfer token (1% burned on
 * every transfer, contracts/src/FeeOnTransferToken.sol) is detected by a simulated test transfer and the
 * rebalance is refused with TokenQuirkError naming it, nothing sent; the fixture's plain tokens pass.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Address } from 'viem';
import { stringify } from 'yaml';
import { ownArtifact } from '../../src/chain/contracts.ts';
import { checkTokenQuirks, TokenQuirkError } from '../../src/chain/rebalance/quirks.ts';
import { dexRebalance } from '../../src/cli/commands/dex-rebalance.ts';
import { startWorld, type World } from './setup.ts';

let w: World;
let tax: Address;

before(async () => {
  w = await startWorld();
  const a = ownArtifact('FeeOnTransferToken');
  tax = await w.tx.deploy(a.abi, a.bytecode, ['Tax', 'TAX', 18, 100n], 'deploy TAX (1% fee on transfer)');
  await w.tx.call(tax, a.abi, 'mint', [w.account.address, 1_000n * 10n ** 18n], 'mint TAX');
});

after(async () => {
  await w?.node.stop();
});

test('plain tokens pass the test transfer, held by the owner or only by a pool', async () => {
  const tokens = [...w.tokens.values()].map((t) => ({ symbol: t.symbol, address: t.address }));
  await checkTokenQuirks(w.clients.public, tokens, [w.account.address]);
  // a fresh owner holds nothing: a pool of the chain file is the probe's sender
  const fresh: Address = '0x00000000000000000000000000000000000f4e54';
  await checkTokenQuirks(w.clients.public, tokens, [fresh, ...w.fx.pools.map((p) => p.address)]);
});

test('a fee-on-transfer token is refused by name, with what the test transfer took and delivered', async () => {
  await assert.rejects(
    checkTokenQuirks(w.clients.public, [{ symbol: 'TAX', address: tax }], [w.account.address]),
    (e: unknown) => {
      assert.ok(e instanceof TokenQuirkError);
      assert.match(
        e.message,
        /^token TAX \(0x[0-9a-fA-F]{40}\) is fee-on-transfer or rebasing: a test transfer of 100000000000000000000 base units took 100000000000000000000 from the sender and delivered 99000000000000000000/,
      );
      return true;
    },
  );
});

test('dex rebalance with the token in the portfolio: refused at planning, before any price or pool is used', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-quirk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  const cfg = join(dir, 'portfolio.yaml');
  writeFileSync(
    cfg,
    stringify({
      quote: 'USDC',
      target: { WETH: 0.5, TAX: 0.25, USDC: 0.25 },
      chain: {
        tokens: { WETH: w.tokens.get('WETH')!.address, USDC: w.tokens.get('USDC')!.address, TAX: tax },
        feeds: { WETH: w.feeds.WETH, USDC: w.feeds.USDC, TAX: w.feeds.DAI },
        executor: w.executor,
        owner: w.account.address,
        maxSlippageBps: 50,
        maxDeviationBps: 150,
      },
    }),
  );
  await assert.rejects(
    dexRebalance({ rpc: w.node.rpcUrl, config: cfg, chainFile: join(dir, 'chain.json'), env: {}, write: () => {} }),
    /token TAX .* is fee-on-transfer or rebasing/,
  );
});
