/**
 * docs/onchain.md's walkthrough, followed as written (issue #17 item 3): its shell blocks run in order in a
 * fresh folder through the real CLI, with only the placeholders filled in (PORT, the `0x…` addresses from
 * .ballast/chain.json, the key of the public test account the page names, the executor step 4 deployed).
 * `ballast chain up` runs as written, on a free port (`--port 0`: the page's 8545 may be held by another node), and is stopped at the end.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { Fixture } from '../../src/chain/fixture/types.ts';
import { REPO_ROOT } from '../support/cli.ts';

/** anvil's public test key #2 (the page names it): never use it elsewhere. */
const KEY2 = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'ballast-walkthrough-'));
let node: ChildProcess | null = null;
after(() => {
  node?.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
});

/** The walkthrough section's fenced blocks, in order: { lang, text }. */
function walkthroughBlocks(): { lang: string; text: string }[] {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'onchain.md'), 'utf8');
  const section = doc.slice(
    doc.indexOf('## Walkthrough on the local chain'),
    doc.indexOf('## What happens, step by step'),
  );
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1]!,
    text: m[2]!.replace(/^ {3}/gm, ''),
  }));
}

/** Shell lines: comments dropped, `\` continuations joined, optional `[…]` parts left out. */
function commands(sh: string): string[] {
  return sh
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) =>
      l
        .replace(/\s+#.*$/, '')
        .replace(/\s*\[[^\]]*\]/g, '')
        .trim(),
    )
    .filter((l) => l !== '');
}

function words(cmd: string, fill: (w: string) => string): string[] {
  return cmd.split(/\s+/).map(fill);
}

test('docs/onchain.md walkthrough, step by step, through the real CLI', { timeout: 300_000 }, async () => {
  const blocks = walkthroughBlocks();
  const sh = blocks.filter((b) => b.lang === 'sh').map((b) => commands(b.text));
  const yaml = blocks.find((b) => b.lang === 'yaml')!.text;
  assert.equal(sh.length, 5, 'chain up, key and fund, deploy, dry run, execute');
  const env = { ...process.env } as Record<string, string>;

  // 1. ballast chain up (left running): its RPC URL from what it prints.
  const [up] = sh[0]!;
  assert.equal(up, 'ballast chain up');
  node = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'chain', 'up', '--port', '0'], {
    cwd: dir,
  });
  let printed = '';
  const rpc = await new Promise<string>((resolve, reject) => {
    node!.stdout!.on('data', (d) => {
      printed += d;
      const m = /RPC URL\s+(http:\/\/\S+)/.exec(printed);
      if (m && printed.includes('running:')) resolve(m[1]!);
    });
    node!.stderr!.on('data', (d) => (printed += d));
    node!.on('exit', (c) => reject(new Error(`chain up exited ${c}: ${printed}`)));
  });
  const port = new URL(rpc).port;
  const chain = JSON.parse(readFileSync(join(dir, '.ballast', 'chain.json'), 'utf8')) as Fixture;
  const token = (s: string) => chain.tokens.find((t) => t.symbol === s)!;

  // 2. portfolio.yaml as written, its `0x…` filled from .ballast/chain.json.
  const doc = parse(yaml) as { chain: { tokens: Record<string, string>; feeds: Record<string, { address: string }> } };
  for (const s of Object.keys(doc.chain.tokens)) {
    doc.chain.tokens[s] = token(s).address;
    doc.chain.feeds[s]!.address = token(s).usdFeed;
  }
  const write = () => writeFileSync(join(dir, 'portfolio.yaml'), stringify(doc));
  write();

  const run = (cmd: string) => {
    const argv = words(cmd, (w) => w.replace('http://127.0.0.1:PORT', `http://127.0.0.1:${port}`));
    assert.equal(argv[0], 'ballast', cmd);
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...argv.slice(1)], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, `${cmd}\n${r.stdout}\n${r.stderr}\n${readFileSync(join(dir, 'portfolio.yaml'), 'utf8')}`);
    return r.stdout;
  };

  // 3. the key (the page's export, with the test key it names), then the fund command as written.
  const [exportLine, ...fund] = sh[1]!;
  assert.match(exportLine!, /^export BALLAST_PRIVATE_KEY=0x…$/);
  env.BALLAST_PRIVATE_KEY = KEY2;
  assert.equal(fund.length, 1);
  const funded = run(fund[0]!);
  assert.match(funded, /\+10 WETH/);

  // 4. deploy the executor, put its address in the config.
  const deployed = run(sh[2]![0]!);
  const executor = /deployed at (0x[0-9a-fA-F]{40})/.exec(deployed)?.[1];
  assert.ok(executor, deployed);
  (doc.chain as Record<string, unknown>).executor = executor;
  write();

  // 5. the dry run sends nothing; 6. the rebalance is sent.
  const dry = run(sh[3]![0]!);
  assert.match(dry, /dry run: nothing sent/);
  const sent = run(sh[4]![0]!);
  assert.match(sent, /sent: 0x[0-9a-f]{64} mined in block \d+/);
  // docs/benchmarks.md's walkthrough gas: the batch as mined, the approvals as simulated by the dry run
  const approvals = /gas: batch \d+, approvals (\d+)/.exec(dry)?.[1];
  const batchGas = /gas used (\d+)/.exec(sent)?.[1];
  console.log(`walkthrough gas: batch ${batchGas}, approvals ${approvals}`);
  // docs/onchain.md: "between 700,000 and 780,000 gas, plus 46,343 for the one standing approval"
  assert.ok(Number(batchGas) >= 700_000 && Number(batchGas) <= 780_000, `batch gas ${batchGas}`);
  assert.equal(approvals, '46343');
  const argv = words(sh[3]![0]!, (w) => w.replace('http://127.0.0.1:PORT', `http://127.0.0.1:${port}`));
  const again = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...argv.slice(1)], {
    cwd: dir,
    env,
    encoding: 'utf8',
  });
  // --json of the same dry run: one object, every amount an exact decimal by symbol (issue #17 item 2).
  const asJson = spawnSync(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), MAIN, ...argv.slice(1), '--json'],
    {
      cwd: dir,
      env,
      encoding: 'utf8',
    },
  );
  assert.equal(asJson.status, 0, asJson.stderr);
  const j = JSON.parse(asJson.stdout) as {
    dryRun: boolean;
    legs: { in: { token: string; amount: string }; out: { token: string; amount: string }; minOut: string }[];
    valueUsd: { simulated: number; minimum: number };
    gas: { batch: string };
    weights: { before: Record<string, number> };
  };
  assert.equal(j.dryRun, true);
  for (const l of j.legs) {
    assert.match(
      `${l.in.amount} ${l.in.token} ${l.out.amount} ${l.out.token} ${l.minOut}`,
      /^[\d.]+ [A-Z]+ [\d.]+ [A-Z]+ [\d.]+$/,
    );
  }
  assert.ok(j.valueUsd.simulated >= j.valueUsd.minimum);
  assert.deepEqual(Object.keys(j.weights.before).sort(), ['LINK', 'USDC', 'WBTC', 'WETH']);
  // Right after the rebalance the dry run runs again (no refusal on the pools its own trades moved): the
  // weights it reads are the target's.
  assert.equal(again.status, 0, again.stderr);
  for (const m of again.stdout.matchAll(/^ {2}(\w+) +(\d+\.\d+)% → /gm))
    assert.ok(Math.abs(Number(m[2]) - 25) < 0.5, `${m[1]} at ${m[2]}% after the rebalance`);
});
