/**
 * Split router benchmarks (issue #7, section 5): one trade over 20 pools, scaling on the Diamandis et al. 2023
 * generator, and the output gained over the 5%-step baseline. Prints markdown tables.
 * Run: npm run bench -- dex-router   (or: node --import tsx -e "import('./bench/dex-router.bench.ts').then(m => m.default())")
 */
import { createPool } from '../src/dex/pools/index.ts';
import type { Address, SwapPool } from '../src/dex/pools/types.ts';
import { gainOverBaseline } from '../src/dex/router/gain.ts';
import { route } from '../src/dex/router/route.ts';
import { mulberry32, tokenAddress } from '../src/dex/router/testing/cp-pool.ts';
import { diamandisMarket, randomPair } from '../src/dex/router/testing/diamandis.ts';
import { realMarket, USDC, WETH } from '../src/dex/router/testing/real-market.ts';
import type { RouteRequest } from '../src/dex/router/types.ts';
import * as joint from './dex-joint-routing.ts';
import { walkthroughTable } from './dex-joint-routing.ts';

const E18 = 10n ** 18n;
const GWEI = 10n ** 9n;

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly legs: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Wall and CPU time of each route, each the minimum of `reps` runs (the machine is shared: the minimum filters out
 * time slices lost to other processes), then the median over the trades. CPU = process user + system time.
 */
function timeRoutes(reqs: readonly RouteRequest[], reps = 3): { wall: number; cpu: number; legs: number } {
  const t: Timing[] = reqs.map((r) => {
    let wallMs = Number.POSITIVE_INFINITY;
    let cpuMs = Number.POSITIVE_INFINITY;
    let legs = 0;
    for (let k = 0; k < reps; k++) {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const out = route(r);
      wallMs = Math.min(wallMs, performance.now() - w0);
      const c = process.cpuUsage(c0);
      cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000);
      legs = out.legs.length;
    }
    return { wallMs, cpuMs, legs };
  });
  return {
    wall: median(t.map((x) => x.wallMs)),
    cpu: median(t.map((x) => x.cpuMs)),
    legs: median(t.map((x) => x.legs)),
  };
}

/** 20 Uniswap v2 pools (exact v2 math): 8 direct WETH-like/USDC-like pools and 6 + 6 through one hub. */
function twentyV2Pools(seed: number): SwapPool[] {
  const rnd = mulberry32(seed);
  const [A, B, H] = [tokenAddress(0), tokenAddress(1), tokenAddress(2)];
  const pools: SwapPool[] = [];
  for (let i = 0; i < 20; i++) {
    const [t0, t1]: [Address, Address] = i < 8 ? [A, B] : i < 14 ? [A, H] : [H, B];
    const depth = 10 ** (3 + 3 * rnd());
    const r0 = BigInt(Math.floor(depth * 1e6)) * 10n ** 12n;
    const r1 = BigInt(Math.floor(depth * (0.98 + 0.04 * rnd()) * 1e6)) * 10n ** 12n;
    pools.push(
      createPool({
        kind: 'uniswap-v2',
        address: tokenAddress(100 + i),
        token0: t0,
        token1: t1,
        reserve0: r0,
        reserve1: r1,
      }),
    );
  }
  return pools;
}

