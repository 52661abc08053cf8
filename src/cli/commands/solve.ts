/**
 * `ballast solve` (issue #24 item 3): settles the open orders of the local order book on the fixture's
 * GPv2Settlement, each alone, from the allow-listed solver (the fixture's dev account #9, a test key).
 * Simulates by default; --send sends. --watch is the service mode: a round every --interval-ms until Ctrl-C;
 * --serve-book PORT runs the order book in the same process (the venue posts to it).
 *
 *     ballast solve --book http://127.0.0.1:8547 [--send] [--json]
 *     ballast solve --serve-book 8547 [--book-file .ballast/orders.json] --watch --send
 *     ballast solve --book http://127.0.0.1:8547 --batch [--max-deviation-bps 100] [--feed-heartbeat-sec 3600] --send
 *
 * --batch (issue #25): every open order in one settle at uniform clearing prices (src/chain/intents/batch.ts).
 * It is not the default: part 1's partial fill of a partially fillable order (the largest amount that meets
 * its limit) has no batch counterpart yet; the batch fills an order whole or not at all.
 */
import type { Command } from 'commander';
import { UsageError } from '../io.ts';
import { stopSignals } from '../stop-signals.ts';

export interface SolveFlags {
  book?: string;
  serveBook?: string;
  bookFile?: string;
  chainFile?: string;
  send?: boolean;
  watch?: boolean;
  intervalMs: string;
  json?: boolean;
  batch?: boolean;
  maxDeviationBps?: string;
  feedHeartbeatSec?: string;
}

export function parseSolveFlags(f: SolveFlags): {
  port?: number;
  url?: string;
  intervalMs: number;
  batch?: { maxDeviationBps: number; heartbeatSec: number };
} {
  if (f.book === undefined && f.serveBook === undefined)
    throw new UsageError('--book: give --book URL (a running order book) or --serve-book PORT (start one)');
  if (f.book !== undefined && f.serveBook !== undefined)
    throw new UsageError('--book: give either --book URL (a running order book) or --serve-book PORT, not both');
  if (f.book !== undefined && !/^https?:\/\/[^\s/]+/.test(f.book))
    throw new UsageError(`--book: ${JSON.stringify(f.book)} is not an http(s) URL`);
  let port: number | undefined;
  if (f.serveBook !== undefined) {
    port = Number(f.serveBook);
    if (!/^\d+$/.test(f.serveBook) || port > 65_535)
      throw new UsageError(`--serve-book: ${JSON.stringify(f.serveBook)} is not a port (0-65535)`);
  }
  if (f.bookFile !== undefined && f.serveBook === undefined)
    throw new UsageError('--book-file: only with --serve-book');
  const intervalMs = Number(f.intervalMs);
  if (!/^\d+$/.test(f.intervalMs) || intervalMs < 50 || intervalMs > 3_600_000)
    throw new UsageError(`--interval-ms: ${JSON.stringify(f.intervalMs)} is not a whole number of ms in 50..3600000`);
  if (f.batch !== true && (f.maxDeviationBps !== undefined || f.feedHeartbeatSec !== undefined))
    throw new UsageError(
      `${f.maxDeviationBps !== undefined ? '--max-deviation-bps' : '--feed-heartbeat-sec'}: only with --batch`,
    );
  let batch: { maxDeviationBps: number; heartbeatSec: number } | undefined;
  if (f.batch === true) {
    const dev = f.maxDeviationBps ?? '100';
    const hb = f.feedHeartbeatSec ?? '3600';
    if (!/^\d+$/.test(dev) || Number(dev) < 1 || Number(dev) > 5000)
      throw new UsageError(`--max-deviation-bps: ${JSON.stringify(dev)} is not a whole number of bps in 1..5000`);
    if (!/^\d+$/.test(hb) || Number(hb) < 1)
      throw new UsageError(`--feed-heartbeat-sec: ${JSON.stringify(hb)} is not a whole number of seconds ≥ 1`);
    batch = { maxDeviationBps: Number(dev), heartbeatSec: Number(hb) };
  }
  return {
    ...(port === undefined ? {} : { port }),
    ...(f.book === undefined ? {} : { url: f.book }),
    intervalMs,
    ...(batch === undefined ? {} : { batch }),
  };
}

const text = (v: unknown): unknown =>
  typeof v === 'bigint'
    ? v.toString()
    : typeof v === 'object' && v !== null
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, text(x)]))
      : v;

