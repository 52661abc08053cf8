/**
 * The basket venue in the service (issue #21 items 2 and 3), real processes on anvil: a BallastBasket deployed
 * by the test, run by a service child (test/trials/basket-child.ts) whose keeper key is in a key file.
 *
 * - One decision is ONE `rebalance` transaction, journaled; a decision the contract would refuse on known state
 *   (not due yet) is refused off-chain with the contract's error name and nothing is sent.
 * - Crash trials: the child is killed with SIGKILL before signing, after signing (nothing journaled), after the
 *   signed bytes are journaled (nothing broadcast) and after the node accepted them (no receipt read); a new
 *   child on the same journal resolves first. Invariant after every trial: exactly one `Rebalanced` event for
 *   the decision, every rebalance transaction mined is journaled and filled, at most one per cycle, nothing
 *   left unresolved. BASKET_CRASH_ROUNDS=N runs N rounds of the four points (default 5: 20 trials), each round in
 *   an order and with donation sizes (6–12% of the NAV) drawn from BASKET_CRASH_SEED (default 21).
 * - A second process on the same journal is refused (the writer lock) and sends nothing.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { type Address, parseAbi } from 'viem';
import { basketArtifact } from '../../src/chain/basket/artifact.ts';
import { readValuation } from '../../src/chain/basket/read.ts';
import type { BasketView } from '../../src/chain/basket/view.ts';
import { createApi } from '../../src/service/api/server.ts';
import { client } from '../../src/service/api/testing/client.ts';
import { parseService } from '../../src/service/config/parse.ts';
import { Service } from '../../src/service/service.ts';
import { chromiumSkip, launchChromium } from '../support/chromium.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { ACCOUNT1, basketSend, deployTestBasket, refreshFeeds, tok, warp } from './basket-world.ts';
import { KEY1, startWorld, type World } from './setup.ts';

const ROUNDS = Number(process.env.BASKET_CRASH_ROUNDS ?? 5);
const SEED = Number(process.env.BASKET_CRASH_SEED ?? 21);

/** mulberry32: the trials' order and sizes from the seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const POINTS = ['batch_before_sign', 'batch_signed', 'batch_journaled', 'batch_broadcast'] as const;
const E18 = 10n ** 18n;
const TOKEN = 'basket-dashboard-token-0123456789';
const transfer = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);

let w: World;
let basket: Address;
let dir: string;
let keyFile: string;

before(async () => {
  w = await startWorld();
  await refreshFeeds(w);
  basket = await deployTestBasket(w, {
    symbols: ['WETH', 'USDC'],
    targetBps: [5000, 5000],
    profile: { keeper: ACCOUNT1, minInterval: 60, bandAbsBps: 200, maxLossBps: 100 },
  });
  await basketSend(w, basket, 'issue', [200n * E18, w.account.address]);
  dir = mkdtempSync(join(tmpdir(), 'ballast-basket-serve-'));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  keyFile = join(dir, 'keeper.key');
  writeFileSync(keyFile, `${KEY1}\n`);
  chmodSync(keyFile, 0o600);
});

after(async () => {
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const journalOf = (name: string) => join(dir, `${name}.sqlite`);

function serviceDoc(name: string, venueOver: Record<string, unknown> = {}): object {
  return {
    journal: journalOf(name),
    portfolios: [
      {
        id: 'p1',
        portfolio: { quote: 'USDC', target: { WETH: 0.5, USDC: 0.5 }, trigger: { type: 'band', band: 0.02 } },
        venue: {
          type: 'basket',
          rpcUrl: w.node.rpcUrl,
          basket,
          chainFile: join(dir, 'chain.json'),
          keyFile,
          maxSlippageBps: 100,
          receiptTimeoutMs: 30_000,
          ...venueOver,
        },
        schedule: { every: '1h' },
        mode: 'live',
        guards: { maxPriceAgeSeconds: 3600, maxSlippageBps: 300 },
        risk: { cooldown: 0, killSwitchAfter: 1000 },
      },
    ],
  };
}

interface Child {
  readonly proc: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line matching, or rejects when the process ends first. */
  line(re: RegExp, ms?: number): Promise<string>;
  send(cmd: string): void;
  readonly exited: Promise<{ code: number | null; signal: string | null; out: string }>;
}

