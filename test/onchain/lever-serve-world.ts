/**
 * The service side of test/onchain/lever-serve.test.ts (issue #23): the lever portfolio's service document over
 * lever-world.ts's anvil and position, the service child (test/trials/basket-child.ts) driven one cycle per line,
 * and readings of its journal and of the BallastLeverage's events.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { leverageArtifact } from '../../src/chain/lending/leverage.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { configurator, dir, FLOOR, KEY5, lev, w } from './lever-world.ts';
import { feedAbi } from './setup.ts';

let keyFile = '';

/** Writes the owner's key file (chmod 600) once the world is up. */
export function writeKeyFile(): void {
  keyFile = join(dir, 'owner.key');
  writeFileSync(keyFile, `${KEY5}\n`);
  chmodSync(keyFile, 0o600);
}

export const journalOf = (name: string) => join(dir, `${name}.sqlite`);

export interface Opts {
  readonly target?: number;
  readonly trigger?: Record<string, unknown>;
  readonly mode?: 'live' | 'dry-run';
  readonly venue?: Record<string, unknown>;
  /** Overrides of the portfolio (e.g. a multi-asset position's target). */
  readonly portfolio?: Record<string, unknown>;
}

export function serviceDoc(name: string, o: Opts): object {
  const t = o.target ?? 0.5;
  return {
    journal: journalOf(name),
    portfolios: [
      {
        id: 'p1',
        portfolio: {
          quote: 'USDC',
          target: { WETH: 1 - t, USDC: t },
          trigger: o.trigger ?? { type: 'band', band: 0.02 },
          costs: { feeBps: 0, halfSpreadBps: 0 },
          ...o.portfolio,
        },
        venue: {
          type: 'lever',
          rpcUrl: w.node.rpcUrl,
          chainFile: join(dir, 'chain.json'),
          leverage: lev,
          collateral: 'WETH',
          debt: 'USDC',
          minHealthFactor: FLOOR,
          feeds: w.feeds,
          keyFile,
          maxSlippageBps: 100,
          maxDeviationBps: 150,
          receiptTimeoutMs: 30_000,
          ...o.venue,
        },
        schedule: { every: '1h' },
        mode: o.mode ?? 'live',
        guards: { maxPriceAgeSeconds: 86_400, maxSlippageBps: 300 },
        risk: { cooldown: 0, killSwitchAfter: 1000 },
      },
    ],
  };
}

export interface Child {
  readonly proc: ChildProcess;
  line(re: RegExp, ms?: number): Promise<string>;
  send(cmd: string): void;
  readonly exited: Promise<{ code: number | null; signal: string | null; out: string }>;
}

export function child(name: string, o: Opts, crash?: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/trials/basket-child.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, TRIAL_CONFIG: JSON.stringify(serviceDoc(name, o)), TRIAL_CRASH: crash ?? '' },
  });
  const lines: string[] = [];
  let out = '';
  let buf = '';
  let seen = 0;
  proc.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    buf += b.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  proc.stderr!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: string | null; out: string }>((res) =>
    proc.on('close', (code, signal) => {
      ended = true;
      res({ code, signal, out });
    }),
  );
  // each call returns the next matching line after the previous match
  const line = async (re: RegExp, ms = 180_000): Promise<string> => {
    const end = Date.now() + ms;
    for (;;) {
      const i = lines.findIndex((l, k) => k >= seen && re.test(l));
      if (i >= 0) {
        seen = i + 1;
        return lines[i]!;
      }
      if (ended || Date.now() > end) throw new Error(`no line ${re} (ended: ${ended}); output:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { proc, line, send: (cmd) => proc.stdin!.write(`${cmd}\n`), exited };
}

export interface CycleRow {
  cycle: number;
  decision: string;
  reason: string;
  detail: string;
}

export function cycles(name: string): CycleRow[] {
  const db = new Database(journalOf(name), { readonly: true });
  try {
    return db
      .prepare("SELECT cycle, decision, reason, detail FROM cycles WHERE portfolio_id = 'p1' ORDER BY cycle")
      .all() as CycleRow[];
  } finally {
    db.close();
  }
}

export interface TxRow {
  cycle: number;
  state: string;
  tx_hash: string;
  calls: string;
}

export function chainTxs(name: string): TxRow[] {
  const db = new Database(journalOf(name), { readonly: true });
  try {
    return db
      .prepare(
        'SELECT i.cycle, i.state, c.tx_hash, c.calls FROM order_intents i JOIN chain_txs c ON c.intent_id = i.id ORDER BY i.id',
      )
      .all() as TxRow[];
  } finally {
    db.close();
  }
}

export async function leverEvents(): Promise<string[]> {
  const logs = await w.clients.public.getContractEvents({
    address: lev,
    abi: leverageArtifact().abi,
    eventName: 'LeverageRebalanced',
    fromBlock: 0n,
  });
  return logs.map((l) => l.transactionHash.toLowerCase());
}

/** Cycles in a fresh child, each after `before(k)`; returns the CYCLE lines. */
export async function runCycles(name: string, o: Opts, n = 1, each?: (k: number) => Promise<void>): Promise<string[]> {
  const c = child(name, o);
  await c.line(/^READY/);
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    await each?.(k);
    c.send('cycle');
    out.push(await c.line(/^CYCLE /));
  }
  c.send('exit');
  const end = await c.exited;
  assert.equal(end.code, 0, end.out);
  return out;
}

/** Moves the WETH feed by `bps` (a fresh round): the cost-aware trigger needs returns to estimate risk. */
export async function moveWeth(bps: number): Promise<void> {
  const feed = w.feeds.WETH!.address;
  const [, answer] = await w.clients.public.readContract({
    address: feed,
    abi: feedAbi,
    functionName: 'latestRoundData',
  });
  const at = (await w.clients.public.getBlock()).timestamp;
  await w.tx.call(feed, feedAbi, 'setAnswer', [(answer * BigInt(10_000 + bps)) / 10_000n, at], `WETH ${bps} bps`);
}

export const setPremium = (bps: bigint) =>
  w.tx.call(w.fx.contracts.aavePoolConfigurator, configurator, 'updateFlashloanPremiumTotal', [bps], `premium ${bps}`);

/** mulberry32 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
