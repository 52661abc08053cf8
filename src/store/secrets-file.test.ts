/**
 * A planted key never reaches the database file, its -wal or its -shm: configs, details, plans and
 * alerts all pass through the redaction, and the bytes on disk are grepped for the key.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SecretInJournalError } from './errors.ts';
import { Journal } from './journal.ts';
import { assertNoSecrets } from './secrets.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-journal-secret-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'PLANTEDxSECRETx9f8e7d6c5b4a';
const PK = `0x${'5eed'.repeat(16)}`;

function grepFiles(path: string, needles: readonly string[]): string[] {
  const hits: string[] = [];
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    for (const n of needles) {
      if (bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n, 'utf16le'))) hits.push(`${f}: ${n}`);
    }
  }
  return hits;
}

test('secrets: a planted API key and private key never reach the database, -wal or -shm', () => {
  const path = join(dir, 'secrets.db');
  const j = Journal.open(path);
  const config = {
    quote: 'USDT',
    venue: { name: 'binance', apiKey: KEY, secret: KEY, apiKeyEnv: 'BINANCE_KEY' },
    chain: { privateKey: PK, rpc: { token: KEY } },
  };
  j.portfolios.upsert({ id: 'main', config, at: 1 });
  j.portfolios.addTargetVersion({ portfolioId: 'main', targets: { BTC: 1, password: KEY }, source: 'api', at: 2 });
  const c = j.cycles.start('main', 3);
  j.cycles.finish({
    portfolioId: 'main',
    cycle: c.cycle,
    decision: 'failed',
    reason: 'auth',
    detail: { request: { headers: { Authorization: `Bearer ${KEY}` } } },
    at: 4,
  });
  j.alerts.record({
    portfolioId: 'main',
    at: 5,
    level: 'critical',
    kind: 'failure',
    message: 'order failed',
    detail: { apiSecret: KEY },
  });
  j.plans.add({ id: 'p', portfolioId: 'main', plan: { trades: [], signingKey: PK }, createdAt: 6, expiresAt: 7 });
  assert.equal(existsSync(`${path}-wal`), true, 'the WAL holds the recent writes before any checkpoint');
  assert.deepEqual(grepFiles(path, [KEY, PK, PK.slice(2)]), []);
  assert.equal(
    (j.portfolios.get('main').config as { venue: { apiKeyEnv: string } }).venue.apiKeyEnv,
    'BINANCE_KEY',
    'the reference is kept',
  );
  j.checkpoint();
  j.close();
  assert.deepEqual(grepFiles(path, [KEY, PK, PK.slice(2)]), []);
  // Sanity: the grep does find text that was stored.
  assert.notDeepEqual(grepFiles(path, ['BINANCE_KEY']), []);
  assert.throws(() => assertNoSecrets(config), SecretInJournalError);
});