function child(name: string, crash?: string, venueOver: Record<string, unknown> = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/trials/basket-child.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, TRIAL_CONFIG: JSON.stringify(serviceDoc(name, venueOver)), TRIAL_CRASH: crash ?? '' },
  });
  const lines: string[] = [];
  let out = '';
  let buf = '';
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const f of waiters.splice(0)) f();
  };
  proc.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    buf += b.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
    wake();
  });
  proc.stderr!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: string | null; out: string }>((res) =>
    proc.on('close', (code, signal) => {
      ended = true;
      wake();
      res({ code, signal, out });
    }),
  );
  const line = async (re: RegExp, ms = 120_000): Promise<string> => {
    const end = Date.now() + ms;
    for (;;) {
      const hit = lines.find((l) => re.test(l));
      if (hit !== undefined) return hit;
      if (ended || Date.now() > end) throw new Error(`no line ${re} (ended: ${ended}); output:\n${out}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 500);
      });
    }
  };
  return { proc, lines, line, send: (cmd) => proc.stdin!.write(`${cmd}\n`), exited };
}

/** Runs one cycle in a fresh child and exits it; returns the CYCLE line. */
async function oneCycle(name: string): Promise<string> {
  const c = child(name);
  await c.line(/^READY/);
  c.send('cycle');
  const l = await c.line(/^CYCLE /);
  c.send('exit');
  await c.exited;
  return l;
}

async function rebalancedTxs(): Promise<string[]> {
  const logs = await w.clients.public.getContractEvents({
    address: basket,
    abi: basketArtifact().abi,
    eventName: 'Rebalanced',
    fromBlock: 0n,
  });
  return logs.map((l) => l.transactionHash.toLowerCase());
}

interface TxRow {
  cycle: number;
  child: number;
  state: string;
  tx_hash: string;
}

function chainTxs(name: string): TxRow[] {
  const db = new Database(journalOf(name), { readonly: true });
  try {
    return db
      .prepare(
        'SELECT i.cycle, i.child, i.state, c.tx_hash FROM order_intents i JOIN chain_txs c ON c.intent_id = i.id ORDER BY i.id',
      )
      .all() as TxRow[];
  } finally {
    db.close();
  }
}

/** Sends the basket WETH worth `fraction` of its NAV (off its targets), and makes it due (minInterval 60 s). */
async function unbalance(fraction = 0.08): Promise<void> {
  const v = await readValuation(w.clients.public, basket);
  const wethUsd = Number(v.values[0]!) / Number(v.balances[0]!); // USD per wei × 1e18 / 1e18
  const wei = BigInt(Math.floor((fraction * Number(v.nav)) / wethUsd));
  await w.tx.call(tok(w, 'WETH'), transfer, 'transfer', [basket, wei], 'unbalance the basket');
  await warp(w, 61);
  await refreshFeeds(w);
}

/** Every Rebalanced transaction is journaled filled; at most one transaction per cycle; none unfinished. */
function checkJournal(name: string, events: readonly string[]): void {
  const rows = chainTxs(name);
  const filled = rows.filter((r) => r.state === 'filled');
  const mine = events.filter((h) => rows.some((r) => r.tx_hash === h));
  assert.deepEqual(
    filled.map((r) => r.tx_hash).sort(),
    [...mine].sort(),
    'each filled transaction is a Rebalanced event',
  );
  const cycles = rows.map((r) => r.cycle);
  assert.equal(new Set(cycles).size, cycles.length, `one transaction per cycle: ${JSON.stringify(rows)}`);
  assert.ok(
    rows.every((r) => ['filled', 'rejected', 'not_placed'].includes(r.state)),
    `nothing unresolved: ${JSON.stringify(rows)}`,
  );
}

test('one decision, one rebalance transaction; a rebalance the contract would refuse (not due) is refused off-chain, nothing sent', async () => {
  await unbalance();
  const e0 = await rebalancedTxs();
  const first = await oneCycle('e2e');
  assert.match(first, /^CYCLE \d+ rebalanced /, first);
  const e1 = await rebalancedTxs();
  assert.equal(e1.length, e0.length + 1, 'one Rebalanced event');
  const rows = chainTxs('e2e');
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.state, 'filled');
  assert.equal(rows[0]!.tx_hash, e1[e1.length - 1]);
  // off target again, but the interval has not passed: the contract would revert NotDue
  const v = await readValuation(w.clients.public, basket);
  const wethUsd = Number(v.values[0]!) / Number(v.balances[0]!);
  const wei = BigInt(Math.floor((0.08 * Number(v.nav)) / wethUsd));
  await w.tx.call(tok(w, 'WETH'), transfer, 'transfer', [basket, wei], 'unbalance, not due');
  const second = await oneCycle('e2e');
  assert.match(second, /^CYCLE \d+ failed /, second);
  const cycle = Number(second.split(' ')[1]);
  const db = new Database(journalOf('e2e'), { readonly: true });
  const skipped = db
    .prepare('SELECT asset, code, reason FROM skipped_trades WHERE portfolio_id = ? AND cycle = ?')
    .all('p1', cycle) as { asset: string; code: string; reason: string }[];
  db.close();
  assert.ok(skipped.length > 0, 'the refusal is recorded');
  for (const s of skipped) {
    assert.equal(s.code, 'NotDue', JSON.stringify(s));
    assert.match(s.reason, /the basket would refuse it \(NotDue\): due: not before \d+/);
  }
  assert.equal((await rebalancedTxs()).length, e1.length, 'nothing executed');
  assert.equal(chainTxs('e2e').length, 1, 'nothing signed or journaled');
});

test('the dashboard: NAV per share at the oracle prices, weights vs targets, profile and the last rebalance, through the real HTTP server (and Chromium)', {
  timeout: 180_000,
}, async () => {
  const svc = await Service.start(parseService(serviceDoc('e2e'), 'service'), { strictGuards: false });
  const api = await createApi(svc, { port: 0, token: TOKEN });
  try {
    const res = await client(api.url, TOKEN)<{ basket: BasketView }>('GET', '/portfolios/p1/basket');
    assert.equal(res.status, 200);
    const b = res.body.basket;
    const v = await readValuation(w.clients.public, basket);
    const supply = (await w.clients.public.readContract({
      address: basket,
      abi: basketArtifact().abi,
      functionName: 'totalSupply',
    })) as bigint;
    assert.equal(b.nav, Number(v.nav) / 1e18);
    assert.equal(b.navPerShare, Number((v.nav * E18) / supply) / 1e18);
    assert.deepEqual(
      b.assets.map((a) => [a.symbol, a.target]),
      [
        ['WETH', 0.5],
        ['USDC', 0.5],
      ],
    );
    assert.equal(b.assets[0]!.weight, Number((v.values[0]! * 1_000_000n) / v.nav) / 1e6);
    assert.equal(b.profile.bandAbsBps, 200);
    assert.equal(b.profile.minInterval, 60);
    assert.equal(b.profile.keeper, ACCOUNT1);
    assert.equal(b.pending, null);
    const filled = chainTxs('e2e').filter((r) => r.state === 'filled');
    assert.equal(b.rebalances[0]!.txHash.toLowerCase(), filled[filled.length - 1]!.tx_hash);
    assert.equal(b.rebalances[0]!.status, 'filled');
    if (chromiumSkip) {
      process.stdout.write(`# skipping the basket dashboard in the browser: ${chromiumSkip}\n`);
      return;
    }
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 2000 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${api.url}/?token=${TOKEN}&portfolio=p1`);
      await page.waitForSelector('body[data-loaded]');
      await page.waitForSelector('#basket:not([hidden])');
      assert.equal(
        await page.textContent('#basket-nps'),
        `${b.navPerShare!.toLocaleString('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 })} USD`,
      );
      const weights = await page.locator('#basket-weights tbody tr').allTextContents();
      assert.equal(weights.length, 2);
      assert.match(weights[1]!, /USDC.*50\.00 %/);
      assert.match(
        (await page.textContent('#basket-profile')) ?? '',
        /band 200 bps abs.*interval 60 s.*max loss 100 bps/,
      );
      assert.match((await page.textContent('#basket-pending')) ?? '', /none/);
      const rows = await page.locator('#basket-rebalances tbody tr').allTextContents();
      assert.ok(rows[0]!.includes(b.rebalances[0]!.txHash) && rows[0]!.includes('filled'), rows[0]);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  } finally {
    await api.close();
    await svc.stop();
  }
});

