/**
 * The joint router on the chain fixture's 25 recorded pools with the docs/onchain.md walkthrough's rebalance:
 * one leg per pool, legs in an executable order (each leg spends only what the owner's sells and earlier legs
 * provide), sells spent exactly, the certificate's gap small, v3 gas priced from the ticks crossed, gas pruning
 * never worse net of gas than the gas-free route, and request errors that name the field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BallastError } from '../../../core/errors.ts';
import { V3_GAS } from '../../pools/uniswap-v3.ts';
import { V3_TICK_GAS } from './legs.ts';
import { routeJoint } from './route-joint.ts';
import { walkthrough } from './testing/fixture-market.ts';

test('walkthrough route: each pool once, executable order, exact sells, small gap, tick gas', () => {
  const w = walkthrough(20);
  const r = routeJoint(w.request);
  const pools = r.legs.map((l) => l.pool);
  assert.equal(new Set(pools).size, pools.length, 'a pool shared by several trades is used once');
  const held = new Map<string, bigint>();
  for (const s of w.request.sells) held.set(s.token.toLowerCase(), s.amount);
  for (const l of r.legs) {
    const h = held.get(l.tokenIn) ?? 0n;
    assert.ok(l.amountIn <= h, `leg through ${l.pool} spends ${l.amountIn} but only ${h} is there`);
    held.set(l.tokenIn, h - l.amountIn);
    if (!l.final) held.set(l.tokenOut, (held.get(l.tokenOut) ?? 0n) + l.amountOut);
    // the leg's output is the pool's exact amount for that input on the snapshot (each pool is used once)
    const p = w.market.pools.find((x) => x.id === l.pool)!;
    assert.equal(p.pool.amountOut(l.tokenIn, l.tokenOut, l.amountIn), l.amountOut);
    if (l.protocol === 'uniswap-v3') assert.equal(l.gas, V3_GAS + V3_TICK_GAS * l.ticksCrossed);
  }
  for (const s of w.request.sells)
    assert.equal(r.spent.find((x) => x.token.toLowerCase() === s.token.toLowerCase())?.amount, s.amount);
  assert.ok(r.certificate.gap < 1e-6, `gap ${r.certificate.gap}`);
  assert.ok(r.certificate.achieved > 0.99, `achieved ${r.certificate.achieved}`);
  assert.equal(
    r.gas,
    r.legs.reduce((g, l) => g + l.gas, 0),
  );
  // targets met in proportion: each bought token within 1e-6 of achieved × its target
  for (const b of w.request.buys) {
    const got = Number(r.received.find((x) => x.token.toLowerCase() === b.token.toLowerCase())!.amount);
    const target = b.value / w.request.prices.get(b.token.toLowerCase())!;
    assert.ok(Math.abs(got / target / r.certificate.achieved - 1) < 1e-6, `${b.token}: ${got} of ${target}`);
  }
});

test('gas pruning: at a high gas price fewer pools, never a worse net value than the gas-free route', () => {
  const w = walkthrough(0);
  const free = routeJoint(w.request);
  const gwei = 3000n;
  const priced = routeJoint({ ...w.request, gasPriceWei: gwei * 10n ** 9n });
  const costAt = (gas: number) => (gas * Number(gwei) * 1e9 * w.request.ethPrice) / 1e18;
  assert.ok(priced.legs.length <= free.legs.length);
  assert.ok(priced.value - priced.gasCost >= free.value - costAt(free.gas) - 1e-9);
  assert.ok(priced.certificate.droppedForGas.length > 0, 'some pool does not pay its gas at 3000 gwei');
});

test('request errors name the field', () => {
  const w = walkthrough(0);
  const bad = '0x00000000000000000000000000000000000000ff' as const;
  assert.throws(
    () => routeJoint({ ...w.request, sells: [{ token: bad, amount: 1n }] }),
    (e: Error) => e instanceof BallastError && /sells\[0\]\.token/.test(e.message),
  );
  assert.throws(
    () => routeJoint({ ...w.request, buys: [{ token: w.token('WETH'), value: 1 }] }),
    (e: Error) => e instanceof BallastError && /is also sold/.test(e.message),
  );
  assert.throws(
    () => routeJoint({ ...w.request, sells: [{ token: w.token('WETH'), amount: 0n }] }),
    /sells\[0\]\.amount/,
  );
});
