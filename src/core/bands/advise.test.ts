import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { advise, breakEvenAt } from './advise.ts';
import { boxRenewal } from './box-renewal.ts';

const input = fc.record({
  kappa: fc.double({ min: 0.25, max: 8, noNaN: true }),
  fixedCost: fc.double({ min: 1, max: 200, noNaN: true }),
  s2: fc.array(fc.double({ min: 0.001, max: 0.2, noNaN: true }), { minLength: 1, maxLength: 4 }),
  bps: fc.double({ min: 0, max: 30, noNaN: true }),
});

describe('advise', () => {
  it('with a fixed cost and several assets, net(h) counts one rebalance per box exit (box renewal)', () => {
    const s2 = [0.04, 0.01];
    const x = { value: 1e5, kappa: 1, fixedCost: 30, s2, c: [0.001, 0.001] };
    const r = boxRenewal(s2);
    const h = 0.08;
    const p = advise(x, [h]).curve[0]!;
    const harvest = 1e5 * s2.reduce((a, v, i) => a + 0.5 * (v / 2 - (h * h * r.iota[i]!) / r.tau), 0);
    const cost = (1e5 * (0.001 * (r.theta[0]! + r.theta[1]!))) / (h * r.tau) + 30 / (h * h * r.tau);
    assert.ok(Math.abs(p.harvest - harvest) < 1e-9 * harvest && Math.abs(p.cost - cost) < 1e-9 * cost);
  });

  it('without impact, the closed-form break-even equals the least break-even over the widths', () => {
    fc.assert(
      fc.property(input, ({ kappa, fixedCost, s2, bps }) => {
        const x = { value: 1e5, kappa, fixedCost, s2, c: s2.map(() => bps / 1e4) };
        const a = advise(x, []);
        assert.equal(a.ceilingValue, null);
        if (a.breakEvenValue === null) return;
        let least = Number.POSITIVE_INFINITY;
        for (let h = 0.005; h < 0.5; h *= 1.05) least = Math.min(least, breakEvenAt(x, h) ?? least);
        assert.ok(a.breakEvenValue <= least * (1 + 1e-6), `${a.breakEvenValue} vs ${least}`);
        assert.ok(a.breakEvenValue >= least * 0.99, `${a.breakEvenValue} vs ${least}`);
      }),
      { numRuns: 10, seed: 27 },
    );
  });

  it('with impact, the best band’s net benefit changes sign at the break-even and ceiling values', () => {
    fc.assert(
      fc.property(input, fc.double({ min: 1e-5, max: 1e-3, noNaN: true }), ({ kappa, fixedCost, s2, bps }, k) => {
        const x = { value: 1e5, kappa, fixedCost, s2, c: s2.map(() => bps / 1e4), impactK: s2.map(() => k) };
        const a = advise(x, []);
        if (a.breakEvenValue === null) return;
        const best = (V: number) => advise({ ...x, value: V }, []).best.netBenefit;
        assert.ok(best(a.breakEvenValue * 0.99) <= 0 && best(a.breakEvenValue * 1.01) > 0);
        assert.ok(a.ceilingValue !== null, 'impact grows as V^1.5: some value stops paying');
        assert.ok(best(a.ceilingValue * 0.99) > 0 && best(a.ceilingValue * 1.01) <= 0);
      }),
      { numRuns: 15, seed: 28 },
    );
  });
});
