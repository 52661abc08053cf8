/**
 * The bad-input table of issue #16: what a new user types, across every command. Each bad case fails with
 * `code`, and the first line of stderr names `names` (the file, flag, field or asset at fault); `absent`
 * are paths that must not exist afterwards. Near-misses are valid inputs close to a bad one: they succeed.
 */
export interface Ctx {
  /** A port something already listens on (127.0.0.1). */
  readonly busyPort: number;
}

export interface BadCase {
  readonly name: string;
  readonly args: (ctx: Ctx) => string[];
  readonly code: 1 | 2;
  readonly names: string;
  /** The first line must also match this (what is wrong, in words a user can act on). */
  readonly says?: RegExp;
  readonly absent?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export interface NearMiss {
  readonly name: string;
  readonly args: string[];
  /** Files the command writes (all others must not appear). */
  readonly writes?: readonly string[];
  readonly stdout?: RegExp;
  /** A warning it must print (one line on stderr), and still succeed. */
  readonly stderr?: RegExp;
}

export const a =
  (...args: string[]) =>
  () =>
    args;
export const PLAN = ['plan', '--config', 'p.yaml', '--balances', 'b.json', '--prices', 'px.json'];
export const BT = [
  'backtest',
  '--prices',
  'prices.csv',
  '--target',
  'BTC=0.5,ETH=0.3,USD=0.2',
  '--strategy',
  'band:0.05',
];
export const SW = ['sweep', '--prices', 'prices.csv', '--target', 'BTC=0.5,ETH=0.3,USD=0.2', '--families', 'band'];
export const SW1 = [...SW, '--widths', '0.05', '--fees', '10'];
export const DEP = ['--portfolio', 'main', '--asset', 'USDT', '--quantity', '1'];
export const QUOTE = ['dex', 'quote', '--sell', 'WETH', '--buy', 'USDC', '--amount', '1'];
export const CLOSED = 'http://127.0.0.1:9';
