/**
 * Crash-trial child for the basket venue (issue #21 item 3; the lever venue's test, test/onchain/lever-serve.test.ts,
 * runs it too): a service over the parent's anvil and journal,
 * driven by stdin lines, killing itself with SIGKILL at a batch crash point.
 *   env TRIAL_CONFIG   the service document (JSON), parsed here as `ballast serve` parses it
 *   env TRIAL_CRASH    a batch crash point (src/venues/atomic-batch.ts): SIGKILL at its first hit
 *   env TRIAL_STORE    a PostgreSQL URL: the service's store instead of the document's SQLite journal (optional)
 * stdin:  "cycle" → runCycle('p1');  "exit" → stop and exit 0.
 * stdout (synchronous writes): "READY", "H <point> <id>" at each hit (before a kill), "CYCLE <n> <decision> <reason>".
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseService } from '../../src/service/config/parse.ts';
import { Service } from '../../src/service/service.ts';

const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};
const config = parseService(JSON.parse(process.env.TRIAL_CONFIG ?? ''), 'service');
const target = process.env.TRIAL_CRASH ?? '';

const store = process.env.TRIAL_STORE ?? '';
const s = await Service.start(config, {
  strictGuards: false,
  ...(store === '' ? {} : { storeUrl: store }),
  crashHook: (p, id) => {
    say(`H ${p} ${id}`);
    if (p === target) process.kill(process.pid, 'SIGKILL');
  },
});
say('READY');

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  const cmd = line.trim();
  if (cmd === 'cycle') {
    const ev = await s.runCycle('p1');
    say(`CYCLE ${ev.cycle} ${ev.decision} ${JSON.stringify(ev.reason ?? '')}`);
  } else if (cmd === 'exit') {
    await s.stop();
    process.exit(0);
  }
}
