import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BallastError, InputError, NEXT_STEPS, type Next } from '../../core/errors.ts';
import { JournalConflictError, JournalInputError, JournalNotFoundError } from '../../store/index.ts';
import { NotFoundError } from '../service.ts';
import { ApiError, toHttpError } from './errors.ts';

test('errors: facade, journal and core errors map to statuses; unexpected ones reveal nothing', () => {
  assert.deepEqual(toHttpError(new ApiError(410, 'plan_expired', 'expired')), {
    status: 410,
    body: { error: 'plan_expired', message: 'expired' },
  });
  assert.equal(toHttpError(new JournalInputError('quantity', 'must be > 0')).body.field, 'quantity');
  assert.equal(toHttpError(new JournalNotFoundError('plan', 'x')).status, 404);
  assert.equal(toHttpError(new JournalConflictError('already executed')).status, 409);
  const core = toHttpError(InputError.one('PUT /portfolios/main/target', 'target.BTC', 'above the max weight'));
  assert.deepEqual([core.status, core.body.field], [400, 'target.BTC']);
  assert.equal(toHttpError(new NotFoundError('no portfolio "x"')).status, 404);
  // A plain Error named like a known class is not one: the mapping reads `next`, never a name.
  const named = new Error('no portfolio "x"');
  named.name = 'NotFoundError';
  assert.equal(toHttpError(named).status, 500);
  const hidden = toHttpError(new Error('SQLITE_BUSY at /home/user/secret/path'));
  assert.equal(hidden.status, 500);
  assert.ok(!hidden.body.message.includes('secret'));
});

test('errors: a full disk under a route is 503 journal_write_failed, naming the code, revealing no path', () => {
  const full = Object.assign(new Error('database or disk is full at /home/user/secret/j.sqlite'), {
    code: 'SQLITE_FULL',
  });
  const r = toHttpError(full);
  assert.equal(r.status, 503);
  assert.equal(r.body.error, 'journal_write_failed');
  assert.match(r.body.message, /SQLITE_FULL/);
  assert.ok(!r.body.message.includes('secret'));
  assert.equal(toHttpError(Object.assign(new Error('x'), { code: 'SQLITE_IOERR_WRITE' })).status, 503);
});

test('errors: the status is read from the next step (issue #15 item 3), and a fix-input may refine it', () => {
  const want: Record<Next, [number, string]> = {
    'fix-input': [400, 'invalid_input'],
    'fix-usage': [400, 'invalid_usage'],
    retry: [503, 'unavailable'],
    lookup: [502, 'outcome_unknown'],
    'next-cycle': [503, 'try_next_cycle'],
    stop: [500, 'stopped'],
  };
  for (const next of NEXT_STEPS) {
    const r = toHttpError(new BallastError(`a ${next} problem`, { next }));
    assert.deepEqual([r.status, r.body.error, r.body.message], [...want[next], `a ${next} problem`], next);
  }
  for (const [s, code] of [
    [404, 'not_found'],
    [409, 'conflict'],
    [410, 'gone'],
  ] as const) {
    assert.deepEqual(toHttpError(new BallastError('x', { next: 'fix-input', httpStatus: s })).body.error, code);
    assert.equal(toHttpError(new BallastError('x', { next: 'fix-input', httpStatus: s })).status, s);
    // Only a fix-input is refined: a retry stays 503 whatever it says.
    assert.equal(toHttpError(new BallastError('x', { next: 'retry', httpStatus: s })).status, 503);
  }
  const withField = toHttpError(new BallastError('q: bad', { next: 'fix-input', details: { field: 'q' } }));
  assert.equal(withField.body.field, 'q');
});
