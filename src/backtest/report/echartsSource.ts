/**
 * The chart library inlined into every report: Apache ECharts' full minified bundle from
 * node_modules (read once per process), so the HTML file needs no network to draw.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BallastError, type Next } from '../../core/errors.ts';

export class ChartLibraryError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name = 'ChartLibraryError';
}

let cached: { source: string; version: string } | undefined;

export function echartsSource(): { source: string; version: string } {
  if (cached) return cached;
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
  } catch (e) {
    throw new ChartLibraryError(
      `cannot find echarts/dist/echarts.min.js (${e instanceof Error ? e.message : String(e)}); run npm ci`,
    );
  }
  const source = readFileSync(file, 'utf8');
  if (/<\/script|<!--/i.test(source)) {
    throw new ChartLibraryError(`${file} contains "</script" or "<!--": it cannot be inlined in a <script> safely`);
  }
  let version = 'unknown';
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(dirname(file), '..', 'package.json'), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string')
      version = pkg.version;
  } catch {
    // The version is only shown in the footer.
  }
  cached = { source, version };
  return cached;
}
