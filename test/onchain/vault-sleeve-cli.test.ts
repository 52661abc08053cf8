/**
 * `ballast vault` with a sleeve basket through the real CLI on anvil and the fixture's real Aave v3 market
 * (issue #22 item 2): deploy --aave-pool fixture → issue → rebalance --sleeve (a withdraw, the swap and a supply in
 * one transaction; each asset's supplied part at its share) → status (liquid vs supplied, NAV to the wei of the
 * contract's valuation) → redeem to the wei of the preview; at 100% utilisation the plan says "withdraw limited"
 * and the partial rebalance it plans succeeds; bad sleeve settings are one line naming the flag.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Address } from 'viem';
import { sleeveBasketArtifact } from '../../src/chain/basket/artifact.ts';
import { aavePoolAbi } from '../../src/chain/fixture/deploy-aave.ts';
import { ballast } from '../support/cli.ts';
import { refreshFeeds, tokenAbi, warp } from './basket-world.ts';
import { erc20, KEY0, startWorld, type World } from './setup.ts';

let w: World;
let dir: string;
let keyFile: string;
let chainFile: string;
let basket: Address;
const E18 = 10n ** 18n;
/** Gas of the rebalances `vault rebalance --sleeve` planned and sent (docs/benchmarks.md). */
const gas: Record<string, string> = {};

before(async () => {
  w = await startWorld();
  dir = mkdtempSync(join(tmpdir(), 'ballast-vault-sleeve-'));
  chainFile = join(dir, 'chain.json');
  writeFileSync(chainFile, JSON.stringify(w.fx));
  keyFile = join(dir, 'key');
  writeFileSync(keyFile, KEY0);
});

