import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canTransition,
  INTENT_STATES,
  isTerminal,
  nextStates,
  TERMINAL_STATES,
  UNFINISHED_STATES,
} from './order-states.ts';

test('order states: terminal states have no way out; unfinished + terminal cover every state', () => {
  for (const s of TERMINAL_STATES) assert.deepEqual(nextStates(s), []);
  assert.deepEqual([...UNFINISHED_STATES, ...TERMINAL_STATES].sort(), [...INTENT_STATES].sort());
});

test('order states: the protocol paths of the issue are allowed', () => {
  const paths = [
    ['committed', 'sent', 'open', 'partially_filled', 'filled'],
    ['committed', 'sent', 'unknown', 'not_placed'],
    ['committed', 'sent', 'unknown', 'filled'],
    ['committed', 'sent', 'rejected'],
    ['committed', 'not_placed'],
    ['committed', 'sent', 'open', 'canceled'],
  ] as const;
  for (const p of paths)
    for (let i = 1; i < p.length; i++) assert.ok(canTransition(p[i - 1], p[i]), `${p[i - 1]} → ${p[i]}`);
});

test('order states: no going back, no leaving a terminal state, not_placed only from committed or unknown', () => {
  assert.equal(canTransition('filled', 'open'), false);
  assert.equal(canTransition('partially_filled', 'open'), false);
  assert.equal(canTransition('open', 'sent'), false);
  assert.equal(canTransition('sent', 'committed'), false);
  assert.equal(canTransition('sent', 'not_placed'), false);
  assert.equal(canTransition('open', 'not_placed'), false);
  for (const s of INTENT_STATES) {
    if (isTerminal(s)) for (const t of INTENT_STATES) if (t !== s) assert.equal(canTransition(s, t), false);
    assert.equal(canTransition(s, s), true);
  }
});
