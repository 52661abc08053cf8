/**
 * Optimal gas-aware split routing (issue #7, section 3):
 * 1. solve the continuous split over every candidate pool jointly (common marginal price lambda);
 * 2. allocate exact integers and evaluate every swap with the pool's exact amountOut;
 * 3. greedily drop the pool (or hub) whose removal, re-solved, raises the output net of gas most, while one does;
 *    a pool is only tried when its dual surplus (a lower bound on what removing it loses) is below its gas cost;
 * 4. keep the better of that and the best single path, so the route is never worse than any single pool or path.
 */
import type { Address } from '../pools/types.ts';
import { allocateExact } from './allocate.ts';
import { certify } from './certificate.ts';
import { NoRouteError, RouteRequestError } from './errors.ts';
import { addProfitableLegs, type Candidate, dropUnpaidLegs } from './gas-search.ts';
import { allEdges, buildNetwork, type Network, withoutPools } from './network.ts';
import { bestPathPrice, solveFlow } from './solve.ts';
import type { Route, RouteRequest } from './types.ts';

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
  const single = bestSinglePath(full, req.amountIn, unit);
  if (unit > 0) {
    // Two local searches over which pools to pay gas for: removal from the full split, and addition from the best
    // single path; the better one is kept.
    best = dropUnpaidLegs(best, unit, evaluate);
    if (single) {
      const keep = new Set(single.pools);
      const excluded = new Set(
        allEdges(full)
          .map((e) => e.pool.id)
          .filter((id) => !keep.has(id)),
      );
      const grown = addProfitableLegs(evaluate(withoutPools(full, excluded), excluded), full, unit, evaluate);
      if (grown.netOut > best.netOut) best = grown;
    }
  }
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
