/**
 * `npm ci` on Node 20 prints no engine warning (issue #17 item 2): every package the lockfile installs
 * accepts the Node versions package.json promises. A dependency that wants a newer Node is pinned or
 * overridden in package.json (light-my-request 6.6.0: 6.8 pulls cookie 2, which wants Node 22).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import semver from 'semver';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
};

test('every locked package accepts the Node versions this project supports', () => {
  const floor = semver.minVersion(pkg.engines.node)!.version;
  const bad: string[] = [];
  let checked = 0;
  for (const [path, p] of Object.entries(lock.packages)) {
    const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
    if (path === '' || range === undefined) continue;
    checked++;
    for (const v of [floor, process.version])
      if (!semver.satisfies(v, range, { includePrerelease: true })) bad.push(`${path} wants node ${range}, not ${v}`);
  }
  assert.ok(checked > 20, `read the lockfile's engines (${checked})`);
  assert.deepEqual(bad, []);
});
