/**
 * Optimal gas-aware split routing (issue #7, section 3):
 * 1. solve the continuous split over every candidate pool jointly (common marginal price lambda);
 * 2. allocate exact integers and evaluate every swap with the pool's exact amountOut;
 * 3. greedily drop the pool (or hub) whose removal, re-solved, raises the output net of gas most, while one does;
 *    a pool is only tried when its dual surplus (a lower bound on what removing it loses) is below its gas cost;
 * 4. keep the better of that and the best single path, so the route is never worse than any single pool or path.
 */
import type { Address } from '../pools/types.ts';
import { allocateExact, type ExactAllocation } from './allocate.ts';
import { certify } from './certificate.ts';
import type { Edge } from './edge.ts';
import { NoRouteError, RouteRequestError } from './errors.ts';
import { allEdges, buildNetwork, type Network, withoutPools } from './network.ts';
import { bestPathPrice, type Flow, solveFlow } from './solve.ts';
import type { Route, RouteRequest } from './types.ts';

interface Candidate {
  readonly net: Network;
  readonly flow: Flow;
  readonly alloc: ExactAllocation;
  readonly gas: number;
  readonly gasCostOut: bigint;
  readonly netOut: bigint;
  readonly excluded: ReadonlySet<string>;
}

function validate(req: RouteRequest): void {
  if (!Array.isArray(req.pools)) throw new RouteRequestError('pools', 'must be an array of SwapPool');
  if (typeof req.amountIn !== 'bigint' || req.amountIn <= 0n)
    throw new RouteRequestError('amountIn', `must be a positive bigint in base units, got ${String(req.amountIn)}`);
  if (typeof req.gasPriceWei !== 'bigint' || req.gasPriceWei < 0n)
    throw new RouteRequestError('gasPriceWei', `must be a non-negative bigint (wei), got ${String(req.gasPriceWei)}`);
  if (!(Number.isFinite(req.outPerEth) && req.outPerEth >= 0))
    throw new RouteRequestError(
      'outPerEth',
      `must be a finite number >= 0 (tokenOut base units per ETH), got ${req.outPerEth}`,
    );
  for (const f of ['tokenIn', 'tokenOut'] as const)
    if (!/^0x[0-9a-fA-F]+$/.test(req[f])) throw new RouteRequestError(f, `must be a 0x address, got ${req[f]}`);
  if (req.tokenIn.toLowerCase() === req.tokenOut.toLowerCase())
    throw new RouteRequestError('tokenOut', 'must differ from tokenIn');
}

/** Gas cost in tokenOut base units of one unit of gas. */
export function gasUnitCost(gasPriceWei: bigint, outPerEth: number): number {
  return (Number(gasPriceWei) * outPerEth) / 1e18;
}

export function route(req: RouteRequest): Route {
  validate(req);
  const full = buildNetwork(req.pools, req.tokenIn, req.tokenOut, req.hubs);
  if (full.direct.length === 0 && full.hubs.length === 0) throw new NoRouteError(req.tokenIn, req.tokenOut);
  const unit = gasUnitCost(req.gasPriceWei, req.outPerEth);
  const amountF = Number(req.amountIn);

  const evaluate = (net: Network, excluded: ReadonlySet<string>): Candidate => {
    const flow = solveFlow(net, amountF, req.amountIn);
    const alloc = allocateExact(net, flow, req.amountIn);
    const gas = alloc.swaps.reduce((g, s) => g + s.edge.pool.gas, 0);
    const gasCostOut = BigInt(Math.ceil(gas * unit));
    return { net, flow, alloc, gas, gasCostOut, netOut: alloc.amountOut - gasCostOut, excluded };
  };

  let best = evaluate(full, new Set());
  if (unit > 0) best = dropUnpaidLegs(best, unit, evaluate);
  const single = bestSinglePath(full, req.amountIn, unit);
  if (single && single.netOut > best.netOut) {
    const keep = new Set(single.pools);
    const excluded = new Set(
      allEdges(full)
        .map((e) => e.pool.id)
        .filter((id) => !keep.has(id)),
    );
    best = evaluate(withoutPools(full, excluded), excluded);
  }
  return toRoute(req, full, best);
}

