/**
 * The venue contract (issue #14 item 5): the same node:test cases run against every venue, so the service,
 * the gate and reconciliation can treat them alike. A venue passes when it reports its balances and rules,
 * truncates a quantity to the lot step, skips an order below the minimum notional with a `skipped:` reason
 * and sends nothing, creates / looks up / cancels by client order id, answers `not_found` for an id it
 * never saw, and, after a restart (a new instance over the same account), lets the order protocol's
 * reconciliation (src/orders/) bring a journal whose process died mid-send into the venue's state.
 *
 *     venueContract('paper', async ({ journal }) => ({ venue, market, initial, restart, close }));
 *
 * Wired for the in-memory, paper and ccxt (through the simulator) venues in ./contract.test.ts; the
 * template venue (src/venues/template/) shows a new venue wiring itself in.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Balances, OrderRejectedError, type OrderRequest, type OrderState, type Venue } from '../../core/ports.ts';
import { reconcileUnfinished } from '../../orders/index.ts';
import { Journal } from '../../store/index.ts';
import { type Store, sqliteStore } from '../../store/ports.ts';
import { truncateToLot } from '../lot.ts';

/** The market the cases trade on and the rules the venue must report for it. */
export interface ContractMarket {
  readonly asset: string;
  readonly quote: string;
  /** About the price the venue fills at (sizes the orders). */
  readonly price: number;
  readonly lotStep: number;
  readonly minNotional: number;
}

export interface ContractSubject {
  readonly venue: Venue;
  readonly market: ContractMarket;
  /** Balances the account starts with (each must be reported exactly). */
  readonly initial: Balances;
  /** A new venue instance over the same account and books: the process restarted. */
  restart(): Promise<Venue>;
  /** The order made to rest open (for cancel); omit when the venue fills every order at once. */
  resting?(order: OrderRequest): OrderRequest;
  close(): Promise<void>;
}

/** What the contract gives each subject: a real journal file (the paper venue keeps its account in it). */
export interface ContractEnv {
  readonly journal: Journal;
  /** The journal's stores (async ports), as the service uses them. */
  readonly store: Store;
  readonly dir: string;
}

export type MakeSubject = (env: ContractEnv) => Promise<ContractSubject>;

const T0 = Date.UTC(2026, 0, 1);
const clock = { now: () => T0 };

