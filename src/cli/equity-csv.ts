/**
 * `backtest --equity FILE`: the equity curves as CSV, streamed (issue #17 item 1). Rows go out in chunks
 * of about 1 MiB, so a 4.5-million-bar run never builds one string (V8 caps a string at ~512 MiB); the file
 * is written under a temporary name and renamed when complete, so a failure leaves nothing behind.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { BacktestRun } from '../backtest/request.ts';

const CHUNK = 1 << 20;

/** Dates alone when every bar is at midnight UTC (daily data), else full ISO 8601 timestamps. */
export function timeFormatter(times: ArrayLike<number>): (ms: number) => string {
  let daily = true;
  for (let t = 0; t < times.length && daily; t++) daily = times[t]! % 86_400_000 === 0;
  return daily
    ? (ms) => new Date(ms).toISOString().slice(0, 10)
    : (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function writeEquityCsv(run: BacktestRun, path: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    const fmt = timeFormatter(run.data.times);
    let chunk = `${['date', ...run.results.map((r) => r.strategy)].join(',')}\n`;
    const T = run.data.times.length;
    for (let t = 0; t < T; t++) {
      chunk += fmt(run.data.times[t]!);
      for (const r of run.results) chunk += `,${r.equity[t]}`;
      chunk += '\n';
      if (chunk.length >= CHUNK) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}