test(`crash trials ×${ROUNDS * POINTS.length}: kill -9 before signing, after signing, after journaling, after broadcasting: one rebalance per decision, every transaction journaled and resolved`, async () => {
  const counts: Record<string, number> = {};
  const t0 = performance.now();
  const rand = rng(SEED);
  /** Transactions journaled by earlier trials. */
  const seen = new Set<string>();
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...POINTS];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const point of order) {
      await unbalance(0.06 + 0.06 * rand());
      const before = await rebalancedTxs();
      const k = child('trials', point);
      await k.line(/^READY/);
      k.send('cycle');
      const killed = await k.exited;
      assert.equal(killed.signal, 'SIGKILL', `${point}: ${killed.out}`);
      assert.match(killed.out, new RegExp(`^H ${point} `, 'm'));
      const mid = await rebalancedTxs();
      // killed before the bytes reached the node: nothing executed; after: exactly the one transaction
      assert.equal(mid.length, before.length + (point === 'batch_broadcast' ? 1 : 0), `${point}: after the kill`);
      // journaled before the kill (journaled, broadcast): the transaction the killed child signed
      const journaledBefore = chainTxs('trials').filter((r) => !seen.has(r.tx_hash));
      assert.equal(journaledBefore.length, point === 'batch_journaled' || point === 'batch_broadcast' ? 1 : 0, point);
      const again = await oneCycle('trials');
      assert.doesNotMatch(again, / failed /, `${point}: the run after the crash: ${again}`);
      const after = await rebalancedTxs();
      assert.equal(after.length, before.length + 1, `${point}: exactly one rebalance for the decision (${again})`);
      checkJournal('trials', after);
      // ... is the one mined for the decision: resolved by lookup (the same bytes), never signed again
      if (journaledBefore.length === 1) assert.equal(after[after.length - 1], journaledBefore[0]!.tx_hash, point);
      for (const r of chainTxs('trials')) seen.add(r.tx_hash);
      counts[point] = (counts[point] ?? 0) + 1;
    }
  }
  const rows = chainTxs('trials');
  console.log(
    `# basket crash trials (seed ${SEED}): ${JSON.stringify(counts)}; journaled transactions ${rows.length}, filled ${rows.filter((r) => r.state === 'filled').length}; ${Math.round((performance.now() - t0) / 1000)} s`,
  );
});