/** Lower bound on the output lost by removing each used pool: its surplus at the optimum's prices (LP duality). */
function surpluses(c: Candidate): Map<string, { surplus: number; gas: number; hub?: string }> {
  const out = new Map<string, { surplus: number; gas: number; hub?: string }>();
  const x = new Map<Edge, number>();
  for (const s of c.alloc.swaps) x.set(s.edge, Number(s.amountIn));
  const add = (e: Edge, inPrice: number, outPrice: number, hub?: string) => {
    const a = x.get(e);
    if (a === undefined) return;
    out.set(e.pool.id, { surplus: outPrice * e.outAt(a) - inPrice * a, gas: e.pool.gas, ...(hub ? { hub } : {}) });
  };
  for (const e of c.net.direct) add(e, c.flow.lambda, 1);
  c.net.hubs.forEach((h, i) => {
    const mu = c.flow.hubs[i]?.mu ?? 0;
    for (const e of h.first) add(e, c.flow.lambda, mu, h.token);
    for (const e of h.second) add(e, mu, 1, h.token);
  });
  return out;
}

function dropUnpaidLegs(
  start: Candidate,
  unit: number,
  evaluate: (net: Network, excluded: ReadonlySet<string>) => Candidate,
): Candidate {
  let cur = start;
  for (let round = 0; round < 10_000; round++) {
    const s = surpluses(cur);
    if (s.size <= 1) break;
    // Single pools, and whole hubs (all their used pools at once), tried in order of how far their surplus falls
    // short of their gas; the first removal that raises the exact net output is taken (first-improvement search).
    const trials: { ids: string[]; deficit: number }[] = [];
    const hubs = new Map<string, { ids: string[]; surplus: number; gas: number }>();
    for (const [id, v] of s) {
      const cost = v.gas * unit;
      if (v.surplus < cost * (1 + 1e-9) + 1) trials.push({ ids: [id], deficit: v.surplus - cost });
      if (v.hub) {
        const h = hubs.get(v.hub) ?? { ids: [], surplus: 0, gas: 0 };
        h.ids.push(id);
        h.surplus += v.surplus;
        h.gas += v.gas;
        hubs.set(v.hub, h);
      }
    }
    for (const h of hubs.values()) {
      const cost = h.gas * unit;
      if (h.ids.length > 1 && h.ids.length < s.size && h.surplus < cost * (1 + 1e-9) + 1)
        trials.push({ ids: h.ids, deficit: h.surplus - cost });
    }
    trials.sort((a, b) => a.deficit - b.deficit);
    let next: Candidate | undefined;
    for (const { ids } of trials) {
      const excluded = new Set([...cur.excluded, ...ids]);
      const net = withoutPools(cur.net, new Set(ids));
      if (net.direct.length === 0 && net.hubs.length === 0) continue;
      const c = evaluate(net, excluded);
      if (c.netOut > cur.netOut) {
        next = c;
        break;
      }
    }
    if (!next) break;
    cur = next;
  }
  return cur;
}

interface SinglePath {
  readonly pools: string[];
  readonly netOut: bigint;
}

function bestSinglePath(net: Network, amountIn: bigint, unit: number): SinglePath | undefined {
  let best: SinglePath | undefined;
  const consider = (pools: string[], out: bigint, gas: number) => {
    const netOut = out - BigInt(Math.ceil(gas * unit));
    if (!best || netOut > best.netOut) best = { pools, netOut };
  };
  for (const e of net.direct) consider([e.pool.id], e.pool.amountOut(e.from, e.to, amountIn), e.pool.gas);
  for (const h of net.hubs)
    for (const a of h.first) {
      const mid = a.pool.amountOut(a.from, a.to, amountIn);
      if (mid <= 0n) continue;
      for (const b of h.second)
        consider([a.pool.id, b.pool.id], b.pool.amountOut(b.from, b.to, mid), a.pool.gas + b.pool.gas);
    }
  return best;
}

function toRoute(req: RouteRequest, full: Network, c: Candidate): Route {
  const spot = bestPathPrice(full);
  const avg = Number(c.alloc.amountOut) / Number(req.amountIn);
  // Pools of the full network left out of the final solve (their own gain, or their hub's, did not pay the gas).
  const kept = new Set(allEdges(c.net).map((e) => e.pool.id));
  const dropped = allEdges(full)
    .map((e) => e.pool.id)
    .filter((id) => !kept.has(id));
  return {
    tokenIn: req.tokenIn,
    tokenOut: req.tokenOut,
    amountIn: req.amountIn,
    amountOut: c.alloc.amountOut,
    gas: c.gas,
    gasCostOut: c.gasCostOut,
    netOut: c.netOut,
    legs: c.alloc.swaps.map((s) => ({
      pool: s.edge.pool.id,
      protocol: s.edge.pool.protocol,
      path: [s.edge.from, s.edge.to] as Address[],
      amountIn: s.amountIn,
      amountOut: s.amountOut,
    })),
    priceImpactBps: spot > 0 ? (1 - avg / spot) * 1e4 : 0,
    certificate: certify(c.net, c.flow, c.alloc, dropped),
    sharing: 'joint',
  };
}
