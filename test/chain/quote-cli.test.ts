/** `ballast chain up` + `ballast dex quote` end to end on a real local chain. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { erc20Abi } from 'viem';
import { localClients } from '../../src/chain/client.ts';
import { routePools } from '../../src/chain/fixture/route-pools.ts';
import type { Fixture } from '../../src/chain/fixture/types.ts';
import { type ChainUpHandle, chainUp, fixtureJson } from '../../src/chain/up.ts';
import { dexQuote, parseAmount, QuoteError, type QuoteJson } from '../../src/cli/commands/dex-quote.ts';
import { chainQuotes } from './onchain.ts';

let up: ChainUpHandle;
let dir: string;
let chainFile: string;
const lines: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ballast-chain-'));
  chainFile = join(dir, 'chain.json');
  up = await chainUp({ out: chainFile, handleSignals: false, log: (l) => lines.push(l) });
});

after(async () => {
  await up?.stop();
  await up?.done;
  rmSync(dir, { recursive: true, force: true });
});

test('chain up prints the RPC URL and every address, and writes them as JSON', () => {
  const f = JSON.parse(readFileSync(chainFile, 'utf8')) as Fixture;
  assert.equal(f.rpcUrl, up.rpcUrl);
  assert.equal(f.tokens.length, 7);
  assert.ok(f.pools.length >= 20);
  const text = lines.join('\n');
  assert.ok(text.includes(up.rpcUrl));
  for (const p of f.pools) assert.ok(text.includes(p.address), p.label);
  assert.ok(f.v4Pools.length >= 4);
  for (const p of f.v4Pools) assert.ok(text.includes(p.poolId), p.label);
  for (const a of Object.values(f.contracts)) assert.ok(text.includes(a));
  assert.equal(f.aaveReserves.length, 7);
  for (const r of f.aaveReserves) assert.ok(text.includes(r.aToken), r.symbol);
});

test('chain up --json: one object with rpcUrl, chainId, chainFile, contracts (GPv2 settlement included, issue #24; the Aave Pool, issue #22; Permit2, issue #19), solver, tokens (issue #17 item 2), aaveReserves', () => {
  const f = JSON.parse(readFileSync(chainFile, 'utf8')) as Fixture;
  const j = JSON.parse(JSON.stringify(fixtureJson(f, chainFile))) as Record<string, unknown>;
  assert.deepEqual(Object.keys(j).sort(), [
    'aaveReserves',
    'chainFile',
    'chainId',
    'contracts',
    'rpcUrl',
    'solver',
    'tokens',
  ]);
  assert.ok((j.contracts as Record<string, string>).aavePool);
  assert.ok((j.contracts as Record<string, string>).permit2);
  assert.deepEqual(j.aaveReserves, f.aaveReserves);
  assert.equal(j.solver, f.solver);
  assert.equal(j.rpcUrl, up.rpcUrl);
  assert.equal(j.chainFile, chainFile);
  assert.deepEqual(j.contracts, f.contracts);
  assert.deepEqual(
    (j.tokens as { symbol: string }[]).map((t) => t.symbol),
    f.tokens.map((t) => t.symbol),
  );
});

test('chain fund (issue #17 item 3): from a folder below the chain file, exact amounts, one line on a bad token', async () => {
  const project = join(dir, 'project');
  const deep = join(project, 'a', 'b');
  mkdirSync(join(project, '.ballast'), { recursive: true });
  mkdirSync(deep, { recursive: true });
  copyFileSync(chainFile, join(project, '.ballast', 'chain.json'));
  const to = '0x000000000000000000000000000000000000bEEF';
  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((res) =>
      execFile(
        process.execPath,
        [
          '--import',
          import.meta.resolve('tsx'),
          join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts'),
          ...args,
        ],
        { cwd: deep, encoding: 'utf8' },
        (err, stdout, stderr) => res({ code: err === null ? 0 : Number(err.code ?? -1), stdout, stderr }),
      ),
    );
  const r = await cli(
    'chain',
    'fund',
    '--to',
    to,
    '--token',
    'WETH',
    '--amount',
    '1.5',
    '--token',
    'ETH',
    '--amount',
    '0.25',
    '--token',
    'usdc',
    '--amount',
    '100.000001',
    '--json',
  );
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { to: string; funded: { token: string; amount: string; balance: string }[] };
  assert.deepEqual(
    j.funded.map((x) => [x.token, x.amount, x.balance]),
    [
      ['WETH', '1.5', '1.5'],
      ['ETH', '0.25', '0.25'],
      ['USDC', '100.000001', '100.000001'],
    ],
  );
  const f = JSON.parse(readFileSync(chainFile, 'utf8')) as Fixture;
  const usdc = f.tokens.find((t) => t.symbol === 'USDC')!;
  const onChain = await localClients(up.rpcUrl).public.readContract({
    address: usdc.address,
    abi: erc20Abi,
    functionName: 'balanceOf',
    args: [to],
  });
  assert.equal(onChain, 100_000_001n, 'exact base units on chain');
  const bad = await cli('chain', 'fund', '--to', to, '--token', 'NOPE', '--amount', '1');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^--token: no token "NOPE" on this chain; known: ETH, .*WETH.*\n$/);
  const odd = await cli('chain', 'fund', '--to', to, '--token', 'WETH');
  assert.equal(odd.code, 2, 'a missing --amount is a usage error');
  const addr = await cli('chain', 'fund', '--to', '0x12', '--token', 'WETH', '--amount', '1');
  assert.equal(addr.code, 2);
  assert.match(addr.stderr, /--to: "0x12" is not an address/);
});

test('parseAmount converts decimals exactly and refuses too many decimals', () => {
  assert.equal(parseAmount('1.5', 6), 1_500_000n);
  assert.equal(parseAmount('0.000001', 6), 1n);
  assert.equal(parseAmount('2.50', 1), 25n);
  assert.throws(() => parseAmount('0.0000001', 6), /7 decimals but the token has only 6/);
  assert.throws(() => parseAmount('-1', 6), QuoteError);
  assert.throws(() => parseAmount('1e3', 6), QuoteError);
  assert.throws(() => parseAmount('0', 6), /greater than zero/);
});

test('dex quote --json: legs add up and each single-hop leg equals the chain quote', async () => {
  let out = '';
  const { route } = await dexQuote({
    rpc: up.rpcUrl,
    sell: 'weth',
    buy: 'USDC',
    amount: '2500',
    gasPriceGwei: '20',
    json: true,
    chainFile,
    write: (s) => {
      out += s;
    },
  });
  const j = JSON.parse(out) as QuoteJson;
  assert.deepEqual(Object.keys(j).sort(), ['amountIn', 'amountOut', 'gas', 'legs']);
  assert.equal(j.amountIn, (2500n * 10n ** 18n).toString());
  assert.ok(j.legs.length >= 2, `a 2,500 WETH trade splits (${j.legs.length} legs)`);
  const usdc = up.fixture.tokens.find((t) => t.symbol === 'USDC')?.address.toLowerCase();
  const intoOut = j.legs.filter((l) => l.path[l.path.length - 1].toLowerCase() === usdc);
  assert.equal(intoOut.reduce((s, l) => s + BigInt(l.amountOut), 0n).toString(), j.amountOut);
  assert.equal(route.amountOut.toString(), j.amountOut);
  // Every leg is a pool of the route market (v4 pools included, by PoolId); every v2/v3/Balancer leg is what the
  // pool's own contract quotes (state unchanged since the read). v4 legs: the v4 math equals the PoolManager to the
  // wei (test/chain/v4-differential.test.ts); the fixture has no v4 quoter.
  const market = routePools(up.fixture);
  const cases = j.legs.map((l) => {
    const pool = market.find((p) => p.address.toLowerCase() === l.pool.toLowerCase());
    assert.ok(pool, `leg pool ${l.pool} is a fixture pool`);
    return {
      pool,
      tokenIn: l.path[0] as `0x${string}`,
      tokenOut: l.path[1] as `0x${string}`,
      amountIn: BigInt(l.amountIn),
      amountOut: l.amountOut,
    };
  });
  const quoted = cases.filter((x) => x.pool.protocol !== 'uniswap-v4');
  assert.ok(quoted.length >= 1);
  const c = localClients(up.rpcUrl);
  const chain = await chainQuotes(c.public, up.fixture.contracts, quoted, await c.public.getBlockNumber());
  for (const [k, q] of chain.entries())
    assert.equal(q.amountOut?.toString(), quoted[k]!.amountOut, quoted[k]!.pool.label);
});

test('dex quote prints a readable route and names bad input', async () => {
  let out = '';
  await dexQuote({
    rpc: up.rpcUrl,
    sell: 'USDC',
    buy: 'DAI',
    amount: '100000',
    chainFile,
    write: (s) => {
      out += s;
    },
  });
  assert.match(out, /expected output\s+\d/);
  assert.match(out, /DAI/);
  await assert.rejects(
    dexQuote({ rpc: up.rpcUrl, sell: 'USDC', buy: 'DAI', amount: '1.0000001', chainFile, write: () => {} }),
    /amount: .*7 decimals/,
  );
  await assert.rejects(
    dexQuote({ rpc: up.rpcUrl, sell: 'XYZ', buy: 'DAI', amount: '1', chainFile, write: () => {} }),
    /sell: unknown token "XYZ"/,
  );
  await assert.rejects(
    dexQuote({
      rpc: up.rpcUrl,
      sell: 'USDC',
      buy: 'DAI',
      amount: '1',
      chainFile: join(dir, 'none.json'),
      write: () => {},
    }),
    /chain up/,
  );
});

test('dex quote warns (one line) when the trade moves the price more than 10%, not for a small one', async () => {
  const warned: string[] = [];
  const big = await dexQuote({
    rpc: up.rpcUrl,
    sell: 'WETH',
    buy: 'USDC',
    amount: '100000',
    chainFile,
    write: () => {},
    warn: (l) => warned.push(l),
  });
  assert.ok(big.impact > 0.1, `impact ${big.impact}`);
  assert.equal(warned.length, 1);
  assert.match(warned[0]!, /^warning: --amount 100000 WETH moves the price \d+\.\d% \(more than 10%\)/);
  const small = await dexQuote({
    rpc: up.rpcUrl,
    sell: 'WETH',
    buy: 'USDC',
    amount: '0.01',
    chainFile,
    write: () => {},
    warn: (l) => warned.push(l),
  });
  assert.ok(small.impact < 0.1, `impact ${small.impact}`);
  assert.equal(warned.length, 1, 'no warning for a small trade');
});
