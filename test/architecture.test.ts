/**
 * The layers of docs/architecture.md, read off the source: core ← store ← orders ← dex, backtest ← venues,
 * chain ← service ← cli. Shipped code (not *.test.ts, not testing/ helpers) may import only its own folder
 * or a lower layer, never a higher one nor a sibling of its own rank; SQL lives only in src/store/.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', 'src');

/** Each top-level folder of src/ and its rank: an import must go to the same folder or a lower rank. */
export const LAYERS: Readonly<Record<string, number>> = {
  core: 0,
  store: 1,
  orders: 2,
  dex: 3,
  backtest: 3,
  venues: 4,
  chain: 4,
  service: 5,
  cli: 6,
};
/** Same-rank imports that are allowed (the chain executes what the DEX code routes). */
const SIBLINGS = new Set(['chain->dex']);

function shipped(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'testing' ? [] : shipped(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = shipped(root).map((p) => ({ rel: relative(root, p), text: readFileSync(p, 'utf8') }));
const folderOf = (rel: string) => rel.split('/')[0]!;

test('every folder of src/ has a layer', () => {
  const folders = new Set(files.map((f) => folderOf(f.rel)).filter((f) => !f.endsWith('.ts')));
  assert.deepEqual(
    [...folders].filter((f) => LAYERS[f] === undefined),
    [],
  );
});

test('no import goes from a lower layer to a higher one, or across siblings', () => {
  const bad: string[] = [];
  let edges = 0;
  for (const f of files) {
    const from = folderOf(f.rel);
    for (const m of f.text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = folderOf(normalize(join(dirname(f.rel), m[1]!)));
      if (to === from) continue;
      edges++;
      const a = LAYERS[from]!;
      const b = LAYERS[to];
      if (b === undefined || b > a || (b === a && !SIBLINGS.has(`${from}->${to}`)))
        bad.push(`${f.rel} imports ${m[1]} (${from} → ${to})`);
    }
  }
  assert.ok(edges > 100, `read the imports (${edges})`);
  assert.deepEqual(bad, [], 'see docs/architecture.md: move the code down, or pass what it needs in');
});

test('SQL lives only in the storage layer', () => {
  const sql =
    /\bdb\.(prepare|exec|pragma|transaction)\(|new Database\(|\b(SELECT\s+[\w*]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|PRAGMA\s+\w)/;
  const bad = files
    .filter((f) => folderOf(f.rel) !== 'store')
    .flatMap((f) =>
      f.text
        .split('\n')
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => sql.test(line) && !/^\s*(\*|\/\/)/.test(line))
        .map(({ line, i }) => `${f.rel}:${i + 1}: ${line.trim()}`),
    );
  assert.deepEqual(bad, [], 'add a method to a store in src/store/ instead');
});
