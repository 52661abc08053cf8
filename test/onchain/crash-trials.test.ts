/**
 * Crash trials of `ballast dex rebalance --execute` (issue #30 item 1), real processes on anvil: the CLI is
 * killed with SIGKILL (1) before its batch reaches the node (the broadcast is held by a JSON-RPC proxy and
 * never forwarded), (2) after the node accepted the batch, before its receipt (mining is off), and (3) it gives
 * up waiting for a receipt (--receipt-timeout) and is run again while the batch is still pending. Each run
 * after a crash must resolve the journaled batch first: never two executed batches for one decision.
 * Invariant after every trial: `Rebalanced` events = filled batches in the journal, at most one per cycle.
 * BALLAST_CRASH_TRIALS=N repeats the three trials N times (default 1).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Address, type Hex, keccak256, parseAbi, parseTransaction } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { stringify } from 'yaml';
import { executorArtifact } from '../../src/chain/executor/artifact.ts';
import { dexRebalance } from '../../src/cli/commands/dex-rebalance.ts';
import { Journal } from '../../src/store/journal.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { type RpcProxy, startRpcProxy } from '../support/rpc-proxy.ts';
import { startWorld, type World } from './setup.ts';

const TRIALS = Number(process.env.BALLAST_CRASH_TRIALS ?? '1');
/** anvil's dev key #3 (public): this suite's portfolio owner. */
const KEY3 = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6' as const;
const owner = privateKeyToAccount(KEY3).address;
const transfer = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);

let w: World;
let proxy: RpcProxy;
let dir: string;
let cfg: string;
let executor: Address;
const journalPath = () => join(dir, 'journal.db');

before(async () => {
  w = await startWorld();
  proxy = await startRpcProxy(w.node.rpcUrl);
  dir = mkdtempSync(join(tmpdir(), 'ballast-crash-'));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  await w.tx.call(w.tokens.get('USDC')!.address, transfer, 'transfer', [owner, 10_000n * 10n ** 6n], 'fund USDC');
  const write = (doc: object) => {
    const path = join(dir, 'portfolio.yaml');
    writeFileSync(path, stringify(doc));
    return path;
  };
  const syms = ['WETH', 'USDC', 'WBTC', 'LINK'];
  const doc = (ex?: string) => ({
    quote: 'USDC',
    target: { WETH: 0.25, USDC: 0.25, WBTC: 0.25, LINK: 0.25 },
    chain: {
      tokens: Object.fromEntries(syms.map((s) => [s, w.tokens.get(s)!.address])),
      feeds: Object.fromEntries(syms.map((s) => [s, w.feeds[s]])),
      ...(ex ? { executor: ex } : {}),
      owner,
      maxSlippageBps: 100, // the re-run trades a remainder through the moved pools (v4 routes included)
      maxDeviationBps: 150,
    },
  });
  const dep = await dexRebalance({
    rpc: w.node.rpcUrl,
    chainFile: join(dir, 'chain.json'),
    config: write(doc()),
    deployExecutor: true,
    env: { BALLAST_PRIVATE_KEY: KEY3 },
    write: () => {},
  });
  executor = dep.executor!;
  cfg = write(doc(executor));
});

after(async () => {
  await proxy?.close();
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const rpc = (method: string, params: unknown[] = []) => w.clients.public.request({ method, params } as never);

/** The real CLI through the proxy; `onChild` sees the process (to kill it). */
function run(extra: string[] = [], onChild?: (c: ChildProcess) => void) {
  const c = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'dex',
      'rebalance',
      '--rpc',
      proxy.url,
      '--config',
      cfg,
      '--chain-file',
      join(dir, 'chain.json'),
      '--journal',
      journalPath(),
      '--execute',
      ...extra,
    ],
    { cwd: REPO_ROOT, env: { ...process.env, BALLAST_PRIVATE_KEY: KEY3 } },
  );
  onChild?.(c);
  let out = '';
  const add = (b: Buffer) => {
    out += b.toString();
  };
  c.stdout!.on('data', add);
  c.stderr!.on('data', add);
  return new Promise<{ code: number | null; signal: string | null; out: string }>((res) =>
    c.on('close', (code, signal) => res({ code, signal, out })),
  );
}

const toExecutor = (raw: Hex) => parseTransaction(raw).to?.toLowerCase() === executor.toLowerCase();
const rawOf = (params: unknown[]) => params[0] as Hex;

/** Moves the portfolio away from its target so the next run has a decision to execute. */
async function unbalance(): Promise<void> {
  await w.tx.call(w.tokens.get('WETH')!.address, transfer, 'transfer', [owner, 2n * 10n ** 18n], 'fund WETH');
}

async function rebalancedEvents(): Promise<number> {
  const logs = await w.clients.public.getContractEvents({
    address: executor,
    abi: executorArtifact().abi,
    eventName: 'Rebalanced',
    fromBlock: 0n,
  });
  return logs.length;
}

/** Events = filled batches (leg 0) in the journal, at most one per cycle, nothing left unresolved. */
function checkJournal(events: number): void {
  const j = Journal.open(journalPath());
  try {
    const rows = j.db
      .prepare(
        `SELECT i.cycle AS cycle, i.state AS state FROM order_intents i JOIN chain_txs c ON c.intent_id = i.id
         WHERE i.portfolio_id = 'onchain' AND i.leg = 0`,
      )
      .all() as { cycle: number; state: string }[];
    const filled = rows.filter((r) => r.state === 'filled');
    assert.equal(events, filled.length, `Rebalanced events ${events} = filled batches ${filled.length}`);
    assert.equal(new Set(filled.map((r) => r.cycle)).size, filled.length, 'at most one executed batch per cycle');
    assert.deepEqual(j.chainTxs.unfinished(), [], 'nothing left unresolved');
  } finally {
    j.close();
  }
}

