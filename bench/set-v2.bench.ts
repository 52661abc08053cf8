/**
 * Issue #21 item 4: Set Protocol v2 against Ballast, side by side, on the local fixture: the same $1M WETH/USDC
 * basket from 60/40 to 50/50 at the oracle prices, Uniswap v2/v3 pools only. Prints the markdown table of
 * docs/benchmarks.md. Run: `npm run bench -- set-v2` (or `node --import tsx bench/set-v2.bench.ts`).
 */
import { pathToFileURL } from 'node:url';
import { startFixtureNode } from '../src/chain/fixture/cache.ts';
import { compareSetV2, GAS_PRICE_GWEI, gasEth, MAX_SLIPPAGE_BPS } from './set-v2/compare.ts';

const usd = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (ws: readonly number[]) => ws.map((w) => (w * 100).toFixed(3)).join(' / ');

export default async function run(): Promise<void> {
  const { node, fixture } = await startFixtureNode();
  try {
    const c = await compareSetV2(fixture);
    const sym = c.held.map((t) => t.symbol).join('/');
    console.log(
      `$1M ${sym} basket, ${pct(c.rows[0]!.weightsBefore)} → 50/50 at the oracle prices (ETH $${c.ethUsd}); gas at ${GAS_PRICE_GWEI} gwei; limits ${MAX_SLIPPAGE_BPS} bps on both sides.\n`,
    );
    console.log(
      '| side | rebalance txs | rebalance gas | gas at 20 gwei (ETH / USD) | pool fees (USD) | price impact (USD) | total lost at the oracles (USD) | final weights ' +
        sym +
        ' (%) | one-time setup txs (gas) | pools used |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---|---|---|');
    for (const r of c.rows) {
      const eth = gasEth(r.rebalanceGas);
      console.log(
        `| ${r.name} | ${r.rebalanceTxs} | ${r.rebalanceGas.toLocaleString('en-US')}${r.rebalanceGasEach.length > 1 ? ` (${r.rebalanceGasEach.map((g) => g.toLocaleString('en-US')).join(' + ')})` : ''} | ${eth.toFixed(5)} / ${usd(eth * c.ethUsd)} | ${usd(r.costs.feesUsd)} | ${usd(r.costs.impactUsd)} | ${usd(r.costs.lossUsd)} | ${pct(r.weightsAfter)} | ${r.setupTxs} (${r.setupGas.toLocaleString('en-US')}) | ${r.costs.poolsUsed.join(', ')} |`,
      );
    }
    console.log(
      `\nholder's own value lost at the oracles (check against the pools' gain): ${c.rows.map((r) => `${r.name}: ${usd(r.holderLossUsd)}`).join('; ')}`,
    );
  } finally {
    await node.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
