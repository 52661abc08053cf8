import { parentPort, workerData } from 'node:worker_threads';
import { volTrackOf } from '../../core/triggers/vol-track.ts';
import { installVolTrack } from '../engine/columns.ts';
import type { PreparedData } from '../engine/run.ts';
import { preparedFor, prepareOptions, runSlice, type SweepData, type SweepTask, warmUp } from './task.ts';

/** Messages from the pool: a task (then chunks of it), or stop. Replies: the task id once ready, then each chunk. */
export type ToWorker = { task: SweepTask; id: number } | { lo: number; hi: number } | 'stop';
export type FromWorker = { ready: number } | { lo: number; hi: number };

const sweep = workerData as SweepData;
let task: SweepTask | undefined;
let data: PreparedData | undefined;
parentPort!.on('message', (m: ToWorker) => {
  if (m === 'stop') process.exit(0);
  if ('task' in m) {
    task = m.task;
    data = preparedFor(sweep, task);
    prepareOptions(sweep, task.fees);
    const tracks = (task.tracks ?? []).map(volTrackOf);
    for (const t of tracks) installVolTrack(data, t);
    warmUp(sweep, task, data, tracks);
    parentPort!.postMessage({ ready: m.id } satisfies FromWorker);
    return;
  }
  runSlice(sweep, task!, data!, m.lo, m.hi);
  parentPort!.postMessage({ lo: m.lo, hi: m.hi } satisfies FromWorker);
});
