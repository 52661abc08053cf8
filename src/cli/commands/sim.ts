/**
 * `ballast sim`: the local Binance-like exchange simulator as a command (issue #15), for paper trading on
 * a moving market and for trying live mode without an exchange. Prints one JSON line
 * `{ url, apiKey, secret }` on stdout once listening (the simulator's own test keys, not credentials), then
 * serves until SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.ts';
import { toSeconds } from '../../service/config/schema.ts';
import { DEFAULT_MARKETS } from '../../venues/simulator/default-config.ts';
import { start } from '../../venues/simulator/server.ts';
import type { SimConfig } from '../../venues/simulator/types.ts';
import { startWalk } from '../../venues/simulator/walk.ts';
import { readDocument, UsageError } from '../io.ts';
import { stopSignals } from '../stop-signals.ts';

interface SimFlags {
  port: string;
  host: string;
  config?: string;
  walkBps: string;
  walkEvery: string;
  seed: string;
}

function int(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer in ${min}..${max}, got "${v}"`);
  return n;
}

function walkOptions(f: SimFlags) {
  const volBps = Number(f.walkBps);
  if (!Number.isFinite(volBps) || volBps < 0 || volBps > 1000)
    throw new UsageError(`--walk-bps must be a number in 0..1000 (0 = prices stand still), got "${f.walkBps}"`);
  let everyMs: number;
  try {
    everyMs = toSeconds(/^\d+(\.\d+)?$/.test(f.walkEvery) ? Number(f.walkEvery) : f.walkEvery) * 1000;
  } catch {
    throw new UsageError(`--walk-every must be a duration (1s, 5s, 1m) or seconds, got "${f.walkEvery}"`);
  }
  if (!(everyMs >= 100)) throw new UsageError(`--walk-every must be at least 0.1 s, got "${f.walkEvery}"`);
  return { volBps, everyMs, seed: int('--seed', f.seed, 0, 2 ** 31 - 1) };
}

function readConfig(path: string | undefined): Partial<SimConfig> {
  if (path === undefined) return {};
  const doc = readDocument(path);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw InputError.one(path, '', 'expected an object with markets, balances, takerBps … (see docs/exchanges.md)');
  return doc as Partial<SimConfig>;
}

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run the local exchange simulator (Binance-like REST API) for paper trading and trials')
    .option('--port <n>', 'port (0 = a free one)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--config <file>', 'simulator file (YAML or JSON): markets, balances, takerBps, makerBps')
    .option('--walk-bps <bps>', 'random-walk step of every price, one standard deviation in bps (0 = still)', '0')
    .option('--walk-every <duration>', 'how often prices step (1s, 5s, 1m)', '1s')
    .option('--seed <n>', 'seed of the random walk', '1')
    .action(async (f: SimFlags) => {
      const port = int('--port', f.port, 0, 65535);
      const walk = walkOptions(f);
      const config = readConfig(f.config);
      const signals = stopSignals();
      const sim = await start({ ...config, port, host: f.host });
      const markets = config.markets ?? DEFAULT_MARKETS;
      const stopWalk = walk.volBps > 0 ? startWalk(markets, (s, p) => sim.setPrice(s, p), walk) : () => undefined;
      process.stdout.write(`${JSON.stringify({ url: sim.url, apiKey: sim.apiKey, secret: sim.secret })}\n`);
      process.stderr.write(
        `simulator listening on ${sim.url}${walk.volBps > 0 ? ` (prices walk ${walk.volBps} bps every ${walk.everyMs / 1000} s, seed ${walk.seed})` : ''}\n`,
      );
      await new Promise<void>((resolve) => {
        signals.ready(() => {
          stopWalk();
          void sim.stop().then(resolve);
        });
      });
    });
}
