/**
 * The keeper's side of a basket run by the service (issue #21 item 2), in the chain layer; the service passes
 * it into the basket venue (src/venues/basket/), which adapts it to the core's Venue port.
 *
 * - balances: the basket's own token balances (a sleeve basket: wallet + what its aTokens redeem to); prices:
 *   the basket's own feeds, checked as the contract checks them (a feed it would refuse gives no price, so the
 *   service's guards hold the cycle).
 * - `placeBatch` (src/core/atomic-batch.ts): the trades the gate passed → legs by the joint router (and, in a
 *   sleeve basket, the sleeve's withdrawals and supplies for the venue's `sleeve:`, keeper-legs.ts) → the
 *   contract's checks off-chain (`checkBasketRebalance`): a rebalance the contract would refuse on the state just
 *   read is never sent, its reason is returned. Otherwise ONE `rebalance` transaction goes through the chain
 *   transaction sender: simulated, signed, journaled (client id of the portfolio, the cycle, leg 0) before it
 *   is broadcast, then its receipt. A second transaction for the same cycle cannot be journaled (the journal
 *   refuses a second hash under one client id), so it is never broadcast.
 * - `settleUnfinished`: before the runner observes anything, every unfinished transaction of the portfolio or
 *   of the keeper is resolved by lookup (resolve.ts); one still pending stops the cycle, nothing is planned.
 */

import { existsSync, readFileSync } from 'node:fs';
import {
  type Address,
  encodeFunctionData,
  formatUnits,
  type PrivateKeyAccount,
  type PublicClient,
  parseAbi,
} from 'viem';
import type { BatchOutcome, BatchRequest, SettleReport } from '../../core/atomic-batch.ts';
import { InputError } from '../../core/errors.ts';
import type { Balances, Clock, PriceQuote } from '../../core/ports.ts';
import { JournalConflictError } from '../../store/errors.ts';
import type { ChainTxPort } from '../../store/ports.ts';
import { chainFileClient } from '../client.ts';
import { requireResolved } from '../executor/resolve.ts';
import { ChainSendError, ChainTxPendingError, type Sender, sendTx } from '../executor/send.ts';
import type { Fixture } from '../fixture/types.ts';
import { basketArtifact } from './artifact.ts';
import { checkBasketRebalance } from './check.ts';
import { legsForTrades, symbolIn } from './keeper-legs.ts';
import { checkInput, readSnapshot } from './plan.ts';
import { type BasketState, readBasket } from './read.ts';
import { type ResolvedSleeve, resolveSleeve, SleeveConfigError, type SleeveSetting } from './sleeve.ts';
import { type BasketView, basketView } from './view.ts';

const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function decimals() view returns (uint8)',
]);
const feedAbi = parseAbi([
  'function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)',
  'function decimals() view returns (uint8)',
]);

/** What the keeper needs of the venue's config. */
export interface KeeperSettings {
  readonly name: string;
  readonly rpcUrl: string;
  readonly basket: Address;
  /** For messages: the chain file the fixture came from. */
  readonly chainFile: string;
  readonly maxSlippageBps: number;
  readonly deadlineSec: number;
  readonly receiptTimeoutMs: number;
  /** A sleeve basket's share and liquid buffer per asset (the venue's `sleeve:`); refused on a plain basket. */
  readonly sleeve?: SleeveSetting;
}

/** Where the config's fields are, for one-line refusals (`service: portfolios.p1.venue.basket: …`). */
export interface ConfigWhere {
  readonly source: string;
  readonly path: string;
}

export interface BasketAsset {
  readonly symbol: string;
  readonly address: Address;
  readonly decimals: number;
}

/** The chain file, or one line naming `chainFile`. */
export function readBasketChainFile(path: string, where: ConfigWhere): Fixture {
  const field = where.path === '' ? 'chainFile' : `${where.path}.chainFile`;
  const refuse = (m: string): never => {
    throw InputError.one(where.source, field, m);
  };
  if (!existsSync(path)) refuse(`${path} does not exist: start a local chain with \`ballast chain up\` (it writes it)`);
  let f: Partial<Fixture> | null = null;
  try {
    f = JSON.parse(readFileSync(path, 'utf8')) as Partial<Fixture>;
  } catch {
    refuse(`${path} is not JSON`);
  }
  if (f === null || typeof f.chainId !== 'number' || !Array.isArray(f.tokens) || !Array.isArray(f.pools))
    refuse(`${path} is not a chain file (chainId, tokens, pools)`);
  return f as Fixture;
}

