import { parentPort, workerData } from 'node:worker_threads';
import { volTrackOf } from '../../core/triggers/vol-track.ts';
import { installVolTrack } from '../engine/columns.ts';
import { preparedFor, prepareOptions, runSlice, type SweepData, type SweepTask, warmUp } from './task.ts';

/**
 * Messages from the pool: a task, or stop. Workers take chunks of `chunk` configs from the task's shared
 * counter `next` (Atomics.add) until none is left, and report each chunk they finish ({ id, lo, hi }):
 * no worker waits on the calling thread between chunks, and a slow corner of the grid idles no one.
 */
export type ToWorker = { task: SweepTask; id: number; next: SharedArrayBuffer; chunk: number } | 'stop';
export type FromWorker = { id: number; lo: number; hi: number };

const sweep = workerData as SweepData;
parentPort!.on('message', (m: ToWorker) => {
  if (m === 'stop') process.exit(0);
  const task = m.task;
  const data = preparedFor(sweep, task);
  prepareOptions(sweep, task.fees);
  const tracks = (task.tracks ?? []).map(volTrackOf);
  for (const t of tracks) installVolTrack(data, t);
  warmUp(sweep, task, data, tracks);
  const next = new Int32Array(m.next);
  const total = task.specOf.length;
  for (;;) {
    const lo = Atomics.add(next, 0, m.chunk);
    if (lo >= total) break;
    const hi = Math.min(total, lo + m.chunk);
    runSlice(sweep, task, data, lo, hi);
    parentPort!.postMessage({ id: m.id, lo, hi } satisfies FromWorker);
  }
});
