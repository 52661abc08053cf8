/**
 * Approvals of a basket portfolio's plan through the real `ballast serve` process and its HTTP API, on anvil
 * (issue #21, the gate on every entry point): the basket twin of test/service/gate-e2e.test.ts.
 *
 * - N concurrent `POST /plans/:id/execute` of one pending plan (BASKET_APPROVALS, default 8): exactly one 200,
 *   the others 409 `plan_claimed`; exactly ONE transaction from the keeper (its nonce moves by one), ONE
 *   `Rebalanced` event and ONE journaled chain transaction, filled.
 * - The approval obeys dry-run, pause and cooldown: 409 with the reason, the keeper sends nothing.
 * - A second `ballast serve` on the same journal is refused at start (the writer lock) and sends nothing; the
 *   pending plan is then approved once by the first.
 * - The dashboard with a pending profile change (the basket's timelocked `proposeProfile`): `GET
 *   /portfolios/:id/basket`, the "On-chain basket" panel in headless Chromium and `ballast vault status` show what
 *   changes and from when;
 *   after the delay and `applyProfile`, the new profile and no pending change.
 * The deviation guard's independent reference is the local exchange simulator at the WETH feed's price.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { type Address, parseAbi } from 'viem';
import { basketArtifact } from '../../src/chain/basket/artifact.ts';
import { readBasket, readValuation } from '../../src/chain/basket/read.ts';
import { type SimHandle, start as startSim } from '../../src/venues/simulator/server.ts';
import { chromiumSkip, launchChromium } from '../support/chromium.ts';
import { API_TOKEN, runCli, type ServeProcess, startServe, writeServiceFile } from '../support/serve-process.ts';
import {
  ACCOUNT1,
  answers,
  basketRevert,
  basketSend,
  deployTestBasket,
  refreshFeeds,
  tok,
  warp,
} from './basket-world.ts';
import { KEY1, startWorld, type World } from './setup.ts';

const N = Number(process.env.BASKET_APPROVALS ?? 8);
/** The basket's profile delay (s): a proposed change waits this long. */
const DELAY = 3600;
const E18 = 10n ** 18n;
const transfer = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);

let w: World;
let sim: SimHandle;
let basket: Address;
let dir: string;
let keyFile: string;
let serve: ServeProcess;

before(async () => {
  w = await startWorld();
  await refreshFeeds(w);
  basket = await deployTestBasket(w, {
    symbols: ['WETH', 'USDC'],
    targetBps: [5000, 5000],
    profileDelay: DELAY,
    profile: { keeper: ACCOUNT1, minInterval: 60, bandAbsBps: 200, maxLossBps: 100 },
  });
  await basketSend(w, basket, 'issue', [200n * E18, w.account.address]);
  dir = mkdtempSync(join(tmpdir(), 'ballast-basket-approve-'));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  keyFile = join(dir, 'keeper.key');
  writeFileSync(keyFile, `${KEY1}\n`);
  chmodSync(keyFile, 0o600);
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
  serve = await startServe(serviceFile(), dir, 90_000);
});

