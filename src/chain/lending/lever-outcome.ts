/**
 * What a lever transaction did (issue #23 item 2), from the chain alone, so that the run that sent it and a run
 * that resolved it after a crash journal the same thing: mined → the LeverageRebalanced event (lender, loan,
 * the fee actually paid, health factor after); reverted → the owner's position re-read at the block before and
 * at the transaction's block (scaled collateral and debt, wallet units): equal means "reverted, nothing changed".
 */
import { type Address, decodeEventLog, type Hex, type PublicClient } from 'viem';
import type { LeverPlan } from './lever-plan.ts';
import { leverageArtifact } from './leverage.ts';
import { positionFingerprint, type Reserve } from './position.ts';

/** Journaled with the transaction (chain_txs.calls): what it does, its deadline and the fee planned. */
export interface LeverCalls {
  readonly kind: 'lever';
  readonly deadline: string;
  readonly leverage: Address;
  readonly owner: Address;
  readonly lender: string;
  readonly token: Address;
  readonly loan: string;
  /** The flash fee computed at plan time from the lender's rate read then (exact for Aave: the premium). */
  readonly fee: string;
  readonly lenderPool?: string;
  readonly repay: string;
  readonly withdraw: string;
  /** Lever up: collateral supplied for the owner (the loan) and debt borrowed on its behalf. */
  readonly supply?: string;
  readonly borrow?: string;
  readonly expectedOut: string;
  readonly minOut: string;
  readonly minHealthFactor: string;
  readonly reserves: readonly { symbol: string; reserve: Reserve }[];
  /** Several assets: every loaned token with its amount and planned fee (empty: no loan), and each asset's
   *  planned change of collateral or debt (base units, signed). */
  readonly loans?: readonly { asset: Address; amount: string; fee: string }[];
  readonly deltas?: Readonly<Record<string, string>>;
}

export function leverCalls(p: LeverPlan, owner: Address): LeverCalls {
  const c = p.call!;
  if (p.multi !== undefined) {
    const m = p.multi;
    return {
      kind: 'lever',
      deadline: c.deadline.toString(),
      leverage: p.lending.leverage,
      owner,
      lender: m.funding?.lender ?? 'none',
      token: c.token,
      loan: c.amount.toString(),
      fee: m.funding?.loans[0]?.fee.toString() ?? '0',
      ...(m.funding?.pool ? { lenderPool: m.funding.pool } : {}),
      repay: '0',
      withdraw: '0',
      expectedOut: p.expectedOut.toString(),
      minOut: p.minOut.toString(),
      minHealthFactor: c.minHealthFactor.toString(),
      reserves: m.assets.map((a) => ({ symbol: a.symbol, reserve: a.reserve })),
      loans: (m.funding?.loans ?? []).map((l) => ({
        asset: l.token as Address,
        amount: l.amount.toString(),
        fee: l.fee.toString(),
      })),
      deltas: Object.fromEntries(m.assets.map((a, k) => [a.symbol, String(m.plan.deltas[k])])),
    };
  }
  const f = p.funding!;
  return {
    kind: 'lever',
    deadline: c.deadline.toString(),
    leverage: p.lending.leverage,
    owner,
    lender: f.lender,
    token: c.token,
    loan: c.amount.toString(),
    fee: f.fee.toString(),
    ...(f.pool ? { lenderPool: f.pool } : {}),
    repay: p.deleverage.repay.toString(),
    withdraw: p.deleverage.withdraw.toString(),
    ...(p.leverUp ? { supply: p.leverUp.supply.toString(), borrow: p.leverUp.borrow.toString() } : {}),
    expectedOut: p.expectedOut.toString(),
    minOut: p.minOut.toString(),
    minHealthFactor: c.minHealthFactor.toString(),
    reserves: [
      { symbol: p.collateral.symbol, reserve: p.collateral.reserve },
      { symbol: p.debt.symbol, reserve: p.debt.reserve },
    ],
  };
}

export function isLeverCalls(x: unknown): x is LeverCalls {
  return x !== null && typeof x === 'object' && (x as { kind?: unknown }).kind === 'lever';
}

