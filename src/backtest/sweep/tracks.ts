import { type VolTrack, type VolTrackParts, volTrack } from '../../core/triggers/vol-track.ts';
import { trackKey } from '../engine/columns.ts';
import type { PreparedData } from '../engine/run.ts';
import type { StrategySpec } from '../engine/types.ts';

/**
 * The EWMA tracks a sweep's vol-adaptive strategies read, computed once on the calling thread and put in
 * shared memory (with the band units of every exponent used), so that no worker computes them again, nor
 * has V8 compile the estimator's loop for it. One per (λ, warm-up) in the strategies.
 */
export function sharedTracks(data: PreparedData, specs: readonly StrategySpec[]): VolTrackParts[] {
  const wanted = new Map<string, { lambda: number; warmup: number; exponents: Set<number> }>();
  for (const s of specs) {
    if (s.trigger === 'hodl' || s.trigger.type !== 'voladaptive') continue;
    const key = trackKey(s.trigger.lambda, s.trigger.warmup);
    const w = wanted.get(key) ?? { lambda: s.trigger.lambda, warmup: s.trigger.warmup, exponents: new Set() };
    w.exponents.add(s.trigger.exponent);
    wanted.set(key, w);
  }
  return [...wanted.values()].map(({ lambda, warmup, exponents }) => {
    const t = volTrack(data.prices, data.u.n, lambda, warmup);
    return share(t, [...exponents]);
  });
}

function share(t: VolTrack, exponents: number[]): VolTrackParts {
  const copy = <A extends Float64Array | Int32Array | Uint8Array>(a: A, make: (b: SharedArrayBuffer) => A): A => {
    const out = make(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  const f64 = (a: Float64Array) => copy(a, (b) => new Float64Array(b));
  return {
    n: t.n,
    lambda: t.lambda,
    warmup: t.warmup,
    ready: copy(t.ready, (b) => new Uint8Array(b)),
    count: copy(t.count, (b) => new Int32Array(b)),
    seeded: copy(t.seeded, (b) => new Int32Array(b)),
    sigma: f64(t.sigma),
    sigmaSum: f64(t.sigmaSum),
    units: exponents.map((e) => [e, f64(t.unit(e))] as const),
  };
}
