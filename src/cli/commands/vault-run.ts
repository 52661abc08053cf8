/** The actions of `ballast vault …` (vault.ts registers and checks the flags; docs/basket.md#cli). */

import { existsSync } from 'node:fs';
import {
  type Abi,
  type Address,
  createWalletClient,
  encodeDeployData,
  encodeFunctionData,
  formatUnits,
  type Hex,
  http,
  maxUint256,
  type PublicClient,
  parseAbi,
  parseUnits,
  zeroAddress,
} from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import {
  BASKET_DEPLOY_GAS,
  type BasketInit,
  basketArtifact,
  basketDeployArgs,
  basketErrorName,
  basketFeed,
  DEFAULT_BASKET_OFFSET,
  NO_POOL_ID,
} from '../../chain/basket/artifact.ts';
import { planBasketRebalance, readSnapshot } from '../../chain/basket/plan.ts';
import { changeText, profileChanges } from '../../chain/basket/profile-diff.ts';
import { previewIssue, previewRedeem, readValuation } from '../../chain/basket/read.ts';
import { findChainFile } from '../../chain/chain-file.ts';
import { chainFileClient } from '../../chain/client.ts';
import { poolSources } from '../../chain/executor/artifact.ts';
import type { Fixture } from '../../chain/fixture/types.ts';
import { BallastError, InputError } from '../../core/errors.ts';
import { readTextFile } from '../io.ts';
import { loadChainFile, requireChain } from './dex-quote.ts';
import type { VaultFlags } from './vault.ts';
import { basketFlag, fractionFlag, sharesFlag } from './vault.ts';

const erc20 = parseAbi([
  'function approve(address spender, uint256 amount) returns (bool)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function balanceOf(address) view returns (uint256)',
]);

/** A basket call the contract (or the off-chain check) refuses: one line, exit 1. */
export class VaultError extends BallastError {
  override readonly name = 'VaultError';
}

const HEARTBEAT_SEC = 3600;
const MARGIN_SEC = 60;

function readKey(f: VaultFlags): Hex | undefined {
  if (f.keyFile !== undefined && !existsSync(f.keyFile))
    throw InputError.one('--key-file', '', `${f.keyFile} does not exist`);
  const raw = f.keyFile !== undefined ? readTextFile(f.keyFile) : process.env.BALLAST_PRIVATE_KEY;
  if (raw === undefined || (f.keyFile === undefined && raw.trim() === '')) return undefined;
  const k = raw.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(k))
    throw InputError.one(f.keyFile ?? 'BALLAST_PRIVATE_KEY', '', 'the private key is not 0x followed by 64 hex digits');
  return k as Hex;
}

interface Ctx {
  readonly client: PublicClient;
  readonly fx: Fixture;
  readonly account?: PrivateKeyAccount;
  readonly f: VaultFlags;
  readonly out: (text: string, json: Record<string, unknown>) => void;
}

const jsonSafe = (x: unknown): unknown =>
  JSON.parse(JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));

async function context(f: VaultFlags): Promise<Ctx> {
  const fx = loadChainFile(f.chainFile ?? findChainFile());
  const key = readKey(f);
  const client = chainFileClient(f.rpc, fx);
  await requireChain(client, f.rpc, fx.chainId);
  const out = (text: string, json: Record<string, unknown>) =>
    void process.stdout.write(f.json === true ? `${JSON.stringify(jsonSafe(json))}\n` : text);
  return { client, fx, f, out, ...(key ? { account: privateKeyToAccount(key) } : {}) };
}

function needAccount(c: Ctx, why: string): PrivateKeyAccount {
  if (!c.account) throw InputError.one('BALLAST_PRIVATE_KEY', '', `${why} needs the key: set it or pass --key-file`);
  return c.account;
}

/** Signs locally and sends; waits for the receipt; a revert is one line with the basket's error name. */
async function send(c: Ctx, to: Address | undefined, data: Hex, label: string, gas = 3_000_000n) {
  const account = needAccount(c, label);
  const wallet = createWalletClient({ account, chain: c.client.chain, transport: http(c.f.rpc) });
  const hash = await wallet.sendTransaction({ account, chain: c.client.chain, data, gas, ...(to ? { to } : {}) });
  const r = await c.client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (r.status !== 'success') throw new VaultError(`${label}: transaction ${hash} reverted`);
  return r;
}

async function simulate(c: Ctx, basket: Address, functionName: string, args: readonly unknown[], from: Address) {
  try {
    await c.client.simulateContract({ address: basket, abi: basketArtifact().abi, functionName, args, account: from });
  } catch (e) {
    const name = basketErrorName(e) ?? (e as Error).message.split('\n')[0];
    throw new VaultError(`${functionName}: the basket refuses it (${name}); nothing sent`);
  }
}

