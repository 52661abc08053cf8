// After `tsc -p tsconfig.build.json`: the sweep worker bundled into dist/backtest/sweep/worker.cjs
// (src/backtest/sweep/bundle.ts says why).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { bundleWorker } = await import(join(root, 'dist', 'backtest', 'sweep', 'bundle.js'));
await bundleWorker(
  join(root, 'src', 'backtest', 'sweep', 'worker.ts'),
  join(root, 'dist', 'backtest', 'sweep', 'worker.cjs'),
);
