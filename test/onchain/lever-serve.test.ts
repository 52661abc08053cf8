/**
 * Issue #23 in the service: a lending position run by `ballast serve`'s runner as a portfolio (venue type
 * `lever`), real processes on anvil (the fixture's real Aave v3 market and lenders), the service a child process
 * (test/trials/basket-child.ts: a `Service` over the service document, one cycle per stdin line) whose key is
 * in a key file; the world is lever-cli.test.ts's (test/onchain/lever-world.ts: anvil's account #5 holds a 70%
 * LTV aWETH-collateral / USDC-debt position with its own BallastLeverage).
 *
 * - the venue on its own: the debt's weight is the LTV, prices in the debt asset, a single order and a decision
 *   the position does not need (lever up when it needs a deleverage) refused, nothing sent; no key: one line;
 * - dry-run: the decision and the flash fee named, nothing sent;
 * - live, band trigger, Aave as the lender: 70% → the 50% target in ONE journaled transaction, its premium
 *   exactly in the journal, health factor ≥ the floor after;
 * - the cost-aware trigger with only Aave (its premium raised by the Pool configurator) declines and names the
 *   fee; with the cheap lender (Balancer, fee 0) the same trigger acts; on target, the next cycle holds;
 * - under its health-factor floor the position acts although the cost-aware trigger declines;
 * - the real `ballast serve` process (dry-run, scheduled every 2 s, its API up): the cycles decide and name the fee;
 * - kill -9 between the broadcast and the receipt: the next cycle resolves it by lookup (its fee named) before
 *   anything is planned; LEVER_SERVE_TRIALS=N trials (default 2), drifts from LEVER_SERVE_SEED (default 23).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { parsePortfolio } from '../../src/core/config/parse.ts';
import { InputError } from '../../src/core/errors.ts';
import { aaveFlashPremium } from '../../src/core/lending/flash-funding.ts';
import type { LendingCycleView } from '../../src/core/lending/position-venue.ts';
import { OrderRejectedError } from '../../src/core/ports.ts';
import { leverParts } from '../../src/service/venues.ts';
import { Journal } from '../../src/store/journal.ts';
import { sqliteStore } from '../../src/store/ports.ts';
import { leverVenueSchema } from '../../src/venues/lever/config.ts';
import { chromiumSkip, launchChromium, watchedPage } from '../support/chromium.ts';
import { API_TOKEN, startServe, writeServiceFile } from '../support/serve-process.ts';
import {
  type CycleRow,
  chainTxs,
  child,
  cycles,
  journalOf,
  leverEvents,
  moveWeth,
  type Opts,
  rng,
  runCycles,
  serviceDoc,
  setPremium,
  writeKeyFile,
} from './lever-serve-world.ts';
import {
  aWeth,
  dir,
  dUsdc,
  FLOOR,
  healthFactor,
  ltv,
  OWNER,
  read,
  relever,
  setupLeverWorld,
  teardownLeverWorld,
} from './lever-world.ts';

const TRIALS = Number(process.env.LEVER_SERVE_TRIALS ?? 2);
const SEED = Number(process.env.LEVER_SERVE_SEED ?? 23);

before(async () => {
  await setupLeverWorld();
  writeKeyFile();
});
after(teardownLeverWorld);

test('the venue on its own: the debt weighs the LTV, prices in the debt asset, single orders and a decision the position does not need refused, nothing sent', async () => {
  const v = leverVenueSchema.parse(
    (serviceDoc('own', { venue: { lender: 'aave' } }) as { portfolios: { venue: object }[] }).portfolios[0]!.venue,
  );
  const portfolio = parsePortfolio({ quote: 'USDC', target: { WETH: 0.5, USDC: 0.5 } }, 'test');
  const where = { source: 'service', path: 'portfolios.p1.venue' };
  assert.throws(
    () =>
      leverParts(
        { ...v, keyFile: undefined, keyEnv: 'NO_SUCH_KEY' },
        { clock: { now: Date.now }, chainTxs: {} as never, portfolio, where, env: {} },
      ),
    (e: unknown) =>
      e instanceof InputError &&
      /^service: portfolios\.p1\.venue\.keyEnv: /.test(e.message) &&
      e.message.split('\n').length === 1,
  );
  const journal = Journal.open(journalOf('own'), { writer: true });
  try {
    const { venue } = leverParts(v, {
      clock: { now: Date.now },
      chainTxs: sqliteStore(journal).chainTxs,
      portfolio,
      where,
    });
    const [bal, [q]] = await Promise.all([venue.balances(), venue.prices(['WETH'], 'USDC')]);
    const C = Number(await read(aWeth, OWNER)) / 1e18;
    const D = Number(await read(dUsdc, OWNER)) / 1e6;
    const pos = venue.position()!;
    // the debt in its own units (the quote); the LTV as the Pool reports it (within a second's interest)
    assert.ok(Math.abs(bal.USDC! - D) < 0.01, `${bal.USDC} ${D}`);
    assert.ok(Math.abs(bal.USDC! / (bal.USDC! + bal.WETH! * q!.price) - (await ltv())) < 1e-4);
    assert.ok(Math.abs(pos.collateralValue - C * q!.price) < 0.01);
    assert.equal(q!.asset, 'WETH');
    assert.ok(pos.healthFactor < FLOOR && pos.flash !== null && pos.flash.lender === 'aave');
    assert.deepEqual(await venue.prices(['WETH'], 'WETH'), [], 'prices only in the debt asset');
    assert.deepEqual(
      (await venue.rules(['WETH'], 'USDC')).map((r) => r.asset),
      ['WETH'],
    );
    await assert.rejects(
      venue.place({
        clientOrderId: 'x',
        asset: 'WETH',
        quote: 'USDC',
        side: 'buy',
        quantity: 1,
        type: 'market',
      } as never),
      (e: unknown) => e instanceof OrderRejectedError && /one flash-loan transaction/.test(e.message),
    );
    assert.equal((await venue.lookup('x')).status, 'not_found');
    const events = (await leverEvents()).length;
    // the position needs a deleverage: a decision to lever up (sell the collateral) is refused, nothing sent
    const out = await venue.placeBatch({
      portfolioId: 'own',
      cycle: 1,
      quote: 'USDC',
      trades: [{ asset: 'WETH', side: 'sell', quantity: 0.1, notional: 300, referencePrice: 3000 }],
    });
    assert.equal(out.status, 'refused');
    assert.match(
      (out as { reason: string }).reason,
      /the decision asked to lever up, the position read now needs the other way/,
    );
    assert.equal((await leverEvents()).length, events);
    assert.equal(chainTxs('own').length, 0);
  } finally {
    journal.close();
  }
});

test('dry-run: the decision and the flash fee named in the cycle, nothing sent', async () => {
  const before = await ltv();
  const events = (await leverEvents()).length;
  const [l] = await runCycles('dry', { mode: 'dry-run', venue: { lender: 'aave' } });
  assert.match(l!, /^CYCLE 1 dry_run /, l);
  assert.match(l!, /the plan's cost includes the flash fee [\d.]+ USDC \(\d+ base units, aave/, l);
  assert.match(l!, /dry-run: nothing sent/, l);
  // value counts net exposure: the journaled value is the equity C − D, not the collateral's value C
  const d = JSON.parse(cycles('dry')[0]!.detail) as {
    value: number;
    lending: { collateralValue: number; debtValue: number; ltv: number };
  };
  assert.ok(d.lending.debtValue > 0.6 * d.lending.collateralValue, JSON.stringify(d.lending));
  assert.ok(Math.abs(d.value - (d.lending.collateralValue - d.lending.debtValue)) < 1e-9 * d.value, String(d.value));
  const snap = new Database(journalOf('dry'), { readonly: true });
  try {
    const row = snap.prepare("SELECT value FROM portfolio_snapshots WHERE portfolio_id = 'p1'").get() as {
      value: number;
    };
    assert.equal(row.value, d.value, 'the snapshot the API and dashboard show');
  } finally {
    snap.close();
  }
  assert.equal(chainTxs('dry').length, 0);
  assert.equal((await leverEvents()).length, events);
  assert.ok(Math.abs((await ltv()) - before) < 1e-4);
});

test('live: a 70% LTV position drifted from its 50% target → ONE transaction, Aave premium in the journal, HF ≥ floor', async () => {
  assert.ok(Math.abs((await ltv()) - 0.7) < 0.01);
  const events = (await leverEvents()).length;
  const [l] = await runCycles('live', { venue: { lender: 'aave' } });
  assert.match(l!, /^CYCLE 1 rebalanced /, l);
  const txs = chainTxs('live');
  assert.equal(txs.length, 1, 'one transaction');
  assert.equal(txs[0]!.state, 'filled');
  assert.equal((await leverEvents()).length, events + 1);
  // the premium exactly: the fee the contract paid (its event) = Aave's percentMul of the loan at 5 bps
  const row = cycles('live')[0]!;
  const batch = JSON.parse(row.detail).batch as { status: string; reason: string };
  assert.equal(batch.status, 'filled');
  const m = /loan (\d+), flash fee (\d+) \(planned (\d+)\)/.exec(batch.reason);
  assert.ok(m, batch.reason);
  assert.equal(BigInt(m[2]!), aaveFlashPremium(BigInt(m[1]!), 5n));
  assert.equal(m[2], m[3]);
  assert.ok(BigInt(m[2]!) > 0n);
  assert.match(row.reason, /transaction: rebalanced in block \d+: loan \d+, flash fee \d+/);
  assert.equal(JSON.parse(txs[0]!.calls).fee, m[2], 'the planned fee journaled with the transaction');
  assert.ok(Math.abs((await ltv()) - 0.5) < 0.01, `LTV ${await ltv()}`);
  assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
});

// the cost-aware trigger: a tiny risk aversion, so its benefit is positive but below any real fee; no other cost
const costaware = { type: 'costaware', riskAversion: 0.001, horizon: 30, warmup: 2 };

test('cost-aware: with only Aave (premium raised) it declines and names the fee; with Balancer (fee 0) it acts', async () => {
  await setPremium(30n);
  try {
    const events = (await leverEvents()).length;
    // target 45%, the position at ~50% (HF ≈ 1.65, above the floor): the cost decides
    const lines = await runCycles('cost', { target: 0.45, trigger: costaware, venue: { lender: 'aave' } }, 4, (k) =>
      moveWeth(k % 2 === 0 ? 50 : -50),
    );
    const last = lines.at(-1)!;
    assert.match(
      last,
      /nothing_to_do "costaware: benefit [\d.]+ ≤ cost [\d.]+ USDC; the plan's cost includes the flash fee/,
      last,
    );
    const fee = Number(/flash fee ([\d.]+) USDC/.exec(last)![1]);
    const cost = Number(/≤ cost ([\d.]+) USDC/.exec(last)![1]);
    assert.ok(fee > 0 && cost >= fee - 0.01, last);
    assert.match(last, /aave: the cheapest lender read at plan time/);
    assert.equal((await leverEvents()).length, events, 'nothing sent');
    // the same portfolio and journal (its price history warms the trigger up), the cheap lender allowed
    const [l] = await runCycles('cost', { target: 0.45, trigger: costaware, venue: { lender: 'auto' } }, 1, () =>
      moveWeth(50),
    );
    assert.match(
      l!,
      /rebalanced "costaware: benefit [\d.]+ > cost 0\.00 USDC; .*flash fee 0\.000000 USDC \(0 base units, balancer/,
      l,
    );
    assert.equal((await leverEvents()).length, events + 1);
    assert.ok(Math.abs((await ltv()) - 0.45) < 0.01, `LTV ${await ltv()}`);
    // on target within the lever's tolerance: the trigger (cost 0) still sees a drift, but no transaction
    // could follow it, so the cycle holds and says why (not a failed cycle)
    const [held] = await runCycles('cost', { target: 0.45, trigger: costaware, venue: { lender: 'auto' } });
    assert.match(held!, /nothing_to_do ".*; held: the chain plan sends nothing \(on target/, held);
    assert.equal((await leverEvents()).length, events + 1);
  } finally {
    await setPremium(5n);
  }
});

test('under its health-factor floor the position acts although the cost-aware trigger declines', async () => {
  await setPremium(30n);
  try {
    await relever(0.6); // HF ≈ 0.825 / 0.6 = 1.375 < 1.5
    assert.ok((await healthFactor()) < BigInt(FLOOR * 1e18));
    const events = (await leverEvents()).length;
    const [l] = await runCycles('cost', { target: 0.45, trigger: costaware, venue: { lender: 'aave' } }, 1, () =>
      moveWeth(-50),
    );
    assert.match(l!, /rebalanced "health factor 1\.3\d+ below the floor 1\.5: acting regardless of cost/, l);
    assert.match(l!, /the trigger said: costaware: benefit [\d.]+ ≤ cost/, l);
    assert.equal((await leverEvents()).length, events + 1);
    assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
  } finally {
    await setPremium(5n);
  }
});

test(`kill -9 between the broadcast and the receipt, ${TRIALS} trial(s): resolved by lookup on restart, its fee named`, async () => {
  const r = rng(SEED);
  for (let k = 0; k < TRIALS; k++) {
    const name = `crash-${k}`;
    await relever(0.5 + 0.04 * r()); // target 45%, band 2%: due
    const events = (await leverEvents()).length;
    const o: Opts = { target: 0.45, venue: { lender: 'aave' } };
    const c = child(name, o, 'batch_broadcast');
    await c.line(/^READY/);
    c.send('cycle');
    await c.line(/^H batch_broadcast /);
    const end = await c.exited;
    assert.equal(end.signal, 'SIGKILL', end.out);
    const open = chainTxs(name);
    assert.equal(open.length, 1);
    assert.equal(open[0]!.state, 'sent', 'journaled before the broadcast, no receipt read');
    const [l] = await runCycles(name, o);
    assert.match(l!, /^CYCLE 2 /, l);
    const settled = JSON.parse(cycles(name).at(-1)!.detail).settledBatches as { txHash: string; outcome?: string }[];
    assert.equal(settled.length, 1, l);
    assert.equal(settled[0]!.txHash, open[0]!.tx_hash);
    assert.match(settled[0]!.outcome ?? '', /^rebalanced in block \d+: loan \d+, flash fee \d+ \(planned \d+\)/);
    const after = await leverEvents();
    assert.equal(after.length, events + 1, 'exactly one rebalance for the decision');
    assert.equal(after.at(-1), open[0]!.tx_hash.toLowerCase());
    const txs = chainTxs(name);
    assert.equal(txs.length, 1, 'nothing sent a second time');
    assert.equal(txs[0]!.state, 'filled');
    assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
  }
});

test('the real `ballast serve` (dry-run, every 2 s): its scheduled cycles decide the position and name the fee, nothing sent', async () => {
  await relever(0.52); // target 45%, band 2%: due
  const events = (await leverEvents()).length;
  const doc = serviceDoc('serve', { target: 0.45, mode: 'dry-run', venue: { lender: 'aave' } }) as {
    portfolios: Record<string, unknown>[];
  };
  doc.portfolios[0]!.schedule = { every: '2s' };
  const file = writeServiceFile(dir, { ...doc, api: { port: 0 } }, 'serve.json');
  const s = await startServe(file, dir, 60_000);
  try {
    const end = Date.now() + 120_000;
    let done: CycleRow[] = [];
    while (done.length === 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 500));
      done = cycles('serve').filter((c) => c.decision !== null);
    }
    assert.ok(done.length > 0, s.stderr());
    assert.equal(done[0]!.decision, 'dry_run', done[0]!.reason);
    assert.match(done[0]!.reason, /the plan's cost includes the flash fee [\d.]+ USDC \(\d+ base units, aave/);
    const status = await s.request('GET', '/status');
    assert.equal(status.status, 200);
    // the position's last reading through the API, then on the dashboard in headless Chromium
    const l = (await s.request('GET', '/portfolios/p1/lending')).body.lending as LendingCycleView;
    assert.ok(Math.abs(l.ltv - (await ltv())) < 0.005, `API LTV ${l.ltv}, on chain ${await ltv()}`);
    assert.ok(Math.abs(l.healthFactor - Number(await healthFactor()) / 1e18) < 0.01, `HF ${l.healthFactor}`);
    assert.equal(l.minHealthFactor, FLOOR);
    assert.equal(l.flash?.lender, 'aave');
    if (chromiumSkip) process.stdout.write(`# skipping the lending panel in the browser: ${chromiumSkip}\n`);
    else await checkLendingPanel(s.url);
  } finally {
    assert.equal(await s.stop(), 0, s.stderr());
  }
  assert.equal(chainTxs('serve').length, 0);
  assert.equal((await leverEvents()).length, events);
});

test('a plan through the API is costed with the flash fee read now, not the last cycle’s', async () => {
  await relever(0.52); // target 45%: the plan trades
  const doc = serviceDoc('apiplan', { target: 0.45, mode: 'dry-run', venue: { lender: 'aave' } }) as {
    portfolios: Record<string, unknown>[];
  };
  doc.portfolios[0]!.schedule = { cron: '0 0 1 1 *' }; // yearly: no cycle between the two plans
  const file = writeServiceFile(dir, { ...doc, api: { port: 0 } }, 'apiplan.json');
  const s = await startServe(file, dir, 60_000);
  try {
    await setPremium(5n);
    const a = await s.request('POST', '/portfolios/p1/plan');
    assert.equal(a.status, 201, JSON.stringify(a.body));
    await setPremium(30n);
    const b = await s.request('POST', '/portfolios/p1/plan');
    assert.equal(b.status, 201, JSON.stringify(b.body));
    const [ca, cb] = [a.body.plan.cost as number, b.body.plan.cost as number];
    assert.ok(ca > 0, `the plan at 5 bps includes the fee: cost ${ca}`);
    // the same trade; only Aave's premium moved (5 → 30 bps of the same loan): the fee part is six times larger
    assert.ok(cb > ca * 2, `plan cost ${ca} at 5 bps, ${cb} at 30 bps`);
  } finally {
    await setPremium(5n);
    assert.equal(await s.stop(), 0, s.stderr());
  }
  assert.equal(chainTxs('apiplan').length, 0);
});

/** The dashboard's lending panel shows what the API gives (read in the page, at the moment it loaded). */
async function checkLendingPanel(url: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const { page, problems } = await watchedPage(browser, { viewport: { width: 1400, height: 2000 } });
    await page.goto(`${url}/?token=${API_TOKEN}&portfolio=p1`);
    await page.waitForSelector('body[data-loaded]');
    await page.waitForSelector('#lending:not([hidden])');
    const l = await page.evaluate(async () => {
      const r = await fetch('/portfolios/p1/lending', { credentials: 'same-origin' });
      return ((await r.json()) as { lending: LendingCycleView }).lending;
    });
    // cycles run every 2 s: the page and this read may be one reading apart, so compare shapes and near values
    const ltvText = (await page.textContent('#lending-ltv')) ?? '';
    assert.match(ltvText, /^\d+\.\d\d %$/);
    assert.ok(Math.abs(Number.parseFloat(ltvText) - l.ltv * 100) < 0.5, `${ltvText} vs ${l.ltv}`);
    assert.match((await page.textContent('#lending-hf')) ?? '', /^\d\.\d{3} \(floor 1\.50\)$/);
    assert.match((await page.textContent('#lending-debt')) ?? '', /^[\d,]+\.\d\d USDC$/);
    assert.match(
      (await page.textContent('#lending-loan')) ?? '',
      /borrow from aave, fee [\d.]+ USDC \(\d+ base units\)/,
    );
    const rows = await page.locator('#lending-assets tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^WETHcollateral/);
    assert.match(rows[1]!, /^USDCdebt/);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await browser.close();
  }
}
