import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { volTrack, volTrackOf } from '../../core/triggers/vol-track.ts';
import { columnsOf, installVolTrack } from '../engine/columns.ts';
import { prepareData } from '../engine/run.ts';
import { parseStrategy } from '../engine/strategy.ts';
import { generateGbm } from '../synthetic/index.ts';
import { sharedTracks } from './tracks.ts';

const mkt = generateGbm({ seed: 9, bars: 200, assets: 3, sigma: 0.05, correlation: 0.3 });
const data = prepareData(mkt, 'USD', Object.fromEntries(mkt.assets.map((a) => [a, 1 / 3])));

describe('sharedTracks', () => {
  it('one track per (λ, warm-up) of the vol strategies, in shared memory, equal to volTrack, with their units', () => {
    const specs = ['vol:0.05:-1', 'vol:0.02:1', 'band:0.05', 'vol:0.05:-1', 'hodl'].map((s) => parseStrategy(s));
    const parts = sharedTracks(data, specs);
    assert.equal(parts.length, 1);
    const p = parts[0]!;
    const own = volTrack(data.prices, data.u.n, p.lambda, p.warmup);
    assert.ok(p.sigma.buffer instanceof SharedArrayBuffer);
    assert.deepEqual([...p.sigma], [...own.sigma]);
    assert.deepEqual([...p.sigmaSum], [...own.sigmaSum]);
    assert.deepEqual([...p.ready], [...own.ready]);
    assert.deepEqual(p.units.map(([e]) => e).sort(), [-1, 1]);
    for (const [e, u] of p.units) assert.deepEqual([...u], [...own.unit(e)]);
    // Installed for a data set, the runs read it (the same arrays, no recomputation).
    const track = volTrackOf(p);
    installVolTrack(data, track);
    assert.equal(columnsOf(data).volTrack(p.lambda, p.warmup), track);
    assert.equal(track.unit(-1), p.units.find(([e]) => e === -1)![1]);
    assert.deepEqual(sharedTracks(data, [parseStrategy('band:0.1')]), []);
  });
});
