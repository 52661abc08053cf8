/**
 * `ballast lever rebalance --rpc URL --config portfolio.yaml [--execute] [--key-file F] [--journal F]
 *  [--lender auto|balancer|aave|uniswap-v3] [--json]` (issue #23 item 2). Reads the `chain.lending` position,
 * plans the deleverage (or, below targetLtv, the lever up), chooses the lender by its fee read now, builds the BallastLeverage calldata with real
 * minOuts and, with --execute, sends it as ONE transaction through the chain transaction journal (simulated,
 * signed, journaled before broadcast, resolved by lookup after a crash). The journal's cycle records the
 * outcome: the flash fee paid (the LeverageRebalanced event), or "reverted, nothing changed".
 */

import type { Address, Hex, PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { findChainFile } from '../../chain/chain-file.ts';
import { chainFileClient } from '../../chain/client.ts';
import { explainRevert } from '../../chain/executor/calldata.ts';
import { type Resolver, requireResolved } from '../../chain/executor/resolve.ts';
import { ChainSendError, type Sender, sendTx } from '../../chain/executor/send.ts';
import { describeMultiLever } from '../../chain/lending/lever-multi-plan.ts';
import {
  describeOutcome,
  isLeverCalls,
  type LeverCalls,
  type LeverOutcome,
  leverCalls,
  leverOutcome,
} from '../../chain/lending/lever-outcome.ts';
import { type LeverPlan, LeverPlanError, planLever } from '../../chain/lending/lever-plan.ts';
import { ChainConfigError, checkChainSection, onchainPortfolioSchema } from '../../chain/rebalance/config.ts';
import { checkLendingSection } from '../../chain/rebalance/lending-config.ts';
import { parsePortfolio } from '../../core/config/parse.ts';
import { holdOf } from '../../core/cycle-decision.ts';
import { InputError, joinPath } from '../../core/errors.ts';
import type { Lender } from '../../core/lending/flash-funding.ts';
import { clientOrderIdFromPrefix } from '../../core/orders/client-order-id.ts';
import type { ChainTxIntent } from '../../store/chain-txs.ts';
import { Journal } from '../../store/journal.ts';
import { sqliteStore } from '../../store/ports.ts';
import { readDocument } from '../io.ts';
import { loadChainFile, requireChain } from './dex-quote.ts';
import { journalState } from './journal-state.ts';
import { readKey } from './private-key.ts';

export interface LeverRebalanceOptions {
  readonly rpc: string;
  readonly config: string;
  readonly execute?: boolean;
  readonly keyFile?: string;
  /** Journal file; default .ballast/journal.db. */
  readonly journal?: string;
  readonly chainFile?: string;
  readonly lender?: Lender | 'auto';
  readonly json?: boolean;
  readonly receiptTimeoutSec?: number;
  readonly portfolioId?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly write?: (text: string) => void;
}

export interface LeverRebalanceResult {
  readonly plan: LeverPlan;
  readonly outcome?: LeverOutcome;
  readonly text: string;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function describe(p: LeverPlan): string {
  if (p.multi !== undefined) return describeMultiLever(p);
  const [c, d] = p.legs;
  const lines = [
    `position: ${c!.symbol} collateral ${c!.collateral}, ${d!.symbol} debt ${d!.debt} (base units); LTV ${pct(p.ltv)}, health factor ${p.healthFactor.toFixed(4)} (floor ${p.lending.minHealthFactor}${p.lending.targetLtv !== undefined ? `, target LTV ${pct(p.lending.targetLtv)}` : ''})`,
    `net exposure: value ${p.netValue.toFixed(2)}, weights ${c!.symbol} ${pct(p.netWeights[0]!)} ${d!.symbol} ${pct(p.netWeights[1]!)}, drift ${pct(p.netDrift)}`,
  ];
  if (p.idle !== undefined) {
    lines.push(`plan: nothing to send: ${p.idle}`);
    return `${lines.join('\n')}\n`;
  }
  const f = p.funding!;
  const up = p.leverUp;
  lines.push(
    up === undefined
      ? `plan: repay ${p.deleverage.repay} ${d!.symbol} base units with a flash loan, withdraw and sell ${p.deleverage.withdraw} ${c!.symbol} base units`
      : `plan: lever up to LTV ${pct(up.targetLtv)}: flash-borrow and supply ${up.supply} ${c!.symbol} base units for the owner, borrow ${up.borrow} ${d!.symbol} base units on its behalf (credit delegation) and swap them back`,
  );
  for (const q of p.quotes)
    lines.push(
      `  lender ${q.lender}${q.pool ? ` ${q.pool}` : ''}: fee rate ${q.feeRate} (${q.lender === 'balancer' ? '1e18 = 100%' : q.lender === 'aave' ? 'bps' : 'pips'}), can lend ${q.available}`,
    );
  lines.push(
    `funding: ${f.lender}${f.pool ? ` pool ${f.pool}` : ''}, loan ${f.amount}, fee ${f.fee} base units (${p.feeQuote.toFixed(6)} in the quote)`,
  );
  for (const l of p.route!.legs)
    lines.push(`  swap ${l.amountIn} ${l.tokenIn} → ${l.amountOut} ${l.tokenOut} via ${l.protocol} ${l.pool}`);
  lines.push(
    `${up === undefined ? 'sale' : 'swap back'}: expected ${p.expectedOut} ${(up === undefined ? d : c)!.symbol} base units, minimum ${p.minOut} (maxSlippageBps); deadline ${p.deadline}; ${(p.data!.length - 2) / 2} bytes of calldata`,
  );
  return `${lines.join('\n')}\n`;
}

async function simulateLever(client: PublicClient, owner: Address, plan: LeverPlan): Promise<bigint> {
  const req = { account: owner, to: plan.lending.leverage, data: plan.data! };
  try {
    await client.call(req);
    return await client.estimateGas(req);
  } catch (e) {
    throw new LeverPlanError(`simulation of the lever transaction reverted, nothing sent: ${explainRevert(e)}`);
  }
}

function json(p: LeverPlan, outcome?: LeverOutcome, txHash?: Hex, simulatedGas?: bigint): string {
  const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  const { route: _r, call: _c, data, quotes, ...rest } = p;
  return `${JSON.stringify(
    {
      ...rest,
      quotes,
      calldataBytes: data === undefined ? 0 : (data.length - 2) / 2,
      routePools: p.route === undefined ? [] : p.route.legs.map((l) => l.pool),
      ...(simulatedGas !== undefined ? { simulatedGas } : {}),
      ...(txHash ? { txHash } : {}),
      ...(outcome ? { outcome } : {}),
    },
    big,
  )}\n`;
}

/** Records a lever transaction's outcome on its cycle (once): the fee paid, or "reverted, nothing changed". */
async function finishCycle(
  journal: Journal,
  client: PublicClient,
  t: ChainTxIntent,
  calls: LeverCalls,
): Promise<LeverOutcome | undefined> {
  if (t.receipt === null) return undefined;
  const c = journal.cycles.get(t.portfolioId, t.cycle);
  const outcome = await leverOutcome(client, t.txHash as Hex, calls);
  if (c.finishedAt === null)
    journal.cycles.finish({
      portfolioId: t.portfolioId,
      cycle: t.cycle,
      decision: outcome.kind === 'rebalanced' ? 'rebalanced' : 'failed',
      reason: describeOutcome(outcome),
      detail: outcome,
      at: Date.now(),
    });
  return outcome;
}

function loadPortfolio(path: string) {
  const raw = readDocument(path);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw InputError.one(path, '', 'expected a portfolio (quote, target, chain)');
  const doc = raw as Record<string, unknown>;
  const { chain: _, ...core } = doc;
  parsePortfolio(core, path);
  if (doc.chain === undefined)
    throw InputError.one(
      path,
      'chain',
      'missing: lever rebalance needs a chain section with `lending` (see docs/lending.md)',
    );
  const parsed = onchainPortfolioSchema.safeParse(doc);
  if (!parsed.success)
    throw new InputError(
      path,
      parsed.error.issues.map((i) => ({ path: joinPath(i.path), message: i.message.replace(/^Invalid input: /, '') })),
    );
  checkChainSection(parsed.data);
  checkLendingSection(parsed.data);
  // fields of `dex rebalance` and of the portfolio's own decision this command would otherwise silently ignore
  for (const k of ['trigger', 'costs', 'constraints', 'ignore'] as const)
    if (doc[k] !== undefined)
      throw InputError.one(
        path,
        k,
        "lever rebalance decides by chain.lending (targetLtv, minHealthFactor) and prices by the route, not by the portfolio's trigger, costs or constraints: remove it from this file",
      );
  if (parsed.data.chain.idle !== undefined)
    throw InputError.one(
      path,
      'chain.idle',
      'lever rebalance does not move an idle sleeve: rebalance it with `ballast dex rebalance` from a file without `lending`',
    );
  if (parsed.data.chain.approvals === 'permit2')
    throw InputError.one(
      path,
      'chain.approvals',
      'lever rebalance sends to BallastLeverage, which takes no Permit2 signature: use approvals: standing (the default)',
    );
  return { doc, p: parsed.data };
}

export async function leverRebalance(o: LeverRebalanceOptions): Promise<LeverRebalanceResult> {
  const write = o.write ?? ((s: string) => process.stdout.write(s));
  const { doc, p } = loadPortfolio(o.config);
  if (o.journal !== undefined) Journal.checkPath(o.journal);
  const f = loadChainFile(o.chainFile ?? findChainFile());
  const client = chainFileClient(o.rpc, f);
  const key = readKey(o.keyFile, o.env);
  const account = key ? privateKeyToAccount(key) : undefined;
  if (o.execute && !account)
    throw new ChainConfigError('--execute needs the key: set BALLAST_PRIVATE_KEY or --key-file');
  await requireChain(client, o.rpc, f.chainId);
  const owner: Address | undefined = account?.address ?? p.chain.owner;
  if (!owner)
    throw new ChainConfigError('no owner: set BALLAST_PRIVATE_KEY or --key-file, or chain.owner for a dry run');
  const id = o.portfolioId ?? 'lever';
  const journal = o.execute ? Journal.open(o.journal ?? '.ballast/journal.db', { writer: true }) : undefined;
  try {
    const base: Resolver | undefined =
      journal && account
        ? {
            client,
            account,
            chainId: f.chainId,
            journal: sqliteStore(journal).chainTxs,
            portfolioId: id,
            ...(o.receiptTimeoutSec !== undefined ? { receiptTimeoutMs: o.receiptTimeoutSec * 1000 } : {}),
          }
        : undefined;
    // every unfinished transaction of this portfolio or account looked up first (a crash between send and
    // receipt): a lever transaction found mined gets its outcome journaled like a fresh one
    if (journal && base) {
      for (const t of await requireResolved(base)) {
        const outcome = isLeverCalls(t.calls) ? await finishCycle(journal, client, t, t.calls) : undefined;
        const line = `resolved first: ${t.txHash} (nonce ${t.nonce}) ${t.state}${outcome ? `: ${describeOutcome(outcome)}` : ''}\n`;
        (o.json === true ? (x: string) => process.stderr.write(x) : write)(line);
      }
      // a run killed after the receipt was journaled but before its cycle was: the outcome recorded now
      for (const c of journal.cycles.unfinished()) {
        if (c.portfolioId !== id) continue;
        const t = minedLeg(journal, id, c.cycle);
        if (t !== undefined && isLeverCalls(t.calls)) await finishCycle(journal, client, t, t.calls);
      }
    }
    const plan = await planLever({ client, portfolio: p, fixture: f, owner, lender: o.lender ?? 'auto' });
    let text = describe(plan);
    if (plan.idle !== undefined) {
      write(o.json === true ? json(plan) : text);
      return { plan, text };
    }
    // simulated from the owner on the latest block (eth_call + eth_estimateGas): a revert is shown, nothing sent
    const gas = await simulateLever(client, owner, plan);
    text += `simulated: success, gas ${gas}\n`;
    if (!journal || !base) {
      text += 'dry run: nothing sent (add --execute to send it)\n';
      write(o.json === true ? json(plan, undefined, undefined, gas) : text);
      return { plan, text };
    }
    // The core's holds (issue #13), as on every path that sends: a pause (the kill switch's or a user's), an
    // order of this portfolio with an unknown outcome or one resting at a venue refuses it, nothing sent.
    const hold = holdOf(journalState(journal, id));
    if (hold !== null) throw new ChainConfigError(`portfolio ${id}: not sent: ${hold.reason}`);
    const now = Date.now();
    journal.portfolios.upsert({ id, config: doc, at: now });
    const cycle = journal.cycles.start(id, now).cycle;
    const s: Sender = { ...base, cycle };
    const calls = leverCalls(plan, owner);
    try {
      await sendTx(s, { to: plan.lending.leverage, data: plan.data!, leg: 0, calls });
    } catch (e) {
      // mined and reverted: journaled rejected with its receipt; its outcome recorded before the error goes up
      const t = minedLeg(journal, id, cycle);
      if (t === undefined) {
        journal.cycles.finish({
          portfolioId: id,
          cycle,
          decision: 'failed',
          reason: `not mined: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
          at: Date.now(),
        });
        throw e;
      }
      const outcome = await finishCycle(journal, client, t, calls);
      if (e instanceof ChainSendError && outcome?.kind === 'reverted')
        throw new ChainSendError(
          `lever transaction ${t.txHash} reverted in block ${outcome.block}: journaled "${describeOutcome(outcome)}"`,
        );
      throw e;
    }
    const t = minedLeg(journal, id, cycle)!;
    const outcome = (await finishCycle(journal, client, t, calls))!;
    text += `sent: ${t.txHash}: ${describeOutcome(outcome)}\n`;
    write(o.json === true ? json(plan, outcome, t.txHash as Hex) : text);
    return { plan, outcome, text };
  } finally {
    journal?.close();
  }
}

/** The cycle's lever transaction that has a receipt (any child), if one was mined. */
function minedLeg(journal: Journal, portfolioId: string, cycle: number): ChainTxIntent | undefined {
  const prefix = journal.chainTxs.core.prefixOf(portfolioId);
  for (let child = 0; child < 16; child++) {
    const cid = clientOrderIdFromPrefix(prefix, cycle, 0, child);
    let t: ChainTxIntent;
    try {
      t = journal.chainTxs.get(cid);
    } catch {
      return undefined;
    }
    if (t.receipt !== null) return t;
  }
  return undefined;
}
