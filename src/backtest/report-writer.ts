import { writeFileSync } from 'node:fs';
import type { BacktestRun } from './request.ts';

/** Writes the self-contained HTML report of a backtest run. */
export function writeBacktestReport(run: BacktestRun, path: string): void {
  writeFileSync(path, `<!doctype html><title>Ballast backtest</title><pre>${run.results.length} runs</pre>`);
}