export class BasketKeeper {
  readonly name: string;
  readonly keeper: Address;
  readonly client: PublicClient;
  private readonly clock: Clock;
  private readonly account: PrivateKeyAccount;
  readonly fixture: Fixture;
  private readonly chainTxs: ChainTxPort;
  private readonly where: ConfigWhere;
  private readonly targets: Readonly<Record<string, number>> | undefined;
  private assetsCache: BasketAsset[] | undefined;
  private sleeveCache: ResolvedSleeve | undefined;

  constructor(
    readonly c: KeeperSettings,
    d: {
      clock: Clock;
      account: PrivateKeyAccount;
      fixture: Fixture;
      chainTxs: ChainTxPort;
      where: ConfigWhere;
      targets?: Readonly<Record<string, number>>;
    },
  ) {
    this.name = c.name;
    this.clock = d.clock;
    this.account = d.account;
    this.keeper = d.account.address;
    this.fixture = d.fixture;
    this.chainTxs = d.chainTxs;
    this.where = d.where;
    this.targets = d.targets;
    this.client = chainFileClient(c.rpcUrl, d.fixture);
  }

  private refuse(field: string, message: string): never {
    throw InputError.one(this.where.source, this.where.path === '' ? field : `${this.where.path}.${field}`, message);
  }

  /** The basket's assets by symbol, read once; the portfolio's targets must be the basket's. */
  async assets(): Promise<BasketAsset[]> {
    if (this.assetsCache) return this.assetsCache;
    const code = await this.client.getCode({ address: this.c.basket });
    if (code === undefined || code === '0x') this.refuse('basket', `no contract at ${this.c.basket}`);
    const s = await readBasket(this.client, this.c.basket);
    const out = await Promise.all(
      s.assets.map(async (a) => {
        const symbol = symbolIn(this.fixture, a);
        if (symbol === a) this.refuse('chainFile', `the basket's asset ${a} is not a token of ${this.c.chainFile}`);
        const decimals = await this.client.readContract({ address: a, abi: erc20, functionName: 'decimals' });
        return { symbol, address: a, decimals };
      }),
    );
    if (this.targets) this.checkTargets(out, s);
    const snap = await readSnapshot(this.client, this.c.basket);
    try {
      this.sleeveCache = resolveSleeve(this.c.sleeve ?? {}, snap.sleeve, out, (sym, part) =>
        sym === undefined ? 'sleeve' : part === undefined ? `sleeve.${sym}` : `sleeve.${sym}.${part}`,
      );
    } catch (e) {
      if (e instanceof SleeveConfigError) this.refuse(e.field, e.detail);
      throw e;
    }
    this.assetsCache = out;
    return out;
  }

  private checkTargets(assets: readonly BasketAsset[], s: BasketState): void {
    const t = this.targets!;
    const mine = Object.fromEntries(assets.map((a, i) => [a.symbol, s.profile.targetBps[i]! / 10_000]));
    const same =
      Object.keys(t).length === assets.length &&
      assets.every((a) => Math.abs((t[a.symbol] ?? -1) - mine[a.symbol]!) < 1e-9);
    if (!same)
      this.refuse(
        'basket',
        `the basket's targets are ${JSON.stringify(mine)}, the portfolio's ${JSON.stringify(t)}: set the portfolio's target to the basket's (the contract checks drift against its own)`,
      );
  }

  /** The basket's holdings as the contract counts them: wallet plus, in a sleeve basket, what its aTokens redeem to. */
  async balances(): Promise<Balances> {
    const assets = await this.assets();
    const s = await readSnapshot(this.client, this.c.basket);
    const out: Record<string, number> = {};
    assets.forEach((a, i) => {
      const b = s.balances[i]!;
      if (b > 0n) out[a.symbol] = Number(formatUnits(b, a.decimals));
    });
    return out;
  }

  /**
   * Each asset's price in the quote at the basket's feeds, when both feeds pass the contract's oracle checks
   * (positive, complete round, inside the bounds, not older than the heartbeat at the head block). The time is
   * the feed's age at the head block, counted back from the injected clock.
   */
  async prices(assets: readonly string[], quote: string): Promise<PriceQuote[]> {
    const all = await this.assets();
    const s = await readBasket(this.client, this.c.basket);
    const head = (await this.client.getBlock()).timestamp;
    const read = async (symbol: string) => {
      const i = all.findIndex((a) => a.symbol === symbol);
      if (i < 0) return undefined;
      const f = s.profile.feeds[i]!;
      const [r, d] = await Promise.all([
        this.client.readContract({ address: f.feed, abi: feedAbi, functionName: 'latestRoundData' }),
        this.client.readContract({ address: f.feed, abi: feedAbi, functionName: 'decimals' }),
      ]);
      const [roundId, answer, , updatedAt, answeredInRound] = r;
      const fresh = updatedAt > 0n && updatedAt <= head && head - updatedAt <= BigInt(f.heartbeat);
      const ok = answer > 0n && answeredInRound >= roundId && answer > f.minAnswer && answer < f.maxAnswer;
      return ok && fresh ? { usd: Number(answer) / 10 ** d, ageSec: Number(head - updatedAt) } : undefined;
    };
    const q = await read(quote);
    if (q === undefined) return [];
    const out: PriceQuote[] = [];
    for (const a of assets) {
      const p = await read(a);
      if (p === undefined) continue;
      const age = Math.max(p.ageSec, q.ageSec);
      out.push({ asset: a, price: p.usd / q.usd, time: this.clock.now() - age * 1000, source: this.name });
    }
    return out;
  }

