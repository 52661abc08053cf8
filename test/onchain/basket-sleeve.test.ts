/**
 * A basket's idle Aave sleeve (issue #22 item 2) on anvil with the fixture's real Aave v3 market: a basket with a
 * 50% sleeve issues (underlying only), rebalances with a withdraw, a swap and a supply in one transaction, and
 * redeems both parts exactly as previewRedeemParts says (the aToken part to the wei of Aave's own ray rounding);
 * at 100% utilisation a holder still exits (the supplied part as aTokens); a sleeve leg naming another Pool or
 * aToken reverts NotSleeve. Prints the gas of issue/redeem/rebalance with a sleeve (docs/benchmarks.md).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Address, type BaseError, decodeErrorResult, encodeDeployData, type Hex } from 'viem';
import {
  BASKET_SLEEVE_SUPPLY,
  BASKET_SLEEVE_WITHDRAW,
  type BasketInit,
  type BasketLeg,
  basketDeployArgs,
  sleeveBasketArtifact,
  sleevePoolId,
} from '../../src/chain/basket/artifact.ts';
import { previewIssue } from '../../src/chain/basket/read.ts';
import { poolSources } from '../../src/chain/executor/artifact.ts';
import { aavePoolAbi } from '../../src/chain/fixture/deploy-aave.ts';
import {
  ACCOUNT1,
  basketRevert,
  basketSend,
  deadline,
  defaultProfile,
  deployTestBasket,
  legsToTarget,
  refreshFeeds,
  sendFrom,
  tok,
  tokenAbi,
  warp,
} from './basket-world.ts';
import { balances, startWorld, type World } from './setup.ts';

const SYMS = ['WETH', 'USDC'] as const;
const TARGETS = [5000, 5000];
const E18 = 10n ** 18n;
const RAY = 10n ** 27n;
/** Aave's WadRayMath, half up. */
const rayMul = (a: bigint, b: bigint) => (a * b + RAY / 2n) / RAY;
const rayDiv = (a: bigint, b: bigint) => (a * RAY + b / 2n) / b;

let w: World;
let pool: Address;
let basket: Address;
const aToken = (s: string): Address => w.fx.aaveReserves.find((r) => r.symbol === s)!.aToken;
const gas: Record<string, bigint> = {};

