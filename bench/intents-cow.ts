/**
 * Issue #25 figures: three portfolios with opposite drifts (src/chain/intents/testing/cow-scenario.ts) solved
 * three ways from the same chain state on anvil with the fixture: one batch auction, each order settled alone
 * (part 1), each portfolio alone through the lean executor. Prints the total surplus over the orders' limits
 * (USD at the oracle), the gas, and the batch's internal match.
 *
 *     node --import tsx bench/intents-cow.ts
 */
import { localClients } from '../src/chain/client.ts';
import {
  postScenario,
  refreshFeeds,
  runAlone,
  runBatch,
  runExecutor,
} from '../src/chain/intents/testing/cow-scenario.ts';
import { startIntentWorld } from '../src/chain/intents/testing/world.ts';

const w = await startIntentWorld();
try {
  await refreshFeeds(w);
  const posted = await postScenario(w);
  const test = localClients(w.fx.rpcUrl, w.fx.deployer, w.fx.chainId).test;
  let snap = await test.snapshot();
  const t0 = performance.now();
  const b = await runBatch(w, posted);
  const ms = performance.now() - t0;
  await test.revert({ id: snap });
  snap = await test.snapshot();
  const alone = (await runAlone(w, posted)).way;
  await test.revert({ id: snap });
  const exec = await runExecutor(w, posted);
  const sym = (a: string) => w.fx.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase())!;
  process.stdout.write('| orders |\n|---|\n');
  for (const o of posted) {
    const r = b.outcomes.find((x) => x.uid === o.uid)!;
    const t = r.explained ? sym(r.explained.token) : undefined;
    const u = (x: bigint) => (t ? (Number(x) / 10 ** t.decimals).toFixed(4) : '?');
    process.stdout.write(
      `| ${o.portfolio}: sell ${Number(o.order.sellAmount + o.order.feeAmount) / 10 ** sym(o.order.sellToken).decimals} ${o.sell} for ${o.buy} — batch: ${r.explained ? `${u(r.explained.matched)} ${t!.symbol} matched internally, ${u(r.explained.routed)} routed` : r.status} |\n`,
    );
  }
  process.stdout.write('\n| way | fills | total surplus over limits, USD | gas |\n|---|---:|---:|---:|\n');
  for (const r of [b.way, alone, exec])
    process.stdout.write(`| ${r.name} | ${r.settled} | ${r.surplusUsd.toFixed(2)} | ${r.gas} |\n`);
  process.stdout.write(
    `\nbatch − alone: ${(b.way.surplusUsd - alone.surplusUsd).toFixed(2)} USD; batch − executor: ${(b.way.surplusUsd - exec.surplusUsd).toFixed(2)} USD; the batch round (auction + simulate + send) took ${ms.toFixed(0)} ms\n`,
  );
} finally {
  await w.close();
}