  private sender(portfolioId: string, cycle: number, hook?: BatchRequest['hook']): Sender {
    const id = `${portfolioId}/${cycle}`;
    return {
      client: this.client,
      account: this.account,
      chainId: this.fixture.chainId,
      journal: this.chainTxs,
      portfolioId,
      cycle,
      now: () => this.clock.now(),
      receiptTimeoutMs: this.c.receiptTimeoutMs,
      ...(hook
        ? {
            hook: (p: 'signed' | 'journaled' | 'broadcast') =>
              hook(p === 'signed' ? 'batch_signed' : p === 'journaled' ? 'batch_journaled' : 'batch_broadcast', id),
          }
        : {}),
    };
  }

  /** The dashboard's view of the basket (view.ts). */
  async view(): Promise<BasketView> {
    return basketView(this.client, this.fixture, this.c.basket, this.chainTxs);
  }

  async settleUnfinished(portfolioId: string): Promise<SettleReport> {
    const { cycle: _c, ...resolver } = this.sender(portfolioId, 0);
    const settled = await requireResolved(resolver);
    return { settled: settled.map((t) => ({ txHash: t.txHash, state: t.state })) };
  }

  async placeBatch(r: BatchRequest): Promise<BatchOutcome> {
    await this.assets();
    const s = await readSnapshot(this.client, this.c.basket);
    const deadline = s.now + BigInt(this.c.deadlineSec);
    let built: Awaited<ReturnType<typeof legsForTrades>>;
    try {
      built = await legsForTrades(this.client, this.fixture, s, r.trades, {
        quote: r.quote,
        maxSlippageBps: this.c.maxSlippageBps,
        deadline,
        ...(this.sleeveCache ? { sleeve: this.sleeveCache } : {}),
      });
    } catch (e) {
      return { status: 'refused', code: 'route', reason: `no legs: ${(e as Error).message.split('\n')[0]}` };
    }
    const { legs, minOuts, expectedOuts } = built;
    const limited = built.sleeve?.limited.map((l) => l.reason).join('; ');
    const check = checkBasketRebalance(checkInput(s, this.keeper, legs, minOuts, expectedOuts, deadline));
    if (!check.ok)
      return {
        status: 'refused',
        code: check.error,
        reason: `the basket would refuse it (${check.error}): ${check.message}${limited ? ` (${limited})` : ''}`,
      };
    r.hook?.('batch_before_sign', `${r.portfolioId}/${r.cycle}`);
    const args = [legs, minOuts, deadline] as const;
    const data = encodeFunctionData({ abi: basketArtifact().abi, functionName: 'rebalance', args });
    const calls = {
      kind: 'basket-rebalance',
      basket: this.c.basket,
      deadline: deadline.toString(),
      legs: legs.map((l) => ({ ...l, amountIn: l.amountIn.toString() })),
      minOuts: minOuts.map(String),
      expectedOuts: expectedOuts.map(String),
    };
    try {
      const sent = await sendTx(this.sender(r.portfolioId, r.cycle, r.hook), {
        to: this.c.basket,
        data,
        leg: 0,
        calls,
      });
      return {
        status: 'filled',
        txHash: sent.receipt.transactionHash,
        legs: legs.length,
        reason: `rebalanced in block ${sent.receipt.blockNumber}: ${legs.length} legs, gas ${sent.receipt.gasUsed}${limited ? `; partial: ${limited}` : ''}`,
      };
    } catch (e) {
      if (e instanceof ChainTxPendingError) return { status: 'unknown', reason: e.message };
      if (e instanceof JournalConflictError)
        return { status: 'refused', code: 'journal', reason: `not sent: ${e.message}` };
      if (e instanceof ChainSendError) {
        const m = /transaction (0x[0-9a-f]{64}) reverted/.exec(e.message);
        if (m) return { status: 'reverted', txHash: m[1]!, reason: e.message };
        return { status: 'refused', code: 'node', reason: e.message };
      }
      throw e;
    }
  }
}
