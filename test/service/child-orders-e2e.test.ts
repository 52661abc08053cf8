/**
 * Issue #14 item 4, through the real `ballast serve` process against the local simulator: a portfolio with
 * `orderType: limit` and `maxChunkNotional` sends limit child orders at the touch (visible in the simulator's
 * request log), each journaled once as its own intent with its own client order id. A kill -9 while the
 * second child rests, that child filling while the service is down, and a restart: recovery journals its
 * fill by lookup, the next cycle re-plans the remainder (here as market chunks), no client order id reaches
 * the simulator twice, every fill is journaled and the balances add up exactly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { checkInvariants } from '../../src/service/trials/invariants.ts';
import { TRIAL_BALANCES, trialSimOptions, writeKeyFile } from '../../src/service/trials/setup.ts';
import { type SimHandle, start } from '../../src/venues/simulator/server.ts';
import { type ServeProcess, simPortfolioEntry, startServe, writeServiceFile } from '../support/serve-process.ts';
import { until } from '../support/until.ts';

const dirs: string[] = [];
const sims: SimHandle[] = [];
const serves: ServeProcess[] = [];

after(async () => {
  for (const s of serves) await s.stop('SIGKILL').catch(() => undefined);
  for (const s of sims) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh simulator and directory, and the service file of one live portfolio on it with `venue` fields. */
async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-children-'));
  dirs.push(dir);
  const sim = await start(trialSimOptions());
  sims.push(sim);
  const keyFile = writeKeyFile(dir);
  const journal = join(dir, 'journal.sqlite');
  const service = (venue: Record<string, unknown>) =>
    writeServiceFile(dir, {
      journal,
      api: { host: '127.0.0.1', port: 0 },
      portfolios: [
        simPortfolioEntry('p1', sim.url, keyFile, {
          venue: { type: 'ccxt', exchange: 'binance', url: sim.url, keyFile, timeoutMs: 3000, ...venue },
          guards: { maxPriceAgeSeconds: 3600, maxDeviationBps: 500, maxSlippageBps: 500 },
        }),
      ],
    });
  return { dir, sim, journal, service };
}

async function cycleWith(s: ServeProcess, decisions: string[]) {
  return until(`a cycle deciding ${decisions.join(' or ')}`, async () => {
    const r = await s.request('GET', '/portfolios/p1/cycles');
    const cycles = (r.body as { cycle: number; decision: string }[]) ?? [];
    return cycles.find((c) => decisions.includes(c.decision));
  });
}

interface Intent {
  client_order_id: string;
  leg: number;
  child: number;
  order_type: string;
  limit_price: number | null;
  state: string;
  cycle: number;
}

function intents(path: string): Intent[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        'SELECT client_order_id, leg, child, order_type, limit_price, state, cycle FROM order_intents ORDER BY id',
      )
      .all() as Intent[];
  } finally {
    db.close();
  }
}

