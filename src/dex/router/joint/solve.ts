/**
 * Minimises the dual (dual.ts) with damped Newton steps on its exact Hessian (newton.ts), issue #18. Variables are the prices
 * relative to their start, u = ν/ν0 (so every coordinate is ~1 and its gradient is a flow imbalance as a fraction
 * of the plan's value); the anchor's price is eliminated by the normalization Σ target·ν = 1.
 */
import { dualValue, type Flows, newFlows } from './dual.ts';
import { newtonMinimize } from './newton.ts';
import type { Problem } from './problem.ts';

export interface DualSolution {
  /** Optimal dual prices per local token (units of V per base unit). */
  readonly nu: Float64Array;
  /** h(ν): an upper bound on the fraction of the targets any routing over these pools obtains. */
  readonly upperBound: number;
  readonly flows: Flows;
  readonly residual: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** Final u, to warm-start a re-solve. */
  readonly u: Float64Array;
}

export interface SolveOptions {
  readonly gtol?: number;
  readonly maxIter?: number;
  /** Warm start: u per local token (ignored when its length differs). */
  readonly u0?: Float64Array;
}

export function solveDual(pr: Problem, o: SolveOptions = {}): DualSolution {
  const L = pr.tokens.length;
  const vars: number[] = [];
  for (let i = 0; i < L; i++) if (i !== pr.anchor) vars.push(i);
  const nu = new Float64Array(L);
  const grad = new Float64Array(L);
  const flows = newFlows(pr.pools.length);
  const tA = pr.target[pr.anchor]!;
  const fill = (u: Float64Array): boolean => {
    let rest = 0;
    for (let k = 0; k < vars.length; k++) {
      const i = vars[k]!;
      nu[i] = pr.nu0[i]! * u[k]!;
      rest += pr.target[i]! * nu[i]!;
    }
    nu[pr.anchor] = (1 - rest) / tA;
    return nu[pr.anchor]! > 0;
  };
  const A = pr.anchor;
  const hessL = new Float64Array(L * L);
  let fade = 1e-3;
  // u_k moves ν at vars[k] by c1 = ν0 and the anchor's ν by c2 = −target·ν0/target_anchor
  const c1 = Float64Array.from(vars, (i) => pr.nu0[i]!);
  const c2 = Float64Array.from(vars, (i) => (-pr.target[i]! * pr.nu0[i]!) / tA);
  const objective = (u: Float64Array, g: Float64Array, hess?: Float64Array): number => {
    if (!fill(u)) return Number.POSITIVE_INFINITY;
    if (hess) hessL.fill(0);
    const h = dualValue(pr, nu, grad, flows, hess ? hessL : undefined, fade);
    const d = vars.length;
    let gmax = 0;
    for (let k = 0; k < d; k++) {
      g[k] = c1[k]! * grad[vars[k]!]! + c2[k]! * grad[A]!;
      gmax = Math.max(gmax, Math.abs(g[k]!));
    }
    // idle pools' curvature fades in over a band that narrows as the flows balance (dual.ts)
    if (hess && Number.isFinite(h)) fade = Math.min(1e-3, gmax * 1e-2);
    if (hess)
      for (let k = 0; k < d; k++) {
        const vk = vars[k]!;
        for (let l = 0; l < d; l++) {
          const vl = vars[l]!;
          hess[k * d + l] =
            c1[k]! * c1[l]! * hessL[vk * L + vl]! +
            c1[k]! * c2[l]! * hessL[vk * L + A]! +
            c2[k]! * c1[l]! * hessL[A * L + vl]! +
            c2[k]! * c2[l]! * hessL[A * L + A]!;
        }
      }
    return h;
  };
  const x0 = new Float64Array(vars.length).fill(1);
  if (o.u0 && o.u0.length === vars.length) x0.set(o.u0);
  const lower = new Float64Array(vars.length).fill(1e-9);
  const r = newtonMinimize(objective, x0, { lower, gtol: o.gtol ?? 1e-9, maxIter: o.maxIter ?? 200 });
  // the solver's last accepted point, with its flows
  const g = new Float64Array(vars.length);
  const upperBound = objective(r.x, g);
  return {
    nu: Float64Array.from(nu),
    upperBound,
    flows: {
      a: flows.a.slice(),
      b: flows.b.slice(),
      x: flows.x.slice(),
      y: flows.y.slice(),
      profit: flows.profit.slice(),
    },
    residual: r.pgNorm,
    iterations: r.iterations,
    evaluations: r.evaluations + 1,
    u: r.x,
  };
}
