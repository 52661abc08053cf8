/**
 * The basket venue on the PostgreSQL store (issue #21; the chain transaction port is the store's, SQLite or
 * PostgreSQL): a real PostgreSQL server (BALLAST_TEST_PG_URL, or a throw-away cluster, test/support/postgres.ts;
 * skipped when neither can be had outside CI), anvil, a BallastBasket deployed by the test.
 *
 * - One cycle: ONE `rebalance` transaction, journaled in PostgreSQL and resolved `filled`, its hash the
 *   `Rebalanced` event's.
 * - A service child process (test/trials/basket-child.ts with TRIAL_STORE) killed with SIGKILL after the signed
 *   bytes are journaled in PostgreSQL, before they are broadcast: a new child on the same database resolves it
 *   first (the SAME bytes re-broadcast, never a new signature): exactly one `Rebalanced` event for the decision.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type Address, parseAbi } from 'viem';
import { basketArtifact } from '../../src/chain/basket/artifact.ts';
import { readValuation } from '../../src/chain/basket/read.ts';
import { parseService } from '../../src/service/config/parse.ts';
import { Service } from '../../src/service/service.ts';
import { type SimHandle, start as startSim } from '../../src/venues/simulator/server.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { freshDatabase, pgSkip } from '../support/postgres.ts';
import { type ServeProcess, startServe, writeServiceFile } from '../support/serve-process.ts';
import { ACCOUNT1, answers, basketSend, deployTestBasket, refreshFeeds, tok, warp } from './basket-world.ts';
import { KEY1, startWorld, type World } from './setup.ts';

const E18 = 10n ** 18n;
const transfer = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);

let w: World;
let basket: Address;
let dir: string;
let keyFile: string;
let url: string;
let sim: SimHandle | undefined;
const serves: ServeProcess[] = [];

before(async () => {
  if (pgSkip) return;
  url = await freshDatabase();
  w = await startWorld();
  await refreshFeeds(w);
  basket = await deployTestBasket(w, {
    symbols: ['WETH', 'USDC'],
    targetBps: [5000, 5000],
    profile: { keeper: ACCOUNT1, minInterval: 60, bandAbsBps: 200, maxLossBps: 100 },
  });
  await basketSend(w, basket, 'issue', [200n * E18, w.account.address]);
  dir = mkdtempSync(join(tmpdir(), 'ballast-basket-pg-'));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  keyFile = join(dir, 'keeper.key');
  writeFileSync(keyFile, `${KEY1}\n`);
  chmodSync(keyFile, 0o600);
});

after(async () => {
  for (const x of serves) await x.stop('SIGKILL').catch(() => undefined);
  await sim?.stop();
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function serviceDoc(): object {
  return {
    // unused: the store is PostgreSQL
    journal: join(dir, 'unused.sqlite'),
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
        },
        schedule: { every: '1h' },
        mode: 'live',
        guards: { maxPriceAgeSeconds: 3600, maxSlippageBps: 300 },
        risk: { cooldown: 0, killSwitchAfter: 1000 },
      },
    ],
  };
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
  state: string;
  tx_hash: string;
  raw_tx: string;
}

/** The chain transactions journaled in PostgreSQL, oldest first. */
async function chainTxs(): Promise<TxRow[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<TxRow>(
      'SELECT i.cycle, i.state, c.tx_hash, c.raw_tx FROM order_intents i JOIN chain_txs c ON c.intent_id = i.id ORDER BY i.id',
    );
    return r.rows;
  } finally {
    await c.end();
  }
}

/** Sends the basket WETH worth 8% of its NAV (off its targets), and makes it due (minInterval 60 s). */
async function unbalance(): Promise<void> {
  const v = await readValuation(w.clients.public, basket);
  const wethUsd = Number(v.values[0]!) / Number(v.balances[0]!);
  const wei = BigInt(Math.floor((0.08 * Number(v.nav)) / wethUsd));
  await w.tx.call(tok(w, 'WETH'), transfer, 'transfer', [basket, wei], 'unbalance the basket');
  await warp(w, 61);
  await refreshFeeds(w);
}

