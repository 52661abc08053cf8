/**
 * A sleeve basket's idle Aave sleeve as the keeper sees it (issue #22 item 2): whether the basket is a
 * BallastSleeveBasket (it answers `aavePool()`), each asset's aToken, the part supplied (aToken.balanceOf: the
 * underlying it redeems to), the reserve's available liquidity and total supply, read at one block; and the
 * keeper's sleeve setting (share and liquid buffer per asset) resolved against that basket. The setting lives on
 * the keeper's side (`ballast vault rebalance --sleeve/--buffer`, the basket venue's `sleeve:`): the share is an
 * operator's yield choice, while a holder's exit is guaranteed on-chain by the in-kind redeem in aTokens.
 */
import { type Address, type PublicClient, parseAbi, parseUnits, zeroAddress } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import { sleeveBasketArtifact } from './artifact.ts';

const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
]);

/** A sleeve setting the basket refutes (a plain basket, an asset without a reserve, too many decimals). */
export class SleeveConfigError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'SleeveConfigError';
  constructor(
    /** The field refused (`--sleeve WETH`, `sleeve.WETH.share`). */
    readonly field: string,
    /** What is wrong with it. */
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/** The basket's sleeve at one block, per asset in the basket's order (aToken zero: no reserve, no sleeve). */
export interface BasketSleeve {
  readonly pool: Address;
  readonly aTokens: readonly Address[];
  /** aToken.balanceOf(basket): the underlying the supplied part redeems to. */
  readonly supplied: readonly bigint[];
  /** The reserve's available liquidity: the underlying held by the aToken contract. */
  readonly available: readonly bigint[];
  /** aToken.totalSupply(): for the utilisation in a "withdraw limited" reason. */
  readonly reserveSupply: readonly bigint[];
}

/** The sleeve of a BallastSleeveBasket at `blockNumber`; undefined for a plain BallastBasket. */
export async function readBasketSleeve(
  client: PublicClient,
  basket: Address,
  assets: readonly Address[],
  blockNumber: bigint,
): Promise<BasketSleeve | undefined> {
  const abi = sleeveBasketArtifact().abi;
  let pool: Address;
  try {
    pool = (await client.readContract({ address: basket, abi, functionName: 'aavePool', blockNumber })) as Address;
  } catch {
    return undefined; // a plain basket has no aavePool()
  }
  const aTokens = (await client.readContract({
    address: basket,
    abi,
    functionName: 'aTokens',
    blockNumber,
  })) as readonly Address[];
  const read = (address: Address, functionName: 'balanceOf' | 'totalSupply', who?: Address) =>
    address === zeroAddress
      ? Promise.resolve(0n)
      : functionName === 'balanceOf'
        ? client.readContract({ address, abi: erc20, functionName, args: [who!], blockNumber })
        : client.readContract({ address, abi: erc20, functionName, blockNumber });
  const [supplied, available, reserveSupply] = await Promise.all([
    Promise.all(aTokens.map((a) => read(a, 'balanceOf', basket))),
    Promise.all(aTokens.map((a, i) => (a === zeroAddress ? 0n : read(assets[i]!, 'balanceOf', a)))),
    Promise.all(aTokens.map((a) => read(a, 'totalSupply'))),
  ]);
  return { pool, aTokens, supplied, available, reserveSupply };
}

/** One asset's setting as configured: the share of its holding kept supplied, the buffer in whole tokens. */
export interface SleeveAssetSetting {
  readonly share: number;
  /** Whole tokens, an exact decimal ("250.5"). */
  readonly buffer: string;
}

/** Symbol → setting. An asset not listed keeps its supplied part (only a sell beyond the wallet withdraws). */
export type SleeveSetting = Readonly<Record<string, SleeveAssetSetting>>;

/** A setting resolved against the basket, per asset in its order (undefined: not configured). */
export type ResolvedSleeve = readonly ({ readonly share: number; readonly buffer: bigint } | undefined)[];

/**
 * Resolves the setting against the basket: refused (one line naming `field(symbol)`) on a plain basket, for a
 * symbol that is not one of its assets or has no reserve in its Pool, or a buffer with more decimals than the token.
 */
export function resolveSleeve(
  setting: SleeveSetting,
  sleeve: BasketSleeve | undefined,
  assets: readonly { readonly symbol: string; readonly decimals: number }[],
  field: (symbol: string | undefined, part?: 'share' | 'buffer') => string,
): ResolvedSleeve {
  const syms = Object.keys(setting);
  if (syms.length === 0) return assets.map(() => undefined);
  if (!sleeve)
    throw new SleeveConfigError(
      field(undefined),
      `the basket is a plain BallastBasket, it has no idle sleeve (deploy a BallastSleeveBasket: \`ballast vault deploy --aave-pool fixture\`)`,
    );
  for (const s of syms) {
    const i = assets.findIndex((a) => a.symbol === s);
    if (i < 0)
      throw new SleeveConfigError(field(s), `not an asset of the basket (${assets.map((a) => a.symbol).join(', ')})`);
    if (sleeve.aTokens[i] === zeroAddress)
      throw new SleeveConfigError(field(s), `the basket's Aave Pool ${sleeve.pool} has no reserve for ${s}`);
    const st = setting[s]!;
    if (!(st.share >= 0 && st.share <= 1))
      throw new SleeveConfigError(field(s, 'share'), `${st.share} is not in [0, 1]`);
    if (!/^\d+(\.\d+)?$/.test(st.buffer))
      throw new SleeveConfigError(field(s, 'buffer'), `${JSON.stringify(st.buffer)} is not a non-negative decimal`);
    const frac = st.buffer.split('.')[1] ?? '';
    if (frac.length > assets[i]!.decimals)
      throw new SleeveConfigError(
        field(s, 'buffer'),
        `${st.buffer} has more than ${assets[i]!.decimals} decimals (${s})`,
      );
  }
  return assets.map((a) => {
    const st = setting[a.symbol];
    return st ? { share: st.share, buffer: parseUnits(st.buffer, a.decimals) } : undefined;
  });
}