export function registerSolve(program: Command): void {
  program
    .command('solve')
    .description('settle the local order book’s open GPv2 orders on the local chain (simulates unless --send)')
    .option('--book <url>', 'a running order book (e.g. http://127.0.0.1:8547)')
    .option('--serve-book <port>', 'run the order book in this process on this port (0: a free one)')
    .option('--book-file <file>', 'with --serve-book: keep the book in this JSON file across restarts')
    .option('--chain-file <file>', 'addresses written by `ballast chain up` (default: the nearest .ballast/chain.json)')
    .option('--send', 'send the settlements (default: simulate each one, send nothing)')
    .option('--watch', 'service mode: a round every --interval-ms until Ctrl-C')
    .option('--interval-ms <n>', 'time between rounds with --watch', '1000')
    .option('--json', 'one JSON object per round: { book, round, outcomes: [...] }')
    .option(
      '--batch',
      'batch auction (issue #25): all open orders in one settle at uniform prices, opposite flows matched, the residual routed',
    )
    .option('--max-deviation-bps <n>', 'with --batch: each clearing price within this of the oracle price')
    .option('--feed-heartbeat-sec <n>', 'with --batch: the oracle feeds are stale after this (+60 s margin)')
    .action(async (f: SolveFlags) => {
      const p = parseSolveFlags(f);
      const signals = f.watch === true ? stopSignals() : null;
      const { createPublicClient, createWalletClient, http } = await import('viem');
      const { privateKeyToAccount } = await import('viem/accounts');
      const { findChainFile } = await import('../../chain/chain-file.ts');
      const { localChain } = await import('../../chain/client.ts');
      const { SOLVER_KEY } = await import('../../chain/fixture/deploy-cow.ts');
      const { solveOnce } = await import('../../chain/intents/solve.ts');
      const { runSolver } = await import('../../chain/intents/service.ts');
      const { OrderBookClient } = await import('../../dex/intents/book-client.ts');
      const { startOrderBook } = await import('../../dex/intents/book-server.ts');
      const { loadChainFile } = await import('./dex-quote.ts');
      const fixture = loadChainFile(f.chainFile ?? findChainFile());
      const chain = localChain(fixture.rpcUrl, fixture.chainId);
      const account = privateKeyToAccount(SOLVER_KEY);
      const client = createPublicClient({ chain, transport: http(fixture.rpcUrl) });
      const wallet = createWalletClient({ chain, transport: http(fixture.rpcUrl), account });
      const served =
        p.port === undefined
          ? null
          : await startOrderBook({
              chainId: fixture.chainId,
              settlement: fixture.contracts.gpv2Settlement,
              port: p.port,
              ...(f.bookFile === undefined ? {} : { file: f.bookFile }),
            });
      const url = served?.url ?? p.url!;
      const deps = { client: client as never, fixture, book: new OrderBookClient(url), wallet, account };
      const batch =
        p.batch === undefined
          ? undefined
          : {
              maxDeviationBps: p.batch.maxDeviationBps,
              feeds: Object.fromEntries(
                fixture.tokens.map((t) => [
                  t.symbol,
                  { address: t.usdFeed, heartbeatSec: p.batch!.heartbeatSec, marginSec: 60 },
                ]),
              ),
            };
      const solveOpts = { send: f.send === true, ...(batch === undefined ? {} : { batch }) };
      const { formatUnits } = await import('viem');
      const sym = (a: string) => fixture.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase());
      const why = (o: Awaited<ReturnType<typeof solveOnce>>[number]): string => {
        if (o.explained === undefined) return '';
        const t = sym(o.explained.token);
        const u = (x: bigint) => (t ? formatUnits(x, t.decimals) : String(x));
        return ` (${u(o.explained.matched)} ${t?.symbol ?? o.explained.token} matched internally, ${u(o.explained.routed)} routed)`;
      };
      let round = 0;
      const report = (outcomes: readonly Awaited<ReturnType<typeof solveOnce>>[number][]) => {
        round++;
        if (f.json === true) {
          const rows = outcomes.map((o) =>
            Object.fromEntries(
              Object.entries(o)
                .filter(([k]) => k !== 'calldata')
                .map(([k, v]) => [k, text(v)]),
            ),
          );
          process.stdout.write(`${JSON.stringify({ book: url, round, outcomes: rows })}\n`);
          return;
        }
        if (outcomes.length === 0 && f.watch !== true) process.stdout.write(`no open orders in ${url}\n`);
        for (const o of outcomes)
          process.stdout.write(
            `${o.uid.slice(0, 18)}… ${o.kind} ${o.status}${o.reason ? `: ${o.reason}` : ''}${o.executedSell !== undefined ? ` sell ${o.executedSell} buy ${o.executedBuy} fee ${o.fee}` : ''}${why(o)}${o.txHash ? ` tx ${o.txHash}` : ''}\n`,
          );
      };
      if (f.watch !== true) {
        try {
          report(await solveOnce(deps, solveOpts));
        } finally {
          await served?.close();
        }
        return;
      }
      if (f.json !== true)
        process.stdout.write(
          `order book ${url}; solving every ${p.intervalMs} ms (${f.send ? 'sending' : 'simulating'}); Ctrl-C stops\n`,
        );
      const loop = runSolver(deps, {
        ...solveOpts,
        intervalMs: p.intervalMs,
        onRound: (r) => {
          if (r.length > 0 || f.json === true) report(r);
        },
        onError: (e) => process.stderr.write(`solve round failed: ${(e as Error).message.split('\n')[0]}\n`),
      });
      await new Promise<void>((resolve) => signals!.ready(resolve));
      await loop.stop();
      await served?.close();
    });
}
