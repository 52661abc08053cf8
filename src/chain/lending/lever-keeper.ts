/**
 * The chain side of a lending position run by the service (issue #23), passed into the lever venue
 * (src/venues/lever/) as the basket's keeper is into the basket venue.
 *
 * - `read`: one `planLever` (lever-plan.ts) at the latest block: the owner's Aave position, oracle-validated
 *   prices, the deleverage or lever-up plan to the target LTV capped by the health-factor floor, the route with
 *   real minOuts and every lender's fee read now, the cheapest chosen. The venue shows it to the core (the
 *   position as holdings, the flash fee as a cost).
 * - `placeBatch`: plans afresh (the state may have moved since the decision), refuses what the decision did not
 *   ask for (the other direction, or nothing to do), simulates, then sends ONE transaction through the chain
 *   transaction sender: signed, journaled (client id of the portfolio, the cycle, leg 0) before it is broadcast,
 *   then its receipt; the outcome (the flash fee actually paid, from the contract's event) is returned.
 * - `settleUnfinished`: every unfinished transaction of the portfolio or the key resolved by lookup first, the
 *   fee of a lever transaction found mined named with it; one still pending stops the cycle.
 */
import type { Address, Hex, PrivateKeyAccount, PublicClient } from 'viem';
import type { BatchOutcome, BatchRequest, SettleReport } from '../../core/atomic-batch.ts';
import type { PortfolioConfig } from '../../core/config/schema.ts';
import type { Lender } from '../../core/lending/flash-funding.ts';
import { type LendingCycleView, multiTargetOf } from '../../core/lending/position-venue.ts';
import type { Clock } from '../../core/ports.ts';
import { JournalConflictError } from '../../store/errors.ts';
import type { ChainTxPort } from '../../store/ports.ts';
import { chainFileClient } from '../client.ts';
import { explainRevert } from '../executor/calldata.ts';
import { requireResolved } from '../executor/resolve.ts';
import { ChainSendError, ChainTxPendingError, type Sender, sendTx } from '../executor/send.ts';
import type { Fixture } from '../fixture/types.ts';
import { aggregatorAbi, type FeedConfig } from '../oracles/feeds.ts';
import type { OnchainPortfolio } from '../rebalance/config.ts';
import { describeOutcome, isLeverCalls, leverCalls, leverOutcome } from './lever-outcome.ts';
import { type LeverPlan, planLever } from './lever-plan.ts';

/** What the keeper needs of the venue's config. */
export interface LeverKeeperSettings {
  readonly name: string;
  readonly rpcUrl: string;
  readonly leverage: Address;
  readonly pool: 'fixture' | Address;
  /** One symbol, or several (then the portfolio's target gives the target LTV and the shares). */
  readonly collateral: string | readonly string[];
  readonly debt: string | readonly string[];
  readonly minHealthFactor: number;
  readonly feeds: Readonly<Record<string, FeedConfig>>;
  readonly lender: Lender | 'auto';
  readonly maxSlippageBps: number;
  readonly maxDeviationBps: number;
  readonly deadlineSec: number;
  readonly receiptTimeoutMs: number;
}

export interface LeverRead {
  readonly view: LendingCycleView;
  /** The collateral's price in the debt asset, and the older feed's age (seconds at the head block). */
  readonly collateralPrice: number;
  readonly priceAgeSec: number;
  readonly plan: LeverPlan;
}

const units = (x: bigint, d: number) => Number(x) / 10 ** d;

export class LeverKeeper {
  readonly client: PublicClient;
  readonly owner: Address;
  private readonly portfolio: OnchainPortfolio;
  /** Several collateral or debt assets (the general plan; no direction check: one plan moves every weight). */
  private readonly multi: boolean;
  /** The (first) collateral asset. */
  private readonly collateral: string;

