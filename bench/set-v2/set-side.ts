/**
 * Set Protocol v2's side of the comparison (issue #21 item 4): a SetToken created and issued by its manager, then
 * rebalanced by the GeneralIndexModule: startRebalance with the target units at the oracle prices, then `trade`
 * by the allowed trader (here the manager) until every target is met. The trader's WETH limit per trade is the
 * oracle value of the quantity plus `maxSlippageBps`, as Ballast's own limit.
 */
import type { Address, TransactionReceipt } from 'viem';
import type { TxSender } from '../../src/chain/client.ts';
import { FixtureError } from '../../src/chain/errors.ts';
import type { ValidPrice } from '../../src/chain/oracles/feeds.ts';
import {
  type ComponentTradeSettings,
  configureIndexTrading,
  createSetToken,
  issueSet,
  nextIndexTrade,
  type SetV2Contracts,
  startIndexRebalance,
  targetUnits,
  tradeIndex,
  type UnitPrice,
} from '../../src/chain/set-v2/index.ts';
import type { HeldToken } from './holdings.ts';

export interface SetBasket {
  readonly setToken: Address;
  /** Units per 1e18 of the SetToken, per component. */
  readonly units: readonly bigint[];
  /** The manager's one-time transactions: create, the two module initializations. */
  readonly setup: readonly TransactionReceipt[];
  /** The issue: one approval per component and `issue`. */
  readonly issue: readonly TransactionReceipt[];
}

export async function createBasket(
  tx: TxSender,
  set: SetV2Contracts,
  held: readonly HeldToken[],
  units: readonly bigint[],
  quantity: bigint,
): Promise<SetBasket> {
  const created = await createSetToken(tx, set, {
    components: held.map((t) => t.address),
    units,
    name: 'Ballast comparison 60/40',
    symbol: 'CMP6040',
  });
  const issued = await issueSet(tx, set, created.setToken, quantity);
  return { setToken: created.setToken, units, setup: created.receipts, issue: issued.receipts };
}

export function unitPrice(p: ValidPrice, decimals: number): UnitPrice {
  return { answer: p.answer, feedDecimals: p.decimals, decimals };
}

export interface SetRun {
  /** The manager's per-component settings and trader allow-list (needed once, kept for later rebalances). */
  readonly settings: readonly TransactionReceipt[];
  /** startRebalance and every trade. */
  readonly rebalance: readonly TransactionReceipt[];
  readonly trades: number;
}

/**
 * Rebalances the SetToken to `weightsBps` at the oracle prices with the given per-component settings. WETH must
 * be one of `held` (every GeneralIndexModule trade is against WETH).
 */
export async function rebalanceSet(
  tx: TxSender,
  set: SetV2Contracts,
  basket: SetBasket,
  held: readonly HeldToken[],
  weightsBps: readonly number[],
  prices: ReadonlyMap<string, ValidPrice>,
  settings: readonly ComponentTradeSettings[],
  weth: HeldToken,
  maxSlippageBps: number,
): Promise<SetRun> {
  const price = (t: HeldToken) => prices.get(t.address.toLowerCase())!;
  const targets = targetUnits(
    basket.units,
    held.map((t) => unitPrice(price(t), t.decimals)),
    weightsBps,
  );
  const settingsReceipts = await configureIndexTrading(tx, set, basket.setToken, settings, [tx.clients.account]);
  const rebalance: TransactionReceipt[] = [
    await startIndexRebalance(
      tx,
      set,
      basket.setToken,
      new Map(held.map((t, i) => [t.address.toLowerCase(), targets[i]!])),
    ),
  ];
  let trades = 0;
  for (const t of held) {
    if (t.address.toLowerCase() === weth.address.toLowerCase()) continue;
    for (let n = 0; n < 100; n++) {
      let next: { sellsComponent: boolean; quantity: bigint };
      try {
        next = await nextIndexTrade(tx, set, basket.setToken, t.address);
      } catch {
        break; // "Target already met"
      }
      // the component's value in WETH at the oracles: the most WETH spent when buying, the least received when selling
      const wethAmount =
        (next.quantity * price(t).answer * 10n ** BigInt(weth.decimals + price(weth).decimals)) /
        (price(weth).answer * 10n ** BigInt(t.decimals + price(t).decimals));
      const limit = next.sellsComponent
        ? (wethAmount * BigInt(10_000 - maxSlippageBps)) / 10_000n
        : (wethAmount * BigInt(10_000 + maxSlippageBps)) / 10_000n;
      try {
        rebalance.push(await tradeIndex(tx, set, basket.setToken, t.address, limit));
      } catch (e) {
        throw new FixtureError(`trade ${trades + 1} of ${t.symbol} (after ${trades} done): ${(e as Error).message}`);
      }
      trades++;
    }
  }
  return { settings: settingsReceipts, rebalance, trades };
}
