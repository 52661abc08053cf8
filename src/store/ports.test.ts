import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JournalConflictError } from './errors.ts';
import { asyncPort, sqliteStore } from './ports.ts';
import { journalWithPortfolio, T0 } from './testing/fixtures.ts';

test('asyncPort: the work is done at call time, its result or error becomes a promise', async () => {
  const calls: string[] = [];
  class Impl {
    ok(x: number): number {
      calls.push(`ok ${x}`);
      return x * 2;
    }
    bad(): never {
      throw new JournalConflictError('taken');
    }
  }
  const p = asyncPort(new Impl());
  const pending = p.ok(21);
  assert.deepEqual(calls, ['ok 21'], 'done before anything awaited it');
  assert.equal(await pending, 42);
  const refused = p.bad(); // no throw at the call: a rejection, never an exception past the caller's await
  await assert.rejects(refused, JournalConflictError);
});

test('sqliteStore: one view per journal; a claim is committed before the caller awaits', async () => {
  const j = journalWithPortfolio();
  const s = sqliteStore(j);
  assert.equal(sqliteStore(j), s);
  assert.equal(s.id, j.journalId);
  const first = s.claims.claim({ portfolioId: 'main', source: 'cycle', at: T0 });
  assert.notEqual(j.claims.find('main'), undefined, 'the slot is taken in the database already');
  await first;
  await assert.rejects(s.claims.claim({ portfolioId: 'main', source: 'approval', at: T0 }), /main/);
  await s.close();
});
