import { parentPort, workerData } from 'node:worker_threads';
import { preparedFromJob, runSlice, type SweepJob, warmUp } from './task.ts';

const job = workerData as SweepJob;
const data = preparedFromJob(job);
warmUp(job, data);
parentPort!.on('message', (m: { lo: number; hi: number } | 'stop') => {
  if (m === 'stop') {
    process.exit(0);
  }
  runSlice(job, data, m.lo, m.hi);
  parentPort!.postMessage({ lo: m.lo, hi: m.hi });
});
parentPort!.postMessage('ready');