  constructor(
    readonly c: LeverKeeperSettings,
    private readonly d: {
      clock: Clock;
      account: PrivateKeyAccount;
      fixture: Fixture;
      chainTxs: ChainTxPort;
      /** The service portfolio (its target holds the target LTV: the debt's weight). */
      portfolio: PortfolioConfig;
    },
  ) {
    this.client = chainFileClient(c.rpcUrl, d.fixture);
    this.owner = d.account.address;
    const cs = typeof c.collateral === 'string' ? [c.collateral] : [...c.collateral];
    const ds = typeof c.debt === 'string' ? [c.debt] : [...c.debt];
    this.multi = cs.length > 1 || ds.length > 1;
    this.collateral = cs[0] as string;
    const { targetLtv, shares } = multiTargetOf(d.portfolio.target, cs, ds);
    this.portfolio = {
      ...d.portfolio,
      chain: {
        tokens: Object.fromEntries(d.fixture.tokens.map((t) => [t.symbol, t.address])),
        feeds: c.feeds,
        maxSlippageBps: c.maxSlippageBps,
        maxDeviationBps: c.maxDeviationBps,
        approvals: 'standing',
        deadlineSec: c.deadlineSec,
        lending: {
          pool: c.pool,
          leverage: c.leverage,
          ...(this.multi
            ? { collateral: cs, debt: ds, shares }
            : { collateral: cs[0] as string, debt: ds[0] as string }),
          minHealthFactor: c.minHealthFactor,
          targetLtv,
        },
      },
    };
  }

  async read(): Promise<LeverRead> {
    const plan = await planLever({
      client: this.client,
      portfolio: this.portfolio,
      fixture: this.d.fixture,
      owner: this.owner,
      lender: this.c.lender,
    });
    // the first collateral and the first debt asset (the quote); one of each but for a multi-asset position
    const cl = plan.legs.find((l) => l.symbol === plan.collateral.symbol) as (typeof plan.legs)[0];
    const dl = plan.legs.find((l) => l.symbol === plan.debt.symbol) as (typeof plan.legs)[0];
    const C = units(cl.collateral, cl.decimals) * cl.price;
    const D = units(dl.debt, dl.decimals) * dl.price;
    // the plan validated both feeds (heartbeat + margin); the service's price-age guard sees their age too
    const head = (await this.client.getBlock()).timestamp;
    const age = async (s: string): Promise<number> => {
      const f = this.c.feeds[s]!;
      const [, , , updatedAt] = await this.client.readContract({
        address: f.address,
        abi: aggregatorAbi,
        functionName: 'latestRoundData',
      });
      return Number(head > updatedAt ? head - updatedAt : 0n);
    };
    const view: LendingCycleView = {
      collateral: cl.symbol,
      debt: dl.symbol,
      collateralValue: C / dl.price,
      debtValue: D / dl.price,
      ltv: plan.ltv,
      healthFactor: plan.healthFactor,
      minHealthFactor: this.c.minHealthFactor,
      flash:
        plan.funding === undefined
          ? null
          : { lender: plan.funding.lender, fee: plan.funding.fee.toString(), feeQuote: plan.feeQuote / dl.price },
      ...(plan.idle !== undefined ? { idle: plan.idle } : {}),
      ...(plan.multi !== undefined
        ? {
            assets: plan.multi.legs.map((l) => ({
              symbol: l.symbol,
              role: l.role,
              value: (units(l.amount, l.decimals) * l.price) / dl.price,
              price: l.price / dl.price,
            })),
            collateralValue:
              plan.multi.legs
                .filter((l) => l.role === 'collateral')
                .reduce((s, l) => s + units(l.amount, l.decimals) * l.price, 0) / dl.price,
            debtValue:
              plan.multi.legs
                .filter((l) => l.role === 'debt')
                .reduce((s, l) => s + units(l.amount, l.decimals) * l.price, 0) / dl.price,
          }
        : {}),
    };
    const ages = await Promise.all(plan.legs.map((l) => age(l.symbol)));
    const priceAgeSec = Math.max(...ages);
    return { view, collateralPrice: cl.price / dl.price, priceAgeSec, plan };
  }