after(async () => {
  if (Object.keys(gas).length > 0) console.log(`vault sleeve gas: ${JSON.stringify(gas)}`);
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

const tok = (s: string): Address => w.tokens.get(s)!.address;
const aToken = (s: string): Address => w.fx.aaveReserves.find((r) => r.symbol === s)!.aToken;
const bal = (token: Address, who: Address) =>
  w.clients.public.readContract({ address: token, abi: erc20, functionName: 'balanceOf', args: [who] });
/** Supplies `amount` of `sym` to the Pool on behalf of the basket: a donation that lands in its sleeve. */
async function donateToSleeve(sym: string, amount: bigint): Promise<void> {
  const pool = w.fx.contracts.aavePool;
  await w.tx.call(tok(sym), tokenAbi, 'approve', [pool, amount], `approve ${sym}`);
  await w.tx.call(pool, aavePoolAbi, 'supply', [tok(sym), amount, basket, 0], `supply ${sym} for the basket`);
}
const due = async () => {
  await warp(w, 120);
  await refreshFeeds(w);
};
interface Status {
  nav: string;
  assets: { symbol: string; balance: string; valueE18: string; weightBps: number }[];
  sleeve: { symbol: string; aToken: string; liquid: string; supplied: string }[];
}
const status = async () => JSON.parse(ok(await vault('status', '--basket', basket, '--json'))) as Status;
/** Each asset's supplied share of its holding, from the status. */
const shares = (s: Status) =>
  s.sleeve.map((x) => Number(BigInt(x.supplied)) / Number(BigInt(x.liquid) + BigInt(x.supplied)));

test('a basket with a 50% sleeve issues, rebalances (withdraw + swap + supply in one) and redeems correctly', async () => {
  const deployArgs = ['--assets', 'WETH,USDC', '--targets', '5000,5000', '--min-interval', '60'];
  const dry = ok(await vault('deploy', ...deployArgs, '--aave-pool', 'fixture', '--key-file', keyFile));
  assert.match(dry, /^dry run: nothing sent\. BallastSleeveBasket over WETH, USDC .*idle sleeve on the Aave Pool 0x/);
  const dep = JSON.parse(
    ok(await vault('deploy', ...deployArgs, '--aave-pool', 'fixture', '--key-file', keyFile, '--execute', '--json')),
  ) as { basket: Address; kind: string };
  assert.equal(dep.kind, 'BallastSleeveBasket');
  basket = dep.basket;
  const b = ['--basket', basket, '--key-file', keyFile];
  ok(await vault('issue', ...b, '--shares', '10', '--execute'));

  // a donation of WETH (to the wallet) puts it off target; the first rebalance swaps and fills both sleeves to 50%
  await w.tx.call(tok('WETH'), tokenAbi, 'transfer', [basket, E18 / 5n], 'donate WETH');
  await due();
  const sleeve = ['--sleeve', 'WETH=0.5,USDC=0.5'];
  const plan1 = ok(await vault('rebalance', ...b, ...sleeve));
  assert.match(plan1, /leg 0: [\d.]+ WETH → [\d.]+ USDC expected/);
  assert.match(plan1, /supply [\d.]+ WETH to the Aave sleeve/);
  assert.match(plan1, /supply [\d.]+ USDC to the Aave sleeve/);
  const r1 = JSON.parse(ok(await vault('rebalance', ...b, ...sleeve, '--execute', '--json'))) as { gas: string };
  gas.swapAndSupply = r1.gas;
  const s1 = await status();
  for (const x of shares(s1)) assert.ok(Math.abs(x - 0.5) < 0.002, `supplied share ${x}`);

  // aWETH donated into the sleeve: the WETH sell needs more than the wallet holds → withdraw + swap + supply
  await donateToSleeve('WETH', (BigInt(s1.sleeve[0]!.supplied) * 3n) / 1n);
  await due();
  const r2 = JSON.parse(ok(await vault('rebalance', ...b, ...sleeve, '--execute', '--json'))) as {
    legs: { kind: number; tokenIn: string; amountIn: string }[];
    sleeve: { moves: { symbol: string; withdraw: string; forSells: string; supply: string }[] };
    tx: string;
    gas: string;
  };
  gas.withdrawSwapSupply = r2.gas;
  assert.equal(r2.legs[0]!.kind, 5, 'a withdrawal first');
  assert.equal(r2.legs.at(-1)!.kind, 6, 'a supply last');
  assert.ok(
    r2.legs.slice(1, -1).every((l) => l.kind <= 2),
    'the swaps between',
  );
  const wethMove = r2.sleeve.moves.find((m) => m.symbol === 'WETH')!;
  assert.ok(BigInt(wethMove.forSells) > 0n, 'the sell needs a withdrawal');
  const s2 = await status();
  for (const x of shares(s2)) assert.ok(Math.abs(x - 0.5) < 0.002, `supplied share ${x}`);
  for (const a of s2.assets) assert.ok(Math.abs(a.weightBps - 5000) < 60, JSON.stringify(s2.assets));

  // status to the wei of the contract's own view: wallet + aToken, NAV = valuation()
  const [vb, , nav] = (await w.clients.public.readContract({
    address: basket,
    abi: sleeveBasketArtifact().abi,
    functionName: 'valuation',
  })) as readonly [readonly bigint[], readonly bigint[], bigint];
  assert.equal(BigInt(s2.nav), nav);
  for (const [i, sym] of ['WETH', 'USDC'].entries()) {
    assert.equal(BigInt(s2.sleeve[i]!.liquid), await bal(tok(sym), basket));
    assert.equal(BigInt(s2.sleeve[i]!.supplied), await bal(aToken(sym), basket));
    assert.equal(BigInt(s2.assets[i]!.balance), vb[i]);
    assert.equal(vb[i], BigInt(s2.sleeve[i]!.liquid) + BigInt(s2.sleeve[i]!.supplied));
  }
  const text = ok(await vault('status', '--basket', basket));
  assert.match(text, /idle sleeve on the Aave Pool 0x[0-9a-fA-F]{40}/);
  assert.match(text, /[\d.]+ WETH liquid \+ [\d.]+ WETH supplied = [\d.]+ WETH/);

  // redeem: the preview's parts, the supplied part as aTokens; mined at the preview's timestamp
  const me = w.account.address;
  const held = async () => Promise.all(['WETH', 'USDC'].flatMap((s) => [bal(tok(s), me), bal(aToken(s), me)]));
  const before = await held();
  await w.clients.test.setNextBlockTimestamp({ timestamp: (await w.clients.public.getBlock()).timestamp });
  const red = JSON.parse(ok(await vault('redeem', ...b, '--shares', '4', '--execute', '--json'))) as {
    amounts: string[];
    parts: { wallet: string[]; sleeve: string[] };
  };
  const got = (await held()).map((x, i) => x - before[i]!);
  for (const i of [0, 1]) {
    assert.equal(BigInt(red.parts.wallet[i]!) + BigInt(red.parts.sleeve[i]!), BigInt(red.amounts[i]!));
    assert.equal(got[2 * i], BigInt(red.parts.wallet[i]!), 'the liquid part to the wei');
    const d = got[2 * i + 1]! - BigInt(red.parts.sleeve[i]!);
    assert.ok(d >= -1n && d <= 1n, `the aToken part to Aave's ray rounding (${d} wei)`);
    assert.ok(BigInt(red.parts.sleeve[i]!) > 0n);
  }
});

test('100% utilisation: the plan says "withdraw limited" and the partial rebalance it plans succeeds', async () => {
  const b = ['--basket', basket, '--key-file', keyFile];
  // USDC overweight, all of the excess in the sleeve; then the USDC reserve is borrowed empty
  const usdcHeld = BigInt((await status()).assets[1]!.balance);
  await donateToSleeve('USDC', 3n * usdcHeld);
  const usdc = tok('USDC');
  const left = await bal(usdc, aToken('USDC'));
  await w.tx.call(
    w.fx.contracts.aavePool,
    aavePoolAbi,
    'borrow',
    [usdc, left, 2n, 0, w.account.address],
    'borrow the USDC reserve empty',
  );
  assert.equal(await bal(usdc, aToken('USDC')), 0n);
  await due();
  const before = await status();
  const sleeve = ['--sleeve', 'WETH=0.5,USDC=0.5'];
  const plan = ok(await vault('rebalance', ...b, ...sleeve));
  assert.match(plan, /withdraw limited: USDC would sell \d+ but only \d+ can leave now .*utilisation 100\.0%/);
  assert.match(plan, /partial rebalance: [\d.]+% of the way/);
  assert.doesNotMatch(plan, /withdraw [\d.]+ USDC from the Aave sleeve/);
  const sent = JSON.parse(ok(await vault('rebalance', ...b, ...sleeve, '--execute', '--json'))) as {
    tx: string;
    gas: string;
    legs: unknown[];
  };
  gas[`partial${sent.legs.length}Legs`] = sent.gas;
  assert.match(sent.tx, /^0x/);
  const afterS = await status();
  assert.ok(afterS.assets[1]!.weightBps < before.assets[1]!.weightBps, 'USDC moved toward its target');
  assert.ok(BigInt(afterS.sleeve[1]!.liquid) < BigInt(before.sleeve[1]!.liquid), 'the liquid USDC sold');
});

test('bad sleeve settings: one line naming the flag (usage 2, refuted by the basket 1)', async () => {
  const plainArgs = ['--assets', 'WETH,USDC', '--targets', '5000,5000', '--key-file', keyFile, '--execute', '--json'];
  const plain = (JSON.parse(ok(await vault('deploy', ...plainArgs))) as { basket: Address }).basket;
  const at = (x: Address) => ['--basket', x, '--key-file', keyFile];
  const cases: [string[], number, RegExp][] = [
    [
      ['deploy', '--assets', 'WETH,USDC', '--targets', '5000,5000', '--aave-pool', 'aave'],
      2,
      /^ballast: --aave-pool: /,
    ],
    [
      ['rebalance', ...at(basket), '--sleeve', 'WETH=1.5'],
      2,
      /^ballast: --sleeve: WETH=1\.5: the share must be in \[0, 1\]/,
    ],
    [['rebalance', ...at(basket), '--sleeve', 'WETH'], 2, /^ballast: --sleeve: "WETH" is not SYMBOL=SHARE/],
    [['rebalance', ...at(basket), '--buffer', 'USDC=1'], 2, /^ballast: --buffer: needs --sleeve/],
    [
      ['rebalance', ...at(basket), '--sleeve', 'WETH=0.5', '--buffer', 'USDC=1'],
      2,
      /^ballast: --buffer: USDC is not in --sleeve/,
    ],
    [['rebalance', ...at(plain), '--sleeve', 'WETH=0.5'], 1, /--sleeve: the basket is a plain BallastBasket/],
    [
      [
        'deploy',
        '--assets',
        'WETH,USDC,WBTC,LINK,DAI',
        '--targets',
        '2000,2000,2000,2000,2000',
        '--aave-pool',
        'fixture',
      ],
      1,
      /--assets: the BallastSleeveBasket's deployment code over 5 assets and \d+ pools is \d+ bytes, over EIP-3860's 49152/,
    ],
    [['rebalance', ...at(basket), '--sleeve', 'DAI=0.5'], 1, /--sleeve DAI: not an asset of the basket/],
    [
      ['rebalance', ...at(basket), '--sleeve', 'USDC=0.5', '--buffer', 'USDC=1.0000001'],
      1,
      /--buffer USDC: 1\.0000001 has more than 6 decimals/,
    ],
  ];
  for (const [args, code, re] of cases) {
    const [cmd, ...rest] = args;
    const r = await vault(cmd!, ...rest);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
