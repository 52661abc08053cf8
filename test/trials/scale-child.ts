/**
 * One worker process of the scale-out trial (issue #28): `node --import tsx test/trials/scale-child.ts URL N NAME`.
 * Runs the trial's N bar-indexed paper portfolios from the work queue; prints "ready" once it takes jobs.
 */
import { startWorker } from '../../src/service/scale/worker.ts';
import { BarFeed, barService } from '../../src/service/trials/bar-feed.ts';

const [url, n, name, deadline] = process.argv.slice(2);
const feed = new BarFeed();
const worker = await startWorker({
  storeUrl: url!,
  config: barService(Number(n)),
  name: name!,
  deadlineMs: Number(deadline ?? '5') * 1000,
  now: feed.now,
  feed,
  journalId: 'scale',
  idleMs: 50,
  // A retried job runs later in its bar (30 s per earlier attempt): a leg a kill left unknown is proved not
  // placed by lookups spread over 60 s (the not-placed rule) while the job waits, and the bar then runs.
  atBar: (_id, bar, attempt) => {
    feed.bar = bar;
    feed.offsetMs = attempt * 30_000;
  },
  retryHeldBars: true,
  onOverrun: () => process.exit(75),
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.stop().then(() => process.exit(0));
});
await worker.done;
