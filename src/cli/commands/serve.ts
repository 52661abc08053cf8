import { mkdirSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { BUNDLED_PRICES, DEFAULT_TARGET, parseTargetFlag } from '../../backtest/request.ts';
import { parsePortfolio } from '../../core/config/parse.ts';
import { parseService, type ResolvedService } from '../../service/config/parse.ts';
import { preflight } from '../../service/preflight.ts';
import { defaultReplayService, type ReplaySummary, runReplay } from '../../service/replay.ts';
import { relayWorkerCycles } from '../../service/scale/relay.ts';
import { Service } from '../../service/service.ts';
import { CycleQueue } from '../../store/postgres/cycle-queue.ts';
import { checkPostgresUrl, isPostgresUrl, type PostgresStore, type WorkerFigures } from '../../store/postgres/index.ts';
import { positive } from '../flags.ts';
import { readDocument, UsageError } from '../io.ts';
import { progressBar } from '../progress.ts';
import { stopSignals } from '../stop-signals.ts';
import { fmtNum, fmtPct, table } from '../table.ts';
import { dayFlag } from './backtest.ts';

interface ServeFlags {
  config?: string;
  paper?: boolean;
  replay?: string;
  capital: string;
  start?: string;
  end?: string;
  journal?: string;
  store?: string;
  workers?: boolean;
  strict?: boolean;
  json?: boolean;
}

/** The bundled defaults: the backtest's default portfolio with a 5-point band and 10 bps fees. */
function defaultService(): ResolvedService {
  const target = parseTargetFlag(DEFAULT_TARGET, 'USD').target;
  return defaultReplayService(
    parsePortfolio({ quote: 'USD', target, trigger: { type: 'band', band: 0.05 }, costs: { feeBps: 10 } }, 'defaults'),
  );
}

function forcePaper(s: ResolvedService): ResolvedService {
  return { ...s, portfolios: s.portfolios.map((p) => ({ ...p, venue: { type: 'paper' as const, initial: {} } })) };
}

/**
 * The HTTP API and the alert webhook of a running service. A loopback API started without a token gets a
 * generated one, written owner-only to .ballast/api-token (never printed: secrets stay out of logs).
 */
async function startApi(
  service: Service,
  workerFigures?: (bucketsS: readonly number[]) => Promise<readonly WorkerFigures[]>,
): Promise<{ url: string; close(): Promise<void> } | null> {
  const cfg = service.config;
  let stopAlerts: (() => Promise<void>) | null = null;
  if (cfg.alerts.webhook) {
    const { AlertSender, deliverAlerts } = await import('../../service/alerts.ts');
    stopAlerts = deliverAlerts(service, new AlertSender({ journal: service.store, webhook: cfg.alerts.webhook }));
  }
  if (!cfg.api.enabled) return stopAlerts ? { url: '(no api)', close: stopAlerts } : null;
  const { createApi } = await import('../../service/api/server.ts');
  const { loadApiToken } = await import('../../service/api/auth.ts');
  const { createLogger } = await import('../../service/logger.ts');
  const api = await createApi(service, {
    host: cfg.api.host,
    port: cfg.api.port,
    token: loadApiToken(cfg.api),
    cors: cfg.api.cors,
    logger: createLogger(),
    workerFigures,
  });
  if (api.generatedToken) {
    mkdirSync('.ballast', { recursive: true });
    writeFileSync('.ballast/api-token', `${api.token}\n`, { mode: 0o600 });
    process.stderr.write(
      'api token generated: .ballast/api-token (owner-only); dashboard: open the API URL with ?token=<that token>\n',
    );
  }
  return {
    url: api.url,
    close: async () => {
      await api.close();
      await stopAlerts?.();
    },
  };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the rebalancing service (scheduled cycles, journal, HTTP API); or replay history through it')
    .option('--config <file>', 'service file (YAML or JSON): portfolios, venues, schedules, guards, risk, api, alerts')
    .option('--paper', 'use paper venues for every portfolio')
    .option('--replay <csv>', 'replay a price CSV through the whole service on bar time (implies --paper)')
    .option('--capital <amount>', 'replay: capital deposited at the first bar', '1000000')
    .option('--start <date>', 'replay: first UTC day')
    .option('--end <date>', 'replay: last UTC day')
    .option('--journal <file>', 'journal file (default: the service file’s, or in memory for a replay)')
    .option(
      '--store <url|file>',
      'where the service keeps its state: postgres://user@host:5432/db (PostgreSQL), or a SQLite journal file (as --journal; the default)',
    )
    .option(
      '--workers',
      'with --store postgres://…: queue each due cycle for `ballast worker` processes instead of running it here',
    )
    .option('--json', 'replay: print { finalValue, hodl, rebalances, fees, cycles, twr } (one portfolio) as JSON')
    .option('--strict', 'exit 1 when a target asset is not listed by its venue (default: pause that portfolio)')
    .action(async (f: ServeFlags) => {
      if (f.store !== undefined && f.journal !== undefined)
        throw new UsageError('serve: give --store or --journal, not both (--store also takes a journal file)');
      const storeUrl = f.store !== undefined && isPostgresUrl(f.store) ? checkPostgresUrl(f.store) : undefined;
      if (storeUrl !== undefined && f.replay !== undefined)
        throw new UsageError('serve --replay runs on its own journal (in memory or --journal FILE), not on --store');
      if (f.store !== undefined && storeUrl === undefined) f.journal = f.store;
      if (f.workers === true && storeUrl === undefined)
        throw new UsageError('serve --workers needs --store postgres://… (workers share a PostgreSQL store)');
      let cfg = f.config ? parseService(readDocument(f.config), f.config, readDocument) : undefined;
      if (f.replay !== undefined || (f.paper && !cfg)) {
        const capital = positive('--capital', f.capital);
        const start = dayFlag('--start', f.start);
        const end = dayFlag('--end', f.end);
        cfg = forcePaper(cfg ?? defaultService());
        const csv = f.replay ?? BUNDLED_PRICES;
        const bar = f.json === true ? () => {} : progressBar('replay');
        const { summaries } = await runReplay({
          service: cfg,
          csv,
          capital,
          start,
          end,
          journalPath: f.journal,
          onBar: (t, n) => bar(t + 1, n),
        });
        if (f.json === true) {
          process.stdout.write(`${JSON.stringify(replayJson(summaries))}\n`);
          return;
        }
        const rows = summaries.map((s) => [
          s.portfolioId,
          String(s.bars),
          fmtNum(s.finalValue, 2),
          s.hodlValue === null ? 'n/a' : fmtNum(s.hodlValue, 2),
          s.hodlValue === null ? '' : fmtPct(s.finalValue / s.hodlValue - 1, 2),
          String(s.rebalances),
          fmtNum(s.fees, 2),
          s.twr === null ? 'n/a' : fmtPct(s.twr, 2),
        ]);
        process.stdout.write(
          `${table(['portfolio', 'bars', 'value', 'HODL', 'vs HODL', 'rebalances', 'fees', 'TWR'], rows)}\n`,
        );
        process.stdout.write('price guards: deviation guard off (single source: replay)\n');
        return;
      }
      if (!cfg) throw new UsageError('serve needs --config FILE (or --paper --replay FILE to replay history)');
      if (f.paper) cfg = forcePaper(cfg);
      // Keys, feeds and the API's token are checked before the journal is opened (nothing left behind).
      await preflight(cfg, { feed: false, api: true });
      const signals = stopSignals();
      const service = await Service.start(cfg, {
        journalPath: f.journal,
        storeUrl,
        shared: f.workers === true,
        strictMarkets: f.strict === true,
      });
      const r = service.recovery;
      process.stderr.write(`journal ${service.store.location}: reconciled ${r?.checked ?? 0} unfinished intent(s)\n`);
      const pgStore = f.workers === true ? (service.store as PostgresStore) : null;
      const api = await startApi(service, pgStore === null ? undefined : (b) => pgStore.workers.read(b));
      if (api) process.stderr.write(`api listening on ${api.url}\n`);
      const queue =
        f.workers === true && storeUrl !== undefined
          ? await CycleQueue.open(storeUrl, service.store as PostgresStore, { deadlineMs: 60_000 })
          : null;
      // A stop asked for during start-up starts no cycle.
      if (!signals.requested) service.schedule(queue === null ? undefined : (id) => queue.enqueue([id]));
      // The workers' cycles reach the dashboard's live stream and the metrics as if run here.
      const relay = queue === null ? null : await relayWorkerCycles(service, storeUrl!);
      if (queue !== null) process.stderr.write('scheduler: due cycles are queued for the workers\n');
      const stop = async () => {
        await api?.close();
        await relay?.close();
        await queue?.stop();
        await service.stop();
        process.exit(0);
      };
      signals.ready(stop);
      await new Promise(() => {});
    });
}

/**
 * `serve --replay --json`: the replay's one portfolio as `{ portfolioId, finalValue, hodl, rebalances, fees,
 * cycles, twr }`; a service file with several portfolios gives `{ portfolios: [that, …] }`.
 */
export function replayJson(summaries: readonly ReplaySummary[]) {
  const one = (s: ReplaySummary) => ({
    portfolioId: s.portfolioId,
    finalValue: s.finalValue,
    hodl: s.hodlValue,
    rebalances: s.rebalances,
    fees: s.fees,
    cycles: s.cycles,
    twr: s.twr,
  });
  return summaries.length === 1 ? one(summaries[0]!) : { portfolios: summaries.map(one) };
}