async function mineSoon(): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  await rpc('evm_mine');
}

/** Rewrite hook for an approval: answered unchanged, and a block is mined just after (mining is off). */
const thenMine = (x: unknown): unknown => {
  void mineSoon();
  return x;
};

/**
 * A run after a crash: it resolves the journaled batch first (printed at once); its new decision may then trade
 * the residue (one more batch) or be refused by a guard (exit 75, nothing sent).
 */
function afterCrash(r: { code: number | null; out: string }, hash: Hex): number {
  assert.match(r.out, new RegExp(`resolved first: ${hash} \\(nonce \\d+\\) filled`), r.out);
  assert.ok(r.code === 0 || (r.code === 75 && /nothing sent/.test(r.out)), r.out);
  return /^sent: /m.test(r.out) ? 1 : 0;
}

const counts = { killedBeforeBroadcast: 0, killedBeforeReceipt: 0, receiptTimeout: 0, executedBatches: 0 };

test(`crash trials ×${TRIALS}: kill -9 before broadcast, after broadcast before the receipt, a receipt timeout and a re-run: never two batches for one decision`, async () => {
  for (let t = 0; t < TRIALS; t++) {
    // (1) SIGKILL while the batch's eth_sendRawTransaction is held by the proxy: it never reached the node.
    await unbalance();
    let e0 = await rebalancedEvents();
    let held: Hex | undefined;
    let child: ChildProcess | undefined;
    proxy.hook = (r) => {
      if (r.method !== 'eth_sendRawTransaction' || !toExecutor(rawOf(r.params))) return undefined;
      held = rawOf(r.params);
      child?.kill('SIGKILL');
      return 'hold';
    };
    const k1 = await run([], (c) => {
      child = c;
    });
    assert.equal(k1.signal, 'SIGKILL', k1.out);
    assert.ok(held);
    assert.equal(await rebalancedEvents(), e0, 'killed before broadcast: nothing executed');
    proxy.hook = () => undefined;
    const r1 = await run();
    assert.equal(await rebalancedEvents(), e0 + 1 + afterCrash(r1, keccak256(held)));
    checkJournal(await rebalancedEvents());
    counts.killedBeforeBroadcast++;

    // (2) SIGKILL once the node holds the batch (mining off), before any receipt; then the block is mined.
    await unbalance();
    e0 = await rebalancedEvents();
    await rpc('evm_setAutomine', [false]);
    let batch: Hex | undefined;
    proxy.hook = (r) => {
      if (r.method !== 'eth_sendRawTransaction') return undefined;
      if (!toExecutor(rawOf(r.params))) return { rewrite: thenMine };
      batch = rawOf(r.params);
      return {
        rewrite: (x) => {
          child?.kill('SIGKILL');
          return x;
        },
      };
    };
    const k2 = await run([], (c) => {
      child = c;
    });
    assert.equal(k2.signal, 'SIGKILL', k2.out);
    assert.ok(batch);
    proxy.hook = () => undefined;
    await rpc('evm_mine');
    await rpc('evm_setAutomine', [true]);
    const r2 = await run();
    assert.equal(await rebalancedEvents(), e0 + 1 + afterCrash(r2, keccak256(batch)));
    checkJournal(await rebalancedEvents());
    counts.killedBeforeReceipt++;

    // (3) The receipt does not come within --receipt-timeout: the run exits 75 naming the hash; a re-run while
    // the batch is still pending refuses to plan (nothing sent); once mined, the next run resolves it.
    await unbalance();
    e0 = await rebalancedEvents();
    await rpc('evm_setAutomine', [false]);
    batch = undefined;
    proxy.hook = (r) => {
      if (r.method !== 'eth_sendRawTransaction') return undefined;
      if (!toExecutor(rawOf(r.params))) return { rewrite: thenMine };
      batch = rawOf(r.params);
      return undefined;
    };
    const k3 = await run(['--receipt-timeout', '2']);
    assert.equal(k3.code, 75, k3.out);
    assert.ok(batch);
    const hash = keccak256(batch);
    assert.match(k3.out, new RegExp(`no receipt for ${hash}`));
    const sends = proxy.seen.filter((r) => r.method === 'eth_sendRawTransaction').length;
    const again = await run(['--receipt-timeout', '2']);
    assert.equal(again.code, 75, again.out);
    assert.match(again.out, new RegExp(`not planned: a transaction of ${owner} is still unresolved: ${hash}`));
    assert.equal(
      proxy.seen.filter((r) => r.method === 'eth_sendRawTransaction').length,
      sends,
      'the refused re-run sent nothing',
    );
    proxy.hook = () => undefined;
    await rpc('evm_mine');
    await rpc('evm_setAutomine', [true]);
    const r3 = await run();
    assert.equal(await rebalancedEvents(), e0 + 1 + afterCrash(r3, hash));
    checkJournal(await rebalancedEvents());
    counts.receiptTimeout++;
  }
  counts.executedBatches = await rebalancedEvents();
  console.log(`# crash trials: ${JSON.stringify(counts)}`);
});
