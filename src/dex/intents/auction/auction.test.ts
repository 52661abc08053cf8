/**
 * The batch auction's math (issue #25 item 1), against constant-product pools with a fee as the residual's
 * route: every executed order meets its limit at the uniform prices, which are the settlement's own
 * execution of each order at one price per token; the settlement receives at least what it pays per token;
 * every surplus ≥ 0; every price within maxDeviationBps of the oracle; only the net flow is routed; and a
 * batch whose flows cancel exactly clears at the oracle price with nothing routed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { auction, pickNumeraire, prorata } from './auction.ts';
import { band, type ResidualRoute } from './clear.ts';
import { type AuctionOrder, executeAt, limitHolds, surplusOf } from './execute.ts';

const N = 'n';
const P_N = 10n ** 30n;
/** X = a 18-decimal token worth 3,000 N (6 decimals); Y = an 8-decimal token worth 60,000 N. */
const ORACLE = new Map([
  [N, P_N],
  ['x', 3n * 10n ** 21n],
  ['y', 6n * 10n ** 26n],
]);

/** Constant-product pools X/N and Y/N with a 0.3 % fee, priced `skewBps` off the oracle; counts routed volume. */
function pools(skewBps: number, depthN = 10n ** 13n) {
  const reserves = new Map<string, { t: bigint; n: bigint }>();
  for (const t of ['x', 'y']) {
    const n = depthN;
    const tRes = (n * P_N * BigInt(10_000 + skewBps)) / (ORACLE.get(t)! * 10_000n);
    reserves.set(t, { t: tRes, n });
  }
  const route: ResidualRoute<string> = (sell, buy, amount) => {
    const t = sell === N ? buy : sell;
    const r = reserves.get(t);
    if (r === undefined || amount <= 0n) return null;
    const [rin, rout] = sell === N ? [r.n, r.t] : [r.t, r.n];
    const inFee = (amount * 997n) / 1000n;
    return { spent: amount, received: (inFee * rout) / (rin + inFee), route: `${sell}->${buy}` };
  };
  return route;
}

const arbOrder = (k: number) =>
  fc
    .record({
      token: fc.constantFrom('x', 'y'),
      toN: fc.boolean(),
      kind: fc.constantFrom('sell' as const, 'buy' as const),
      // value in N base units: 10 .. 200,000 N
      value: fc.bigInt({ min: 10n * 10n ** 6n, max: 200_000n * 10n ** 6n }),
      // limit: the oracle price × (1 − slip) for what is sold
      slipBps: fc.integer({ min: -50, max: 300 }),
    })
    .map((r): AuctionOrder => {
      const o = ORACLE.get(r.token)!;
      const tokAmount = (r.value * P_N) / o;
      const [sellToken, buyToken] = r.toN ? [r.token, N] : [N, r.token];
      const [sellAt, buyAt] = r.toN ? [tokAmount, r.value] : [r.value, tokAmount];
      // limit: buyAmount / sellAmount = oracle × (1 − slip); buy orders pay at most oracle × (1 + slip)
      const buyAmount = r.kind === 'sell' ? (buyAt * BigInt(10_000 - r.slipBps)) / 10_000n : buyAt;
      const sellAmount = r.kind === 'sell' ? sellAt : (sellAt * BigInt(10_000 + r.slipBps)) / 10_000n;
      return {
        id: `o${k}`,
        sellToken,
        buyToken,
        sellAmount,
        buyAmount: buyAmount > 0n ? buyAmount : 1n,
        feeAmount: sellAmount / 1000n,
        kind: r.kind,
      };
    });

const arbBatch = fc
  .integer({ min: 1, max: 7 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, k) => arbOrder(k))));

