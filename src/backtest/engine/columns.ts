import { type OptbandTrack, optbandTrack } from '../../core/bands/track.ts';
import type { WeightVarianceParams } from '../../core/bands/weight-variance.ts';
import { periodKeys } from '../../core/calendar.ts';
import type { Period } from '../../core/config/trigger-schema.ts';
import type { TriggerColumns } from '../../core/triggers/compile.ts';
import { type VolTrack, volTrack } from '../../core/triggers/vol-track.ts';
import type { PreparedData } from './run.ts';

const memo = new WeakMap<PreparedData, Map<string, VolTrack>>();
const optMemo = new WeakMap<PreparedData, Map<string, OptbandTrack>>();
const keyMemo = new WeakMap<PreparedData, Map<Period, Float64Array>>();

const optKey = (p: WeightVarianceParams): string => `${p.vol}:${p.refitEvery}:${p.lambda}:${p.warmup}`;

/** Installs an optband track computed elsewhere (precomputed forecasts, a bench) for that data set. */
export function installOptbandTrack(data: PreparedData, track: OptbandTrack): void {
  let m = optMemo.get(data);
  if (m === undefined) {
    m = new Map();
    optMemo.set(data, m);
  }
  m.set(optKey(track.params), track);
}

/** The key of a track among a data set's: its (λ, warm-up). */
export const trackKey = (lambda: number, warmup: number): string => `${lambda}:${warmup}`;

function tracksOf(data: PreparedData): Map<string, VolTrack> {
  let tracks = memo.get(data);
  if (tracks === undefined) {
    tracks = new Map();
    memo.set(data, tracks);
  }
  return tracks;
}

/** Installs a track computed elsewhere (a sweep's, shared between threads) for that data set. */
export function installVolTrack(data: PreparedData, track: VolTrack): void {
  tracksOf(data).set(trackKey(track.lambda, track.warmup), track);
}

/**
 * The trigger columns of one prepared data set, computed on first use and kept with it: every run over
 * the same data (a sweep worker's thousands, a multi-strategy backtest) reads one EWMA track per (λ, warm-up).
 */
export function columnsOf(data: PreparedData): TriggerColumns {
  return {
    volTrack(lambda, warmup) {
      const tracks = tracksOf(data);
      const key = trackKey(lambda, warmup);
      let track = tracks.get(key);
      if (track === undefined) {
        track = volTrack(data.prices, data.u.n, lambda, warmup);
        tracks.set(key, track);
      }
      return track;
    },
    periodKeys(period) {
      let m = keyMemo.get(data);
      if (m === undefined) {
        m = new Map();
        keyMemo.set(data, m);
      }
      let keys = m.get(period);
      if (keys === undefined) {
        keys = periodKeys(data.times, period);
        m.set(period, keys);
      }
      return keys;
    },
    optbandTrack(p) {
      let m = optMemo.get(data);
      if (m === undefined) {
        m = new Map();
        optMemo.set(data, m);
      }
      let track = m.get(optKey(p));
      if (track === undefined) {
        track = optbandTrack(data.prices, data.u.target, data.u.quoteIndex, p);
        m.set(optKey(p), track);
      }
      return track;
    },
  };
}
