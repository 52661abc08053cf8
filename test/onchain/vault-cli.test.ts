/**
 * `ballast vault …` through the real CLI on anvil (issue #21 item 1): deploy → issue → status → rebalance →
 * redeem, each a dry run first; the off-chain check refuses what the contract would (one line, exit 1, nothing
 * sent); bad input is one line naming the field.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Address, parseAbi } from 'viem';
import { ballast } from '../support/cli.ts';
import { warp } from './basket-world.ts';
import { erc20, KEY0, startWorld, type World } from './setup.ts';

let w: World;
let dir: string;
let keyFile: string;
let chainFile: string;

before(async () => {
  w = await startWorld();
  dir = mkdtempSync(join(tmpdir(), 'ballast-vault-'));
  chainFile = join(dir, 'chain.json');
  writeFileSync(chainFile, JSON.stringify(w.fx));
  keyFile = join(dir, 'key');
  writeFileSync(keyFile, KEY0);
});

after(async () => {
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const vault = (cmd: string, ...args: string[]) =>
  ballast('vault', cmd, '--rpc', w.node.rpcUrl, '--chain-file', chainFile, ...args);

function ok(r: { code: number | null; stdout: string; stderr: string }): string {
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(KEY0.slice(2)), 'the key is never printed');
  return r.stdout;
}

test('deploy → issue → status → rebalance → redeem, dry runs first; a refused rebalance is one line, exit 1', async () => {
  const deployArgs = ['--assets', 'WETH,USDC', '--targets', '5000,5000', '--min-interval', '60', '--key-file', keyFile];
  assert.match(ok(await vault('deploy', ...deployArgs)), /^dry run: nothing sent/);
  const dep = JSON.parse(ok(await vault('deploy', ...deployArgs, '--execute', '--json'))) as { basket: Address };
  const basket = dep.basket;
  assert.match(basket, /^0x[0-9a-fA-F]{40}$/);
  const b = ['--basket', basket, '--key-file', keyFile];

  const dry = ok(await vault('issue', ...b, '--shares', '100'));
  assert.match(dry, /issue 100 shares: pays\n {2}[\d.]+ WETH\n {2}[\d.]+ USDC\ndry run: nothing sent/);
  ok(await vault('issue', ...b, '--shares', '100', '--execute'));

  // a donation of WETH puts the basket off its 50/50 target
  const weth = w.tokens.get('WETH')!.address;
  await w.tx.call(
    weth,
    parseAbi(['function transfer(address,uint256) returns (bool)']),
    'transfer',
    [basket, 2n * 10n ** 18n],
    'donate',
  );
  const st = JSON.parse(ok(await vault('status', '--basket', basket, '--json'))) as {
    navPerShare: string;
    assets: { symbol: string; weightBps: number; targetBps: number }[];
    rebalances: unknown[];
  };
  assert.equal(st.assets[0]!.symbol, 'WETH');
  assert.ok(st.assets[0]!.weightBps > 5200, JSON.stringify(st.assets));
  assert.equal(st.rebalances.length, 0);
  assert.ok(BigInt(st.navPerShare) > 100n * 10n ** 18n, st.navPerShare); // the donation is every holder's
  const text = ok(await vault('status', '--basket', basket));
  assert.match(text, /NAV per share [\d.]+ USD/);
  assert.match(text, /WETH +[\d.]+% \(50\.00%\)/);
  assert.match(text, /pending profile: none/);

  // the deployment counts as the first rebalance: not due before minInterval, refused off-chain, nothing sent
  const early = await vault('rebalance', ...b, '--execute');
  assert.equal(early.code, 1, early.stderr);
  assert.match(early.stderr, /^rebalance refused before sending: due: not before \d+ .*\(NotDue\); nothing sent\n$/);
  await warp(w, 120);

  const plan = ok(await vault('rebalance', ...b));
  assert.match(plan, /leg 0: [\d.]+ WETH → [\d.]+ USDC expected/);
  assert.match(plan, /check \(as the contract\): ok/);
  assert.match(plan, /dry run: nothing sent/);
  assert.equal(
    ((await vault('status', '--basket', basket, '--json')).stdout.match(/"rebalances":\[\]/) ?? []).length,
    1,
  );

  const sent = JSON.parse(ok(await vault('rebalance', ...b, '--execute', '--json'))) as { tx: string };
  assert.match(sent.tx, /^0x/);
  const after1 = JSON.parse(ok(await vault('status', '--basket', basket, '--json'))) as {
    assets: { weightBps: number }[];
    rebalances: { tx: string }[];
  };
  assert.equal(after1.rebalances.length, 1);
  assert.equal(after1.rebalances[0]!.tx, sent.tx);
  assert.ok(Math.abs(after1.assets[0]!.weightBps - 5000) < 50, JSON.stringify(after1.assets));

  // right after: not due again (and within the band), refused, nothing sent
  const again = await vault('rebalance', ...b, '--execute');
  assert.equal(again.code, 1);
  assert.equal(again.stderr.split('\n').length, 2, again.stderr);

  const usdc = w.tokens.get('USDC')!.address;
  const before = await w.clients.public.readContract({
    address: usdc,
    abi: erc20,
    functionName: 'balanceOf',
    args: [w.account.address],
  });
  ok(await vault('redeem', ...b, '--shares', '40', '--execute'));
  const afterBal = await w.clients.public.readContract({
    address: usdc,
    abi: erc20,
    functionName: 'balanceOf',
    args: [w.account.address],
  });
  assert.ok(afterBal > before);
});

test('bad input: one line naming the field; flags exit 2, values the chain refutes exit 1', async () => {
  const cases: [string[], number, RegExp][] = [
    [['issue', '--basket', '0x12', '--shares', '1'], 2, /--basket/],
    [['issue', '--basket', KEY0.slice(0, 42), '--shares', 'abc'], 2, /--shares/],
    [['rebalance', '--basket', KEY0.slice(0, 42), '--fraction', '2'], 2, /--fraction/],
    [['deploy', '--assets', 'WETH,FOO', '--targets', '5000,5000'], 1, /--assets/],
    [['deploy', '--assets', 'WETH,USDC', '--targets', '5000,4000'], 1, /--targets/],
    [['status', '--basket', KEY0.slice(0, 42)], 1, /--basket/],
  ];
  for (const [args, code, re] of cases) {
    const [cmd, ...rest] = args;
    const r = await vault(cmd!, ...rest);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
