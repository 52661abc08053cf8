/**
 * Issue #23 items 2–3 through the real CLI on anvil (real Aave v3 market, real lenders): `ballast lever
 * rebalance --execute` takes a 70%-LTV aWETH-collateral / USDC-debt position to its 50% target in ONE
 * transaction, funded by a Balancer flash loan (the cheapest: fee 0), then by Aave's flashLoanSimple (its 5 bps
 * premium exactly in the journal); the health factor is ≥ the floor after. A loan made unrepayable between the
 * simulation and the block (the Pool admin's premium raise mined first) reverts the whole transaction and the
 * journal says "reverted, nothing changed" (status + the position re-read equal); a kill -9 between the
 * broadcast and the receipt is resolved by lookup on the next run, its fee journaled then. A paused portfolio
 * is refused by --execute (the core's holds, as on every path that sends).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Address, type Hex, keccak256, parseTransaction } from 'viem';
import { v3PoolFee } from '../../src/chain/lending/funding-quotes.ts';
import { deployLeverage } from '../../src/chain/lending/leverage.ts';
import { aaveFlashPremium, v3FlashFee } from '../../src/core/lending/flash-funding.ts';
import { Journal } from '../../src/store/journal.ts';
import {
  aWeth,
  cfg,
  dir,
  dUsdc,
  erc20,
  FLOOR,
  healthFactor,
  journalPath,
  journalRows,
  lev,
  ltv,
  OWNER,
  proxy,
  relever,
  rpc,
  run,
  SINK,
  setupLeverWorld,
  teardownLeverWorld,
  w,
  withPremiumRaisedFirst,
} from './lever-world.ts';
import { feedAbi } from './setup.ts';

before(setupLeverWorld);
after(teardownLeverWorld);

test('by default it only simulates: the plan, the lenders and the calldata shown, nothing sent', async () => {
  const before = await ltv();
  const r = await run([], undefined, false);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /funding: balancer, loan \d+, fee 0 /);
  assert.match(r.out, /lender aave: fee rate 5 \(bps\)/);
  assert.match(r.out, /simulated: success, gas \d+\ndry run: nothing sent/);
  assert.match(r.out, /LTV 70\.\d\d%, health factor 1\.1\d+ \(floor 1\.5, target LTV 50\.00%\)/);
  assert.match(r.out, /net exposure: value [\d.]+, weights WETH [\d.]+% USDC -[\d.]+%/, 'the debt counts negative');
  assert.equal(await ltv(), before);
});

test('a target LTV below the floor, or a BallastLeverage of another owner or none, is refused before anything', async () => {
  const text = readFileSync(cfg, 'utf8');
  const other = await deployLeverage(w.tx, w.fx.contracts); // owned by anvil's account 0, not the signer
  const cases: [string, RegExp][] = [
    [
      'targetLtv: 0.6',
      /chain\.lending\.targetLtv: 0\.6 leaves a health factor of 1\.375 .* below minHealthFactor 1\.5/,
    ],
    [
      `leverage: "${other}"`,
      new RegExp(`chain\\.lending\\.leverage: ${other} is owned by 0x[0-9a-fA-F]{40}, not by ${OWNER}`),
    ],
    [`leverage: "${SINK}"`, /chain\.lending\.leverage: no contract at/],
  ];
  for (const [line, re] of cases) {
    const bad = join(dir, 'bad.yaml');
    const key = line.split(':')[0]!;
    writeFileSync(bad, text.replace(new RegExp(`${key}: .*`), line));
    const r = await run(['--config', bad], undefined, false);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, re);
  }
});

test('a sale paying more than maxDeviationBps below the oracles is refused, nothing sent', async () => {
  const feed = w.feeds.WETH!.address;
  const [, answer] = await w.clients.public.readContract({
    address: feed,
    abi: feedAbi,
    functionName: 'latestRoundData',
  });
  const at = (await w.clients.public.getBlock()).timestamp;
  await w.tx.call(feed, feedAbi, 'setAnswer', [(answer * 103n) / 100n, at], 'WETH feed +3%');
  try {
    const r = await run([], undefined, false);
    assert.equal(r.code, 75, r.out + r.err);
    assert.match(r.err, /pays [\d.]+ bps less than the oracles for WETH → [A-Z]+ .* above maxDeviationBps 150/);
  } finally {
    await w.tx.call(
      feed,
      feedAbi,
      'setAnswer',
      [answer, (await w.clients.public.getBlock()).timestamp],
      'WETH feed back',
    );
  }
});

test('a paused portfolio is refused by --execute like every path that sends: exit 1, one line, nothing sent', async () => {
  const pause = (reason: string | null) => {
    const j = Journal.open(journalPath(), { writer: true });
    try {
      if (reason === null) j.meta.delete('paused:lever');
      else j.meta.set('paused:lever', reason, Date.now());
    } finally {
      j.close();
    }
  };
  pause('kill switch: 3 consecutive failed cycles');
  try {
    const [before, nonce] = [await ltv(), await w.clients.public.getTransactionCount({ address: OWNER })];
    const r = await run();
    assert.equal(r.code, 1, r.out + r.err);
    assert.equal(r.err.trim(), 'portfolio lever: not sent: paused: kill switch: 3 consecutive failed cycles');
    assert.equal(await ltv(), before);
    assert.equal(await w.clients.public.getTransactionCount({ address: OWNER }), nonce, 'nothing sent');
    assert.deepEqual(journalRows(), [], 'no cycle, no transaction journaled');
  } finally {
    pause(null);
  }
});

test('Balancer flash loan through the CLI: 70% LTV → 50% in one transaction, fee 0 journaled, HF ≥ floor', async () => {
  assert.ok(Math.abs((await ltv()) - 0.7) < 0.01);
  const r = await run(['--json']);
  assert.equal(r.code, 0, r.out + r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.funding.lender, 'balancer', 'the cheapest lender (fee 0 on the fixture)');
  assert.equal(out.outcome.kind, 'rebalanced');
  // real minOuts: the simulated output less maxSlippageBps (1%) on every final leg; no Balancer pool in the route
  assert.ok(BigInt(out.minOut) <= BigInt(out.expectedOut));
  assert.ok(BigInt(out.minOut) >= (BigInt(out.expectedOut) * 9_899n) / 10_000n, `${out.minOut} ${out.expectedOut}`);
  const balancer = new Set(
    w.fx.pools.filter((p) => p.protocol.startsWith('balancer')).map((p) => p.address.toLowerCase()),
  );
  assert.ok(out.routePools.length > 0 && out.routePools.every((p: string) => !balancer.has(p.toLowerCase())));
  assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
  assert.ok(Math.abs((await ltv()) - 0.5) < 0.01, `LTV ${await ltv()}`);
  const row = journalRows().at(-1)!;
  assert.equal(row.decision, 'rebalanced');
  assert.equal(row.state, 'filled');
  assert.equal(JSON.parse(row.detail!).fee, '0');
  assert.equal(JSON.parse(row.calls).lender, 'balancer');
  console.log(`# lever gas balancer: ${out.outcome.gasUsed} (${out.routePools.length} route legs)`);
});

test('Aave flashLoanSimple through the CLI: its 5 bps premium is exactly the fee journaled', async () => {
  await relever(0.7);
  const r = await run(['--lender', 'aave', '--json']);
  assert.equal(r.code, 0, r.out + r.err);
  const out = JSON.parse(r.out);
  const loan = BigInt(out.funding.amount);
  const premium = aaveFlashPremium(loan, 5n);
  assert.ok(premium > 0n);
  const row = journalRows().at(-1)!;
  assert.equal(row.decision, 'rebalanced');
  const detail = JSON.parse(row.detail!);
  assert.equal(BigInt(detail.fee), premium, 'the fee paid (event) = the premium');
  assert.equal(BigInt(JSON.parse(row.calls).fee), premium, 'the fee planned = the premium');
  assert.equal(BigInt(detail.fee), (loan * 5n + 5_000n) / 10_000n);
  console.log(`# lever gas aave: ${out.outcome.gasUsed} (${out.routePools.length} route legs)`);
  assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
  assert.ok(Math.abs((await ltv()) - 0.5) < 0.01);
});

test('an unrepayable loan reverts the whole transaction: journaled "reverted, nothing changed"', async () => {
  await relever(0.7);
  const scaled = (t: Address) =>
    w.clients.public.readContract({ address: t, abi: erc20, functionName: 'scaledBalanceOf', args: [OWNER] });
  const before = [await scaled(aWeth), await scaled(dUsdc)];
  // Mining off. Once the CLI's transaction (planned and simulated at 5 bps) is in the mempool, the Pool admin
  // raises the premium to 100% with a higher tip and the block is mined: the raise runs first, and the lever
  // transaction cannot repay the loan plus a 100% premium (LoanNotRepaid).
  const { result: r, raised } = await withPremiumRaisedFirst(() => run(['--lender', 'aave']));
  assert.equal(r.code, 75, r.out + r.err);
  assert.match(r.err, /reverted in block \d+: journaled "reverted, nothing changed"/);
  const rc = await w.clients.public.getTransactionReceipt({ hash: raised });
  assert.equal(rc.status, 'success');
  const row = journalRows().at(-1)!;
  assert.equal(row.decision, 'failed');
  assert.equal(row.reason, 'reverted, nothing changed');
  assert.equal(row.state, 'rejected');
  assert.equal(row.receipt_status, 'reverted');
  const d = JSON.parse(row.detail!);
  assert.equal(d.nothingChanged, true);
  assert.deepEqual(d.after, d.before);
  const lever = await w.clients.public.getTransactionReceipt({ hash: row.tx_hash as Hex });
  assert.equal(lever.blockNumber, rc.blockNumber, 'the raise and the lever transaction in one block');
  // the position as before, read by the test too (scaled: interest moves the unscaled balances by the second)
  assert.deepEqual([await scaled(aWeth), await scaled(dUsdc)], before);
});

test('kill -9 between the broadcast and the receipt: the next run resolves it by lookup and journals its fee', async () => {
  await rpc('evm_setAutomine', [false]);
  let child: ChildProcess | undefined;
  let sent: Hex | undefined;
  try {
    proxy.hook = (q) => {
      if (q.method !== 'eth_sendRawTransaction') return undefined;
      sent = q.params[0] as Hex;
      return {
        rewrite: (x) => {
          child?.kill('SIGKILL');
          return x;
        },
      };
    };
    const k = await run(['--lender', 'balancer'], (c) => {
      child = c;
    });
    assert.equal(k.signal, 'SIGKILL', k.out + k.err);
    assert.ok(sent);
    proxy.hook = () => undefined;
    const open = journalRows().at(-1)!;
    assert.equal(open.tx_hash, keccak256(sent!));
    assert.equal(open.decision, null, 'killed: the cycle has no outcome yet');
    await rpc('evm_mine');
  } finally {
    proxy.hook = () => undefined;
    await rpc('evm_setAutomine', [true]);
  }
  const hash = keccak256(sent!);
  const r = await run(['--lender', 'balancer']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(
    r.out,
    new RegExp(`resolved first: ${hash} \\(nonce \\d+\\) filled: rebalanced in block \\d+: loan \\d+, flash fee 0`),
  );
  assert.match(r.out, /plan: nothing to send/, 'on target (interest aside): nothing sent twice');
  const rows = journalRows().filter((x) => x.tx_hash === hash);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.decision, 'rebalanced');
  assert.equal(rows[0]!.state, 'filled');
  assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
});

test('Uniswap v3 flash through the CLI: a pool outside the route, its fee() read at plan time is the fee paid', async () => {
  await relever(0.7);
  const r = await run(['--lender', 'uniswap-v3', '--json']);
  assert.equal(r.code, 0, r.out + r.err);
  const out = JSON.parse(r.out);
  const pool = out.funding.pool as Address;
  assert.ok(!out.routePools.map((p: string) => p.toLowerCase()).includes(pool.toLowerCase()), 'never a route pool');
  const fee = await v3PoolFee(w.clients.public, pool);
  assert.equal(Number(fee), w.fx.pools.find((p) => p.address.toLowerCase() === pool.toLowerCase())!.feePips);
  const row = journalRows().at(-1)!;
  assert.equal(row.decision, 'rebalanced');
  assert.equal(BigInt(JSON.parse(row.detail!).fee), v3FlashFee(BigInt(out.funding.amount), fee));
  console.log(`# lever gas uniswap-v3: ${out.outcome.gasUsed} (${out.routePools.length} route legs)`);
  assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
  assert.ok(Math.abs((await ltv()) - 0.5) < 0.01);
});

test('kill -9 after the receipt is journaled, before the cycle is: the next run records the outcome', async () => {
  await relever(0.7);
  let child: ChildProcess | undefined;
  let hash: Hex | undefined;
  let receipts = 0;
  try {
    proxy.hook = (q) => {
      if (q.method === 'eth_sendRawTransaction') {
        const raw = q.params[0] as Hex;
        if (parseTransaction(raw).to?.toLowerCase() === lev.toLowerCase()) hash = keccak256(raw);
        return undefined;
      }
      if (q.method !== 'eth_getTransactionReceipt' || hash === undefined || q.params[0] !== hash) return undefined;
      if (receipts > 0) {
        // the receipt was answered and journaled: the outcome's own read is where the process dies
        child?.kill('SIGKILL');
        return 'hold';
      }
      return {
        rewrite: (x) => {
          if (x !== null) receipts++;
          return x;
        },
      };
    };
    const k = await run(['--lender', 'balancer'], (c) => {
      child = c;
    });
    assert.equal(k.signal, 'SIGKILL', k.out + k.err);
  } finally {
    proxy.hook = () => undefined;
  }
  const open = journalRows().at(-1)!;
  assert.equal(open.tx_hash, hash);
  assert.equal(open.state, 'filled', 'the receipt was journaled');
  assert.equal(open.decision, null, 'the cycle was not');
  const r = await run(['--lender', 'balancer']);
  assert.equal(r.code, 0, r.out + r.err);
  const done = journalRows().find((x) => x.tx_hash === hash)!;
  assert.equal(done.decision, 'rebalanced');
  assert.equal(JSON.parse(done.detail!).fee, '0');
});
