/**
 * Service API benchmark (issue #5 §7): requests per second and latency percentiles of an authenticated
 * GET /portfolios/:id under a bounded autocannon load on 127.0.0.1 (10 connections, 5 s; autocannon runs
 * in its own process so the server's CPU time can be measured), and the memory (RSS, heap) of the real
 * service running 10 paper portfolios with a file journal, after 60 replayed bars (600 cycles).
 * Run: npm run bench -- api
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApi } from '../src/service/api/server.ts';
import { startServiceFixture } from '../src/service/api/testing/service-fixture.ts';

interface Cannon {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  duration: number;
}

const CONNECTIONS = Number(process.env.BALLAST_BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BALLAST_BENCH_SECONDS ?? 5);
const mb = (b: number) => (b / 2 ** 20).toFixed(1);

function cannon(url: string, token: string): Promise<Cannon> {
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const args = [
    bin,
    '-c',
    String(CONNECTIONS),
    '-d',
    String(SECONDS),
    '-H',
    `authorization=Bearer ${token}`,
    '-j',
    url,
  ];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as Cannon);
      } catch {
        reject(new Error(`autocannon exited ${code} without a JSON result`));
      }
    });
  });
}

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-api-bench-'));
  const rss0 = process.memoryUsage();
  const fx = await startServiceFixture({ portfolios: 10, warmBars: 60, journalPath: join(dir, 'bench.sqlite') });
  const token = 'bench-token-0123456789abcdef';
  const api = await createApi(fx.service, { port: 0, token });
  try {
    const rss1 = process.memoryUsage();
    // Warm-up (JIT, prepared statements), then the measured run.
    await fetch(`${api.url}/portfolios/main`, { headers: { authorization: `Bearer ${token}` } });
    const c0 = process.cpuUsage();
    const r = await cannon(`${api.url}/portfolios/main`, token);
    const cpu = process.cpuUsage(c0);
    const rss2 = process.memoryUsage();
    const cpuPerReq = ((cpu.user + cpu.system) / 1000 / Math.max(1, r.requests.total)) * 1000;
    process.stdout.write(
      [
        `| measure | value |`,
        `|---|---:|`,
        `| GET /portfolios/main (authenticated), ${CONNECTIONS} connections × ${SECONDS} s: requests/s (mean) | ${r.requests.average.toFixed(0)} |`,
        `| requests total / non-2xx / errors | ${r.requests.total} / ${r.non2xx} / ${r.errors} |`,
        `| latency p50 / p90 / p99 / max | ${r.latency.p50} / ${r.latency.p90} / ${r.latency.p99} / ${r.latency.max} ms |`,
        `| server CPU per request (user + system) | ${cpuPerReq.toFixed(0)} µs |`,
        `| RSS before the service (node + tsx + modules) | ${mb(rss0.rss)} MiB |`,
        `| RSS with the service (10 portfolios, 600 cycles journaled) and the API | ${mb(rss1.rss)} MiB (heap used ${mb(rss1.heapUsed)} MiB) |`,
        `| RSS after the load test | ${mb(rss2.rss)} MiB (heap used ${mb(rss2.heapUsed)} MiB) |`,
        '',
      ].join('\n'),
    );
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${r.non2xx} non-2xx answers and ${r.errors} errors under load`);
  } finally {
    await api.close();
    await fx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
