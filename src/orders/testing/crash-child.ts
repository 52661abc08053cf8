/**
 * Crash-trial child: opens the journal at argv[2], recovers like the service does on start, then writes
 * cycles of intents through the whole protocol in a loop until it is killed (SIGKILL by the parent).
 * After each durable step it prints one line to stdout (written synchronously, after the commit returned):
 *   C <cid>   intent committed        S <cid>   marked sent
 *   F <cid>   fill + ack + paper balances committed in one transaction
 *   U <cid>   marked unknown
 * argv[3] is the run number (the portfolio is `p<run>`), argv[4] a seed for the child's choices.
 */
import { writeSync } from 'node:fs';
import { Journal } from '../../store/journal.ts';
import { sqliteStore } from '../../store/ports.ts';
import { MemoryVenue } from '../../venues/memory/memory-venue.ts';
import { recoverOnStart } from '../reconcile.ts';

const [path, runArg, seedArg] = process.argv.slice(2);
const run = Number(runArg);
let seed = Number(seedArg) >>> 0;
const rand = (): number => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};

let clock = Date.UTC(2026, 0, 1) + run * 1e9;
const now = (): number => ++clock;
// Exclusive, as the service opens it: the parent reopening right after the kill also proves the OS
// released the lock with the dead process.
const journal = Journal.open(path, { journalId: 'crash', now: now(), exclusive: true });
await recoverOnStart(sqliteStore(journal), new MemoryVenue('paper'), { clock: { now } });
const portfolio = `p${run}`;
const account = `paper:${portfolio}`;
journal.transaction(() => {
  journal.portfolios.upsert({ id: portfolio, config: { run }, at: now() });
  if (!journal.paperAccounts.exists(account)) journal.paperAccounts.set(account, { USDT: 1e9, BTC: 0 }, now());
});
say('READY');

for (;;) {
  const { cycle } = journal.cycles.start(portfolio, now());
  const legs = 1 + Math.floor(rand() * 4);
  for (let leg = 0; leg < legs; leg++) {
    const quantity = Math.round((0.001 + rand()) * 1e6) / 1e6;
    const price = Math.round((30_000 + rand() * 10_000) * 100) / 100;
    const i = journal.orders.commitIntent({
      portfolioId: portfolio,
      cycle,
      leg,
      child: 0,
      venue: 'paper',
      asset: 'BTC',
      quote: 'USDT',
      side: 'buy',
      quantity,
      orderType: 'market',
      referencePrice: price,
      at: now(),
    });
    say(`C ${i.clientOrderId}`);
    journal.orders.markSent(i.clientOrderId, now());
    say(`S ${i.clientOrderId}`);
    if (rand() < 0.15) {
      journal.orders.markUnknown(i.clientOrderId, 'simulated timeout', now());
      say(`U ${i.clientOrderId}`);
      continue;
    }
    const fee = Math.round(quantity * price * 0.001 * 1e8) / 1e8;
    journal.transaction(() => {
      journal.orders.recordAck(
        i.clientOrderId,
        {
          clientOrderId: i.clientOrderId,
          status: 'filled',
          filledQuantity: quantity,
          averagePrice: price,
          fills: [{ tradeId: `${i.clientOrderId}f1`, quantity, price, fee, feeAsset: 'USDT', time: now() }],
        },
        now(),
      );
      journal.paperAccounts.apply(account, { BTC: quantity, USDT: -(quantity * price + fee) }, now());
    });
    say(`F ${i.clientOrderId}`);
  }
  journal.cycles.finish({ portfolioId: portfolio, cycle, decision: 'rebalanced', reason: `${legs} legs`, at: now() });
}
