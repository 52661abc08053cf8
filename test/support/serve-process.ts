/**
 * A real `ballast serve --config` process for end-to-end tests: the CLI from source (through tsx, so the
 * test runs the code under test, not a stale dist/), its HTTP API on a free port, stderr collected.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
/** tsx by absolute URL: the spawned CLI runs in a temporary directory without node_modules. */
const TSX = import.meta.resolve('tsx');
export const API_TOKEN = 'e2e-test-token-0123456789abcdef';

export interface ServeProcess {
  readonly proc: ChildProcess;
  /** The API's base URL (after it printed "api listening on …"). */
  readonly url: string;
  stderr(): string;
  /** An authorized request to the API; the body is JSON. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Resolves with the exit code (or signal) when the process ends. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/** Writes `config` as the service file in `dir` and returns its path. */
export function writeServiceFile(dir: string, config: unknown, name = 'service.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** Spawns the CLI with `args` in `cwd`; resolves on exit with code, stdout and stderr. */
export function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `ballast serve --config <file>` and waits until its API listens (or the process exits). */
export async function startServe(
  configPath: string,
  cwd: string,
  timeoutMs = 30_000,
  args: readonly string[] = [],
): Promise<ServeProcess> {
  const proc = spawn(
    process.execPath,
    ['--import', TSX, join(ROOT, 'src', 'cli', 'main.ts'), 'serve', '--config', configPath, ...args],
    { cwd, env: { ...process.env, BALLAST_API_TOKEN: API_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  proc.stdout!.resume();
  const exited = new Promise<number | NodeJS.Signals | null>((res) => proc.on('exit', (c, s) => res(c ?? s)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in ${timeoutMs} ms: ${err}`)), timeoutMs);
    const check = () => {
      const m = /api listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stderr!.on('data', check);
    void exited.then((c) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${String(c)}) before listening: ${err}`));
    });
  });
  return {
    proc,
    url,
    exited,
    stderr: () => err,
    async request(method, path, body) {
      const r = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${API_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: r.status, body: parsed };
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** The trial portfolio (BTC 40 %, ETH 30 %, USDT 30 %, 10 bps) with a band trigger, as a service file writes it. */
export function trialPortfolioDoc(band = 0.02, target: Record<string, number> = { BTC: 0.4, ETH: 0.3, USDT: 0.3 }) {
  return { quote: 'USDT', target, trigger: { type: 'band', band }, costs: { feeBps: 10 } };
}

/**
 * A live service-file portfolio on the local simulator at `url` (keys from `keyFile`), the simulator also
 * its reference, loose price-age guard; `extra` overrides any field.
 */
export function simPortfolioEntry(id: string, url: string, keyFile: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    portfolio: trialPortfolioDoc(),
    venue: { type: 'ccxt', exchange: 'binance', url, keyFile, timeoutMs: 3000 },
    reference: { type: 'ccxt', exchange: 'binance', url },
    schedule: { every: '1s' },
    mode: 'live',
    guards: { maxPriceAgeSeconds: 3600, maxDeviationBps: 100, maxSlippageBps: 50 },
    risk: { cooldown: 0, killSwitchAfter: 1000 },
    ...extra,
  };
}
