/**
 * Issue #14 item 4, read off the source: every venue folder owns its config, capabilities and factory;
 * no venue branches on an exchange's name (capabilities say what an exchange does); no venue reads the
 * system clock (the simulator, a stand-in exchange with its own clock, and test helpers excepted).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = import.meta.dirname;

function shipped(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'testing' || d.name === 'simulator' ? [] : shipped(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') && d.name !== 'test-helpers.ts' ? [p] : [];
  });
}

const files = shipped(root).map((p) => ({ rel: relative(root, p), text: readFileSync(p, 'utf8') }));
const code = (text: string) => text.split('\n').filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l));

test('no Date.now() or new Date() inside the venues: the clock is injected', () => {
  const bad = files.flatMap((f) =>
    code(f.text)
      .filter((l) => /\bDate\.now\b|new Date\(\)/.test(l))
      .map((l) => `${f.rel}: ${l.trim()}`),
  );
  assert.ok(files.length > 20, `read the venues (${files.length})`);
  assert.deepEqual(bad, []);
});

test('no branch on an exchange id outside the capabilities record', () => {
  const bad = files
    .filter((f) => f.rel !== 'ccxt/capabilities.ts')
    .flatMap((f) =>
      code(f.text)
        .filter((l) => /\.id\.startsWith\(|exchange\.id\s*[!=]==|startsWith\('binance'\)/.test(l))
        .map((l) => `${f.rel}: ${l.trim()}`),
    );
  assert.deepEqual(bad, [], 'add a field to VenueCapabilities (src/venues/capabilities.ts) instead');
});

test('each venue folder owns its config schema, capabilities and factory', async () => {
  const expected: Record<string, [string, string, string]> = {
    ccxt: ['ccxtVenueSchema', 'ccxtVenueCapabilities', 'factory.ts:createCcxtVenueFrom'],
    paper: ['paperVenueSchema', 'paperCapabilities', 'createPaperVenue'],
    memory: ['memoryVenueSchema', 'memoryCapabilities', 'createMemoryVenue'],
    template: ['templateVenueSchema', 'templateCapabilities', 'createTemplateVenue'],
  };
  for (const [dir, [schema, caps, factory]] of Object.entries(expected)) {
    const config = (await import(`./${dir}/config.ts`)) as Record<string, unknown>;
    assert.equal(typeof (config[schema] as { parse?: unknown })?.parse, 'function', `${dir}: ${schema}`);
    assert.ok(config[caps] !== undefined, `${dir}: ${caps}`);
    const [file, name] = factory.includes(':') ? factory.split(':') : ['config.ts', factory];
    const mod = (await import(`./${dir}/${file}`)) as Record<string, unknown>;
    assert.equal(typeof mod[name!], 'function', `${dir}: ${factory}`);
  }
});