async function requireBasket(c: Ctx, basket: Address): Promise<void> {
  const code = await c.client.getCode({ address: basket });
  if (code === undefined || code === '0x') throw InputError.one('--basket', '', `no contract at ${basket}`);
}

const symbolOf = (fx: Fixture, a: Address) =>
  fx.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase())?.symbol ?? a;
const decimalsOf = (fx: Fixture, a: Address) =>
  fx.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase())?.decimals ?? 18;

async function deploy(c: Ctx): Promise<void> {
  const f = c.f;
  const symbols = (f.assets ?? '').split(',').map((s) => s.trim());
  const targets = (f.targets ?? '').split(',').map((s) => Number(s.trim()));
  const toks = symbols.map((s) => {
    const t = c.fx.tokens.find((x) => x.symbol === s);
    if (!t) throw InputError.one('--assets', '', `${JSON.stringify(s)} is not a token of the chain file`);
    return t;
  });
  if (new Set(symbols).size !== symbols.length || symbols.length < 2)
    throw InputError.one('--assets', '', 'needs 2 to 16 distinct symbols');
  if (targets.length !== symbols.length || targets.some((x) => !Number.isInteger(x) || x < 0))
    throw InputError.one('--targets', '', `needs ${symbols.length} whole numbers of bps, one per asset`);
  if (targets.reduce((a, x) => a + x, 0) !== 10_000) throw InputError.one('--targets', '', 'must sum to 10000');
  const owner = c.account?.address ?? zeroAddress;
  const feeds = await Promise.all(
    toks.map((t) =>
      basketFeed(c.client, { address: t.usdFeed, heartbeatSec: HEARTBEAT_SEC, marginSec: MARGIN_SEC }, t.symbol),
    ),
  );
  const answers = await Promise.all(
    toks.map(async (t) => {
      const r = await c.client.readContract({
        address: t.usdFeed,
        abi: parseAbi(['function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)']),
        functionName: 'latestRoundData',
      });
      return r[1];
    }),
  );
  const pools = c.fx.pools
    .filter((p) => p.protocol === 'uniswap-v2' || p.protocol === 'uniswap-v3')
    .filter((p) => p.tokens.every((t) => toks.some((x) => x.address.toLowerCase() === t.toLowerCase())))
    .map((p) => ({
      kind: p.protocol === 'uniswap-v2' ? (0 as const) : (1 as const),
      tokenA: p.tokens[0]!,
      tokenB: p.tokens[1]!,
      fee: p.protocol === 'uniswap-v2' ? 0 : p.feePips,
      poolId: NO_POOL_ID,
    }));
  if (pools.length === 0) throw InputError.one('--assets', '', 'no Uniswap v2/v3 pool of the chain file joins them');
  const shareUsd = BigInt(f.shareUsd ?? '100');
  const init: BasketInit = {
    name: 'Ballast Basket',
    symbol: 'BSKT',
    owner,
    assets: toks.map((t) => t.address),
    genesisUnits: toks.map(
      (t, i) => (BigInt(targets[i]!) * shareUsd * 10n ** BigInt(t.decimals + 8)) / (10_000n * answers[i]!) || 1n,
    ),
    offset: DEFAULT_BASKET_OFFSET,
    profileDelay: 0,
    maxFeeBps: 0,
    profile: {
      targetBps: targets,
      bandAbsBps: Number(f.bandAbsBps ?? '200'),
      bandRelBps: 0,
      calendar: false,
      minInterval: Number(f.minInterval ?? '3600'),
      maxLossBps: Number(f.maxLossBps ?? '100'),
      maxTurnoverBps: Number(f.maxTurnoverBps ?? '10000'),
      keeper: owner,
      keeperWindow: Number(f.keeperWindow ?? '86400'),
      feeBps: 0,
      feeRecipient: zeroAddress,
      feeds,
      pools,
    },
  };
  const a = basketArtifact();
  const data = encodeDeployData({
    abi: a.abi,
    bytecode: a.bytecode,
    args: basketDeployArgs(init, poolSources(c.fx.contracts)),
  });
  if (f.execute !== true) {
    await c.client.call({ data, account: owner }).catch((e: unknown) => {
      throw new VaultError(`deploy: the constructor refuses it (${basketErrorName(e) ?? 'revert'}); nothing sent`);
    });
    c.out(
      `dry run: nothing sent. BallastBasket over ${symbols.join(', ')} targets ${targets.join('/')} bps, ${pools.length} pools, owner and keeper ${owner}\n`,
      { dryRun: true, init },
    );
    return;
  }
  const r = await send(c, undefined, data, 'deploy', BASKET_DEPLOY_GAS);
  c.out(`BallastBasket deployed at ${r.contractAddress}, owner and keeper ${owner}\n`, {
    basket: r.contractAddress,
    owner,
    tx: r.transactionHash,
  });
}

