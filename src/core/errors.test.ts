import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BallastError, InputError, type Next } from './errors.ts';

class Stale extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'Stale';
}
class VeryStale extends Stale {}

test('a subclass states its next step once; instances inherit it, and may override it', () => {
  assert.equal(new BallastError('x').next, 'stop', 'the base: someone must act');
  assert.equal(new Stale('x').next, 'next-cycle');
  assert.equal(new VeryStale('x').next, 'next-cycle', 'inherited through the static');
  assert.equal(new Stale('x', { next: 'lookup' }).next, 'lookup');
  assert.equal(new InputError('f.yaml', [{ path: 'a', message: 'b' }]).next, 'fix-input');
  const e = new Stale('feed stale', { details: { feed: 'ETH/USD' }, cause: new Error('rpc') });
  assert.ok(e instanceof Error && e instanceof BallastError);
  assert.equal(e.message, 'feed stale');
  assert.equal(e.name, 'Stale');
  assert.deepEqual(e.details, { feed: 'ETH/USD' });
  assert.equal((e.cause as Error).message, 'rpc');
  assert.equal(e.httpStatus, undefined);
  assert.equal(new BallastError('x', { next: 'fix-input', httpStatus: 404 }).httpStatus, 404);
});