test('no receipt within receiptTimeoutMs: the transaction is left to the next cycle, which refuses to plan while it is pending, then resolves it', async () => {
  await unbalance();
  const e0 = await rebalancedTxs();
  const rpc = (method: string, params: unknown[] = []) => w.clients.public.request({ method, params } as never);
  await rpc('evm_setAutomine', [false]);
  const c = child('stuck', undefined, { receiptTimeoutMs: 1500 });
  try {
    await c.line(/^READY/);
    c.send('cycle');
    assert.match(await c.line(/^CYCLE 1 /), /^CYCLE 1 failed /);
    const rows = chainTxs('stuck');
    assert.equal(rows.length, 1);
    assert.ok(['sent', 'open'].includes(rows[0]!.state), rows[0]!.state);
    c.send('cycle');
    const second = await c.line(/^CYCLE 2 /);
    assert.match(second, new RegExp(`^CYCLE 2 failed .*still unresolved: ${rows[0]!.tx_hash}`), second);
    assert.equal(chainTxs('stuck').length, 1, 'nothing new signed while it is pending');
    await rpc('evm_mine');
    await rpc('evm_setAutomine', [true]);
    c.send('cycle');
    const third = await c.line(/^CYCLE 3 /);
    assert.doesNotMatch(third, / failed /, third);
    const after = await rebalancedTxs();
    assert.equal(after.length, e0.length + 1, 'one rebalance for the decision');
    assert.deepEqual(
      chainTxs('stuck').map((r) => [r.cycle, r.state, r.tx_hash]),
      [[1, 'filled', after[after.length - 1]]],
    );
    c.send('exit');
    await c.exited;
  } finally {
    await rpc('evm_setAutomine', [true]);
    c.proc.kill('SIGKILL');
  }
});

test('a second process on the same journal is refused and sends nothing', async () => {
  await unbalance();
  const e0 = await rebalancedTxs();
  const a = child('lock');
  await a.line(/^READY/);
  const b = child('lock');
  const out = await b.exited;
  assert.notEqual(out.code, 0, out.out);
  assert.match(out.out, /lock|another process|held by/i, out.out);
  assert.equal((await rebalancedTxs()).length, e0.length, 'the refused process sent nothing');
  a.send('cycle');
  assert.match(await a.line(/^CYCLE /), / rebalanced /);
  a.send('exit');
  await a.exited;
  assert.equal((await rebalancedTxs()).length, e0.length + 1);
});