before(async () => {
  w = await startWorld();
  pool = w.fx.contracts.aavePool;
  for (const s of SYMS) {
    const bal = await w.clients.public.readContract({
      address: tok(w, s),
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [w.account.address],
    });
    await sendFrom(w, w.account.address, tok(w, s), tokenAbi, 'transfer', [ACCOUNT1, bal / 4n]);
  }
  await refreshFeeds(w);
  // genesis 70/30 against targets 50/50: due at once
  basket = await deployTestBasket(w, { symbols: SYMS, targetBps: TARGETS, genesisBps: [7000, 3000], aavePool: pool });
});
after(async () => {
  if (Object.keys(gas).length > 0)
    console.log(`basket sleeve gas: ${JSON.stringify(gas, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  await w?.node.stop();
});

const read = <T>(functionName: string, args: unknown[] = []) =>
  w.clients.public.readContract({ address: basket, abi: sleeveBasketArtifact().abi, functionName, args }) as Promise<T>;
/** The next transaction's block gets the head's timestamp: aToken balances (and so previews) as just read. */
const atHeadTime = async () =>
  w.clients.test.setNextBlockTimestamp({ timestamp: (await w.clients.public.getBlock()).timestamp });
const held = (who: Address, tokens: readonly Address[]) => balances(w.clients.public, who, tokens);
const sleeveLeg = (symbol: string, supply: boolean, amountIn: bigint, p: Address = pool): BasketLeg => ({
  kind: supply ? BASKET_SLEEVE_SUPPLY : BASKET_SLEEVE_WITHDRAW,
  tokenIn: supply ? tok(w, symbol) : aToken(symbol),
  tokenOut: supply ? aToken(symbol) : tok(w, symbol),
  fee: 0,
  poolId: sleevePoolId(p),
  amountIn,
});
const rebalance = async (legs: readonly BasketLeg[]) =>
  basketSend(w, basket, 'rebalance', [legs, legs.map(() => 0n), await deadline(w)]);

/** Redeems `shares` from `from` to a fresh address at the preview's own timestamp; checks every wei. */
async function redeemExactly(from: Address, shares: bigint, to: Address): Promise<bigint> {
  const [wallet, sleeve] = await read<[bigint[], bigint[]]>('previewRedeemParts', [shares]);
  const total = await read<bigint[]>('previewRedeem', [shares]);
  assert.deepEqual(
    wallet.map((x, i) => x + sleeve[i]!),
    total,
  );
  const idx = await Promise.all(
    SYMS.map((s) =>
      w.clients.public.readContract({
        address: pool,
        abi: aavePoolAbi,
        functionName: 'getReserveNormalizedIncome',
        args: [tok(w, s)],
      }),
    ),
  );
  // the redeem runs at the head's timestamp, so the aToken balances (and the previews) are those just read
  await atHeadTime();
  const g = await basketSend(w, basket, 'redeem', [shares, to], from);
  const got = await held(
    to,
    SYMS.flatMap((s) => [tok(w, s), aToken(s)]),
  );
  SYMS.forEach((s, i) => {
    assert.equal(got[2 * i], wallet[i], `${s} paid from the wallet`);
    // an aToken transfer moves rayDiv(x, index) scaled units; the receiver's balance is their rayMul
    assert.equal(got[2 * i + 1], rayMul(rayDiv(sleeve[i]!, idx[i]!), idx[i]!), `a${s} paid from the sleeve`);
  });
  return g;
}

test('a basket with a 50% sleeve issues, rebalances (withdraw + swap + supply in one) and redeems correctly', async () => {
  const me = w.account.address;
  const assets = SYMS.map((s) => tok(w, s));
  assert.deepEqual(
    (await read<Address[]>('aTokens')).map((a) => a.toLowerCase()),
    SYMS.map((s) => aToken(s).toLowerCase()),
    'the aTokens read from the Pool',
  );
  // issue: underlying only, exactly previewIssue
  const want = await previewIssue(w.clients.public, basket, 100n * E18);
  const before = await held(me, assets);
  gas.issueNoSleeveYet = await basketSend(w, basket, 'issue', [100n * E18, me]);
  const after = await held(me, assets);
  assert.deepEqual(
    before.map((b, i) => b - after[i]!),
    [...want],
  );

  // first rebalance: half the way to the targets, then half of each asset into the sleeve
  await warp(w, 3600);
  await refreshFeeds(w);
  const swaps = await legsToTarget(w, basket, SYMS, TARGETS, 0.5);
  await rebalance(swaps);
  const wal = await held(basket, assets);
  await warp(w, 3600);
  await refreshFeeds(w);
  // a sleeve-only rebalance moves no weight: the sum of drifts does not fall
  const sleeveOnly = SYMS.map((s, i) => sleeveLeg(s, true, wal[i]! / 2n));
  assert.equal(
    await basketRevert(w, basket, 'rebalance', [sleeveOnly, [0n, 0n], await deadline(w)]),
    'DriftNotReduced',
  );
  const more = await legsToTarget(w, basket, SYMS, TARGETS, 0.5);
  gas.rebalanceSwapAndSupply2 = await rebalance([...more, ...sleeveOnly]);
  const v1 = await read<[bigint[], bigint[], bigint]>('valuation');
  const a1 = await held(basket, SYMS.map(aToken));
  const w1 = await held(basket, assets);
  SYMS.forEach((s, i) => {
    assert.ok(a1[i]! >= wal[i]! / 2n - 1n && a1[i]! <= wal[i]! / 2n + 1n, `a${s} supplied`);
    assert.equal(v1[0][i], w1[i]! + a1[i]!, `${s} counted as wallet + aToken`);
  });

  // issue now pulls underlying only; the sleeve share dilutes until the keeper supplies again
  const a2 = await previewIssue(w.clients.public, basket, 10n * E18);
  const b2 = await held(me, assets);
  await atHeadTime();
  gas.issueWithSleeve = await basketSend(w, basket, 'issue', [10n * E18, me]);
  assert.deepEqual(
    (await held(me, assets)).map((x, i) => b2[i]! - x),
    [...a2],
  );

  // withdraw + swap + supply in one rebalance: WETH leaves the sleeve to buy USDC, USDC goes into the sleeve
  await warp(w, 3600);
  await refreshFeeds(w);
  const [buy] = await legsToTarget(w, basket, SYMS, TARGETS, 0.8);
  assert.ok(buy && buy.tokenIn === tok(w, 'WETH'), 'the basket buys USDC with WETH');
  const usdcWallet = (await held(basket, [tok(w, 'USDC')]))[0]!;
  const legs = [sleeveLeg('WETH', false, buy.amountIn), buy, sleeveLeg('USDC', true, usdcWallet / 2n)];
  const aBefore = await held(basket, SYMS.map(aToken));
  // mined at the head's timestamp: no supply interest accrues between this read and the rebalance
  await atHeadTime();
  gas.rebalanceWithdrawSwapSupply = await rebalance(legs);
  const aAfter = await held(basket, SYMS.map(aToken));
  const dW = aBefore[0]! - aAfter[0]!;
  const dU = aAfter[1]! - aBefore[1]!;
  assert.ok(dW >= buy.amountIn - 1n && dW <= buy.amountIn + 1n, `aWETH withdrawn ${dW}`);
  assert.ok(dU >= usdcWallet / 2n - 1n && dU <= usdcWallet / 2n + 1n, `aUSDC supplied ${dU}`);

  // redeem: each asset pro rata from both parts, the sleeve part as aTokens, to the wei
  gas.redeemWithSleeve = await redeemExactly(me, 40n * E18, '0x000000000000000000000000000000000000bEEF');
});

test('a sleeve leg to another Pool, another aToken, or in a basket without a sleeve reverts NotSleeve', async () => {
  const spec = { symbols: SYMS, targetBps: TARGETS, genesisBps: [7000, 3000] };
  const sleeved = await deployTestBasket(w, { ...spec, aavePool: pool });
  const plain = await deployTestBasket(w, spec);
  for (const b of [sleeved, plain]) await basketSend(w, b, 'issue', [10n * E18, w.account.address]);
  await warp(w, 3600);
  await refreshFeeds(w);
  const attempt = async (b: Address, l: BasketLeg) => {
    const legs = [...(await legsToTarget(w, b, SYMS, TARGETS, 0.5)), l];
    return basketRevert(w, b, 'rebalance', [legs, legs.map(() => 0n), 2n ** 40n]);
  };
  assert.equal(await attempt(sleeved, sleeveLeg('USDC', true, 1000n)), 'ok', 'the genuine leg passes');
  assert.equal(await attempt(sleeved, sleeveLeg('USDC', true, 1000n, w.fx.contracts.balancerVault)), 'NotSleeve');
  assert.equal(await attempt(sleeved, { ...sleeveLeg('USDC', true, 1000n), tokenOut: aToken('WETH') }), 'NotSleeve');
  assert.equal(await attempt(sleeved, { ...sleeveLeg('WETH', false, 1000n), tokenIn: tok(w, 'USDC') }), 'NotSleeve');
  assert.equal(await attempt(sleeved, { ...sleeveLeg('USDC', true, 1000n), fee: 500 }), 'NotSleeve');
  // DAI has a reserve in the Pool but is not an asset of this basket
  assert.equal(
    await attempt(sleeved, { ...sleeveLeg('USDC', true, 1000n), tokenIn: tok(w, 'DAI'), tokenOut: aToken('DAI') }),
    'NotSleeve',
  );
  assert.equal(await attempt(sleeved, sleeveLeg('USDC', true, 0n)), 'NotSleeve');
  assert.equal(await attempt(plain, sleeveLeg('USDC', true, 1000n)), 'NotSleeve', 'no sleeve configured');
});

test('a sleeve basket of 4 assets (4 pools) deploys within EIP-3860; every aToken read from the Pool', async () => {
  const symbols = ['WETH', 'USDC', 'WBTC', 'LINK'];
  const b = await deployTestBasket(w, { symbols, aavePool: pool });
  const got = (await w.clients.public.readContract({
    address: b,
    abi: sleeveBasketArtifact().abi,
    functionName: 'aTokens',
  })) as Address[];
  assert.deepEqual(
    got.map((a) => a.toLowerCase()),
    symbols.map((s) => aToken(s).toLowerCase()),
  );
});

/** The sleeve basket's revert (name and args) when deploying it over `assets` with `aavePool`; 'ok' if it deploys. */
async function deployRevert(assets: readonly Address[], feedsOf: readonly string[], aavePool: Address) {
  const profile = await defaultProfile(w, { symbols: feedsOf, profile: { pools: [] } });
  const init: BasketInit = {
    name: 'Sleeve',
    symbol: 'SLV',
    owner: w.account.address,
    assets,
    genesisUnits: assets.map(() => 10n ** 6n),
    offset: 18,
    profileDelay: 0,
    maxFeeBps: 0,
    aavePool,
    profile,
  };
  const a = sleeveBasketArtifact();
  const args = [...basketDeployArgs(init, poolSources(w.fx.contracts)), aavePool];
  const data = encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args });
  try {
    await w.clients.public.call({ account: w.account.address, data, gas: 15_000_000n });
    return 'ok';
  } catch (e) {
    let raw: Hex | undefined;
    (e as BaseError).walk((x) => {
      const d = (x as { data?: unknown }).data;
      if (typeof d === 'string' && d.startsWith('0x') && d.length >= 10) raw = d as Hex;
      return false;
    });
    if (!raw) return `undecoded: ${(e as Error).message.split('\n')[0]}`;
    const r = decodeErrorResult({ abi: a.abi, data: raw });
    return `${r.errorName}(${(r.args ?? []).join(',')})`;
  }
}

test("deployment: the Pool must be set, each aToken must be the Pool's for that asset, and no aToken an asset", async () => {
  const [weth, usdc] = [tok(w, 'WETH'), tok(w, 'USDC')];
  assert.equal(await deployRevert([weth, usdc], ['WETH', 'USDC'], pool), 'ok');
  assert.equal(
    await deployRevert([weth, usdc], ['WETH', 'USDC'], '0x0000000000000000000000000000000000000000'),
    'BadProfile(aavePool)',
  );
  // an aToken as a basket asset would count twice
  assert.equal(await deployRevert([aToken('USDC'), usdc], ['USDC', 'USDC'], pool), 'BadProfile(aavePool)');
  // a fake "Pool" whose reserve data names aWETH for every asset: for USDC the aToken's underlying is not USDC; for
  // WETH the underlying matches but the aToken's POOL() is the real Pool, not this one
  const fake: Address = '0x00000000000000000000000000000000000fa4e0';
  const words = Array.from({ length: 15 }, (_, i) => (i === 8 ? BigInt(aToken('WETH')) : 0n));
  let code = '';
  words.forEach((v, i) => {
    code += `7f${v.toString(16).padStart(64, '0')}61${(i * 32).toString(16).padStart(4, '0')}52`;
  });
  code += `61${(15 * 32).toString(16).padStart(4, '0')}5ff3`;
  await w.clients.test.setCode({ address: fake, bytecode: `0x${code}` });
  assert.equal(await deployRevert([usdc, weth], ['USDC', 'WETH'], fake), 'BadProfile(aavePool)');
  assert.equal(await deployRevert([weth, usdc], ['WETH', 'USDC'], fake), 'BadProfile(aavePool)');
});

test('redeem at 100% utilisation: the holder exits, the supplied part paid as aTokens', async () => {
  await basketSend(w, basket, 'issue', [20n * E18, ACCOUNT1], ACCOUNT1);
  const usdc = tok(w, 'USDC');
  const left = (await held(aToken('USDC'), [usdc]))[0]!;
  await w.tx.call(pool, aavePoolAbi, 'borrow', [usdc, left, 2n, 0, w.account.address], 'borrow the USDC reserve empty');
  assert.equal((await held(aToken('USDC'), [usdc]))[0], 0n, 'utilisation 100%: no USDC left in the reserve');
  await warp(w, 86_400);
  const g = await redeemExactly(ACCOUNT1, 20n * E18, '0x000000000000000000000000000000000000dEaD');
  assert.ok(g > 0n);
  const aUsdc = (await held('0x000000000000000000000000000000000000dEaD', [aToken('USDC')]))[0]!;
  assert.ok(aUsdc > 0n, 'the holder holds aUSDC, claimable when liquidity returns');
});
