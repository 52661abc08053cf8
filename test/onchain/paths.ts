/** Shared by the executor's guard and sandwich suites: a batch of two 2-hop paths, pools by name, raw sends. */
import assert from 'node:assert/strict';
import { type Address, createWalletClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { encodeExecute, simulateExecute } from '../../src/chain/executor/calldata.ts';
import { type ExecutorStep, encodeSteps } from '../../src/chain/executor/legs.ts';
import type { FixturePool } from '../../src/chain/fixture/types.ts';
import { slipMin } from '../../src/chain/rebalance/build.ts';
import type { JointLeg } from '../../src/dex/router/joint/index.ts';
import { KEY0, type World } from './setup.ts';

/** maxSlippageBps of the tests' batches: the paths' fees (v2 0.3% twice, v3 0.05% + 1%) and impact fit in it. */
export const BPS = 200;

export const tokenOf = (w: World, s: string): Address => w.tokens.get(s)!.address;

export function poolOf(w: World, protocol: FixturePool['protocol'], a: string, b: string, fee?: number): FixturePool {
  const p = w.fx.pools.find(
    (x) =>
      x.protocol === protocol &&
      x.symbols.length === 2 &&
      x.symbols.includes(a) &&
      x.symbols.includes(b) &&
      (fee === undefined || x.feePips === fee),
  );
  assert.ok(p, `pool ${protocol} ${a}/${b}`);
  return p;
}

/** Sends without simulating, so a failure is mined as reverted; returns its status. */
export async function sendAs(w: World, to: Address, data: Hex): Promise<string> {
  const wallet = createWalletClient({
    account: privateKeyToAccount(KEY0),
    chain: w.clients.wallet.chain,
    transport: http(w.node.rpcUrl),
  });
  const hash = await wallet.sendTransaction({ to, data, gas: 3_000_000n, chain: w.clients.wallet.chain });
  return (await w.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status;
}

/**
 * Two 2-hop paths from 4,000 USDC: USDC→WETH (v2) →LINK (v2, the first hop paying the second pair directly) and
 * USDC→WETH (v3 0.05%) →UNI (v3 1%, the second hop spending the executor's actual WETH). Each final step's
 * minimum is its simulated output less `bps`.
 */
export async function twoPathsOf(
  w: World,
  bps: number,
  id: () => Hex,
): Promise<{ data: Hex; steps: ExecutorStep[]; pulled: bigint }> {
  const tok = (s: string) => tokenOf(w, s);
  const pool = (protocol: FixturePool['protocol'], a: string, b: string, fee?: number) =>
    poolOf(w, protocol, a, b, fee);
  const owner = w.account.address;
  const usdc = tok('USDC');
  const weth = tok('WETH');
  const half = 2_000n * 10n ** 6n;
  const leg = (p: FixturePool, tin: Address, tout: Address, amountIn: bigint, final: boolean): JointLeg => ({
    pool: p.address,
    protocol: p.protocol,
    tokenIn: tin,
    tokenOut: tout,
    amountIn,
    amountOut: final ? 1n : 0n,
    final,
    ticksCrossed: 0,
    gas: 0,
  });
  // the hub amounts are what the first hops return: simulated by the executor itself
  const probe = async (legs: JointLeg[], mins: (l: JointLeg) => bigint) => {
    const pulls = [{ token: usdc, amount: 2n * half }];
    const steps = encodeSteps(legs, pulls, w.fx.pools, mins);
    const deadline = (await w.clients.public.getBlock()).timestamp + 600n;
    const data = encodeExecute({ id: id(), pulls, legs: steps, maxSlippageBps: bps, deadline });
    return { steps, data, sim: await simulateExecute(w.clients.public, owner, w.executor, data) };
  };
  const v2a = pool('uniswap-v2', 'WETH', 'USDC');
  const v2b = pool('uniswap-v2', 'LINK', 'WETH');
  const v3a = pool('uniswap-v3', 'WETH', 'USDC', 500);
  const v3b = pool('uniswap-v3', 'UNI', 'WETH', 10000);
  const first = await probe([leg(v2a, usdc, weth, half, false), leg(v3a, usdc, weth, half, false)], () => 0n);
  const [w1, w2] = first.sim.outs as [bigint, bigint];
  const legs = [
    { ...leg(v2a, usdc, weth, half, false), amountOut: w1 },
    leg(v2b, weth, tok('LINK'), w1, true),
    { ...leg(v3a, usdc, weth, half, false), amountOut: w2 },
    leg(v3b, weth, tok('UNI'), w2, true),
  ];
  const sized = await probe(legs, () => 1n);
  const out = new Map(sized.steps.map((s, i) => [s.tokenOut + String(s.toOwner), sized.sim.outs[i]!]));
  const fin = legs.map((l) => (l.final ? { ...l, amountOut: out.get(`${l.tokenOut}true`)! } : l));
  const r = await probe(fin, (l) => slipMin(l.amountOut, bps));
  return { data: r.data, steps: r.steps, pulled: 2n * half };
}
