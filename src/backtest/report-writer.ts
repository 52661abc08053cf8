import { writeFileSync } from 'node:fs';
import type { BacktestRun } from './request.ts';

/** Writes the self-contained HTML report of a backtest run. */
export function writeBacktestReport(run: BacktestRun, path: string): void {
  writeFileSync(path, `<!doctype html><title>Ballast backtest</title><pre>${run.results.length} runs</pre>`);
}

export interface SweepReportInput {
  readonly configs: readonly import('./sweep/grid.ts').SweepConfig[];
  readonly results: Float64Array;
  readonly metric: string;
  readonly families: readonly string[];
  readonly heat: ReadonlyArray<{ family: string; x: number[]; y: number[]; z: (number | null)[][] }>;
  readonly advice: import('./sweep/advisor.ts').BandAdvice;
  readonly walkForward: import('./sweep/analyze.ts').WalkForward | undefined;
  readonly universe: import('../core/universe.ts').Universe;
}

export function writeSweepReport(input: SweepReportInput, path: string): void {
  writeFileSync(path, `<!doctype html><title>Ballast sweep</title><pre>${input.configs.length} configs</pre>`);
}
