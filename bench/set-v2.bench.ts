/**
 * Issue #21 item 4: Set Protocol v2 against Ballast, side by side, on the local fixture: the same $1M WETH/USDC
 * basket from 60/40 to 50/50 at the oracle prices, Uniswap v2/v3 pools only. Prints the markdown table of
 * docs/benchmarks.md. Run: `npm run bench -- set-v2` (or `node --import tsx bench/set-v2.bench.ts`);
 * `SET_V2_BASKET_USD=10000000` runs it for a $10M basket.
 */
import { pathToFileURL } from 'node:url';
import { startFixtureNode } from '../src/chain/fixture/cache.ts';
import {
  BASKET_USD,
  compareSetV2,
  GAS_PRICE_GWEI,
  gasEth,
  MAX_SLIPPAGE_BPS,
  type SideOutcome,
  type SideResult,
} from './set-v2/compare.ts';

const usd = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (ws: readonly number[]) => ws.map((w) => (w * 100).toFixed(3)).join(' / ');
const ok = (r: SideOutcome): r is SideResult => !('failed' in r);

export default async function run(): Promise<void> {
  const basketUsd = Number(process.env.SET_V2_BASKET_USD ?? BASKET_USD);
  const { node, fixture } = await startFixtureNode();
  try {
    const c = await compareSetV2(fixture, basketUsd);
    const sym = c.held.map((t) => t.symbol).join('/');
    console.log(
      `${usd(c.basketUsd)} ${sym} basket, 60/40 → 50/50 at the oracle prices (ETH $${c.ethUsd}); gas at ${GAS_PRICE_GWEI} gwei; limits ${MAX_SLIPPAGE_BPS} bps unless said.\n`,
    );
    console.log(
      `| side | rebalance txs | rebalance gas | gas at 20 gwei (ETH / USD) | pool fees (USD) | price impact (USD) | total lost at the oracles (USD) | final weights ${sym} (%) | one-time setup txs (gas) | pools used |`,
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---|---|---|');
    for (const r of c.rows) {
      if (!ok(r)) {
        console.log(`| ${r.name} | reverted: ${r.failed.replaceAll('|', '/')} | | | | | | | | |`);
        continue;
      }
      const eth = gasEth(r.rebalanceGas);
      const each =
        r.rebalanceGasEach.length > 1
          ? ` (${r.rebalanceGasEach.map((g) => g.toLocaleString('en-US')).join(' + ')})`
          : '';
      console.log(
        `| ${r.name} | ${r.rebalanceTxs} | ${r.rebalanceGas.toLocaleString('en-US')}${each} | ${eth.toFixed(5)} / ${usd(eth * c.ethUsd)} | ${usd(r.costs.feesUsd)} | ${usd(r.costs.impactUsd)} | ${usd(r.costs.lossUsd)} | ${pct(r.weightsAfter)} | ${r.setupTxs} (${r.setupGas.toLocaleString('en-US')}) | ${r.costs.poolsUsed.join(', ')} |`,
      );
    }
    const done = c.rows.filter(ok);
    console.log(
      `\nholder's own value lost at the oracles (check against the pools' gain): ${done.map((r) => `${r.name}: ${usd(r.holderLossUsd)}`).join('; ')}`,
    );
  } finally {
    await node.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