describe('batch auction: uniform clearing prices, internal matching, residual routed', () => {
  it('every limit holds, one price per token, each fill is the settlement’s own, conservation, surplus ≥ 0, within the band', () => {
    let executed = 0;
    let routed = 0;
    fc.assert(
      fc.property(arbBatch, fc.integer({ min: -80, max: 80 }), fc.constantFrom(50, 100, 150), (orders, skew, dev) => {
        const r = auction({
          orders,
          oraclePrices: ORACLE,
          maxDeviationBps: dev,
          route: pools(skew),
          grid: 9,
          refine: 16,
        });
        executed += r.executions.length;
        routed += r.residuals.length;
        const byId = new Map(orders.map((o) => [o.id, o]));
        const net = new Map<string, bigint>();
        const add = (t: string, v: bigint) => net.set(t, (net.get(t) ?? 0n) + v);
        assert.equal(r.executions.length + r.unfilled.length, orders.length, 'every order executes or is explained');
        for (const e of r.executions) {
          const o = byId.get(e.id)!;
          const ps = r.prices.get(o.sellToken)!;
          const pb = r.prices.get(o.buyToken)!;
          assert.ok(limitHolds(o, ps, pb), `${e.id}: limit`);
          assert.ok(e.executedBuy * o.sellAmount >= o.buyAmount * e.executedSell, `${e.id}: executed price ≥ limit`);
          assert.deepEqual(e, executeAt(o, ps, pb), `${e.id}: the settlement's execution at the uniform prices`);
          assert.ok(surplusOf(o, e).amount >= 0n, `${e.id}: surplus ≥ 0`);
          add(o.sellToken, e.executedSell);
          add(o.buyToken, -e.executedBuy);
        }
        for (const res of r.residuals) {
          add(res.sellToken, -res.spent);
          add(res.buyToken, res.received);
        }
        for (const [t, v] of net) assert.ok(v >= 0n, `token ${t}: the settlement receives ≥ what it pays (${v})`);
        for (const [t, p] of r.prices) {
          const { lo, hi } = band(ORACLE.get(t)!, dev);
          assert.ok(p >= lo && p <= hi, `${t}: price within ${dev} bps of the oracle`);
        }
        for (const c of r.tokens) {
          const e = c.sold - c.bought;
          const routedIn =
            c.residual === null ? 0n : c.residual.sellToken === c.token ? c.residual.spent : c.residual.received;
          if (e > 0n) assert.ok(routedIn <= e, 'only the excess goes to the pools');
          if (e === 0n) assert.equal(c.residual, null, 'a balanced token touches no pool');
          if (e < 0n) assert.ok(routedIn >= -e, 'the deficit is bought');
        }
        for (const x of r.explanations) {
          assert.ok(x.matched >= 0n && x.routed >= 0n);
        }
        assert.ok(r.surplus >= 0n);
      }),
      { numRuns: Number(process.env.AUCTION_RUNS ?? 60) },
    );
    assert.ok(executed > 0 && routed > 0, `the runs executed ${executed} orders, routed ${routed} residuals`);
  });

  it('flows that cancel exactly clear at the oracle price: nothing routed, no fee, no price impact', () => {
    const orders: AuctionOrder[] = [
      {
        id: 'a',
        sellToken: 'x',
        buyToken: N,
        sellAmount: 10n ** 18n,
        buyAmount: 2_970n * 10n ** 6n,
        feeAmount: 0n,
        kind: 'sell',
      },
      {
        id: 'b',
        sellToken: N,
        buyToken: 'x',
        sellAmount: 3_000n * 10n ** 6n,
        buyAmount: 99n * 10n ** 16n,
        feeAmount: 0n,
        kind: 'sell',
      },
    ];
    let calls = 0;
    const route = pools(0);
    const r = auction({
      orders,
      oraclePrices: ORACLE,
      maxDeviationBps: 100,
      route: (...a) => {
        calls++;
        return route(...a);
      },
    });
    assert.equal(r.prices.get('x'), ORACLE.get('x'));
    assert.deepEqual(r.residuals, []);
    assert.equal(r.executions.find((e) => e.id === 'a')?.executedBuy, 3_000n * 10n ** 6n, 'the oracle price, whole');
    assert.equal(r.executions.find((e) => e.id === 'b')?.executedBuy, 10n ** 18n);
    assert.deepEqual(
      r.explanations.map((x) => [x.id, x.matched, x.routed]),
      [
        ['a', 10n ** 18n, 0n],
        ['b', 10n ** 18n, 0n],
      ],
    );
    assert.ok(calls > 0, 'other candidate prices were tried');
  });

  it('opposite flows: the pools see only the net flow; the explanation splits each fill into matched + routed', () => {
    const orders: AuctionOrder[] = [
      {
        id: 's1',
        sellToken: 'x',
        buyToken: N,
        sellAmount: 3n * 10n ** 18n,
        buyAmount: 8_820n * 10n ** 6n,
        feeAmount: 0n,
        kind: 'sell',
      },
      {
        id: 's2',
        sellToken: 'x',
        buyToken: N,
        sellAmount: 10n ** 18n,
        buyAmount: 2_940n * 10n ** 6n,
        feeAmount: 0n,
        kind: 'sell',
      },
      {
        id: 'b1',
        sellToken: N,
        buyToken: 'x',
        sellAmount: 6_060n * 10n ** 6n,
        buyAmount: 2n * 10n ** 18n,
        feeAmount: 0n,
        kind: 'buy',
      },
    ];
    const r = auction({ orders, oraclePrices: ORACLE, maxDeviationBps: 100, route: pools(0) });
    assert.equal(r.executions.length, 3, JSON.stringify(r.unfilled));
    const [res] = r.residuals;
    assert.equal(res?.sellToken, 'x');
    assert.equal(res?.spent, 2n * 10n ** 18n, '4 sold − 2 bought: only 2 X reach the pool');
    const ex = new Map(r.explanations.map((x) => [x.id, x]));
    assert.equal(ex.get('b1')?.matched, 2n * 10n ** 18n);
    assert.equal(ex.get('b1')?.routed, 0n);
    assert.equal(ex.get('s1')!.routed + ex.get('s2')!.routed, 2n * 10n ** 18n);
    assert.equal(ex.get('s1')!.matched + ex.get('s1')!.routed, 3n * 10n ** 18n);
    // the uniform price is what the residual's route pays per X: the buyer, matched, gets it too
    const p = r.prices.get('x')!;
    assert.ok(p < ORACLE.get('x')!, 'the excess side pays the pool fee and impact of the residual alone');
    assert.ok(p * 10_000n >= ORACLE.get('x')! * 9_960n, 'the residual is 2 X of 4 sold: ~ half the fee of routing all');
  });

  it('the numeraire: the most traded token; a tie goes to the preferred one', () => {
    const o = (id: string, s: string, b: string): AuctionOrder => ({
      id,
      sellToken: s,
      buyToken: b,
      sellAmount: 1n,
      buyAmount: 1n,
      feeAmount: 0n,
      kind: 'sell',
    });
    assert.equal(pickNumeraire([o('a', 'x', N), o('b', 'y', N)]), N);
    assert.equal(pickNumeraire([o('a', 'x', N), o('b', N, 'x')]), N, 'tie: the smallest key');
    assert.equal(pickNumeraire([o('a', 'x', N), o('b', N, 'x')], 'x'), 'x');
    assert.equal(pickNumeraire([o('a', 'x', N), o('b', 'y', N)], 'x'), N, 'not a tie');
  });

  it('prorata splits exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 24n }), { minLength: 1, maxLength: 8 }),
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        (parts, total) => {
          const s = prorata(parts, total);
          if (parts.every((x) => x === 0n)) return;
          assert.equal(
            s.reduce((a, b) => a + b, 0n),
            total,
          );
        },
      ),
    );
  });
});
