import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CLIENT_ORDER_ID_LENGTH,
  clientOrderId,
  MAX_CHILD,
  MAX_CYCLE,
  MAX_LEG,
  OrderIdError,
  parseClientOrderId,
  portfolioPrefix,
} from './client-order-id.ts';

const portfolioIdArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/);
// Realistic ranges: a cycle a minute for 100 years is 5.3e7; legs and children in the thousands.
const cycleArb = fc.integer({ min: 0, max: 60_000_000 });
const legArb = fc.integer({ min: 0, max: 5000 });
const childArb = fc.integer({ min: 0, max: 5000 });

test('client order id: at most 32 characters of [A-Za-z0-9], fixed length, deterministic', () => {
  fc.assert(
    fc.property(portfolioIdArb, cycleArb, legArb, childArb, fc.string({ maxLength: 20 }), (p, c, l, k, ns) => {
      const id = clientOrderId(p, c, l, k, ns);
      assert.match(id, /^[A-Za-z0-9]{1,32}$/);
      assert.equal(id.length, CLIENT_ORDER_ID_LENGTH);
      assert.equal(clientOrderId(p, c, l, k, ns), id);
    }),
    { numRuns: 2000 },
  );
});

test('client order id: parse inverts format, so (cycle, leg, child) ↦ id is injective within a portfolio', () => {
  fc.assert(
    fc.property(portfolioIdArb, cycleArb, legArb, childArb, (p, c, l, k) => {
      const parsed = parseClientOrderId(clientOrderId(p, c, l, k));
      assert.deepEqual(parsed, { prefix: portfolioPrefix(p), cycle: c, leg: l, child: k });
    }),
    { numRuns: 2000 },
  );
});

test('client order id: distinct tuples over portfolios give distinct ids (20,000 random tuples)', () => {
  const tuples = fc.sample(
    fc.tuple(fc.constantFrom('main', 'alt', 'btc-only', 'p1', 'P1', 'p-1', 'x.y'), cycleArb, legArb, childArb),
    { numRuns: 20_000, seed: 42 },
  );
  const distinct = new Set(tuples.map((t) => t.join('\u0000')));
  const ids = new Set(tuples.map(([p, c, l, k]) => clientOrderId(p, c, l, k)));
  assert.equal(ids.size, distinct.size);
});

test('client order id: 10,000 portfolio ids get 10,000 distinct prefixes; the namespace changes them', () => {
  const prefixes = new Set<string>();
  for (let i = 0; i < 10_000; i++) prefixes.add(portfolioPrefix(`portfolio-${i}`));
  assert.equal(prefixes.size, 10_000);
  assert.notEqual(portfolioPrefix('main', 'journal-a'), portfolioPrefix('main', 'journal-b'));
});

test('client order id: extreme values fit in 25 characters; out-of-range numbers are refused by field', () => {
  const id = clientOrderId('p', MAX_CYCLE, MAX_LEG, MAX_CHILD);
  assert.equal(id.length, 25);
  assert.deepEqual(parseClientOrderId(id), {
    prefix: portfolioPrefix('p'),
    cycle: MAX_CYCLE,
    leg: MAX_LEG,
    child: MAX_CHILD,
  });
  assert.throws(
    () => clientOrderId('p', MAX_CYCLE + 1, 0, 0),
    (e: unknown) => e instanceof OrderIdError && e.field === 'cycle',
  );
  assert.throws(
    () => clientOrderId('p', 1, -1, 0),
    (e: unknown) => e instanceof OrderIdError && e.field === 'leg',
  );
  assert.throws(
    () => clientOrderId('p', 1, 0, 1.5),
    (e: unknown) => e instanceof OrderIdError && e.field === 'child',
  );
  assert.throws(() => clientOrderId('', 1, 0, 0), OrderIdError);
  assert.equal(parseClientOrderId('x'.repeat(25)), undefined);
  assert.equal(parseClientOrderId('abc'), undefined);
});