async function withSubject(make: MakeSubject, fn: (s: ContractSubject, env: ContractEnv) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-contract-'));
  const journal = Journal.open(join(dir, 'journal.sqlite'), { journalId: 'contract', now: T0 });
  const env = { journal, store: sqliteStore(journal), dir };
  const s = await make(env);
  try {
    await fn(s, env);
  } finally {
    await s.close();
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

let seq = 0;
/** A fresh client order id (alphanumeric, ≤ 32): unique across the run, so a venue never sees one twice. */
const newId = (): string => `ct${process.pid}x${++seq}`;

function order(m: ContractMarket, quantity: number, over: Partial<OrderRequest> = {}): OrderRequest {
  const { asset, quote } = m;
  return {
    clientOrderId: newId(),
    asset,
    quote,
    side: 'buy',
    quantity,
    type: 'market',
    referencePrice: m.price,
    ...over,
  };
}

/** A quantity of `lots` lots plus 0.7 of one, worth at least twice the minimum notional. */
function sized(m: ContractMarket): { quantity: number; truncated: number } {
  const lots = Math.ceil((2 * Math.max(m.minNotional, m.price * m.lotStep)) / (m.price * m.lotStep)) + 0.7;
  const quantity = Number((lots * m.lotStep).toPrecision(12));
  return { quantity, truncated: truncateToLot(quantity, m.lotStep) };
}

const sum = (s: OrderState): number => s.fills.reduce((a, f) => a + f.quantity, 0);
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

export function venueContract(name: string, make: MakeSubject): void {
  describe(`venue contract: ${name}`, () => {
    it('balances: reports the account’s starting balances exactly', () =>
      withSubject(make, async (s) => {
        const b = await s.venue.balances();
        for (const [asset, q] of Object.entries(s.initial)) assert.equal(b[asset], q, `${asset}`);
      }));

    it('rules: the market’s lot step and minimum notional', () =>
      withSubject(make, async (s) => {
        const [r] = await s.venue.rules([s.market.asset], s.market.quote);
        assert.ok(r, `rules for ${s.market.asset}/${s.market.quote}`);
        assert.equal(r.lotStep, s.market.lotStep);
        assert.equal(r.minNotional, s.market.minNotional);
      }));

    it('precision: a quantity between two lots is truncated to the lot below, never rounded up', () =>
      withSubject(make, async (s) => {
        const { quantity, truncated } = sized(s.market);
        const st = await s.venue.place(order(s.market, quantity));
        assert.equal(st.status, 'filled');
        assert.ok(close(st.filledQuantity, truncated), `${st.filledQuantity} vs ${truncated} (asked ${quantity})`);
        assert.ok(close(sum(st), st.filledQuantity), 'fills add up to the filled quantity');
      }));

    it('minimum notional: an order below it is skipped with the reason and nothing is placed', () =>
      withSubject(make, async (s) => {
        const m = s.market;
        const lots = Math.max(1, Math.floor((0.5 * m.minNotional) / (m.price * m.lotStep)));
        const q = Number((lots * m.lotStep).toPrecision(12));
        assert.ok(q * m.price < m.minNotional, 'the market has a minimum notional above one lot');
        const o = order(m, q);
        await assert.rejects(s.venue.place(o), (e: unknown) => {
          assert.ok(e instanceof OrderRejectedError, String(e));
          assert.match(e.reason, /^skipped: .*minimum/);
          return true;
        });
        assert.equal((await s.venue.lookup(o.clientOrderId, m.asset, m.quote)).status, 'not_found');
      }));

    it('create, lookup, cancel by client order id', () =>
      withSubject(make, async (s) => {
        const m = s.market;
        const o = order(m, sized(m).truncated);
        const placed = await s.venue.place(o);
        assert.equal(placed.clientOrderId, o.clientOrderId);
        const seen = await s.venue.lookup(o.clientOrderId, m.asset, m.quote);
        assert.equal(seen.status, placed.status);
        assert.ok(close(seen.filledQuantity, placed.filledQuantity));
        assert.deepEqual(
          seen.fills.map((f) => f.tradeId),
          placed.fills.map((f) => f.tradeId),
        );
        const after = await s.venue.cancel(o.clientOrderId, m.asset, m.quote);
        assert.equal(after.status, 'filled', 'canceling a filled order leaves it filled');
        if (s.resting === undefined) return;
        const r = s.resting(order(m, sized(m).truncated));
        assert.equal((await s.venue.place(r)).status, 'open');
        assert.equal((await s.venue.lookup(r.clientOrderId, m.asset, m.quote)).status, 'open');
        assert.equal((await s.venue.cancel(r.clientOrderId, m.asset, m.quote)).status, 'canceled');
        assert.equal((await s.venue.lookup(r.clientOrderId, m.asset, m.quote)).status, 'canceled');
      }));

    it('unknown orders: an id never sent is not_found for lookup and cancel', () =>
      withSubject(make, async (s) => {
        const { asset, quote } = s.market;
        assert.equal((await s.venue.lookup(newId(), asset, quote)).status, 'not_found');
        assert.equal((await s.venue.cancel(newId(), asset, quote)).status, 'not_found');
      }));

    it('reconciliation after a restart: the journal ends in the venue’s state', () =>
      withSubject(make, async (s, { store }) => {
        const m = s.market;
        await store.portfolios.upsert({ id: 'c', config: {}, at: T0 });
        const { cycle } = await store.cycles.start('c', T0);
        const base = { portfolioId: 'c', cycle, child: 0, venue: s.venue.name, asset: m.asset, quote: m.quote };
        const fields = { side: 'buy' as const, orderType: 'market' as const, referencePrice: m.price, at: T0 };
        const q = sized(m).truncated;
        // Sent, then the process died before the answer was journaled.
        const a = await store.orders.commitIntent({ ...base, leg: 0, quantity: q, ...fields });
        await store.orders.markSent(a.clientOrderId, T0);
        await s.venue.place(await store.orders.toOrderRequest(await store.orders.get(a.clientOrderId)));
        // Committed, never sent.
        const b = await store.orders.commitIntent({ ...base, leg: 1, quantity: q, ...fields });
        const venue = await s.restart();
        const rep = await reconcileUnfinished(store.orders, venue, { clock });
        assert.equal(rep.checked, 2);
        const truth = await venue.lookup(a.clientOrderId, m.asset, m.quote);
        const ia = await store.orders.get(a.clientOrderId);
        assert.equal(ia.state, truth.status);
        assert.ok(close(ia.filledQuantity, truth.filledQuantity));
        assert.deepEqual(
          (await store.orders.fills(a.clientOrderId)).map((f) => f.tradeId).sort(),
          truth.fills.map((f) => f.tradeId).sort(),
        );
        assert.equal((await store.orders.get(b.clientOrderId)).state, 'not_placed');
        assert.equal((await venue.lookup(b.clientOrderId, m.asset, m.quote)).status, 'not_found');
      }));
  });
}
