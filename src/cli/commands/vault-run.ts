/** The actions of `ballast vault …` (vault.ts registers and checks the flags; docs/basket.md#cli). */

import { type Abi, type Address, encodeFunctionData, formatUnits, maxUint256, parseUnits } from 'viem';
import { basketArtifact, basketErrorName } from '../../chain/basket/artifact.ts';
import { planBasketRebalance } from '../../chain/basket/keeper-legs.ts';
import { readSnapshot } from '../../chain/basket/plan.ts';
import { changeText, profileChanges } from '../../chain/basket/profile-diff.ts';
import { previewIssue, previewRedeem, readValuation } from '../../chain/basket/read.ts';
import { InputError } from '../../core/errors.ts';
import type { VaultFlags } from './vault.ts';
import { basketFlag, fractionFlag, sharesFlag } from './vault.ts';
import {
  type Ctx,
  context,
  decimalsOf,
  erc20,
  needAccount,
  requireBasket,
  send,
  simulate,
  symbolOf,
  VaultError,
} from './vault-ctx.ts';
import { deploy } from './vault-deploy.ts';
import { redeemParts, sleeveLegLine, sleevePlanLines, sleeveStatus, vaultSleeve } from './vault-sleeve.ts';

async function issueOrRedeem(c: Ctx, kind: 'issue' | 'redeem'): Promise<void> {
  const basket = basketFlag(c.f.basket);
  await requireBasket(c, basket);
  const shares = parseUnits(sharesFlag(c.f.shares), 18);
  const snap = await readSnapshot(c.client, basket);
  const amounts =
    kind === 'issue' ? await previewIssue(c.client, basket, shares) : await previewRedeem(c.client, basket, shares);
  const who = c.account?.address;
  const parts = kind === 'redeem' ? await redeemParts(c.client, snap, shares, c.fx) : { lines: [], json: {} };
  const lines = snap.state.assets.map(
    (a, i) =>
      `  ${formatUnits(amounts[i]!, decimalsOf(c.fx, a))} ${symbolOf(c.fx, a)}${parts.lines[i] ? `\n${parts.lines[i]}` : ''}`,
  );
  const verb = kind === 'issue' ? 'pays' : 'receives';
  const head = `${kind} ${formatUnits(shares, 18)} shares: ${verb}\n${lines.join('\n')}\n`;
  const json = { basket, shares, assets: snap.state.assets, amounts, ...parts.json };
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
  const sl = sleeveStatus(c.fx, snap);
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
    ...sl.lines,
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
    ...sl.json,
    profile: p,
    pending: s.pending ? { ...s.pending, changes } : null,
    lastRebalance: s.lastRebalance,
    rebalances: last,
  });
}

async function rebalance(c: Ctx): Promise<void> {
  const basket = basketFlag(c.f.basket);
  await requireBasket(c, basket);
  const snap = await readSnapshot(c.client, basket);
  const caller = c.account?.address ?? snap.state.profile.keeper;
  const sleeve = vaultSleeve(c.fx, snap, c.f.sleeve, c.f.buffer);
  const plan = await planBasketRebalance(c.client, c.fx, basket, {
    caller,
    maxSlippageBps: Number(c.f.maxSlippageBps ?? '50'),
    fraction: fractionFlag(c.f.fraction),
    sleeve,
  });
  const amt = (a: Address, x: bigint) => `${formatUnits(x, decimalsOf(c.fx, a))} ${symbolOf(c.fx, a)}`;
  const legLines = plan.legs.map(
    (l, i) =>
      `  leg ${i}: ${sleeveLegLine(c.fx, l, (a) => decimalsOf(c.fx, a)) ?? `${amt(l.tokenIn, l.amountIn)} → ${amt(l.tokenOut, plan.expectedOuts[i]!)} expected, min ${amt(l.tokenOut, plan.minOuts[i]!)} via ${l.kind === 2 ? 'Balancer' : `Uniswap ${l.kind === 0 ? 'v2' : `v3 ${l.fee / 1e4}%`}`}`}`,
  );
  legLines.push(...sleevePlanLines(plan.sleeve).map((x) => `  ${x}`));
  const json = {
    basket,
    legs: plan.legs,
    minOuts: plan.minOuts,
    expectedOuts: plan.expectedOuts,
    deadline: plan.deadline,
    check: plan.check,
    ...(plan.sleeve ? { sleeve: plan.sleeve } : {}),
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
