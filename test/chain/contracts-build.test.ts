import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

// The committed contracts/out/*.json must be exactly what solc-js builds from contracts/src/.
test('rebuilding the contracts gives the committed bytecode', () => {
  const r = spawnSync(process.execPath, ['scripts/build-contracts.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /ok: \d+ contracts match/);
});

// docs/chain.md: our contracts import only MIT-licensed v4-core files (the BUSL-1.1 PoolManager stays a fixture).
test('contracts import only MIT-licensed files of @uniswap/v4-core, transitively', () => {
  const require = createRequire(import.meta.url);
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    if (file.includes('@uniswap/v4-core')) assert.match(text, /SPDX-License-Identifier: MIT\b/, file);
    for (const m of text.matchAll(/import\s+(?:\{[^}]*\}\s+from\s+)?"([^"]+)"/g)) {
      const spec = m[1];
      visit(spec.startsWith('.') ? join(dirname(file), spec) : require.resolve(spec));
    }
  };
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.sol')) visit(join(dir, e.name));
    }
  };
  walk('contracts/src');
  const v4 = [...seen].filter((f) => f.includes('@uniswap/v4-core'));
  assert.ok(v4.length >= 10, `${v4.length} v4-core files imported`);
  assert.ok(!v4.some((f) => /\/PoolManager\.sol$/.test(f)), 'the PoolManager source itself is never imported');
});
