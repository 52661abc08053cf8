/**
 * `ballast dex rebalance --json` (issue #17 item 2): one object instead of the text. Token amounts are exact
 * decimal strings with their symbol (base units for a token the chain file does not know); USD values are
 * numbers at the oracle prices.
 */
import { type Address, formatUnits } from 'viem';
import type { Prepared } from '../../chain/rebalance/prepare.ts';

interface KnownToken {
  readonly address: Address;
  readonly symbol: string;
  readonly decimals: number;
}

export interface SentInfo {
  readonly txHash: string;
  readonly blockNumber: string;
  readonly gasUsed: string;
  readonly requotedLegs: number;
}

export function rebalanceJson(pr: Prepared, executor: Address, known: readonly KnownToken[], sent?: SentInfo) {
  const sym = new Map([...known, ...pr.tokens.values()].map((t) => [t.address.toLowerCase(), t]));
  const amount = (token: Address, v: bigint) => {
    const t = sym.get(token.toLowerCase());
    return t ? { token: t.symbol, amount: formatUnits(v, t.decimals) } : { token, amount: `${v} base units` };
  };
  const usd = (v: bigint) => Number(v) / 1e18;
  return {
    executor,
    dryRun: sent === undefined,
    plan: pr.plan.trades.map((t) => ({
      side: t.side,
      asset: t.asset,
      quantity: t.quantity,
      notional: t.notional,
      cost: t.cost,
    })),
    pulls: pr.batch.pulls.map((p) => amount(p.token, p.amount)),
    legs: pr.batch.legs.map((l, i) => ({
      in: amount(l.tokenIn, l.amountIn),
      out: amount(l.tokenOut, pr.outs[i]!),
      minOut: amount(l.tokenOut, l.minOut).amount,
      hub: !l.toOwner,
      via: l.pool,
    })),
    valueUsd: {
      simulated: usd(pr.totalValue),
      expected: usd(pr.batch.expectedValue),
      minimum: usd(pr.batch.minTotalValue),
    },
    gas: { batch: pr.gasBatch.toString(), approvals: pr.gasApprovals.toString() },
    weights: { before: pr.weightsBefore, after: pr.weightsAfter },
    ...(pr.sleeve ? { idle: idleJson(pr) } : {}),
    ...(sent === undefined ? {} : { sent }),
  };
}

/** The idle sleeve (chain.idle): the Pool, each asset's withdrawal and supply, the withdraw limits and the scale. */
function idleJson(pr: Prepared) {
  const sl = pr.sleeve!.plan;
  const dec = new Map([...pr.tokens.values()].map((t) => [t.symbol, t.decimals]));
  const u = (sym: string, v: bigint) => formatUnits(v, dec.get(sym) ?? 0);
  return {
    pool: sl.pool,
    scale: sl.scale,
    limited: sl.limited.map((l) => ({
      asset: l.symbol,
      wanted: u(l.symbol, l.wanted),
      sellable: u(l.symbol, l.sellable),
      reason: l.reason,
    })),
    moves: sl.moves.map((m) => ({
      asset: m.symbol,
      withdraw: u(m.symbol, m.withdraw),
      forSells: u(m.symbol, m.forSells),
      supply: u(m.symbol, m.supply),
    })),
  };
}
