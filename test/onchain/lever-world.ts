/**
 * The world of test/onchain/lever-cli.test.ts (issue #23): anvil with the fixture (real Aave v3 market and
 * lenders), a JSON-RPC proxy in front of it, anvil's account #5 holding a 70%-LTV aWETH-collateral / USDC-debt
 * position with its own BallastLeverage, the portfolio file with its `chain.lending` section, the real CLI as
 * a child process and the journal's lever cycles.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Address, type Hex, maxUint256, parseAbi, parseTransaction } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { stringify } from 'yaml';
import { localClients, type TxSender, txSender } from '../../src/chain/client.ts';
import { aavePoolAbi } from '../../src/chain/fixture/deploy-aave.ts';
import { deployLeverage } from '../../src/chain/lending/leverage.ts';
import { Journal } from '../../src/store/journal.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { type RpcProxy, startRpcProxy } from '../support/rpc-proxy.ts';
import { startWorld, type World } from './setup.ts';

/** anvil's dev key #5 (public): the position's owner. */
export const KEY5: Hex = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba';
export const OWNER = privateKeyToAccount(KEY5).address;
export const SINK: Address = '0x000000000000000000000000000000000000dEaD';
export const FLOOR = 1.5;
export const erc20 = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address) view returns (uint256)',
  'function scaledBalanceOf(address) view returns (uint256)',
]);
export const configurator = parseAbi(['function updateFlashloanPremiumTotal(uint128 newFlashloanPremiumTotal)']);

export let w: World;
export let proxy: RpcProxy;
export let otx: TxSender;
export let dir: string;
export let cfg: string;
export let lev: Address;
export let weth: Address;
export let usdc: Address;
export let aWeth: Address;
export let dUsdc: Address;
export const journalPath = () => join(dir, 'journal.db');
export const rpc = (method: string, params: unknown[] = []) => w.clients.public.request({ method, params } as never);
export const read = (t: Address, who: Address) =>
  w.clients.public.readContract({ address: t, abi: erc20, functionName: 'balanceOf', args: [who] });

export async function setupLeverWorld(): Promise<void> {
  w = await startWorld();
  proxy = await startRpcProxy(w.node.rpcUrl);
  dir = mkdtempSync(join(tmpdir(), 'ballast-lever-'));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  otx = txSender(localClients(w.node.rpcUrl, OWNER, w.fx.chainId));
  lev = await deployLeverage(otx, w.fx.contracts);
  weth = w.tokens.get('WETH')!.address;
  usdc = w.tokens.get('USDC')!.address;
  aWeth = w.fx.aaveReserves.find((r) => r.symbol === 'WETH')!.aToken;
  dUsdc = w.fx.aaveReserves.find((r) => r.symbol === 'USDC')!.variableDebtToken;
  const pool = w.fx.contracts.aavePool;
  await w.tx.call(weth, erc20, 'transfer', [OWNER, 10n * 10n ** 18n], 'fund WETH');
  await otx.call(weth, erc20, 'approve', [pool, maxUint256], 'approve Pool');
  await otx.call(pool, aavePoolAbi, 'supply', [weth, 10n * 10n ** 18n, OWNER, 0], 'supply WETH');
  await otx.call(aWeth, erc20, 'approve', [lev, maxUint256], 'approve aWETH to BallastLeverage');
  await relever(0.7);
  const syms = w.fx.tokens.map((t) => t.symbol);
  cfg = join(dir, 'portfolio.yaml');
  writeFileSync(
    cfg,
    stringify({
      quote: 'USDC',
      target: { WETH: 0.5, USDC: 0.5 },
      chain: {
        tokens: Object.fromEntries(syms.map((s) => [s, w.tokens.get(s)!.address])),
        feeds: Object.fromEntries(syms.map((s) => [s, w.feeds[s]])),
        maxSlippageBps: 100,
        maxDeviationBps: 150,
        lending: {
          pool: 'fixture',
          leverage: lev,
          collateral: 'WETH',
          debt: 'USDC',
          minHealthFactor: FLOOR,
          targetLtv: 0.5,
        },
      },
    }),
  );
}

