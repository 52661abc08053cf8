/**
 * Starts a real local EVM node (`@foundry-rs/anvil` from npm) on a free port.
 * Callers (tests: one per suite) must always `await node.stop()`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnvilStartError } from './errors.ts';

export interface AnvilOptions {
  /** 0 (default) = a free port chosen by the OS. */
  readonly port?: number;
  /** Default 1337 (Permit2 and some periphery contracts check it). */
  readonly chainId?: number;
  /** Default 127.0.0.1: never expose a dev node with unlocked keys. */
  readonly host?: string;
  /** Extra anvil arguments, e.g. ['--load-state', 'state.json']. */
  readonly args?: readonly string[];
  /** Give up if the node is not listening within this time. Default 15 s. */
  readonly startTimeoutMs?: number;
}

export interface AnvilNode {
  readonly rpcUrl: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

function nativeArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}

/** Children still running; killed synchronously if this process exits without stopping them. */
const running = new Set<ReturnType<typeof spawn>>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/**
 * The anvil executable: the platform package's native binary (so that stopping it stops the node, not
 * only the npm wrapper script), else node_modules/.bin/anvil. Works from src/ and from dist/src/.
 */
export function anvilBinary(): string {
  for (const up of ['../..', '../../..']) {
    const native = join(
      here,
      up,
      'node_modules',
      '@foundry-rs',
      `anvil-${process.platform}-${nativeArch()}`,
      'bin',
      'anvil',
    );
    if (existsSync(native)) return native;
    const p = join(here, up, 'node_modules', '.bin', 'anvil');
    if (existsSync(p)) return p;
  }
  throw new AnvilStartError(
    'anvil binary not found in node_modules/.bin: run `npm ci` (it installs @foundry-rs/anvil)',
  );
}

export function startAnvil(opts: AnvilOptions = {}): Promise<AnvilNode> {
  const host = opts.host ?? '127.0.0.1';
  const args = [
    '--port',
    String(opts.port ?? 0),
    '--host',
    host,
    '--chain-id',
    String(opts.chainId ?? 1337),
    ...(opts.args ?? []),
  ];
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exitPromise;
    clearTimeout(timer);
  };
  return new Promise<AnvilNode>((resolve, reject) => {
    let out = '';
    let settled = false;
    const fail = (msg: string): void => {
      if (settled) return;
      settled = true;
      void stop().then(() => reject(new AnvilStartError(`${msg}\nanvil output:\n${out.slice(-2000)}`)));
    };
    const timer = setTimeout(
      () => fail(`anvil did not start listening within ${opts.startTimeoutMs ?? 15000} ms`),
      opts.startTimeoutMs ?? 15000,
    );
    const onData = (chunk: Buffer): void => {
      if (settled) return; // keep draining the pipe so anvil never blocks on a full buffer
      out += chunk.toString();
      const m = /Listening on ([^\s:]+):(\d+)/.exec(out);
      if (m) {
        settled = true;
        clearTimeout(timer);
        const port = Number(m[2]);
        resolve({ rpcUrl: `http://${host}:${port}`, port, pid: child.pid ?? -1, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (e) => fail(`could not run anvil: ${e.message}`));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(`anvil exited with code ${code} before listening (args: ${args.join(' ')})`);
    });
  });
}
