/**
 * Issue #28: what the dashboard and the kill switch need lives in the store, on both backends: the latest
 * cycle's snapshot of a portfolio (an older cycle never replaces a newer one) and the count of consecutive
 * failed cycles (atomic, shared by every process on the store).
 */
import assert from 'node:assert/strict';
import { contract } from '../../test/support/stores.ts';
import { JournalInputError, JournalNotFoundError } from './errors.ts';
import { T0 } from './testing/fixtures.ts';

contract(
  'cycle snapshots: the latest cycle’s value, weights and prices, bit for bit; never an older one',
  async (b) => {
    const st = await b.open();
    assert.equal(await st.cycles.snapshot('main'), undefined);
    await st.cycles.start('main', T0);
    await st.cycles.start('main', T0 + 1);
    const second = {
      portfolioId: 'main',
      cycle: 2,
      at: T0 + 1,
      value: 10_000 / 3,
      weights: { BTC: 0.1 + 0.2, USDT: 1 - (0.1 + 0.2) },
      prices: { BTC: 60_123.45 },
    };
    await st.cycles.recordSnapshot(second);
    await st.cycles.recordSnapshot({ ...second, cycle: 1, at: T0, value: 1 });
    assert.deepEqual(await st.cycles.snapshot('main'), second);
    await assert.rejects(st.cycles.recordSnapshot({ ...second, cycle: 9 }), JournalNotFoundError);
    await assert.rejects(st.cycles.recordSnapshot({ ...second, value: Number.NaN }), JournalInputError);
    await st.close();
  },
);

contract('kill switch count: counted atomically per portfolio, reset to 0', async (b) => {
  const st = await b.open();
  assert.equal(await st.portfolios.failures('main'), 0);
  assert.deepEqual(
    await Promise.all([1, 2, 3].map(() => st.portfolios.countFailure('main'))).then((n) => n.sort()),
    [1, 2, 3],
  );
  assert.equal(await st.portfolios.failures('main'), 3);
  await st.portfolios.resetFailures('main');
  assert.equal(await st.portfolios.failures('main'), 0);
  await assert.rejects(st.portfolios.countFailure('nope'), JournalNotFoundError);
  await st.close();
});
