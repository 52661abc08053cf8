/**
 * Benchmark runner: `npm run bench [-- filter]` imports every bench/*.bench.ts (sorted by name) whose
 * name contains the filter and awaits its default export, `export default async function run()`, which
 * prints its own markdown. A failing benchmark is reported and the runner exits 1 after the others ran.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();

if (files.length === 0) {
  process.stderr.write(`bench: no bench/*.bench.ts matches ${JSON.stringify(filter)}\n`);
  process.exit(2);
}

let failed = 0;
for (const f of files) {
  process.stdout.write(`\n# ${f}\n\n`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default?: unknown };
  if (typeof mod.default !== 'function') {
    process.stderr.write(`bench: ${f} has no default export \`async function run()\`\n`);
    failed++;
    continue;
  }
  const t0 = performance.now();
  try {
    await (mod.default as () => Promise<void>)();
  } catch (e) {
    process.stderr.write(`bench: ${f} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    failed++;
  }
  process.stdout.write(`\n(${f}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
process.exitCode = failed > 0 ? 1 : 0;