export function oneTradeTable(): string {
  const rows: string[] = [];
  const v2 = twentyV2Pools(1);
  const rnd = mulberry32(2);
  const sized = (
    pools: SwapPool[],
    tokenIn: Address,
    tokenOut: Address,
    unit: bigint,
    min: number,
    max: number,
    gas: bigint,
    outPerEth: number,
  ) =>
    Array.from({ length: 200 }, () => ({
      pools,
      tokenIn,
      tokenOut,
      amountIn: BigInt(Math.floor(10 ** (min + (max - min) * rnd()) * 1e6)) * (unit / 1_000_000n),
      gasPriceWei: gas,
      outPerEth,
    }));
  const v2Reqs = sized(v2, tokenAddress(0), tokenAddress(1), E18, 0, 4, 20n * GWEI, 3000e18);
  const real = realMarket();
  const realReqs = sized(real, WETH, USDC, E18, -1, 3, 20n * GWEI, 3000e6);
  timeRoutes(v2Reqs.slice(0, 50));
  timeRoutes(realReqs.slice(0, 50));
  for (const [name, reqs] of [
    ['20 Uniswap v2 pools (8 direct, 12 via a hub), 1–10⁴ tokens in, 20 gwei', v2Reqs],
    ['11 mixed pools (v2, v3 ranges, Balancer weighted/stable, Curve; 2 hubs), 0.1–1000 WETH, 20 gwei', realReqs],
  ] as const) {
    const t = timeRoutes(reqs);
    rows.push(`| ${name} | ${t.wall.toFixed(3)} | ${t.cpu.toFixed(3)} | ${t.legs} |`);
  }
  return [
    '| one trade (median over 200 trades of the best of 3 runs) | wall ms | CPU ms | legs used |',
    '|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

function scalingTable(): string {
  const rows: string[] = [];
  for (let i = 0; i < 10; i++) {
    const m = Math.round(100 * 10 ** ((2 * i) / 9));
    const market = diamandisMarket(m, 1000 + i);
    const t0 = performance.now();
    const reqs = (gas: bigint): RouteRequest[] => {
      const rnd = mulberry32(7 + i);
      return Array.from({ length: 20 }, () => {
        const [tokenIn, tokenOut] = randomPair(market);
        const amountIn = BigInt(Math.floor(10 ** (2 * rnd()) * 1e6)) * 10n ** 12n;
        return { pools: market.pools, tokenIn, tokenOut, amountIn, gasPriceWei: gas, outPerEth: 100e18 };
      });
    };
    // The first route over a pools array builds its token index (once per block in practice): timed apart.
    const first = reqs(0n)[0] as RouteRequest;
    const c0 = performance.now();
    route(first);
    const indexMs = performance.now() - c0;
    const free = timeRoutes(reqs(0n));
    const gas = timeRoutes(reqs(20n * GWEI));
    rows.push(
      `| ${m} | ${market.tokens.length} | ${indexMs.toFixed(1)} | ${free.wall.toFixed(2)} | ${free.cpu.toFixed(2)} | ${free.legs} | ${gas.wall.toFixed(2)} | ${gas.cpu.toFixed(2)} | ${gas.legs} |`,
    );
    void t0;
  }
  return [
    '| m pools | n tokens | first route (index) ms | no gas: wall ms | CPU ms | legs | 20 gwei: wall ms | CPU ms | legs |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

function gainTable(): string {
  const rows = gainOverBaseline(realMarket(), WETH, USDC, { gasPriceWei: 20n * GWEI, outPerEth: 3000e6 });
  return [
    '| trade (of pair liquidity) | WETH in | router net USDC | 5%-baseline net USDC | router legs | baseline splits | gain bps |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${(r.fraction * 100).toFixed(1)}% | ${(Number(r.amountIn) / 1e18).toFixed(3)} | ${(Number(r.routerNetOut) / 1e6).toFixed(2)} | ${(Number(r.baselineNetOut) / 1e6).toFixed(2)} | ${r.routerLegs} | ${r.baselineSplits} | ${r.gainBps.toFixed(2)} |`,
    ),
  ].join('\n');
}

export default async function run(): Promise<void> {
  console.log('## dex-router: joint routing of a whole rebalance (issue #18)\n');
  console.log(walkthroughTable());
  console.log(
    '\nScaling: random mixed markets (v2, v3, Balancer weighted and stable), 2 sells and 2 buys, 20 gwei; 3 markets per size, best of 2 runs each:\n',
  );
  console.log(joint.scalingTable());
  if (process.env.BENCH_JOINT_ONLY) return;
  console.log('\n## dex-router: optimal gas-aware split routing\n');
  console.log(oneTradeTable());
  console.log(
    '\nScaling (Diamandis et al. 2023 generator: m CP pools, n = ⌈√m⌉ tokens, reserves U[0,1000), γ ∈ {0.997, 1}; median over 20 trades (1–100 tokens, random pair) of the best of 3 runs; gas: 100k/leg at 20 gwei, 1 ETH = 100 tokens):\n',
  );
  console.log(scalingTable());
  console.log(
    '\nGain over the 5%-step baseline (≤ 3 pool-disjoint paths, exhaustive), synthetic fixture-like WETH→USDC market, 20 gwei, ETH = 3000 USDC:\n',
  );
  console.log(gainTable());
}