export type LeverOutcome =
  | {
      readonly kind: 'rebalanced';
      readonly txHash: Hex;
      readonly block: string;
      readonly lender: number;
      readonly loan: string;
      /** The fee the lender was paid, from the contract's event. */
      readonly fee: string;
      readonly plannedFee: string;
      readonly healthFactor: string;
      readonly gasUsed: string;
      /** Every loaned token with the amount and the fee actually paid (LeverageLoan events; empty: no loan). */
      readonly loans: readonly { asset: Address; amount: string; fee: string }[];
    }
  | {
      readonly kind: 'reverted';
      readonly txHash: Hex;
      readonly block: string;
      readonly nothingChanged: boolean;
      readonly before: Record<string, string>;
      readonly after: Record<string, string>;
      readonly gasUsed: string;
    };

export async function leverOutcome(client: PublicClient, txHash: Hex, calls: LeverCalls): Promise<LeverOutcome> {
  const r = await client.getTransactionReceipt({ hash: txHash });
  const block = r.blockNumber.toString();
  if (r.status !== 'success') {
    const before = await positionFingerprint(client, calls.reserves, calls.owner, r.blockNumber - 1n);
    const after = await positionFingerprint(client, calls.reserves, calls.owner, r.blockNumber);
    const nothingChanged = Object.keys(before).every((k) => before[k] === after[k]);
    return { kind: 'reverted', txHash, block, nothingChanged, before, after, gasUsed: r.gasUsed.toString() };
  }
  // `asset`, not `token`: the journal redacts fields named like credentials
  const loans: { asset: Address; amount: string; fee: string }[] = [];
  let done: Extract<LeverOutcome, { kind: 'rebalanced' }> | undefined;
  for (const l of r.logs) {
    if (l.address.toLowerCase() !== calls.leverage.toLowerCase()) continue;
    try {
      const e = decodeEventLog({ abi: leverageArtifact().abi, data: l.data, topics: l.topics });
      if (e.eventName === 'LeverageLoan') {
        const a = e.args as unknown as { token: Address; amount: bigint; fee: bigint };
        loans.push({ asset: a.token, amount: a.amount.toString(), fee: a.fee.toString() });
        continue;
      }
      if (e.eventName !== 'LeverageRebalanced') continue;
      const a = e.args as unknown as { lender: number; amount: bigint; fee: bigint; healthFactor: bigint };
      done = {
        kind: 'rebalanced',
        txHash,
        block,
        lender: Number(a.lender),
        loan: a.amount.toString(),
        fee: a.fee.toString(),
        plannedFee: calls.fee,
        healthFactor: a.healthFactor.toString(),
        gasUsed: r.gasUsed.toString(),
        loans,
      };
    } catch {
      // another event of the contract
    }
  }
  if (done !== undefined) return done;
  return {
    kind: 'reverted',
    txHash,
    block,
    nothingChanged: false,
    before: {},
    after: { error: 'mined without a LeverageRebalanced event' },
    gasUsed: r.gasUsed.toString(),
  };
}

/** One line for the journal's cycle reason and the output. */
export function describeOutcome(o: LeverOutcome): string {
  const hf = (x: string) => (Number(x) / 1e18).toFixed(4);
  if (o.kind === 'rebalanced' && o.lender === 0)
    return `rebalanced in block ${o.block} without a loan, health factor ${hf(o.healthFactor)}`;
  if (o.kind === 'rebalanced' && o.loans.length > 1)
    return `rebalanced in block ${o.block}: one loan of ${o.loans.length} tokens: ${o.loans.map((l) => `${l.amount} of ${l.asset}, flash fee ${l.fee}`).join('; ')}, health factor ${hf(o.healthFactor)}`;
  if (o.kind === 'rebalanced')
    return `rebalanced in block ${o.block}: loan ${o.loan}, flash fee ${o.fee} (planned ${o.plannedFee}), health factor ${hf(o.healthFactor)}`;
  return o.nothingChanged
    ? 'reverted, nothing changed'
    : `reverted in block ${o.block}, but the position moved in that block (another transaction): see the cycle detail`;
}
