/**
 * Issue #29: the pair loop (src/backtest/engine/pair.ts) stays allocation-light on on-stack-replacement
 * code, which V8 runs a long loop on after throwing its compiled code away. There, numbers the loop carries
 * in local variables are boxed, one allocation per assignment: before each run's prev, mean and m2 moved
 * to a typed array, this sweep's pair loop allocated ~26 MB (~100 bytes a bar); now ~1.5 MB (the
 * drawdown's state, where it changes). Bytes, not time: it holds on a loaded machine.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('../support/pair-osr-child.ts', import.meta.url));

describe('pair loop on on-stack-replacement code (issue #29)', () => {
  it('allocates under 8 MB in a 200-config sweep after V8 deoptimized it', () => {
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', child], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const bytes = Number(r.stdout.trim());
    assert.ok(Number.isFinite(bytes), r.stdout);
    assert.ok(bytes < 8e6, `the pair loop allocated ${(bytes / 1e6).toFixed(1)} MB`);
  });
});
