/**
 * The sweep worker as one CommonJS script, bundled by esbuild (the compiler tsx itself uses) from
 * src/backtest/sweep/worker.ts: `npm run build` writes it beside the compiled modules (worker.cjs), and a
 * source checkout bundles it in memory once per process. One script boots faster than the ~30 ES modules of
 * the engine (no per-module loading), and from source it spares every worker tsx's loader (~0.35 s each).
 */
export async function bundleWorker(entry: string, outfile?: string): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    ...(outfile ? { outfile, write: true } : { write: false }),
  });
  return outfile ?? out.outputFiles![0]!.text;
}