/** A service child on the PostgreSQL store runs one cycle (killed at `crash` if given); its output and exit. */
function childCycle(crash = ''): Promise<{ signal: string | null; out: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/trials/basket-child.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, TRIAL_CONFIG: JSON.stringify(serviceDoc()), TRIAL_CRASH: crash, TRIAL_STORE: url },
  });
  let out = '';
  let asked = false;
  let done = false;
  const onOut = (b: Buffer) => {
    out += b.toString();
    if (!asked && /^READY$/m.test(out)) {
      asked = true;
      proc.stdin.write('cycle\n');
    }
    if (!done && /^CYCLE /m.test(out)) {
      done = true;
      proc.stdin.write('exit\n');
    }
  };
  proc.stdout.on('data', onOut);
  proc.stderr.on('data', (b: Buffer) => {
    out += b.toString();
  });
  return new Promise((res) => proc.on('close', (_code, signal) => res({ signal, out })));
}

test('PostgreSQL store: one cycle is ONE rebalance transaction, journaled in PostgreSQL and resolved filled', {
  skip: pgSkip,
}, async () => {
  await unbalance();
  const e0 = await rebalancedTxs();
  const svc = await Service.start(parseService(serviceDoc(), 'service'), { strictGuards: false, storeUrl: url });
  try {
    const ev = await svc.runCycle('p1');
    assert.equal(ev.decision, 'rebalanced', JSON.stringify(ev));
  } finally {
    await svc.stop();
  }
  const e1 = await rebalancedTxs();
  assert.equal(e1.length, e0.length + 1, 'one Rebalanced event');
  const rows = await chainTxs();
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.equal(rows[0]!.state, 'filled');
  assert.equal(rows[0]!.tx_hash, e1.at(-1));
});

test('PostgreSQL store: kill -9 after the signed bytes are journaled, before the broadcast; the next process sends the SAME bytes, one rebalance', {
  skip: pgSkip,
  timeout: 240_000,
}, async () => {
  await unbalance();
  const e0 = await rebalancedTxs();
  const n0 = (await chainTxs()).length;
  const killed = await childCycle('batch_journaled');
  assert.equal(killed.signal, 'SIGKILL', killed.out);
  assert.match(killed.out, /^H batch_journaled /m);
  assert.equal((await rebalancedTxs()).length, e0.length, 'nothing broadcast before the kill');
  const journaled = (await chainTxs()).slice(n0);
  assert.equal(journaled.length, 1, 'the signed transaction is in PostgreSQL');
  assert.ok(!['filled', 'rejected', 'not_placed'].includes(journaled[0]!.state), journaled[0]!.state);
  const next = await childCycle();
  assert.equal(next.signal, null, next.out);
  assert.match(next.out, /^CYCLE \d+ /m, next.out);
  const e1 = await rebalancedTxs();
  assert.equal(e1.length, e0.length + 1, `exactly one rebalance for the decision: ${next.out}`);
  assert.equal(e1.at(-1), journaled[0]!.tx_hash, 'the one mined is the journaled transaction, never re-signed');
  const rows = await chainTxs();
  const mine = rows.find((r) => r.tx_hash === journaled[0]!.tx_hash)!;
  assert.equal(mine.state, 'filled');
  assert.equal(mine.raw_tx, journaled[0]!.raw_tx, 'the same signed bytes');
  assert.ok(
    rows.every((r) => ['filled', 'rejected', 'not_placed'].includes(r.state)),
    `nothing unresolved: ${JSON.stringify(rows.map((r) => [r.cycle, r.state]))}`,
  );
  const cycles = rows.map((r) => r.cycle);
  assert.equal(new Set(cycles).size, cycles.length, 'one transaction per cycle');
});

