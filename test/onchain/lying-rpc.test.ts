/**
 * A lying RPC (issue #30 items 2 and 7): a JSON-RPC proxy in front of anvil rewrites every Uniswap v2 pair's
 * getReserves inside the pool reader's Multicall3 aggregate3 answer to a tenth of the truth: the same marginal
 * price, a tenth of the depth. Through it alone, `dex rebalance` plans worse outputs and signs lower minimums
 * (what a sandwich then takes); with `--verify-rpc` on an honest node it refuses (RpcDisagreementError).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  decodeFunctionData,
  decodeFunctionResult,
  encodeFunctionResult,
  type Hex,
  multicall3Abi,
  parseAbi,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { stringify } from 'yaml';
import { RpcDisagreementError } from '../../src/chain/rebalance/verify.ts';
import { dexRebalance } from '../../src/cli/commands/dex-rebalance.ts';
import { ballast } from '../support/cli.ts';
import { type RpcProxy, startRpcProxy } from '../support/rpc-proxy.ts';
import { startWorld, type World } from './setup.ts';

const pairAbi = parseAbi(['function getReserves() view returns (uint112, uint112, uint32)']);
const transfer = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);
/** anvil's dev key #4 (public): this suite's portfolio owner, with an executor of its own. */
const KEY4 = '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a' as const;
const owner = privateKeyToAccount(KEY4).address;

let w: World;
let liar: RpcProxy;
let dir: string;
let cfg: string;
let rewritten = 0;

/** Thins every v2 pair's reserves tenfold in aggregate3 answers (the price stays, the depth goes). */
function thinV2(req: { method: string; params: unknown[] }) {
  if (req.method !== 'eth_call') return undefined;
  const call = req.params[0] as { to?: string; data?: Hex; input?: Hex };
  if (call.to?.toLowerCase() !== w.fx.contracts.multicall3.toLowerCase()) return undefined;
  const { functionName, args } = decodeFunctionData({ abi: multicall3Abi, data: (call.data ?? call.input)! });
  if (functionName !== 'aggregate3') return undefined;
  const calls = args[0] as readonly { target: string; callData: Hex }[];
  const sel = '0x0902f1ac'; // getReserves()
  if (!calls.some((c) => c.callData.startsWith(sel))) return undefined;
  return {
    rewrite: (result: unknown) => {
      const rs = decodeFunctionResult({ abi: multicall3Abi, functionName: 'aggregate3', data: result as Hex });
      const out = rs.map((r, i) => {
        if (!calls[i]!.callData.startsWith(sel) || !r.success) return r;
        const [a, b, t] = decodeFunctionResult({ abi: pairAbi, functionName: 'getReserves', data: r.returnData });
        rewritten++;
        return {
          ...r,
          returnData: encodeFunctionResult({
            abi: pairAbi,
            functionName: 'getReserves',
            result: [a / 10n, b / 10n, t],
          }),
        };
      });
      return encodeFunctionResult({ abi: multicall3Abi, functionName: 'aggregate3', result: out });
    },
  };
}

before(async () => {
  w = await startWorld();
  liar = await startRpcProxy(w.node.rpcUrl);
  liar.hook = thinV2;
  dir = mkdtempSync(join(tmpdir(), 'ballast-liar-'));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  await w.tx.call(w.tokens.get('WETH')!.address, transfer, 'transfer', [owner, 20n * 10n ** 18n], 'fund WETH');
  await w.tx.call(w.tokens.get('USDC')!.address, transfer, 'transfer', [owner, 5_000n * 10n ** 6n], 'fund USDC');
  const syms = ['WETH', 'USDC', 'WBTC', 'LINK'];
  cfg = join(dir, 'portfolio.yaml');
  const doc = (executor?: string) =>
    stringify({
      quote: 'USDC',
      target: { WETH: 0.25, USDC: 0.25, WBTC: 0.25, LINK: 0.25 },
      chain: {
        tokens: Object.fromEntries(syms.map((s) => [s, w.tokens.get(s)!.address])),
        feeds: Object.fromEntries(syms.map((s) => [s, w.feeds[s]])),
        ...(executor ? { executor } : {}),
        owner,
        maxSlippageBps: 50,
        maxDeviationBps: 300,
      },
    });
  writeFileSync(cfg, doc());
  const dep = await dexRebalance({
    rpc: w.node.rpcUrl,
    config: cfg,
    chainFile: join(dir, 'chain.json'),
    deployExecutor: true,
    env: { BALLAST_PRIVATE_KEY: KEY4 },
    write: () => {},
  });
  writeFileSync(cfg, doc(dep.executor));
});

after(async () => {
  await liar?.close();
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const plan = (rpc: string, verifyRpc?: string) =>
  dexRebalance({
    rpc,
    config: cfg,
    chainFile: join(dir, 'chain.json'),
    env: {},
    write: () => {},
    ...(verifyRpc ? { verifyRpc } : {}),
  });

test('thin depth shown by the read RPC: the plan signs lower minimums; --verify-rpc refuses it, naming the pool', async () => {
  const honest = await plan(w.node.rpcUrl);
  const lied = await plan(liar.url);
  assert.ok(rewritten > 0, 'the proxy rewrote pool reads');
  const h = honest.prepared!.batch;
  const l = lied.prepared!.batch;
  assert.ok(l.minTotalValue < h.minTotalValue, `minimum value ${l.minTotalValue} < honest ${h.minTotalValue}`);
  console.log(
    `# lying RPC (v2 depth ÷10): minimum total value ${(Number(l.minTotalValue) / 1e18).toFixed(2)} USD signed vs ${(Number(h.minTotalValue) / 1e18).toFixed(2)} honest`,
  );
  await assert.rejects(plan(liar.url, w.node.rpcUrl), (e: unknown) => {
    assert.ok(e instanceof RpcDisagreementError);
    assert.match(
      e.message,
      /^the RPCs disagree on pool 0x[0-9a-fA-F]{40} \(.*\) at block \d+: reserve[01]: \d+ vs \d+ \(tolerance 0 bps\)/,
    );
    return true;
  });
  await plan(w.node.rpcUrl, w.node.rpcUrl); // two honest answers agree
});

test('the CLI: --verify-rpc refuses in one line (exit 75); a bad --verify-rpc or a tolerance without it is a usage error', async () => {
  const base = ['dex', 'rebalance', '--rpc', liar.url, '--config', cfg, '--chain-file', join(dir, 'chain.json')];
  const r = await ballast(...base, '--verify-rpc', w.node.rpcUrl);
  assert.equal(r.code, 75, r.stderr);
  assert.match(r.stderr, /the RPCs disagree on pool/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  const bad = await ballast(...base, '--verify-rpc', 'ftp://x');
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--verify-rpc/);
  const lone = await ballast(...base, '--verify-tolerance-bps', '5');
  assert.equal(lone.code, 2, lone.stderr);
  assert.match(lone.stderr, /^.*--verify-tolerance-bps: only with --verify-rpc/);
});