after(async () => {
  await serve?.stop('SIGKILL').catch(() => undefined);
  await sim?.stop();
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const journal = () => join(dir, 'journal.sqlite');

/** One basket portfolio of the service file; cycles never come on their own (a yearly cron). */
function portfolio(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
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
    reference: { type: 'ccxt', exchange: 'binance', url: sim.url },
    schedule: { cron: '0 0 1 1 *' },
    mode: 'live',
    // the test warps anvil's clock ahead of the wall clock; the feeds are re-dated to anvil's head
    guards: { maxPriceAgeSeconds: 1e9, maxDeviationBps: 100, maxSlippageBps: 300 },
    risk: { cooldown: 0, killSwitchAfter: 1000 },
    ...extra,
  };
}

function serviceFile(name = 'service.json'): string {
  return writeServiceFile(
    dir,
    {
      journal: journal(),
      api: { host: '127.0.0.1', port: 0 },
      portfolios: [
        // approval mode: a cycle's plan above 1 USDC waits for an approval through the API
        portfolio('p1', { risk: { cooldown: 0, killSwitchAfter: 1000, approvalAbove: 1 } }),
        portfolio('dry', { mode: 'dry-run' }),
        portfolio('paused'),
        portfolio('cool', { risk: { cooldown: '1h', killSwitchAfter: 1000 } }),
      ],
    },
    name,
  );
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

/** Transactions the keeper ever sent (its nonce at the head): a reverted rebalance counts too. */
const keeperNonce = () => w.clients.public.getTransactionCount({ address: ACCOUNT1 });

interface TxRow {
  portfolio_id: string;
  cycle: number;
  state: string;
  tx_hash: string;
}

/** The journal's chain transactions (read-only beside the running service). */
function chainTxs(): TxRow[] {
  const db = new Database(journal(), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        'SELECT i.portfolio_id, i.cycle, i.state, c.tx_hash FROM order_intents i JOIN chain_txs c ON c.intent_id = i.id ORDER BY i.id',
      )
      .all() as TxRow[];
  } finally {
    db.close();
  }
}

/** Sends the basket WETH worth `fraction` of its NAV (off its targets), and makes it due (minInterval 60 s). */
async function unbalance(fraction = 0.08): Promise<void> {
  const v = await readValuation(w.clients.public, basket);
  const wethUsd = Number(v.values[0]!) / Number(v.balances[0]!);
  const wei = BigInt(Math.floor((fraction * Number(v.nav)) / wethUsd));
  await w.tx.call(tok(w, 'WETH'), transfer, 'transfer', [basket, wei], 'unbalance the basket');
  await warp(w, 61);
  await refreshFeeds(w);
}

/** Everything that could show a send: keeper nonce, Rebalanced events, journaled chain transactions. */
async function sends() {
  return { nonce: await keeperNonce(), events: (await rebalancedTxs()).length, journaled: chainTxs().length };
}

async function pendingPlan(id: string) {
  const made = await serve.request('POST', `/portfolios/${id}/plan`);
  assert.equal(made.status, 201, `${JSON.stringify(made.body)}\n${serve.stderr()}`);
  assert.ok(made.body.plan.trades.length >= 1, `the plan trades: ${JSON.stringify(made.body.plan)}`);
  return made.body as { id: string; hash: string; plan: { trades: unknown[]; notes: string[] } };
}

test(`${N} concurrent approvals of one basket plan: exactly one executes (ONE rebalance transaction, journaled once), the others get 409 and send nothing`, async (t) => {
  await unbalance();
  const plan = await pendingPlan('p1');
  const s0 = await sends();
  const e0 = await rebalancedTxs();
  const t0 = performance.now();
  const answersOf = await Promise.all(
    Array.from({ length: N }, async () => {
      const a = await serve.request('POST', `/plans/${plan.id}/execute`, { hash: plan.hash });
      return { ...a, ms: performance.now() - t0 };
    }),
  );
  const ok = answersOf.filter((a) => a.status === 200);
  const lost = answersOf.filter((a) => a.status === 409);
  const all = JSON.stringify(answersOf.map((a) => [a.status, a.body?.error ?? a.body?.reason]));
  assert.equal(ok.length, 1, all);
  assert.equal(ok[0]!.body.executed, true, all);
  assert.equal(lost.length, N - 1, all);
  for (const l of lost) {
    assert.equal(l.body.error, 'plan_claimed', JSON.stringify(l.body));
    assert.equal(typeof l.body.message, 'string');
  }
  // figures for docs/benchmarks.md ("Basket approvals through the API")
  t.diagnostic(
    `${N} approvals: the executed one answered in ${Math.round(ok[0]!.ms)} ms, the 409s in ${Math.round(Math.min(...lost.map((l) => l.ms)))}–${Math.round(Math.max(...lost.map((l) => l.ms)))} ms`,
  );
  const s1 = await sends();
  assert.equal(s1.nonce - s0.nonce, 1, 'the keeper sent ONE transaction');
  assert.equal(s1.events - s0.events, 1, 'ONE Rebalanced event');
  assert.equal(s1.journaled - s0.journaled, 1, 'ONE journaled chain transaction');
  const e1 = await rebalancedTxs();
  const row = chainTxs().at(-1)!;
  assert.equal(row.portfolio_id, 'p1');
  assert.equal(row.state, 'filled');
  assert.equal(row.tx_hash, e1.at(-1), 'the journaled transaction is the Rebalanced one');
  assert.ok(!e0.includes(row.tx_hash));
  const after = await serve.request('GET', '/portfolios/p1/plan');
  assert.equal(after.body.pending, null, 'no plan left pending');
  // the same plan again, after the fact: refused, nothing sent
  const again = await serve.request('POST', `/plans/${plan.id}/execute`, {});
  assert.equal(again.status, 409, JSON.stringify(again.body));
  assert.deepEqual(await sends(), s1, 'nothing more sent');
});

/** A pending plan on `id`, then `prepare`, then an approval that must be refused with nothing sent. */
async function refusedApproval(id: string, prepare: () => Promise<void>, why: RegExp) {
  const plan = await pendingPlan(id);
  await prepare();
  const s0 = await sends();
  const r = await serve.request('POST', `/plans/${plan.id}/execute`, {});
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.equal(r.body.error, 'plan_refused', JSON.stringify(r.body));
  assert.match(r.body.message, why);
  assert.deepEqual(await sends(), s0, 'the keeper sent nothing, nothing journaled');
  return plan;
}

test('an approval on a dry-run basket portfolio is refused; nothing is sent', async () => {
  await unbalance();
  const plan = await refusedApproval('dry', async () => {}, /dry-run/);
  assert.ok(
    plan.plan.notes.some((x) => /dry-run/.test(x)),
    JSON.stringify(plan.plan.notes),
  );
});

test('an approval while the basket portfolio is paused is refused; nothing is sent', async () => {
  await refusedApproval(
    'paused',
    async () => {
      const p = await serve.request('POST', '/portfolios/paused/pause', { reason: 'operator' });
      assert.equal(p.status, 200, JSON.stringify(p.body));
    },
    /paused: operator/,
  );
});

test('an approval of a basket portfolio in cooldown is refused; nothing is sent', async () => {
  const first = await pendingPlan('cool');
  const done = await serve.request('POST', `/plans/${first.id}/execute`, {});
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(chainTxs().at(-1)!.portfolio_id, 'cool');
  await unbalance();
  const plan = await refusedApproval('cool', async () => {}, /cooldown/);
  assert.ok(
    plan.plan.notes.some((x) => /cooldown/.test(x)),
    JSON.stringify(plan.plan.notes),
  );
});

test('a second `ballast serve` on the same journal is refused and sends nothing; the first approves the plan once', async () => {
  await unbalance();
  await warp(w, 61);
  await refreshFeeds(w);
  const plan = await pendingPlan('p1');
  const s0 = await sends();
  const second = await startServe(serviceFile('second.json'), dir, 90_000).then(
    async (s) => {
      await s.stop('SIGKILL');
      assert.fail('a second service on the same journal started');
    },
    (e: Error) => e.message,
  );
  assert.match(second, /exited \(1\)/, second);
  // one line naming the journal and the holder, no stack trace
  assert.match(second, new RegExp(`journal \\S+journal\\.sqlite: pid ${serve.proc.pid} on host \\S+ holds it`), second);
  assert.equal(second.trim().split('\n').length, 1, second);
  assert.deepEqual(await sends(), s0, 'the refused process sent nothing');
  const r = await serve.request('POST', `/plans/${plan.id}/execute`, { hash: plan.hash });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const s1 = await sends();
  assert.deepEqual([s1.nonce - s0.nonce, s1.events - s0.events, s1.journaled - s0.journaled], [1, 1, 1]);
});

test('the dashboard with a pending profile change: what changes and from when; after the delay and applyProfile, the new profile and nothing pending', {
  timeout: 240_000,
}, async () => {
  const active = (await readBasket(w.clients.public, basket)).profile;
  const proposed = { ...active, targetBps: [6000, 4000], bandAbsBps: 300, maxLossBps: 150 };
  await basketSend(w, basket, 'proposeProfile', [proposed]);
  const eta = Number((await readBasket(w.clients.public, basket)).pending!.eta);
  const now = Number((await w.clients.public.getBlock()).timestamp);
  assert.ok(eta >= now + DELAY - 5 && eta <= now + DELAY, `eta ${eta} is the proposal + ${DELAY} s`);
  const r = await serve.request('GET', '/portfolios/p1/basket');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const b = r.body.basket;
  assert.equal(b.pending.eta, eta);
  assert.deepEqual(b.pending.targets, { WETH: 0.6, USDC: 0.4 });
  assert.deepEqual(b.pending.changes, [
    { field: 'target.WETH', from: 0.5, to: 0.6 },
    { field: 'target.USDC', from: 0.5, to: 0.4 },
    { field: 'bandAbsBps', from: 200, to: 300 },
    { field: 'maxLossBps', from: 100, to: 150 },
  ]);
  assert.equal(b.profile.bandAbsBps, 200, 'the active profile is still the old one');
  // the CLI's `ballast vault status` shows the same change, text and JSON
  const vault = (...args: string[]) =>
    runCli(
      ['vault', 'status', '--rpc', w.node.rpcUrl, '--chain-file', join(dir, 'chain.json'), '--basket', basket, ...args],
      dir,
    );
  const st = await vault();
  assert.equal(st.code, 0, st.stderr);
  assert.ok(
    st.stdout.includes(
      `pending profile: target.WETH 50.00% → 60.00%; target.USDC 50.00% → 40.00%; bandAbsBps 200 → 300; maxLossBps 100 → 150; may apply from ${eta} (${new Date(eta * 1000).toISOString()})`,
    ),
    st.stdout,
  );
  const stJson = JSON.parse((await vault('--json')).stdout);
  assert.deepEqual(stJson.pending.changes, b.pending.changes);
  const etaText = new Date(eta * 1000).toISOString().replace('T', ' ').slice(0, 19);
  const panel = async (check: (pending: string, profile: string, weights: string[]) => void) => {
    if (chromiumSkip) {
      process.stdout.write(`# skipping the basket panel in the browser: ${chromiumSkip}\n`);
      return;
    }
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 2000 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${serve.url}/?token=${API_TOKEN}&portfolio=p1`);
      await page.waitForSelector('body[data-loaded]');
      await page.waitForSelector('#basket:not([hidden])');
      check(
        (await page.textContent('#basket-pending')) ?? '',
        (await page.textContent('#basket-profile')) ?? '',
        await page.locator('#basket-weights tbody tr').allTextContents(),
      );
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  };
  await panel((pending, profile) => {
    assert.match(pending, /pending profile change:/);
    assert.ok(
      pending.includes(
        'target WETH 50.00 % → 60.00 %; target USDC 50.00 % → 40.00 %; band abs 200 → 300 bps; max loss 100 → 150 bps',
      ),
      pending,
    );
    assert.ok(pending.includes(`can apply from ${etaText}`), pending);
    assert.match(profile, /band 200 bps abs.*max loss 100 bps/);
  });
  // too early: the contract refuses; past the delay anyone may apply it
  assert.equal(await basketRevert(w, basket, 'applyProfile', [], ACCOUNT1), 'ProfileNotReady');
  await warp(w, DELAY + 1);
  await refreshFeeds(w);
  await basketSend(w, basket, 'applyProfile', [], ACCOUNT1);
  const applied = (await serve.request('GET', '/portfolios/p1/basket')).body.basket;
  assert.equal(applied.pending, null);
  assert.match((await vault()).stdout, /^pending profile: none$/m);
  assert.equal(applied.profile.bandAbsBps, 300);
  assert.equal(applied.profile.maxLossBps, 150);
  assert.deepEqual(
    applied.assets.map((a: { symbol: string; target: number }) => [a.symbol, a.target]),
    [
      ['WETH', 0.6],
      ['USDC', 0.4],
    ],
  );
  await panel((pending, profile, weights) => {
    assert.match(pending, /pending profile change: none/);
    assert.match(profile, /band 300 bps abs.*max loss 150 bps/);
    assert.match(weights[0]!, /WETH.*60\.00 %/);
    assert.match(weights[1]!, /USDC.*40\.00 %/);
  });
});
