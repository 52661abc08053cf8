/**
 * Set Protocol v2 from its npm bytecode on the fixture (issue #21 item 4): the deployment is wired as Set's own
 * (modules and factory enabled on the Controller, adapters registered for the GeneralIndexModule), a SetToken is
 * created and issued, and GeneralIndexModule trades move its weights toward the target, through the Uniswap v2
 * adapter and then the v3 adapter.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { type Abi, parseAbi, toFunctionSignature } from 'viem';
import type { AnvilNode } from '../anvil.ts';
import { localClients, type TxSender, txSender } from '../client.ts';
import { startFixtureNode } from '../fixture/cache.ts';
import type { Fixture } from '../fixture/types.ts';
import {
  basicIssuanceModuleAbi,
  configureIndexTrading,
  controllerAbi,
  createSetToken,
  deploySetV2,
  generalIndexModuleAbi,
  integrationRegistryAbi,
  issueSet,
  nextIndexTrade,
  SET_V2_CONTRACTS,
  SET_V2_EXCHANGE,
  type SetV2ContractName,
  type SetV2Contracts,
  setTokenCreatorAbi,
  startIndexRebalance,
  targetUnits,
  tradeIndex,
  type UnitPrice,
  v3ExchangeData,
  valueE18,
} from './index.ts';

const require = createRequire(import.meta.url);
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);
const feedAbi = parseAbi(['function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)']);

let node: AnvilNode;
let fx: Fixture;
let tx: TxSender;
let set: SetV2Contracts;
before(async () => {
  ({ node, fixture: fx } = await startFixtureNode());
  tx = txSender(localClients(fx.rpcUrl, undefined, fx.chainId));
  set = (await deploySetV2(tx, fx.contracts)).contracts;
});
after(() => node?.stop());

function artifactAbi(name: SetV2ContractName): Abi {
  const path = `@setprotocol/set-protocol-v2/artifacts/contracts/protocol/${SET_V2_CONTRACTS[name]}`;
  return (JSON.parse(readFileSync(require.resolve(path), 'utf8')) as { abi: Abi }).abi;
}

test('every function of the typed ABIs is in the artifact it is deployed from, with the same signature', () => {
  const pairs: [SetV2ContractName, Abi][] = [
    ['Controller', controllerAbi],
    ['IntegrationRegistry', integrationRegistryAbi],
    ['SetTokenCreator', setTokenCreatorAbi],
    ['BasicIssuanceModule', basicIssuanceModuleAbi],
    ['GeneralIndexModule', generalIndexModuleAbi],
  ];
  for (const [name, abi] of pairs) {
    const real = new Set(
      artifactAbi(name)
        .filter((x) => x.type === 'function')
        .map((x) => toFunctionSignature(x).replace(/\s/g, '')),
    );
    for (const f of abi.filter((x) => x.type === 'function')) {
      const sig = toFunctionSignature(f).replace(/\s/g, '');
      assert.ok(real.has(sig), `${name}: ${sig} not in the artifact`);
    }
  }
});

test('the Controller enables the factory and both modules; the adapters are registered under their names', async () => {
  const pub = tx.clients.public;
  for (const m of [set.basicIssuanceModule, set.generalIndexModule])
    assert.equal(
      await pub.readContract({ address: set.controller, abi: controllerAbi, functionName: 'isModule', args: [m] }),
      true,
    );
  for (const [name, adapter] of [
    [SET_V2_EXCHANGE.uniswapV2, set.uniswapV2IndexExchangeAdapter],
    [SET_V2_EXCHANGE.uniswapV3, set.uniswapV3IndexExchangeAdapter],
  ] as const) {
    const got = await pub.readContract({
      address: set.integrationRegistry,
      abi: integrationRegistryAbi,
      functionName: 'getIntegrationAdapter',
      args: [set.generalIndexModule, name],
    });
    assert.equal(got.toLowerCase(), adapter.toLowerCase());
  }
});

test('a 60/40 WETH/USDC SetToken rebalanced by GeneralIndexModule trades moves toward 50/50 (v2 adapter, then v3)', async () => {
  const pub = tx.clients.public;
  const tok = (s: string) => fx.tokens.find((t) => t.symbol === s)!;
  const weth = tok('WETH');
  const usdc = tok('USDC');
  const price = async (t: typeof weth): Promise<UnitPrice> => {
    const [, answer] = await pub.readContract({ address: t.usdFeed, abi: feedAbi, functionName: 'latestRoundData' });
    return { answer, feedDecimals: 8, decimals: t.decimals };
  };
  const prices = [await price(weth), await price(usdc)];
  // 1 Set = $600 of WETH + $400 of USDC at the fixture's prices (WETH $3,000)
  const units = [2n * 10n ** 17n, 400n * 10n ** 6n];
  const { setToken } = await createSetToken(tx, set, {
    components: [weth.address, usdc.address],
    units,
    name: 'Test 60/40',
    symbol: 'T6040',
  });
  await issueSet(tx, set, setToken, 100n * 10n ** 18n);
  const targets = targetUnits(units, prices, [5000, 5000]);
  const wethWeight = async () => {
    const [a, b] = await Promise.all(
      [weth, usdc].map((t) =>
        pub.readContract({ address: t.address, abi: erc20, functionName: 'balanceOf', args: [setToken] }),
      ),
    );
    const va = valueE18(a!, prices[0]!);
    return Number((va * 1_000_000n) / (va + valueE18(b!, prices[1]!))) / 1e6;
  };
  assert.ok(Math.abs((await wethWeight()) - 0.6) < 1e-6);
  // the USDC to buy is 100 per Set (10,000 in all): two trades of at most 5,000 USDC each
  await configureIndexTrading(
    tx,
    set,
    setToken,
    [
      {
        component: usdc.address,
        maxSize: 5_000n * 10n ** 6n,
        exchange: SET_V2_EXCHANGE.uniswapV2,
        exchangeData: '0x',
        coolOffSec: 0n,
      },
    ],
    [tx.clients.account],
  );
  await startIndexRebalance(
    tx,
    set,
    setToken,
    new Map([
      [weth.address.toLowerCase(), targets[0]!],
      [usdc.address.toLowerCase(), targets[1]!],
    ]),
  );
  const first = await nextIndexTrade(tx, set, setToken, usdc.address);
  assert.deepEqual(first, { sellsComponent: false, quantity: 5_000n * 10n ** 6n });
  const wethLimit = 2n * 10n ** 18n; // 5,000 USDC is ~1.67 WETH
  await tradeIndex(tx, set, setToken, usdc.address, wethLimit);
  const w1 = await wethWeight();
  assert.ok(w1 < 0.56 && w1 > 0.54, `after the v2 trade: ${w1}`);
  // the second half through the Uniswap v3 adapter (0.05% WETH/USDC pool)
  await tx.call(
    set.generalIndexModule,
    generalIndexModuleAbi,
    'setExchanges',
    [setToken, [usdc.address], [SET_V2_EXCHANGE.uniswapV3]],
    'setExchanges',
  );
  await tx.call(
    set.generalIndexModule,
    generalIndexModuleAbi,
    'setExchangeData',
    [setToken, [usdc.address], [v3ExchangeData(500)]],
    'setExchangeData',
  );
  await tradeIndex(tx, set, setToken, usdc.address, wethLimit);
  const w2 = await wethWeight();
  // the USDC target is met exactly; WETH paid the fees and impact, so it ends a little under 50%
  assert.ok(w2 < 0.5 && w2 > 0.498, `after the v3 trade: ${w2}`);
  const usdcUnits = await pub.readContract({
    address: usdc.address,
    abi: erc20,
    functionName: 'balanceOf',
    args: [setToken],
  });
  assert.equal(usdcUnits, (targets[1]! * 100n * 10n ** 18n) / 10n ** 18n);
  await assert.rejects(tradeIndex(tx, set, setToken, usdc.address, wethLimit), /Target already met/);
});
