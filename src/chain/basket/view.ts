/**
 * What the dashboard shows of a basket portfolio (issue #21 item 2): NAV per share at the basket's validated
 * oracle prices (its own `valuation()`, which reverts on a feed it would refuse: then no NAV and the reason),
 * each asset's weight against its target, the risk profile and a pending change, and the last rebalances
 * (the basket's `Rebalanced` events, each with its state in the journal's chain transaction store).
 */
import { type Address, formatUnits, type PublicClient } from 'viem';
import type { ChainTxPort } from '../../store/ports.ts';
import type { Fixture } from '../fixture/types.ts';
import { basketArtifact, basketErrorName } from './artifact.ts';
import { symbolIn } from './keeper-legs.ts';
import { type ProfileChange, profileChanges } from './profile-diff.ts';
import { readBasket, readValuation } from './read.ts';

export interface BasketView {
  readonly basket: Address;
  readonly supply: number;
  /** USD at the basket's validated feeds; null when a feed fails its checks (`navError` says which). */
  readonly nav: number | null;
  readonly navPerShare: number | null;
  readonly navError: string | null;
  readonly assets: readonly { symbol: string; balance: number; weight: number | null; target: number }[];
  readonly profile: {
    readonly bandAbsBps: number;
    readonly bandRelBps: number;
    readonly calendar: boolean;
    readonly minInterval: number;
    readonly maxLossBps: number;
    readonly maxTurnoverBps: number;
    readonly keeper: Address;
    readonly keeperWindow: number;
    readonly feeBps: number;
    readonly pools: number;
  };
  /** A proposed profile: its targets, what it changes (each field that differs, from → to), and from when it may apply. */
  readonly pending: {
    readonly targets: Record<string, number>;
    readonly changes: readonly ProfileChange[];
    readonly eta: number;
  } | null;
  readonly lastRebalance: number;
  readonly nextDue: number;
  readonly rebalances: readonly {
    txHash: string;
    block: number;
    navBefore: number;
    navAfter: number;
    legs: number;
    /** The journal's state of the transaction ('filled' …), or 'not journaled' (sent by another keeper). */
    status: string;
  }[];
}

const usd = (x: bigint) => Number(x) / 1e18;

export async function basketView(
  client: PublicClient,
  fx: Fixture,
  basket: Address,
  chainTxs: ChainTxPort,
  last = 10,
): Promise<BasketView> {
  const s = await readBasket(client, basket);
  const symbols = s.assets.map((a) => symbolIn(fx, a));
  const decimals = s.assets.map((a) => fx.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase())?.decimals);
  let nav: bigint | null = null;
  let navError: string | null = null;
  let values: readonly bigint[] = [];
  let balances: readonly bigint[] = [];
  try {
    const v = await readValuation(client, basket);
    nav = v.nav;
    values = v.values;
    balances = v.balances;
  } catch (e) {
    navError = `the basket's feeds fail its checks (${basketErrorName(e) ?? 'revert'}): no NAV`;
  }
  const supply = s.totalSupply + s.pendingFeeShares;
  const logs = await client.getContractEvents({
    address: basket,
    abi: basketArtifact().abi,
    eventName: 'Rebalanced',
    fromBlock: 0n,
  });
  const rebalances = await Promise.all(
    logs.slice(-last).map(async (l) => {
      const a = l.args as { navBefore: bigint; navAfter: bigint; legs: bigint };
      const tx = await chainTxs.findByHash(l.transactionHash);
      return {
        txHash: l.transactionHash,
        block: Number(l.blockNumber),
        navBefore: usd(a.navBefore),
        navAfter: usd(a.navAfter),
        legs: Number(a.legs),
        status: tx?.state ?? 'not journaled',
      };
    }),
  );
  const p = s.profile;
  return {
    basket,
    supply: Number(formatUnits(s.totalSupply, 18)),
    nav: nav === null ? null : usd(nav),
    navPerShare: nav === null || supply === 0n ? null : usd((nav * 10n ** 18n) / supply),
    navError,
    assets: symbols.map((symbol, i) => ({
      symbol,
      balance: balances[i] === undefined ? 0 : Number(formatUnits(balances[i]!, decimals[i] ?? 18)),
      weight: nav === null || nav === 0n ? null : Number((values[i]! * 1_000_000n) / nav) / 1_000_000,
      target: p.targetBps[i]! / 10_000,
    })),
    profile: {
      bandAbsBps: p.bandAbsBps,
      bandRelBps: p.bandRelBps,
      calendar: p.calendar,
      minInterval: p.minInterval,
      maxLossBps: p.maxLossBps,
      maxTurnoverBps: p.maxTurnoverBps,
      keeper: p.keeper,
      keeperWindow: p.keeperWindow,
      feeBps: p.feeBps,
      pools: p.pools.length,
    },
    pending:
      s.pending === undefined
        ? null
        : {
            targets: Object.fromEntries(symbols.map((sym, i) => [sym, s.pending!.profile.targetBps[i]! / 10_000])),
            changes: profileChanges(p, s.pending.profile, symbols, (a) => symbolIn(fx, a)),
            eta: Number(s.pending.eta),
          },
    lastRebalance: Number(s.lastRebalance),
    nextDue: Number(s.lastRebalance + BigInt(p.minInterval)),
    rebalances: rebalances.reverse(),
  };
}
