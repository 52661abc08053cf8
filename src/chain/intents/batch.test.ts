/**
 * Issue #25 on anvil with the real GPv2Settlement: three portfolios with opposite drifts settled in one batch
 * auction. One `settle`; every executed price ≥ its limit; one price per token (each fill is the settlement's
 * execution at the clearing prices); the pools receive only the residual (the matched volume pays them no
 * fee and moves no price); each fill explained as matched + routed; and the batch's total surplus ≥ each
 * order settled alone (part 1) and ≥ each portfolio rebalancing alone through the lean executor, from the
 * same chain state. The figures print as comments (bench/intents-cow.ts prints them as a table).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Address, decodeFunctionData, erc20Abi } from 'viem';
import { localClients } from '../client.ts';
import { settlementAbi } from './solve.ts';
import {
  type PostedOrder,
  postScenario,
  refreshFeeds,
  runAlone,
  runBatch,
  runExecutor,
} from './testing/cow-scenario.ts';
import { type IntentWorld, sellOrder, signAndPost, startIntentWorld } from './testing/world.ts';

describe('batch auction on the real GPv2Settlement: three portfolios, opposite drifts', () => {
  let w: IntentWorld;
  let posted: PostedOrder[];
  let snap: `0x${string}`;
  const test = () => localClients(w.fx.rpcUrl, w.fx.deployer, w.fx.chainId).test;
  before(async () => {
    w = await startIntentWorld();
    await refreshFeeds(w);
    posted = await postScenario(w);
    snap = await test().snapshot();
  });
  after(() => w?.close());

  /** Every address holding pool reserves: each Uniswap pool, and the Balancer Vault for its pools. */
  const holders = (): Address[] => [
    ...new Set([
      ...w.fx.pools
        .filter((p) => p.protocol !== 'balancer-weighted' && p.protocol !== 'balancer-stable')
        .map((p) => p.address),
      w.fx.contracts.balancerVault,
    ]),
  ];
  const held = async (token: Address): Promise<bigint> => {
    let s = 0n;
    for (const h of holders())
      s += await w.client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [h] });
    return s;
  };

  it('one settle; limits hold; uniform prices; the pools see only the residual; each fill explained', async () => {
    const weth = w.token('WETH').address;
    const wbtc = w.token('WBTC').address;
    const before = { weth: await held(weth), wbtc: await held(wbtc) };
    const { outcomes } = await runBatch(w, posted);
    const settled = outcomes.filter((o) => o.status === 'settled');
    assert.equal(settled.length, posted.length, JSON.stringify(outcomes.map((o) => [o.status, o.reason])));
    assert.equal(new Set(settled.map((o) => o.txHash)).size, 1, 'one settle for the whole batch');
    const { args } = decodeFunctionData({ abi: settlementAbi, data: settled[0]!.calldata! });
    const [tokens, prices] = args as unknown as [Address[], bigint[]];
    assert.equal(new Set(tokens.map((t) => t.toLowerCase())).size, tokens.length, 'one clearing price per token');
    const price = (t: Address) => prices[tokens.findIndex((x) => x.toLowerCase() === t.toLowerCase())]!;
    for (const o of posted) {
      const r = settled.find((x) => x.uid === o.uid)!;
      assert.equal(r.executedSell, o.order.sellAmount);
      assert.ok(
        r.executedBuy! * o.order.sellAmount >= o.order.buyAmount * r.executedSell!,
        `${o.portfolio}: price ≥ limit`,
      );
      const p =
        (o.order.sellAmount * price(o.order.sellToken) + price(o.order.buyToken) - 1n) / price(o.order.buyToken);
      assert.equal(r.executedBuy, p, 'the fill is the settlement’s at the uniform prices');
      const bal = await w.balance(o.order.buyToken, o.owner.address);
      assert.ok(bal >= r.executedBuy!, 'the owner received it');
      assert.equal(r.explained!.matched + r.explained!.routed, o.sell === 'USDC' ? r.executedBuy : r.executedSell);
    }
    // X sold and bought per token; the pools receive exactly the residual of what sells in excess
    const flows = (t: Address) => {
      let sold = 0n;
      let bought = 0n;
      for (const r of settled) {
        const o = posted.find((x) => x.uid === r.uid)!.order;
        if (o.sellToken === t) sold += r.executedSell!;
        if (o.buyToken === t) bought += r.executedBuy!;
      }
      return { sold, bought };
    };
    const fw = flows(weth);
    const fb = flows(wbtc);
    assert.ok(fw.bought > 0n && fw.sold > fw.bought, 'WETH flows in both directions, more sold');
    const dw = (await held(weth)) - before.weth;
    const db = (await held(wbtc)) - before.wbtc;
    // the router may leave a few base units of dust in the settlement (its split rounds down)
    assert.ok(
      dw <= fw.sold - fw.bought && dw >= fw.sold - fw.bought - 10n,
      `pools got ${dw} WETH, the residual is ${fw.sold - fw.bought}`,
    );
    assert.ok(db <= fb.sold - fb.bought && db >= fb.sold - fb.bought - 10n, `pools got ${db} WBTC`);
    const routedWeth = settled
      .filter((r) => r.explained?.token.toLowerCase() === weth.toLowerCase())
      .reduce((s, r) => s + r.explained!.routed, 0n);
    assert.equal(routedWeth, fw.sold - fw.bought, 'the explanations route exactly the residual');
    console.log(
      `# WETH: ${fw.sold} sold, ${fw.bought} bought, ${fw.bought} matched internally (no pool), ${fw.sold - fw.bought} routed; the pools received ${dw}`,
    );
  });

  it('total surplus ≥ each order alone (part 1) and ≥ each portfolio alone through the lean executor', async () => {
    await test().revert({ id: snap });
    snap = await test().snapshot();
    const batch = (await runBatch(w, posted)).way;
    await test().revert({ id: snap });
    snap = await test().snapshot();
    const alone = (await runAlone(w, posted)).way;
    await test().revert({ id: snap });
    snap = await test().snapshot();
    const exec = await runExecutor(w, posted);
    for (const r of [batch, alone, exec])
      console.log(`# ${r.name}: surplus ${r.surplusUsd.toFixed(2)} USD, ${r.settled} fills, gas ${r.gas}`);
    assert.equal(batch.settled, posted.length);
    assert.equal(alone.settled, posted.length);
    assert.ok(batch.surplusUsd >= alone.surplusUsd, `batch ${batch.surplusUsd} ≥ alone ${alone.surplusUsd}`);
    assert.ok(batch.surplusUsd >= exec.surplusUsd, `batch ${batch.surplusUsd} ≥ executor ${exec.surplusUsd}`);
  });

  it('an order of another pair is settled alone after the batch, in its own settle', async () => {
    await test().revert({ id: snap });
    snap = await test().snapshot();
    const owner = await w.owner({ LINK: 100n * 10n ** 18n });
    const other = await sellOrder(w, 'LINK', 'DAI', 100n * 10n ** 18n, { slippageBps: 100 });
    const uid = await signAndPost(w, owner, other);
    const { outcomes } = await runBatch(w, posted);
    const settled = outcomes.filter((o) => o.status === 'settled');
    assert.equal(settled.length, posted.length + 1, JSON.stringify(outcomes.map((o) => [o.status, o.reason])));
    const alone = settled.find((o) => o.uid === uid)!;
    assert.equal(alone.explained, undefined, 'settled alone: nothing to explain');
    assert.equal(settled.filter((o) => o.txHash === alone.txHash).length, 1, 'its own settle');
    assert.equal(new Set(settled.filter((o) => o.uid !== uid).map((o) => o.txHash)).size, 1, 'the batch: one settle');
    assert.ok(alone.executedBuy! >= other.buyAmount);
  });
});
