import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// The committed contracts/out/*.json must be exactly what solc-js builds from contracts/src/.
test('rebuilding the contracts gives the committed bytecode', () => {
  const r = spawnSync(process.execPath, ['scripts/build-contracts.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /ok: \d+ contracts match/);
});
