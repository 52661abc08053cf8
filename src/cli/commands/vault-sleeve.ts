/**
 * `ballast vault` and a sleeve basket (issue #22 item 2): the `--sleeve/--buffer` setting resolved against the
 * basket (a plain basket, an asset that is not the basket's or has no reserve: one line naming the flag, exit 1),
 * the status lines per asset (liquid vs supplied) and the rebalance's sleeve lines (withdrawals, supplies,
 * "withdraw limited").
 */
import { type Address, formatUnits, type PublicClient } from 'viem';
import { type BasketLeg, sleeveBasketArtifact } from '../../chain/basket/artifact.ts';
import type { BasketSnapshot } from '../../chain/basket/plan.ts';
import { type ResolvedSleeve, resolveSleeve } from '../../chain/basket/sleeve.ts';
import type { SleeveLegsPlan } from '../../chain/basket/sleeve-legs.ts';
import type { Fixture } from '../../chain/fixture/types.ts';
import { sleeveFlags } from './vault.ts';

const symbolOf = (fx: Fixture, a: Address) =>
  fx.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase())?.symbol ?? a;

/** `--sleeve`/`--buffer` against the basket just read. */
export function vaultSleeve(
  fx: Fixture,
  s: BasketSnapshot,
  sleeve: string | undefined,
  buffer: string | undefined,
): ResolvedSleeve {
  const setting = sleeveFlags(sleeve, buffer);
  const assets = s.state.assets.map((a, i) => ({ symbol: symbolOf(fx, a), decimals: s.tokenDecimals[i]! }));
  return resolveSleeve(setting, s.sleeve, assets, (sym, part) =>
    sym === undefined ? '--sleeve' : part === 'buffer' ? `--buffer ${sym}` : `--sleeve ${sym}`,
  );
}

/** Per asset: liquid and supplied (the aToken at the underlying it redeems to); empty for a plain basket. */
export function sleeveStatus(fx: Fixture, s: BasketSnapshot): { lines: string[]; json: Record<string, unknown> } {
  const sl = s.sleeve;
  if (!sl) return { lines: [], json: {} };
  const amt = (i: number, x: bigint) => `${formatUnits(x, s.tokenDecimals[i]!)} ${symbolOf(fx, s.state.assets[i]!)}`;
  const lines = [
    `idle sleeve on the Aave Pool ${sl.pool}: asset  liquid + supplied (aToken at the underlying it redeems to)`,
    ...s.state.assets.map(
      (_, i) =>
        `  ${amt(i, s.wallet[i]!)} liquid + ${BigInt(sl.aTokens[i]!) === 0n ? 'no reserve' : `${amt(i, sl.supplied[i]!)} supplied`} = ${amt(i, s.balances[i]!)}`,
    ),
  ];
  return {
    lines,
    json: {
      aavePool: sl.pool,
      sleeve: s.state.assets.map((a, i) => ({
        symbol: symbolOf(fx, a),
        aToken: sl.aTokens[i],
        liquid: s.wallet[i],
        supplied: sl.supplied[i],
        available: sl.available[i],
      })),
    },
  };
}

/** A sleeve leg's line, or undefined for a swap. */
export function sleeveLegLine(fx: Fixture, l: BasketLeg, decimals: (a: Address) => number): string | undefined {
  if (l.kind !== 5 && l.kind !== 6) return undefined;
  const asset = l.kind === 5 ? l.tokenOut : l.tokenIn;
  const x = `${formatUnits(l.amountIn, decimals(asset))} ${symbolOf(fx, asset)}`;
  return l.kind === 5 ? `withdraw ${x} from the Aave sleeve` : `supply ${x} to the Aave sleeve`;
}

/** "withdraw limited: …" lines and the scale of a partial rebalance. */
export function sleevePlanLines(p: SleeveLegsPlan | undefined): string[] {
  if (!p || p.limited.length === 0) return [];
  return [
    ...p.limited.map((l) => l.reason),
    `partial rebalance: ${(p.scale * 100).toFixed(1)}% of the way the targets need (what the reserves let be withdrawn now)`,
  ];
}

/** A sleeve basket's redeem: previewRedeem's amounts split into what is paid as the asset and as its aToken. */
export async function redeemParts(
  client: PublicClient,
  s: BasketSnapshot,
  shares: bigint,
  fx: Fixture,
): Promise<{ lines: string[]; json: Record<string, unknown> }> {
  if (!s.sleeve) return { lines: [], json: {} };
  const [wallet, sleeve] = (await client.readContract({
    address: s.basket,
    abi: sleeveBasketArtifact().abi,
    functionName: 'previewRedeemParts',
    args: [shares],
  })) as readonly [readonly bigint[], readonly bigint[]];
  const lines = s.state.assets.map((a, i) => {
    const sym = symbolOf(fx, a);
    const d = s.tokenDecimals[i]!;
    return `    of which ${formatUnits(wallet[i]!, d)} ${sym} and ${formatUnits(sleeve[i]!, d)} a${sym} (the supplied part, as aTokens)`;
  });
  return { lines, json: { parts: { wallet, sleeve, aTokens: s.sleeve.aTokens } } };
}