test('PostgreSQL store: a second `ballast serve` on the database is refused (its writer lock) and sends nothing; N concurrent approvals through the first: one executes, ONE transaction', {
  skip: pgSkip,
  timeout: 240_000,
}, async (t) => {
  const n = Number(process.env.BASKET_APPROVALS ?? 8);
  const [weth] = await answers(w, ['WETH']);
  sim = await startSim({
    markets: [
      {
        symbol: 'WETHUSDC',
        base: 'WETH',
        quote: 'USDC',
        price: (Number(weth) / 1e8).toString(),
        tickSize: '0.01',
        stepSize: '0.0001',
        minQty: '0.0001',
        minNotional: '1',
      },
    ],
    balances: {},
  });
  const doc = serviceDoc() as { portfolios: Record<string, unknown>[] };
  const file = writeServiceFile(
    dir,
    {
      ...doc,
      api: { host: '127.0.0.1', port: 0 },
      portfolios: doc.portfolios.map((p) => ({
        ...p,
        reference: { type: 'ccxt', exchange: 'binance', url: sim!.url },
        // only approvals send: no cycle comes on its own (a yearly cron)
        schedule: { cron: '0 0 1 1 *' },
        guards: { maxPriceAgeSeconds: 1e9, maxDeviationBps: 100, maxSlippageBps: 300 },
        risk: { cooldown: 0, killSwitchAfter: 1000, approvalAbove: 1 },
      })),
    },
    'serve-pg.json',
  );
  const a = await startServe(file, dir, 90_000, ['--store', url]);
  serves.push(a);
  await unbalance();
  const made = await a.request('POST', '/portfolios/p1/plan');
  assert.equal(made.status, 201, `${JSON.stringify(made.body)}\n${a.stderr()}`);
  assert.ok(made.body.plan.trades.length >= 1, JSON.stringify(made.body.plan));
  const nonce0 = await w.clients.public.getTransactionCount({ address: ACCOUNT1 });
  const e0 = await rebalancedTxs();
  const rows0 = (await chainTxs()).length;
  // a second serve that runs its own cycles would clear the first's claims at start: refused, one line
  const second = await startServe(file, dir, 90_000, ['--store', url]).then(
    async (b) => {
      serves.push(b);
      assert.fail('a second serve started on the same database');
    },
    (e: Error) => e.message,
  );
  assert.match(second, /exited \(1\)/, second);
  assert.match(second, new RegExp(`journal postgres://\\S+: pid ${a.proc.pid} on host \\S+ holds it`), second);
  assert.equal(second.trim().split('\n').length, 1, second);
  assert.equal(
    await w.clients.public.getTransactionCount({ address: ACCOUNT1 }),
    nonce0,
    'the refused one sent nothing',
  );
  const answersOf = await Promise.all(
    Array.from({ length: n }, () => a.request('POST', `/plans/${made.body.id}/execute`, {})),
  );
  const all = JSON.stringify(answersOf.map((r) => [r.status, r.body?.error ?? r.body?.reason]));
  t.diagnostic(`${n} approvals on PostgreSQL: ${all}`);
  assert.equal(answersOf.filter((r) => r.status === 200).length, 1, all);
  assert.equal(answersOf.filter((r) => r.status === 409).length, n - 1, all);
  assert.equal((await w.clients.public.getTransactionCount({ address: ACCOUNT1 })) - nonce0, 1, 'ONE transaction');
  const e1 = await rebalancedTxs();
  assert.equal(e1.length, e0.length + 1, 'ONE Rebalanced event');
  const rows = await chainTxs();
  assert.equal(rows.length, rows0 + 1, 'ONE journaled chain transaction');
  assert.equal(rows.at(-1)!.state, 'filled');
  assert.equal(rows.at(-1)!.tx_hash, e1.at(-1));
  // a kill -9 frees the database at once: a new serve starts on it
  await a.stop('SIGKILL');
  const c = await startServe(file, dir, 90_000, ['--store', url]);
  serves.push(c);
  assert.equal((await c.request('GET', '/portfolios/p1/plan')).status, 200);
  await c.stop();
});
