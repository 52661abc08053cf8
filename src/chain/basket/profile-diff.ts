/**
 * What a pending profile change changes (issue #21, the dashboard): each field of the basket's profile whose
 * proposed value differs from the active one, with both values, in the profile's field order. Targets are per
 * asset (`target.WETH`, as fractions), feeds per asset (`feed.WETH`), the pools as one list. Pure.
 */
import type { Address } from 'viem';
import type { BasketFeed, BasketPool, BasketProfile } from './artifact.ts';

export interface ProfileChange {
  readonly field: string;
  readonly from: number | boolean | string;
  readonly to: number | boolean | string;
}

const KIND: Record<number, string> = {
  0: 'v2',
  1: 'v3',
  2: 'balancer',
  4: 'v4',
  5: 'sleeve-withdraw',
  6: 'sleeve-supply',
};

const feedText = (f: BasketFeed | undefined): string =>
  f === undefined
    ? 'none'
    : `${f.feed.toLowerCase()} heartbeat ${f.heartbeat} s, answers in (${f.minAnswer}, ${f.maxAnswer})`;

function poolsText(pools: readonly BasketPool[], name: (a: Address) => string): string {
  const one = (p: BasketPool) =>
    `${KIND[p.kind] ?? `kind ${p.kind}`} ${name(p.tokenA)}/${name(p.tokenB)}` +
    (p.fee === 0 ? '' : ` fee ${p.fee}`) +
    (p.kind === 2 || p.kind === 4 ? ` ${p.poolId}` : '');
  return pools.length === 0 ? 'none' : pools.map(one).sort().join(', ');
}

/**
 * The changes from `active` to `pending`; `symbols` name the assets in the basket's order and `name` a token
 * address (in pools). Empty when the proposal equals the active profile.
 */
export function profileChanges(
  active: BasketProfile,
  pending: BasketProfile,
  symbols: readonly string[],
  name: (a: Address) => string,
): ProfileChange[] {
  const out: ProfileChange[] = [];
  const add = (field: string, from: number | boolean | string, to: number | boolean | string) => {
    if (from !== to) out.push({ field, from, to });
  };
  symbols.forEach((s, i) => {
    add(`target.${s}`, (active.targetBps[i] ?? 0) / 10_000, (pending.targetBps[i] ?? 0) / 10_000);
  });
  add('bandAbsBps', active.bandAbsBps, pending.bandAbsBps);
  add('bandRelBps', active.bandRelBps, pending.bandRelBps);
  add('calendar', active.calendar, pending.calendar);
  add('minInterval', active.minInterval, pending.minInterval);
  add('maxLossBps', active.maxLossBps, pending.maxLossBps);
  add('maxTurnoverBps', active.maxTurnoverBps, pending.maxTurnoverBps);
  add('keeper', active.keeper.toLowerCase(), pending.keeper.toLowerCase());
  add('keeperWindow', active.keeperWindow, pending.keeperWindow);
  add('feeBps', active.feeBps, pending.feeBps);
  add('feeRecipient', active.feeRecipient.toLowerCase(), pending.feeRecipient.toLowerCase());
  symbols.forEach((s, i) => {
    add(`feed.${s}`, feedText(active.feeds[i]), feedText(pending.feeds[i]));
  });
  add('pools', poolsText(active.pools, name), poolsText(pending.pools, name));
  return out;
}

/** One change as text, `field from → to`: targets as percentages, the rest as the contract stores them. */
export function changeText(ch: ProfileChange): string {
  const v = (x: ProfileChange['from']) =>
    ch.field.startsWith('target.') && typeof x === 'number' ? `${(x * 100).toFixed(2)}%` : String(x);
  return `${ch.field} ${v(ch.from)} → ${v(ch.to)}`;
}
