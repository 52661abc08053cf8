/**
 * Issue #24 figures: the gas a GPv2 settlement of one order costs the solver (the trader pays none), and
 * the solver's time for one round with one open order (route + simulation), on anvil with the fixture.
 *
 *     node --import tsx bench/intents-settle.ts
 */
import { type IntentWorld, sellOrder, signAndPost, startIntentWorld } from '../src/chain/intents/testing/world.ts';

const cases: [string, string, bigint][] = [
  ['WETH', 'USDC', 10n ** 18n],
  ['WETH', 'USDC', 200n * 10n ** 18n],
  ['LINK', 'DAI', 1_000n * 10n ** 18n],
  ['WBTC', 'USDT', 10n ** 8n],
];

const w: IntentWorld = await startIntentWorld();
try {
  process.stdout.write(
    '| order | swaps | gas of settle | solver round (simulate), ms | executed price / limit |\n|---|---:|---:|---:|---:|\n',
  );
  for (const [s, b, total] of cases) {
    const owner = await w.owner({ [s]: total });
    const order = await sellOrder(w, s, b, total, { slippageBps: 100 });
    await signAndPost(w, owner, order);
    const t0 = performance.now();
    await w.solve(false);
    const ms = performance.now() - t0;
    const all = await w.solve(true);
    const o = all.find((x) => x.status !== 'skipped');
    if (o?.status !== 'settled') throw new Error(`${s}→${b}: ${JSON.stringify(all.map((x) => [x.status, x.reason]))}`);
    const { decodeFunctionData } = await import('viem');
    const { settlementAbi } = await import('../src/chain/intents/solve.ts');
    const decoded = decodeFunctionData({ abi: settlementAbi, data: o.calldata! }).args as unknown as unknown[][][];
    const legs = decoded[3]![1]!;
    const ratio = Number((o.executedBuy! * order.sellAmount * 1_000_000n) / (order.buyAmount * o.executedSell!)) / 1e6;
    const t = w.token(s);
    process.stdout.write(
      `| sell ${Number(total) / 10 ** t.decimals} ${s} for ${b} | ${legs.length / 2} | ${o.gasUsed} | ${ms.toFixed(0)} | ${ratio.toFixed(4)} |\n`,
    );
  }
} finally {
  await w.close();
}
