/**
 * Venue-side cost of reconciliation: places N resting limit orders on the simulator, then looks each one
 * up by client order id through the real ccxt client, sequentially (as recoverOnStart does).
 * `node --import tsx src/venues/ccxt/lookup-throughput.ts [N]` prints one JSON line.
 */

import { BallastError } from '../../core/errors.ts';
import { rig } from './test-helpers.ts';

const n = Number(process.argv[2] ?? 1000);
if (!Number.isInteger(n) || n < 1)
  throw new BallastError(`N must be a positive integer, got ${process.argv[2]}`, { next: 'fix-usage' });
const r = await rig({ balances: { USDT: String(100 * n), BTC: '1' } }, { timeoutMs: 10_000 });
try {
  await r.venue.markets();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await r.venue.place({
      clientOrderId: `tp${i}`,
      asset: 'BTC',
      quote: 'USDT',
      side: 'buy',
      quantity: 0.001,
      type: 'limit',
      limitPrice: 50000,
      referencePrice: 60000,
    });
  }
  const t1 = performance.now();
  let open = 0;
  for (let i = 0; i < n; i++) if ((await r.venue.lookup(`tp${i}`, 'BTC', 'USDT')).status === 'open') open++;
  const t2 = performance.now();
  if (open !== n) throw new BallastError(`expected ${n} open orders, found ${open}`);
  console.log(
    JSON.stringify({
      orders: n,
      placeMs: Math.round(t1 - t0),
      lookupMs: Math.round(t2 - t1),
      lookupsPerSecond: Math.round((n * 1000) / (t2 - t1)),
    }),
  );
} finally {
  await r.stop();
}