  private sender(portfolioId: string, cycle: number, hook?: BatchRequest['hook']): Sender {
    const id = `${portfolioId}/${cycle}`;
    return {
      client: this.client,
      account: this.d.account,
      chainId: this.d.fixture.chainId,
      journal: this.d.chainTxs,
      portfolioId,
      cycle,
      now: () => this.d.clock.now(),
      receiptTimeoutMs: this.c.receiptTimeoutMs,
      ...(hook
        ? {
            hook: (p: 'signed' | 'journaled' | 'broadcast') =>
              hook(p === 'signed' ? 'batch_signed' : p === 'journaled' ? 'batch_journaled' : 'batch_broadcast', id),
          }
        : {}),
    };
  }

  async settleUnfinished(portfolioId: string): Promise<SettleReport> {
    const { cycle: _c, ...resolver } = this.sender(portfolioId, 0);
    const settled = await requireResolved(resolver);
    const out = [];
    for (const t of settled) {
      let outcome: string | undefined;
      if (isLeverCalls(t.calls) && t.receipt !== null)
        outcome = describeOutcome(await leverOutcome(this.client, t.txHash as Hex, t.calls));
      out.push({ txHash: t.txHash, state: t.state, ...(outcome ? { outcome } : {}) });
    }
    return { settled: out };
  }

  async placeBatch(r: BatchRequest): Promise<BatchOutcome> {
    // the core asked to buy the collateral (lower the debt's share: deleverage) or to sell it (lever up)
    const leg = this.multi ? r.trades[0] : r.trades.find((t) => t.asset === this.collateral);
    if (leg === undefined)
      return { status: 'refused', code: 'plan', reason: `no trade of ${this.collateral}: nothing to do` };
    let plan: LeverPlan;
    try {
      plan = (await this.read()).plan;
    } catch (e) {
      return { status: 'refused', code: 'plan', reason: `not sent: ${(e as Error).message.split('\n')[0]}` };
    }
    if (plan.idle !== undefined || plan.data === undefined)
      return { status: 'refused', code: 'on_target', reason: `not sent: ${plan.idle ?? 'nothing to send'}` };
    const up = plan.leverUp !== undefined;
    if (!this.multi && (leg.side === 'buy') === up)
      return {
        status: 'refused',
        code: 'direction',
        reason: `not sent: the decision asked to ${leg.side === 'buy' ? 'deleverage' : 'lever up'}, the position read now needs the other way (LTV ${plan.ltv.toFixed(4)})`,
      };
    try {
      await this.client.call({ account: this.owner, to: plan.lending.leverage, data: plan.data });
    } catch (e) {
      return {
        status: 'refused',
        code: 'simulation',
        reason: `simulation reverted, nothing sent: ${explainRevert(e)}`,
      };
    }
    r.hook?.('batch_before_sign', `${r.portfolioId}/${r.cycle}`);
    const calls = leverCalls(plan, this.owner);
    try {
      const sent = await sendTx(this.sender(r.portfolioId, r.cycle, r.hook), {
        to: plan.lending.leverage,
        data: plan.data,
        leg: 0,
        calls,
      });
      const o = await leverOutcome(this.client, sent.receipt.transactionHash, calls);
      return { status: 'filled', txHash: sent.receipt.transactionHash, legs: 1, reason: describeOutcome(o) };
    } catch (e) {
      if (e instanceof ChainTxPendingError) return { status: 'unknown', reason: e.message };
      if (e instanceof JournalConflictError)
        return { status: 'refused', code: 'journal', reason: `not sent: ${e.message}` };
      if (e instanceof ChainSendError) {
        const m = /transaction (0x[0-9a-f]{64}) reverted/.exec(e.message);
        if (m) {
          const o = await leverOutcome(this.client, m[1] as Hex, calls);
          return { status: 'reverted', txHash: m[1]!, reason: describeOutcome(o) };
        }
        return { status: 'refused', code: 'node', reason: e.message };
      }
      throw e;
    }
  }
}
