/**
 * Issue #13, through the real `ballast serve` process and its HTTP API against the local exchange
 * simulator: N concurrent approvals execute exactly once (the others 409, nothing sent), and an approval
 * is refused with nothing sent on a dry-run portfolio, over maxOrderNotional, while paused and in cooldown.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { trialSimOptions, writeKeyFile } from '../../src/service/trials/setup.ts';
import { type SimHandle, start } from '../../src/venues/simulator/server.ts';
import { type ServeProcess, simPortfolioEntry, startServe, writeServiceFile } from '../support/serve-process.ts';

let dir: string;
let simA: SimHandle;
let serve: ServeProcess;
let btc = 60_000;

/** Cycles never come on their own (a yearly cron): only the approvals under test send. */
function portfolio(id: string, sim: SimHandle, keyFile: string, extra: Record<string, unknown>) {
  return simPortfolioEntry(id, sim.url, keyFile, {
    schedule: { cron: '0 0 1 1 *' },
    risk: { cooldown: 0, killSwitchAfter: 100 },
    ...extra,
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-gate-'));
  simA = await start(trialSimOptions());
  const keyFile = writeKeyFile(dir);
  const config = {
    journal: join(dir, 'journal.sqlite'),
    api: { host: '127.0.0.1', port: 0 },
    portfolios: [
      portfolio('live', simA, keyFile, {}),
      portfolio('dry', simA, keyFile, { mode: 'dry-run' }),
      portfolio('capped', simA, keyFile, { risk: { cooldown: 0, killSwitchAfter: 100, maxOrderNotional: 100 } }),
      portfolio('paused', simA, keyFile, {}),
      portfolio('cool', simA, keyFile, { risk: { cooldown: '1h', killSwitchAfter: 100 } }),
    ],
  };
  serve = await startServe(writeServiceFile(dir, config), dir);
});

after(async () => {
  await serve?.stop();
  await simA?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Moves BTC so the shared account drifts out of its band again. */
function drift(): void {
  btc = Math.round(btc * 1.2);
  simA.setPrice('BTCUSDT', btc);
}

for (const n of [2, 5, 20]) {
  test(`${n} concurrent approvals of one plan: exactly one executes, the others get 409 and send nothing`, async () => {
    drift();
    const made = await serve.request('POST', '/portfolios/live/plan');
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const trades = made.body.plan.trades.length;
    assert.ok(trades >= 1, 'the plan trades');
    const before = simA.createRequests().length;
    const answers = await Promise.all(
      Array.from({ length: n }, () => serve.request('POST', `/plans/${made.body.id}/execute`, {})),
    );
    const ok = answers.filter((a) => a.status === 200);
    const lost = answers.filter((a) => a.status === 409);
    assert.equal(ok.length, 1, JSON.stringify(answers.map((a) => [a.status, a.body])));
    assert.equal(lost.length, n - 1);
    for (const l of lost) {
      assert.equal(typeof l.body.error, 'string');
      assert.equal(typeof l.body.message, 'string');
    }
    assert.equal(simA.createRequests().length - before, trades, 'orders sent = the plan’s trades, once');
    const plan = await serve.request('GET', '/portfolios/live/plan');
    assert.notEqual(plan.body?.state, 'pending');
  });
}

/** A pending plan on `id`, then `prepare`, then an approval that must be refused with nothing sent. */
async function refusedApproval(id: string, sim: SimHandle, prepare: () => Promise<void>, why: RegExp) {
  const made = await serve.request('POST', `/portfolios/${id}/plan`);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await prepare();
  const before = sim.createRequests().length;
  const r = await serve.request('POST', `/plans/${made.body.id}/execute`, {});
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.match(r.body.message, why);
  assert.equal(sim.createRequests().length, before, 'nothing sent');
  return made.body;
}

test('an approved plan on a dry-run portfolio is refused; nothing is sent', async () => {
  drift();
  const plan = await refusedApproval('dry', simA, async () => {}, /dry-run/);
  assert.ok(plan.plan.trades.length > 0 && plan.plan.notes.some((x: string) => /dry-run/.test(x)));
});

test('a plan over maxOrderNotional leaves the big orders out; approving what is left sends only that', async () => {
  drift();
  const made = await serve.request('POST', '/portfolios/capped/plan');
  assert.equal(made.status, 201, JSON.stringify(made.body) + serve.stderr());
  assert.ok(
    made.body.plan.trades.every((t: { notional: number }) => t.notional <= 100),
    JSON.stringify(made.body.plan),
  );
  assert.ok(
    made.body.plan.skipped.some((s: { reason: string }) => /exceeds maxOrderNotional 100/.test(s.reason)),
    JSON.stringify(made.body.plan),
  );
  const before = simA.createRequests().length;
  const r = await serve.request('POST', `/plans/${made.body.id}/execute`, {});
  const sent = simA.createRequests().slice(before);
  assert.equal(sent.length, made.body.plan.trades.length, JSON.stringify(r.body));
  for (const c of sent) {
    const q = Number(c.params.quantity ?? c.params.quoteOrderQty ?? 0);
    const px = c.params.symbol === 'BTCUSDT' ? btc : 3_000;
    assert.ok(q * px <= 100 * 1.01, `order of ${q * px} within the 100 USDT limit`);
  }
});

test('an approval while the portfolio is paused is refused; nothing is sent', async () => {
  drift();
  await refusedApproval(
    'paused',
    simA,
    async () => {
      const p = await serve.request('POST', '/portfolios/paused/pause', { reason: 'operator' });
      assert.equal(p.status, 200);
    },
    /paused: operator/,
  );
});

test('an approval in cooldown is refused; nothing is sent', async () => {
  const first = await serve.request('POST', '/portfolios/cool/plan');
  assert.equal(first.status, 201);
  const done = await serve.request('POST', `/plans/${first.body.id}/execute`, {});
  assert.equal(done.status, 200, JSON.stringify(done.body));
  drift();
  const plan = await refusedApproval('cool', simA, async () => {}, /cooldown/);
  assert.ok(plan.plan.notes.some((x: string) => /cooldown/.test(x)));
});
