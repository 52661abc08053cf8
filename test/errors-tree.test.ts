/**
 * Every error Ballast throws derives from BallastError (issue #15 item 3), so its `next` step decides the
 * CLI's exit code and the API's status. This reads the source: a class that extends a built-in error
 * class, or a `new Error(…)` in shipped code, fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', 'src');
const BUILT_IN = /^(Error|TypeError|RangeError|SyntaxError|EvalError|ReferenceError|URIError|AggregateError)$/;
/** Browser code served as a page (its errors never reach the CLI or the API). */
const BROWSER = new Set(['service/dashboard/client.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = sources(root).map((p) => ({ rel: relative(root, p), text: readFileSync(p, 'utf8') }));

test('no class extends a built-in error except BallastError itself', () => {
  const bad: string[] = [];
  let classes = 0;
  for (const f of files)
    for (const m of f.text.matchAll(/class (\w+) extends (\w+)/g)) {
      classes++;
      if (BUILT_IN.test(m[2]!) && !(m[1] === 'BallastError' && f.rel === 'core/errors.ts'))
        bad.push(`${f.rel}: ${m[1]} extends ${m[2]}`);
    }
  assert.ok(classes > 50, `read the classes (${classes})`);
  assert.deepEqual(bad, [], 'derive from BallastError (src/core/errors.ts) and state its next step');
});

test('shipped code constructs no plain built-in error', () => {
  const bad: string[] = [];
  for (const f of files) {
    if (BROWSER.has(f.rel) || f.rel.includes('/testing/')) continue;
    f.text.split('\n').forEach((line, i) => {
      if (/\bnew (Error|TypeError|RangeError)\(/.test(line)) bad.push(`${f.rel}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(bad, [], 'throw a BallastError with the next step instead');
});
