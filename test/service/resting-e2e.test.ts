/**
 * The resting-order rule on every entry point (core/cycle-decision.ts `restingLegs`): while an order of the
 * portfolio rests at the venue (acknowledged open, its fill not in the balances yet), no path places another.
 * A live service on the local simulator, whose `delayedFill` fault holds the cycle's first market order open:
 *   - through the real HTTP API: N concurrent approvals of a plan reviewed before the order was placed, and N
 *     concurrent plan requests, each answer 409 with the reason naming the order; nothing reaches the venue;
 *   - a scheduled cycle holds with that reason;
 *   - a second process, the real CLI (`ballast serve`) on the same journal: its cycles hold and its API
 *     refuses a plan, nothing sent;
 *   - once the order filled (journaled by start-up reconciliation), N concurrent approvals of a new plan
 *     place its orders exactly once;
 *   - a plan review looks a resting order up at the venue (src/service/runner/look-up.ts): while it is open,
 *     N concurrent reviews refuse; once it filled, the next review journals the fill and plans, with no
 *     cycle or restart in between.
 * N: RESTING_E2E_N (default 8).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type ApiServer, createApi } from '../../src/service/api/server.ts';
import { client } from '../../src/service/api/testing/client.ts';
import { Service } from '../../src/service/service.ts';
import { checkInvariants } from '../../src/service/trials/invariants.ts';
import { TRIAL_BALANCES, trialService, trialSimOptions, writeKeyFile } from '../../src/service/trials/setup.ts';
import { type SimHandle, start } from '../../src/venues/simulator/server.ts';
import { type ServeProcess, simPortfolioEntry, startServe, writeServiceFile } from '../support/serve-process.ts';
import { until } from '../support/until.ts';

const N = Number(process.env.RESTING_E2E_N ?? 8);
const TOKEN = 'resting-e2e-token-0123456789abcdef';

const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

test('no path places an order while one of the portfolio rests at the venue; after it fills, one approval places once', {
  timeout: 240_000,
}, async () => {
  assert.ok(
    Number.isInteger(N) && N >= 1,
    `RESTING_E2E_N must be a positive integer, got ${process.env.RESTING_E2E_N}`,
  );
  const { dir, sim, journal, keyFile, boot, down } = await world();

  // A plan reviewed while nothing rests; then a cycle whose first order the venue holds open.
  let { s, call } = await boot();
  const reviewed = await call<{ id: string; plan: { trades: unknown[] } }>('POST', '/portfolios/p1/plan');
  assert.equal(reviewed.status, 201, reviewed.text);
  assert.ok(reviewed.body.plan.trades.length >= 1, 'the trial portfolio is off target');
  sim.faults.delayedFill();
  const ev = await s.runCycle('p1');
  const resting = s.journal.orders.list('p1', { cycle: ev.cycle }).filter((o) => o.state === 'open');
  assert.equal(resting.length, 1, JSON.stringify(s.journal.orders.list('p1', { cycle: ev.cycle })));
  const cid = resting[0]!.clientOrderId;
  const named = new RegExp(`still open at the venue \\(${cid} open\\)`);
  const sent = sim.createRequests().length;

  // N concurrent approvals of the plan reviewed before: none sends; each answers with the reason.
  const approvals = await Promise.all(
    Array.from({ length: N }, () =>
      call<{ error: string; message: string }>('POST', `/plans/${reviewed.body.id}/execute`, { body: {} }),
    ),
  );
  for (const a of approvals) {
    assert.equal(a.status, 409, a.text);
    assert.match(a.body.message, named);
  }
  // N concurrent plan requests: each refused with the reason.
  const plans = await Promise.all(
    Array.from({ length: N }, () => call<{ error: string; message: string }>('POST', '/portfolios/p1/plan')),
  );
  for (const p of plans) {
    assert.equal(p.status, 409, p.text);
    assert.equal(p.body.error, 'plan_refused');
    assert.match(p.body.message, named);
  }
  // The scheduled cycle holds too.
  const held = await s.runCycle('p1');
  assert.equal(held.decision, 'skipped');
  assert.match(held.reason, named);
  assert.equal(sim.createRequests().length, sent, 'nothing reached the venue while the order rested');
  await down();

  // A second process, the real CLI, on the same journal (cycles every second): it holds and refuses likewise.
  const file = writeServiceFile(dir, {
    journal,
    api: { host: '127.0.0.1', port: 0 },
    portfolios: [
      simPortfolioEntry('p1', sim.url, keyFile, {
        venue: { type: 'ccxt', exchange: 'binance', url: sim.url, keyFile, orderType: 'market', timeoutMs: 3000 },
      }),
    ],
  });
  const cli: ServeProcess = await startServe(file, dir, 60_000);
  cleanup.push(() => cli.stop('SIGKILL'));
  await until(
    'a CLI cycle that holds for the resting order',
    async () => {
      const r = await cli.request('GET', '/portfolios/p1/cycles');
      const cycles = (r.body as { cycle: number; decision: string; reason: string }[]) ?? [];
      return cycles.find((c) => c.cycle > held.cycle && c.decision === 'skipped' && named.test(c.reason));
    },
    60_000,
    100,
  );
  const cliPlan = await cli.request('POST', '/portfolios/p1/plan');
  assert.equal(cliPlan.status, 409, JSON.stringify(cliPlan.body));
  assert.match(cliPlan.body.message, named);
  await cli.stop('SIGTERM');
  assert.equal(sim.createRequests().length, sent, 'the second process sent nothing while the order rested');

  // The order fills; start-up reconciliation journals it; a new plan's N concurrent approvals place it once.
  assert.equal(sim.release(), 1);
  ({ s, call } = await boot());
  assert.equal(s.journal.orders.get(cid).state, 'filled');
  const mid = Number(sim.state().prices.BTCUSDT ?? 60_000);
  sim.setPrice('BTCUSDT', Math.round(mid * 1.2));
  const fresh = await call<{ id: string; plan: { trades: unknown[] } }>('POST', '/portfolios/p1/plan');
  assert.equal(fresh.status, 201, fresh.text);
  const trades = fresh.body.plan.trades.length;
  assert.ok(trades >= 1, 'the price move drifted the portfolio');
  const before = sim.createRequests().length;
  const answers = await Promise.all(
    Array.from({ length: N }, () => call('POST', `/plans/${fresh.body.id}/execute`, { body: {} })),
  );
  assert.equal(answers.filter((a) => a.status === 200).length, 1, JSON.stringify(answers.map((a) => a.text)));
  assert.equal(answers.filter((a) => a.status === 409).length, N - 1);
  assert.equal(sim.createRequests().length - before, trades, 'the plan’s orders, placed once');
  await down();
  const creates = sim.createRequests();
  for (const c of creates)
    assert.equal(creates.filter((x) => x.clientOrderId === c.clientOrderId).length, 1, `${c.clientOrderId} sent once`);
  assert.deepEqual(checkInvariants(sim, journal, TRIAL_BALANCES).violations, []);
});

test('a plan review looks a resting order up at the venue: once it filled, the review plans at once (no cycle, no restart)', {
  timeout: 120_000,
}, async () => {
  const { sim, boot, down } = await world();
  const { s, call } = await boot();
  sim.faults.delayedFill();
  const ev = await s.runCycle('p1');
  const resting = s.journal.orders.list('p1', { cycle: ev.cycle }).filter((o) => o.state === 'open');
  assert.equal(resting.length, 1);
  const cid = resting[0]!.clientOrderId;
  // Still open at the venue: N concurrent reviews each look (one at a time, under the claim) and refuse.
  const plans = await Promise.all(
    Array.from({ length: N }, () => call<{ error: string; message: string }>('POST', '/portfolios/p1/plan')),
  );
  for (const p of plans) {
    assert.equal(p.status, 409, p.text);
    assert.match(p.body.message, new RegExp(`still open at the venue \\(${cid} open\\)`));
  }
  assert.equal(s.journal.orders.get(cid).state, 'open');
  // It fills at the venue. No cycle runs and nothing restarts: the next review looks it up and plans.
  assert.equal(sim.release(), 1);
  const mid = Number(sim.state().prices.BTCUSDT ?? 60_000);
  sim.setPrice('BTCUSDT', Math.round(mid * 1.2));
  const sent = sim.createRequests().length;
  const fresh = await call<{ id: string; plan: { trades: unknown[] } }>('POST', '/portfolios/p1/plan');
  assert.equal(fresh.status, 201, fresh.text);
  assert.equal(s.journal.orders.get(cid).state, 'filled', 'the review journaled the fill it looked up');
  assert.equal(s.journal.cycles.latest('p1')?.cycle, ev.cycle, 'no cycle ran in between');
  assert.equal(sim.createRequests().length, sent, 'a review sends nothing');
  const answers = await Promise.all(
    Array.from({ length: N }, () => call('POST', `/plans/${fresh.body.id}/execute`, { body: {} })),
  );
  assert.equal(answers.filter((a) => a.status === 200).length, 1, JSON.stringify(answers.map((a) => a.text)));
  assert.equal(sim.createRequests().length - sent, fresh.body.plan.trades.length, 'the plan’s orders, placed once');
  await down();
});

/** A live service on the local simulator, its journal in a fresh directory; `boot` starts it with the real API. */
async function world() {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-resting-'));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  const sim: SimHandle = await start(trialSimOptions());
  cleanup.push(() => sim.stop());
  const journal = join(dir, 'journal.sqlite');
  const keyFile = writeKeyFile(dir);
  const config = trialService({ journal, url: sim.url, keyFile });
  let svc: Service | null = null;
  let api: ApiServer | null = null;
  const boot = async () => {
    svc = await Service.start(config, { strictGuards: false, journalId: 'resting' });
    api = await createApi(svc, { host: '127.0.0.1', port: 0, token: TOKEN });
    return { s: svc, call: client(api.url, TOKEN) };
  };
  const down = async () => {
    await api?.close();
    await svc?.stop();
    api = null;
    svc = null;
  };
  cleanup.push(down);
  return { dir, sim, journal, keyFile, boot, down };
}
