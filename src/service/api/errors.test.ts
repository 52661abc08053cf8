import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { JournalConflictError, JournalInputError, JournalNotFoundError } from '../journal/index.ts';
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
  const nf = new Error('no portfolio "x"');
  nf.name = 'NotFoundError';
  assert.equal(toHttpError(nf).status, 404);
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
