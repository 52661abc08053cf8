import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OracleGuardError } from './errors.ts';
import { type FeedReading, validateReading } from './feeds.ts';

const ok: FeedReading = {
  feed: '0x0000000000000000000000000000000000000001',
  answer: 3000n * 10n ** 8n,
  roundId: 7n,
  answeredInRound: 7n,
  startedAt: 990n,
  decimals: 8,
  updatedAt: 1000n,
  minAnswer: 1n,
  maxAnswer: 10n ** 20n,
};
const cfg = { address: ok.feed, heartbeatSec: 3600, marginSec: 60 };

test('a complete round passes; answeredInRound < roundId or startedAt 0 is an incomplete round', () => {
  assert.equal(validateReading(ok, cfg, 1100n, 'WETH').usd, 3000);
  for (const r of [
    { ...ok, answeredInRound: 6n },
    { ...ok, startedAt: 0n },
  ]) {
    assert.throws(
      () => validateReading(r, cfg, 1100n, 'WETH'),
      (e: unknown) => e instanceof OracleGuardError && e.code === 'INCOMPLETE_ROUND' && /incomplete/.test(e.message),
    );
  }
});
