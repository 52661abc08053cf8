/**
 * The joint router's float curves against the exact pool math, on the chain fixture's 25 recorded pool states:
 * outAt equals the exact amountOut within 1e-8 relative (weighted: 1e-6, the contract's pow), marginalAt equals the pool's marginal, inputAt inverts
 * the marginal, and the v3/weighted/stable dx/dp equals a finite difference.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareMarket } from './market.ts';
import { fixtureStates } from './testing/fixture-market.ts';

test('curves equal the exact pool math on the 25 fixture pools', () => {
  const fx = fixtureStates();
  const m = prepareMarket(fx.states);
  let checked = 0;
  for (const p of m.pools) {
    const n = p.tokens.length;
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        if (a === b) continue;
        const c = p.curves[a]![b]!;
        const ta = m.tokens[p.tokens[a]!]!;
        const tb = m.tokens[p.tokens[b]!]!;
        const cap = Math.min(c.cap, p.pool.maxIn(ta, tb));
        const scale = Number.isFinite(cap) && cap < 1e30 ? cap : 1e-3 * Number(10n ** 24n);
        for (const frac of [1e-6, 1e-4, 1e-2, 0.1, 0.5]) {
          const x = Math.floor(scale * frac * (Number.isFinite(cap) && cap < 1e30 ? 1 : 1));
          if (x < 1e6) continue;
          const exact = Number(p.pool.amountOut(ta, tb, BigInt(x)));
          const fl = c.outAt(x);
          const label = `${p.protocol} ${p.id} ${a}->${b} x=${x}`;
          // Balancer's LogExpMath pow is accurate to ~1e-14 in the power; 1 − power magnifies that for small trades
          const tol = p.protocol === 'balancer-weighted' ? 1e-6 : 1e-8;
          assert.ok(Math.abs(fl - exact) <= tol * exact + 2, `${label}: outAt ${fl} vs exact ${exact}`);
          const mk = c.marginalAt(x);
          const mp = p.pool.marginal(ta, tb, x);
          assert.ok(Math.abs(mk - mp) <= 1e-9 * mp, `${label}: marginal ${mk} vs ${mp}`);
          const slope = { dxdp: 0 };
          const xi = c.inputAt(mk, slope);
          // inputAt inverts the marginal (checked in price: a flat stable curve leaves x ill-determined)
          assert.ok(
            Math.abs(xi - x) <= 1e-6 * x || Math.abs(c.marginalAt(xi) / mk - 1) <= 1e-12,
            `${label}: inputAt(marginal) ${xi} vs ${x}`,
          );
          const h = mk * 1e-9;
          const [x1, x2] = [c.inputAt(mk + h), c.inputAt(mk - h)];
          const fd = (x1 - x2) / (2 * h);
          if (slope.dxdp !== 0 && x1 > 0 && x2 < cap && x1 > 1e-4 * x)
            assert.ok(Math.abs(slope.dxdp / fd - 1) < 1e-3, `${label}: dx/dp ${slope.dxdp} vs ${fd}`);
          checked++;
        }
      }
  }
  assert.ok(checked > 150, `checked ${checked}`);
});