async function issueOrRedeem(c: Ctx, kind: 'issue' | 'redeem'): Promise<void> {
  const basket = basketFlag(c.f.basket);
  await requireBasket(c, basket);
  const shares = parseUnits(sharesFlag(c.f.shares), 18);
  const snap = await readSnapshot(c.client, basket);
  const amounts =
    kind === 'issue' ? await previewIssue(c.client, basket, shares) : await previewRedeem(c.client, basket, shares);
  const who = c.account?.address;
  const lines = snap.state.assets.map(
    (a, i) => `  ${formatUnits(amounts[i]!, decimalsOf(c.fx, a))} ${symbolOf(c.fx, a)}`,
  );
  const verb = kind === 'issue' ? 'pays' : 'receives';
  const head = `${kind} ${formatUnits(shares, 18)} shares: ${verb}\n${lines.join('\n')}\n`;
  const json = { basket, shares, assets: snap.state.assets, amounts };
  if (c.f.execute !== true) {
    if (kind === 'redeem' && who) await simulate(c, basket, 'redeem', [shares, who], who);
    c.out(`${head}dry run: nothing sent\n`, { ...json, dryRun: true });
    return;
  }
  const account = needAccount(c, `vault ${kind} --execute`);
  if (kind === 'issue') {
    for (const [i, a] of snap.state.assets.entries()) {
      const bal = await c.client.readContract({
        address: a,
        abi: erc20,
        functionName: 'balanceOf',
        args: [account.address],
      });
      if (bal < amounts[i]!)
        throw InputError.one(
          '--shares',
          '',
          `issuing needs ${formatUnits(amounts[i]!, decimalsOf(c.fx, a))} ${symbolOf(c.fx, a)}, the account holds ${formatUnits(bal, decimalsOf(c.fx, a))}`,
        );
      const allowed = await c.client.readContract({
        address: a,
        abi: erc20,
        functionName: 'allowance',
        args: [account.address, basket],
      });
      if (allowed < amounts[i]!)
        await send(
          c,
          a,
          encodeFunctionData({ abi: erc20, functionName: 'approve', args: [basket, maxUint256] }),
          `approve ${symbolOf(c.fx, a)}`,
          200_000n,
        );
    }
  }
  await simulate(c, basket, kind, [shares, account.address], account.address);
  const abi: Abi = basketArtifact().abi;
  const r = await send(
    c,
    basket,
    encodeFunctionData({ abi, functionName: kind, args: [shares, account.address] }),
    kind,
  );
  c.out(`${head}sent: ${r.transactionHash} (gas ${r.gasUsed})\n`, { ...json, tx: r.transactionHash, gas: r.gasUsed });
}

const pct = (bps: number) => `${(bps / 100).toFixed(2)}%`;

async function status(c: Ctx): Promise<void> {
  const basket = basketFlag(c.f.basket);
  await requireBasket(c, basket);
  const snap = await readSnapshot(c.client, basket);
  const s = snap.state;
  const v = await readValuation(c.client, basket).catch((e: unknown) => {
    throw new VaultError(`status: the basket's feeds fail its checks (${basketErrorName(e) ?? 'revert'}): no NAV`);
  });
  const supply = s.totalSupply + s.pendingFeeShares;
  const navPerShare = supply === 0n ? 0n : (v.nav * 10n ** 18n) / supply;
  const weightsBps = v.values.map((x) => (v.nav === 0n ? 0 : Number((x * 1_000_000n) / v.nav) / 100));
  const n = Number(c.f.events ?? '5');
  const logs =
    n === 0
      ? []
      : await c.client.getContractEvents({
          address: basket,
          abi: basketArtifact().abi,
          eventName: 'Rebalanced',
          fromBlock: 0n,
        });
  const last = logs.slice(-n).map((l) => {
    const a = l.args as { caller: Address; navBefore: bigint; navAfter: bigint; turnover: bigint; legs: bigint };
    return { block: l.blockNumber, tx: l.transactionHash, ...a };
  });
  const p = s.profile;
  const usd = (x: bigint) => (Number(x) / 1e18).toFixed(2);
  const name = (a: Address) => symbolOf(c.fx, a);
  const changes = s.pending ? profileChanges(p, s.pending.profile, s.assets.map(name), name) : [];
  const lines = [
    `basket ${basket}: supply ${formatUnits(s.totalSupply, 18)} shares, NAV ${usd(v.nav)} USD, NAV per share ${usd(navPerShare)} USD (oracle prices)`,
    'weights: asset  weight (target)',
    ...s.assets.map((a, i) => `  ${symbolOf(c.fx, a).padEnd(6)} ${pct(weightsBps[i]!)} (${pct(p.targetBps[i]!)})`),
    `profile: band ${p.bandAbsBps} bps abs / ${p.bandRelBps} bps rel${p.calendar ? ', calendar' : ''}, minInterval ${p.minInterval} s, maxLoss ${p.maxLossBps} bps, maxTurnover ${p.maxTurnoverBps} bps, keeper ${p.keeper} (window ${p.keeperWindow} s), fee ${p.feeBps} bps, ${p.pools.length} pools`,
    s.pending
      ? `pending profile: ${changes.length === 0 ? 'no field changes' : changes.map(changeText).join('; ')}; may apply from ${s.pending.eta} (${new Date(Number(s.pending.eta) * 1000).toISOString()})`
      : 'pending profile: none',
    `last rebalance: ${s.lastRebalance}; next due from ${s.lastRebalance + BigInt(p.minInterval)}`,
    `rebalances: ${logs.length}`,
    ...last.map(
      (e) =>
        `  block ${e.block}: NAV ${usd(e.navBefore)} → ${usd(e.navAfter)} USD, turnover ${usd(e.turnover)} USD, ${e.legs} legs (${e.tx})`,
    ),
  ];
  c.out(`${lines.join('\n')}\n`, {
    basket,
    supply: s.totalSupply,
    nav: v.nav,
    navPerShare,
    assets: s.assets.map((a, i) => ({
      address: a,
      symbol: symbolOf(c.fx, a),
      balance: v.balances[i],
      valueE18: v.values[i],
      weightBps: weightsBps[i],
      targetBps: p.targetBps[i],
    })),
    profile: p,
    pending: s.pending ? { ...s.pending, changes } : null,
    lastRebalance: s.lastRebalance,
    rebalances: last,
  });
}