export async function teardownLeverWorld(): Promise<void> {
  await proxy?.close();
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export async function ltv(): Promise<number> {
  const r = await w.clients.public.readContract({
    address: w.fx.contracts.aavePool,
    abi: aavePoolAbi,
    functionName: 'getUserAccountData',
    args: [OWNER],
  });
  return Number(r[1]) / Number(r[0]);
}

export async function healthFactor(): Promise<bigint> {
  const r = await w.clients.public.readContract({
    address: w.fx.contracts.aavePool,
    abi: aavePoolAbi,
    functionName: 'getUserAccountData',
    args: [OWNER],
  });
  return r[5];
}

/** Borrows USDC until debt / collateral ≈ `target` and spends it (sent away): the collateral is locked. */
export async function relever(target: number): Promise<void> {
  const r = await w.clients.public.readContract({
    address: w.fx.contracts.aavePool,
    abi: aavePoolAbi,
    functionName: 'getUserAccountData',
    args: [OWNER],
  });
  const more = ((r[0] * BigInt(Math.round(target * 1e4))) / 10_000n - r[1]) / 100n; // base (1e8 USD) → USDC 1e6
  if (more > 0n)
    await otx.call(w.fx.contracts.aavePool, aavePoolAbi, 'borrow', [usdc, more, 2n, 0, OWNER], 'borrow USDC');
  const held = await read(usdc, OWNER);
  if (held > 0n) await otx.call(usdc, erc20, 'transfer', [SINK, held], 'spend the borrowed USDC');
}

/** The real CLI (through the proxy); `onChild` sees the process (to kill it). */
export function run(extra: string[] = [], onChild?: (c: ChildProcess) => void, execute = true) {
  const c = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'lever',
      'rebalance',
      '--rpc',
      proxy.url,
      '--config',
      cfg,
      '--chain-file',
      join(dir, 'chain.json'),
      '--journal',
      journalPath(),
      ...(execute ? ['--execute'] : []),
      ...extra,
    ],
    { cwd: REPO_ROOT, env: { ...process.env, BALLAST_PRIVATE_KEY: KEY5 } },
  );
  onChild?.(c);
  let out = '';
  let err = '';
  c.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  c.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  return new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((res) =>
    c.on('close', (code, signal) => res({ code, signal, out, err })),
  );
}

export interface Row {
  cycle: number;
  decision: string | null;
  reason: string | null;
  detail: string | null;
  state: string;
  calls: string;
  tx_hash: string;
  receipt_status: string | null;
}

/** The journal's lever cycles with their transaction, newest last. */
export function journalRows(): Row[] {
  const j = Journal.open(journalPath());
  try {
    return j.db
      .prepare(
        `SELECT y.cycle, y.decision, y.reason, y.detail, i.state, c.calls, c.tx_hash, c.receipt_status
         FROM cycles y JOIN order_intents i ON i.portfolio_id = y.portfolio_id AND i.cycle = y.cycle
         JOIN chain_txs c ON c.intent_id = i.id WHERE y.portfolio_id = 'lever' ORDER BY y.cycle`,
      )
      .all() as Row[];
  } finally {
    j.close();
  }
}

/**
 * Runs `fn` (a CLI run that sends a lever transaction) with mining off. When the lever transaction reaches the
 * node, the Pool admin raises Aave's flash premium to 100% with a higher tip and mines the block: the raise runs
 * first, so the lever transaction cannot repay its loan plus the premium (LoanNotRepaid). Afterwards mining is
 * back on, the proxy passes everything and the premium is back at 5 bps. Gives the raise's hash.
 */
export async function withPremiumRaisedFirst<T>(fn: () => Promise<T>): Promise<{ result: T; raised: Hex }> {
  await rpc('evm_setAutomine', [false]);
  const admin = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
  let raised: Hex | undefined;
  const raise = async () => {
    raised = await w.clients.wallet.writeContract({
      account: admin.address,
      address: w.fx.contracts.aavePoolConfigurator,
      abi: configurator,
      functionName: 'updateFlashloanPremiumTotal',
      args: [10_000n],
      gas: 200_000n,
      maxPriorityFeePerGas: 1000n * 10n ** 9n,
      maxFeePerGas: 2000n * 10n ** 9n,
      chain: null,
    });
    await rpc('evm_mine');
  };
  try {
    proxy.hook = (q) => {
      if (q.method !== 'eth_sendRawTransaction') return undefined;
      if (parseTransaction(q.params[0] as Hex).to?.toLowerCase() !== lev.toLowerCase()) return undefined;
      return {
        rewrite: (x) => {
          void raise();
          return x;
        },
      };
    };
    const result = await fn();
    assert.ok(raised !== undefined, 'the lever transaction never reached the node: nothing was raised');
    return { result, raised };
  } finally {
    proxy.hook = () => undefined;
    await rpc('evm_setAutomine', [true]);
    await w.tx.call(
      w.fx.contracts.aavePoolConfigurator,
      configurator,
      'updateFlashloanPremiumTotal',
      [5n],
      'premium back',
    );
  }
}

/**
 * `tx`'s account sends `data` to `to` as it is (3M gas, no simulation, so a revert is mined): its receipt,
 * reverted or not. The contract tests' way to reach BallastLeverage past the CLI's checks.
 */
export async function sendUnchecked(tx: TxSender, to: Address, data: Hex) {
  const hash = await tx.clients.wallet.sendTransaction({
    account: tx.clients.account,
    to,
    data,
    gas: 3_000_000n,
    chain: null,
  });
  return tx.clients.public.waitForTransactionReceipt({ hash });
}