test('limit child orders through serve; kill -9 between two children; restart re-plans the rest, nothing sent twice', {
  timeout: 180_000,
}, async () => {
  const { dir, sim, journal, service } = await setup();
  const mids: Record<string, number> = { BTCUSDT: 60_000, ETHUSDT: 3_000 };

  // Run 1: limit at the touch, chunks of at most 1,000 USDT, no re-peg or timeout within the test.
  const first = await startServe(
    service({
      orderType: 'limit',
      maxChunkNotional: 1000,
      limit: { repegMs: 600_000, timeoutMs: 600_000, pollMs: 50 },
    }),
    dir,
  );
  serves.push(first);
  const c0 = await until('the first child', () => sim.createRequests().find((c) => c.outcome === 'accepted'));
  assert.equal(c0.params.type, 'LIMIT', JSON.stringify(c0.params));
  const symbol = c0.params.symbol!;
  const side = c0.params.side!;
  // Cross the resting child: the price moves through its limit and it fills as a maker.
  const cross = () => {
    mids[symbol] = mids[symbol]! * (side === 'BUY' ? 0.995 : 1.005);
    sim.setPrice(symbol, mids[symbol]!.toFixed(2));
  };
  cross();
  const c1 = await until('the second child', () =>
    sim.createRequests().find((c) => c.seq > c0.seq && c.outcome === 'accepted'),
  );
  assert.equal(c1.params.type, 'LIMIT');
  assert.equal(c1.params.symbol, symbol, 'the next chunk of the same trade');
  assert.notEqual(c1.clientOrderId, c0.clientOrderId);
  const journaled = intents(journal);
  const child0 = journaled.find((i) => i.client_order_id === c0.clientOrderId);
  const child1 = journaled.find((i) => i.client_order_id === c1.clientOrderId);
  assert.ok(child0 && child1, 'both children journaled before they were sent');
  assert.equal(child0.state, 'filled');
  assert.deepEqual([child0.leg, child0.child, child1.leg, child1.child], [child0.leg, 0, child0.leg, 1]);
  assert.equal(child1.order_type, 'limit');
  assert.equal(child1.limit_price, Number(c1.params.price));

  // kill -9 while child 1 rests (child 2 not sent); child 1 then fills while nobody watches.
  await first.stop('SIGKILL');
  const sentBeforeKill = sim.createRequests().length;
  cross();

  // Run 2: market chunks; recovery looks child 1 up (filled), the next cycle re-plans what is left.
  const second = await startServe(service({ orderType: 'market', maxChunkNotional: 1000 }), dir);
  serves.push(second);
  await cycleWith(second, ['rebalanced', 'hold', 'nothing_to_do']);
  await second.stop('SIGTERM');

  const after = intents(journal);
  const afterChild1 = after.find((i) => i.client_order_id === c1.clientOrderId)!;
  assert.equal(afterChild1.state, 'filled', 'recovery journaled the fill of the child that filled while down');
  const creates = sim.createRequests();
  assert.ok(creates.length > sentBeforeKill, 'the restart re-planned and sent the remainder');
  const laterCycles = after.filter((i) => i.cycle > child1.cycle);
  assert.ok(laterCycles.length > 0 && laterCycles.every((i) => i.order_type === 'market'));
  for (const c of creates) {
    assert.equal(creates.filter((x) => x.clientOrderId === c.clientOrderId).length, 1, `${c.clientOrderId} sent once`);
    assert.ok(
      after.some((i) => i.client_order_id === c.clientOrderId),
      `${c.clientOrderId} journaled`,
    );
  }
  assert.ok(
    after.some((i) => i.child >= 1 && i.order_type === 'market'),
    'market chunks too',
  );
  const inv = checkInvariants(sim, journal, TRIAL_BALANCES);
  assert.deepEqual(inv.violations, []);
  assert.ok(inv.journalFills >= 3, JSON.stringify(inv));
});

test('a child left resting by a kill -9 is canceled before the next cycle re-plans; a limit timeout sends the rest at market', {
  timeout: 180_000,
}, async () => {
  const { dir, sim, journal, service } = await setup();
  const first = await startServe(
    service({
      orderType: 'limit',
      maxChunkNotional: 1000,
      limit: { repegMs: 600_000, timeoutMs: 600_000, pollMs: 50 },
    }),
    dir,
  );
  serves.push(first);
  const c0 = await until('the first child', () => sim.createRequests().find((c) => c.outcome === 'accepted'));
  await first.stop('SIGKILL'); // child 0 rests at the touch, nobody watches it
  assert.equal(sim.exchange.orders.find((o) => o.clientOrderId === c0.clientOrderId)?.status, 'NEW');

  // Run 2: limit children that give up after 1.5 s and send the rest at market.
  const second = await startServe(
    service({
      orderType: 'limit',
      maxChunkNotional: 1000,
      limit: { repegMs: 600_000, timeoutMs: 1500, onTimeout: 'market', pollMs: 50 },
    }),
    dir,
  );
  serves.push(second);
  await cycleWith(second, ['rebalanced', 'partial']);
  await second.stop('SIGTERM');

  assert.equal(sim.exchange.orders.find((o) => o.clientOrderId === c0.clientOrderId)?.status, 'CANCELED');
  const all = intents(journal);
  assert.equal(all.find((i) => i.client_order_id === c0.clientOrderId)?.state, 'canceled');
  const later = all.filter((i) => i.cycle > all[0]!.cycle);
  assert.ok(
    later.some((i) => i.order_type === 'limit' && i.state === 'canceled'),
    'a limit child timed out',
  );
  assert.ok(
    later.some((i) => i.order_type === 'market' && i.state === 'filled'),
    'its rest went at market',
  );
  const creates = sim.createRequests();
  for (const c of creates)
    assert.equal(creates.filter((x) => x.clientOrderId === c.clientOrderId).length, 1, `${c.clientOrderId} sent once`);
  assert.deepEqual(checkInvariants(sim, journal, TRIAL_BALANCES).violations, []);
});
