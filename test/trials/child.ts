/**
 * Crash-trial child: a live ccxt-venue service on the parent's simulator and journal, driven by stdin lines.
 *   env TRIAL_CONFIG   the ResolvedService as JSON     env TRIAL_JOURNAL_ID  fixed journal id (replayable ids)
 *   env TRIAL_CRASH    "<point>:<k>": SIGKILL itself at the k-th hit of that crash point (numbered in points.ts)
 *   env TRIAL_OFFSET   ms added to the wall clock (the parent advances the service's clock 61 s per cycle)
 * stdin:  "cycle <offsetMs>" → runCycle('p1');  "exit" → stop and exit 0.
 * stdout (synchronous writes): "READY <recovery json>", "H <point> <cid>" at each hit (before a kill),
 *   "CYCLE <n> <decision>".
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ResolvedService } from '../../src/service/config/parse.ts';
import type { ServiceCrashPoint } from '../../src/service/gate/send-orders.ts';
import { Service } from '../../src/service/service.ts';
import { trialPoint } from './points.ts';

const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};
const config = JSON.parse(process.env.TRIAL_CONFIG ?? '') as ResolvedService;
const [target, kArg] = (process.env.TRIAL_CRASH ?? '').split(':');
let left = Number(kArg ?? 0);
let offset = Number(process.env.TRIAL_OFFSET ?? 0);
let last = 0;
const now = (): number => {
  last = Math.max(last + 1, Date.now() + offset); // monotonic
  return last;
};
let svc: Service | undefined;

const hook = (p: ServiceCrashPoint, cid: string): void => {
  const point = trialPoint(p, svc === undefined ? undefined : svc.journal.orders.get(cid).filledQuantity);
  say(`H ${point} ${cid}`);
  if (point === target && --left === 0) process.kill(process.pid, 'SIGKILL');
};

svc = undefined;
const s = await Service.start(config, {
  now,
  strictGuards: false,
  journalId: process.env.TRIAL_JOURNAL_ID,
  crashHook: (p, cid) => hook(p, cid),
});
svc = s;
const r = s.recovery!;
say(
  `READY ${JSON.stringify({ checked: r.checked, byState: r.byState, stillUnknown: r.stillUnknown, anomalies: r.anomalies })}`,
);

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  const [cmd, arg] = line.trim().split(' ');
  if (cmd === 'cycle') {
    offset = Number(arg ?? offset);
    const ev = await s.runCycle('p1');
    say(`CYCLE ${ev.cycle} ${ev.decision}`);
  } else if (cmd === 'exit') {
    await s.stop();
    process.exit(0);
  }
}
