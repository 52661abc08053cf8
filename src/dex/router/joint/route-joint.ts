/**
 * Joint routing of a whole rebalance (issue #18): every sold and bought token at once, over every pool on a path
 * of at most three pools, as one convex problem solved by dual decomposition (dual.ts, solve.ts), turned into
 * exact legs in execution order (legs.ts). Gas is a fixed cost per used pool (v3: plus each initialized tick
 * crossed), so which pools to pay for is chosen by a local search screened by the dual: a used pool whose
 * surplus at the dual prices (its arbitrage profit, a bound on what it adds) is below its gas is dropped and the
 * problem re-solved, kept when the exact net value improves.
 */
import type { Address } from '../../pools/types.ts';
import { type Execution, execute } from './legs.ts';
import { buildProblem, type Problem } from './problem.ts';
import { type DualSolution, solveDual } from './solve.ts';
import type { JointCertificate, JointRequest, JointRoute } from './types.ts';

interface Candidate {
  readonly pr: Problem;
  readonly sol: DualSolution;
  readonly ex: Execution;
  readonly value: number;
  readonly gasCost: number;
  readonly net: number;
}

function evaluate(r: JointRequest, exclude: ReadonlySet<string>, warm?: Candidate): Candidate {
  let pr = buildProblem({ ...r, exclude });
  const u0 = warm && warm.pr.tokens.length === pr.tokens.length ? warm.sol.u : undefined;
  let sol = solveDual(pr, u0 ? { u0 } : {});
  // A multi-token pool trades one pair: its dual term is the maximum over its pairs, not smooth where two tie,
  // and the solver can stall on such a kink. Each such pool is then held to the pair it trades at the first
  // solution (its first pair when idle) and the problem re-solved from there: smooth, and one swap per pool.
  const multi = pr.pools.filter((p) => p.pairs.length > 2);
  if (multi.length > 0) {
    const pairOf = new Map<string, readonly [number, number]>();
    pr.pools.forEach((p, k) => {
      if (p.pairs.length <= 2) return;
      const a = sol.flows.a[k]!;
      pairOf.set(p.mp.id, a >= 0 ? [a, sol.flows.b[k]!] : [p.pairs[0]!, p.pairs[1]!]);
    });
    const pr2 = buildProblem({ ...r, exclude }, pairOf);
    const sol2 = solveDual(pr2, pr2.tokens.length === pr.tokens.length ? { u0: sol.u } : {});
    pr = pr2;
    sol = { ...sol2, iterations: sol.iterations + sol2.iterations, evaluations: sol.evaluations + sol2.evaluations };
  }
  const ex = execute(pr, sol.flows);
  let value = 0;
  for (let i = 0; i < pr.tokens.length; i++)
    if (pr.target[i]! > 0 || pr.sellExact[i]! > 0n) value += Number(ex.received[i]!) * pr.price[i]!;
  const gas = ex.legs.reduce((g, l) => g + l.gas, 0);
  const gasCost = (gas * Number(r.gasPriceWei) * r.ethPrice) / 1e18;
  return { pr, sol, ex, value, gasCost, net: value - gasCost };
}

function gasOf(c: Candidate, r: JointRequest, pool: string): number {
  const l = c.ex.legs.find((x) => x.pool === pool);
  return l ? (l.gas * Number(r.gasPriceWei) * r.ethPrice) / 1e18 : 0;
}

/** Pools whose dual surplus (numeraire) is below their gas cost, most deficient first. */
function deficient(c: Candidate, r: JointRequest): string[] {
  const out: { id: string; d: number }[] = [];
  c.pr.pools.forEach((p, k) => {
    if (c.sol.flows.a[k]! < 0) return;
    const surplus = c.sol.flows.profit[k]! * c.pr.value;
    const g = gasOf(c, r, p.mp.id);
    if (g > 0 && surplus < g) out.push({ id: p.mp.id, d: surplus - g });
  });
  return out.sort((a, b) => a.d - b.d).map((x) => x.id);
}

export function routeJoint(r: JointRequest): JointRoute {
  const base = new Set(r.exclude ?? []);
  let best = evaluate(r, base);
  let solves = 1;
  let iterations = best.sol.iterations;
  let evaluations = best.sol.evaluations;
  const dropped = new Set<string>();
  if (r.gasPriceWei > 0n) {
    for (let round = 0; round < 20; round++) {
      const bad = deficient(best, r);
      if (bad.length === 0) break;
      const tries = bad.length > 1 ? [bad, [bad[0]!]] : [bad];
      let improved = false;
      for (const t of tries) {
        const ex = new Set([...base, ...dropped, ...t]);
        let c: Candidate;
        try {
          c = evaluate(r, ex, best);
        } catch {
          continue; // leaving these out disconnects a token: keep them
        }
        solves++;
        iterations += c.sol.iterations;
        evaluations += c.sol.evaluations;
        if (c.net > best.net) {
          best = c;
          for (const id of t) dropped.add(id);
          improved = true;
          break;
        }
      }
      if (!improved) break;
    }
  }
  return finish(best, { solves, iterations, evaluations, dropped: [...dropped] });
}

function finish(
  c: Candidate,
  s: { solves: number; iterations: number; evaluations: number; dropped: string[] },
): JointRoute {
  const { pr, sol, ex } = c;
  const addr = (i: number) => pr.market.tokens[pr.tokens[i]!]! as Address;
  let achieved = Number.POSITIVE_INFINITY;
  for (let i = 0; i < pr.tokens.length; i++)
    if (pr.target[i]! > 0) achieved = Math.min(achieved, Number(ex.received[i]!) / pr.target[i]!);
  const prices: Record<string, number> = {};
  for (let i = 0; i < pr.tokens.length; i++) prices[addr(i)] = sol.nu[i]! * pr.value;
  const certificate: JointCertificate = {
    prices,
    upperBound: sol.upperBound,
    achieved,
    gap: sol.upperBound / achieved - 1,
    residual: sol.residual,
    iterations: s.iterations,
    evaluations: s.evaluations,
    solves: s.solves,
    droppedForGas: s.dropped,
  };
  const list = (v: readonly bigint[], keep: (i: number) => boolean) =>
    v.flatMap((amount, i) => (keep(i) && amount > 0n ? [{ token: addr(i), amount }] : []));
  return {
    legs: ex.legs,
    spent: list(ex.spent, () => true),
    received: list(ex.received, () => true),
    leftovers: list(ex.leftover, () => true),
    value: c.value,
    gas: ex.legs.reduce((g, l) => g + l.gas, 0),
    gasCost: c.gasCost,
    hops: ex.hops,
    certificate,
  };
}