async function rebalance(c: Ctx): Promise<void> {
  const basket = basketFlag(c.f.basket);
  await requireBasket(c, basket);
  const caller = c.account?.address ?? (await readSnapshot(c.client, basket)).state.profile.keeper;
  const plan = await planBasketRebalance(c.client, c.fx, basket, {
    caller,
    maxSlippageBps: Number(c.f.maxSlippageBps ?? '50'),
    fraction: fractionFlag(c.f.fraction),
  });
  const amt = (a: Address, x: bigint) => `${formatUnits(x, decimalsOf(c.fx, a))} ${symbolOf(c.fx, a)}`;
  const legLines = plan.legs.map(
    (l, i) =>
      `  leg ${i}: ${amt(l.tokenIn, l.amountIn)} → ${amt(l.tokenOut, plan.expectedOuts[i]!)} expected, min ${amt(l.tokenOut, plan.minOuts[i]!)} via Uniswap ${l.kind === 0 ? 'v2' : `v3 ${l.fee / 1e4}%`}`,
  );
  const json = {
    basket,
    legs: plan.legs,
    minOuts: plan.minOuts,
    expectedOuts: plan.expectedOuts,
    deadline: plan.deadline,
    check: plan.check,
  };
  if (!plan.check.ok)
    throw new VaultError(`rebalance refused before sending: ${plan.check.message} (${plan.check.error}); nothing sent`);
  const ck = plan.check;
  const usd = (x: bigint) => (Number(x) / 1e18).toFixed(2);
  const head = `rebalance: ${plan.legs.length} legs, deadline ${plan.deadline}\n${legLines.join('\n')}\ncheck (as the contract): ok; NAV ${usd(ck.navBefore)} → ${usd(ck.navAfter)} USD, loss ${usd(ck.lost)} USD, turnover ${usd(ck.turnover)} USD, drift sum ${(Number(ck.driftSumBefore) / 1e16).toFixed(2)}% → ${(Number(ck.driftSumAfter) / 1e16).toFixed(2)}%\n`;
  const args = [plan.legs, plan.minOuts, plan.deadline];
  await simulate(c, basket, 'rebalance', args, caller);
  if (c.f.execute !== true) {
    c.out(`${head}dry run: nothing sent\n`, { ...json, dryRun: true });
    return;
  }
  const r = await send(
    c,
    basket,
    encodeFunctionData({ abi: basketArtifact().abi, functionName: 'rebalance', args }),
    'rebalance',
    6_000_000n,
  );
  c.out(`${head}sent: ${r.transactionHash} (gas ${r.gasUsed})\n`, { ...json, tx: r.transactionHash, gas: r.gasUsed });
}

export async function vaultCommand(
  cmd: 'deploy' | 'issue' | 'redeem' | 'status' | 'rebalance',
  f: VaultFlags,
): Promise<void> {
  const c = await context(f);
  if (f.execute === true) needAccount(c, `vault ${cmd} --execute`);
  if (cmd === 'deploy') return deploy(c);
  if (cmd === 'status') return status(c);
  if (cmd === 'rebalance') return rebalance(c);
  return issueOrRedeem(c, cmd);
}
