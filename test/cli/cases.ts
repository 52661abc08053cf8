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
}

const a =
  (...args: string[]) =>
  () =>
    args;
const PLAN = ['plan', '--config', 'p.yaml', '--balances', 'b.json', '--prices', 'px.json'];
const BT = ['backtest', '--prices', 'prices.csv', '--target', 'BTC=0.5,ETH=0.3,USD=0.2', '--strategy', 'band:0.05'];
const SW = ['sweep', '--prices', 'prices.csv', '--target', 'BTC=0.5,ETH=0.3,USD=0.2', '--families', 'band'];
const SW1 = [...SW, '--widths', '0.05', '--fees', '10'];
const DEP = ['--portfolio', 'main', '--asset', 'USDT', '--quantity', '1'];
const QUOTE = ['dex', 'quote', '--sell', 'WETH', '--buy', 'USDC', '--amount', '1'];
const CLOSED = 'http://127.0.0.1:9';

export const BAD: readonly BadCase[] = [
  // plan
  { name: 'plan: a non-numeric price', args: a(...PLAN.slice(0, 5), '--prices', 'badpx.json'), code: 1, names: 'ETH' },
  {
    name: 'plan: a price of 1e999',
    args: a(...PLAN.slice(0, 5), '--prices', 'inf.json'),
    code: 1,
    names: 'ETH',
    says: /not finite/,
  },
  { name: 'plan: a negative price', args: a(...PLAN.slice(0, 5), '--prices', 'neg.json'), code: 1, names: 'ETH' },
  {
    name: 'plan: binary balances',
    args: a('plan', '--config', 'p.yaml', '--balances', 'binary.json', '--prices', 'px.json'),
    code: 1,
    names: 'binary.json',
    says: /300 bytes.*not text/,
  },
  {
    name: 'plan: a binary config',
    args: a('plan', '--config', 'binary.json', '--balances', 'b.json', '--prices', 'px.json'),
    code: 1,
    names: 'binary.json',
    says: /not text/,
  },
  {
    name: 'plan: a missing config',
    args: a('plan', '--config', 'no.yaml', '--balances', 'b.json', '--prices', 'px.json'),
    code: 1,
    names: 'no.yaml',
  },
  {
    name: 'plan: balances are a directory',
    args: a('plan', '--config', 'p.yaml', '--balances', 'adir', '--prices', 'px.json'),
    code: 1,
    names: 'adir',
  },
  { name: 'plan: an unknown mode', args: a(...PLAN, '--mode', 'bogus'), code: 2, names: '--mode' },
  {
    name: 'plan: no --balances',
    args: a('plan', '--config', 'p.yaml', '--prices', 'px.json'),
    code: 2,
    names: '--balances',
  },
  { name: 'plan: --now is not a date', args: a(...PLAN, '--now', 'yesterday'), code: 2, names: '--now' },
  {
    name: 'plan: a fee of 5000 bps in the config',
    args: a('plan', '--config', 'fee.yaml', '--balances', 'b.json', '--prices', 'px.json'),
    code: 1,
    names: 'costs.feeBps',
    says: /--allow-high-fees/,
  },
  {
    name: 'plan: band 5 in the config',
    args: a('plan', '--config', 'band5.yaml', '--balances', 'b.json', '--prices', 'px.json'),
    code: 1,
    names: 'band',
  },
  // backtest
  {
    name: 'backtest: --report into a missing folder',
    args: a(...BT, '--report', 'nodir/sub/r.html'),
    code: 2,
    names: '--report',
    absent: ['nodir'],
  },
  { name: 'backtest: --report is a directory', args: a(...BT, '--report', 'adir'), code: 2, names: '--report' },
  {
    name: 'backtest: --report under a regular file',
    args: a(...BT, '--report', 'afile/r.html'),
    code: 2,
    names: '--report',
  },
  {
    name: 'backtest: --report with a .csv name',
    args: a(...BT, '--report', 'r.csv'),
    code: 2,
    names: '--report',
    absent: ['r.csv'],
  },
  { name: 'backtest: --equity is a directory', args: a(...BT, '--equity', 'adir'), code: 2, names: '--equity' },
  {
    name: 'backtest: --equity under a regular file',
    args: a(...BT, '--equity', 'afile/e.csv'),
    code: 2,
    names: '--equity',
  },
  {
    name: 'backtest: --equity with an .html name',
    args: a(...BT, '--equity', 'e.html'),
    code: 2,
    names: '--equity',
    absent: ['e.html'],
  },
  {
    name: 'backtest: a good report, a bad equity path',
    args: a(...BT, '--report', 'r.html', '--equity', 'adir'),
    code: 2,
    names: '--equity',
    absent: ['r.html'],
  },
  {
    name: 'backtest: --weights file missing',
    args: a(...BT.slice(0, 5), '--strategy', 'file@calendar:month', '--weights', 'nothere.csv'),
    code: 1,
    names: 'nothere.csv',
  },
  {
    name: 'backtest: --weights is a directory',
    args: a(...BT.slice(0, 5), '--strategy', 'file@calendar:month', '--weights', 'adir'),
    code: 1,
    names: 'adir',
  },
  {
    name: 'backtest: a fee of 1,000,000 bps',
    args: a(...BT, '--fee-bps', '1000000'),
    code: 2,
    names: '--fee-bps',
    says: /--allow-high-fees/,
  },
  { name: 'backtest: a negative fee', args: a(...BT, '--fee-bps', '-1'), code: 2, names: '--fee-bps' },
  {
    name: 'backtest: --capital -5',
    args: a(...BT, '--capital', '-5'),
    code: 2,
    names: '--capital',
    says: /must be > 0/,
  },
  { name: 'backtest: --capital NaN', args: a(...BT, '--capital', 'NaN'), code: 2, names: '--capital' },
  {
    name: 'backtest: --periods-per-year -1',
    args: a(...BT, '--periods-per-year', '-1'),
    code: 2,
    names: '--periods-per-year',
  },
  { name: 'backtest: band:5', args: a(...BT.slice(0, 5), '--strategy', 'band:5'), code: 2, names: 'band:5' },
  { name: 'backtest: band:1', args: a(...BT.slice(0, 5), '--strategy', 'band:1'), code: 2, names: 'band:1' },
  { name: 'backtest: an unknown strategy', args: a(...BT.slice(0, 5), '--strategy', 'nope'), code: 2, names: 'nope' },
  {
    name: 'backtest: duplicate asset in --target',
    args: a('backtest', '--prices', 'prices.csv', '--target', 'BTC=0.3,BTC=0.2,USD=0.5'),
    code: 2,
    names: 'BTC',
    says: /duplicate/,
  },
  { name: 'backtest: --start is not a date', args: a(...BT, '--start', '2024-13-45'), code: 2, names: '--start' },
  { name: 'backtest: --lag 2', args: a(...BT, '--lag', '2'), code: 2, names: '--lag' },
  { name: 'backtest: --prices missing', args: a('backtest', '--prices', 'none.csv'), code: 1, names: 'none.csv' },
  {
    name: 'backtest: an empty CSV cell',
    args: a('backtest', '--prices', 'emptycell.csv', '--target', 'BTC=0.5,ETH=0.3,USD=0.2'),
    code: 1,
    names: 'emptycell.csv:3',
  },
  {
    name: 'backtest: a binary CSV',
    args: a('backtest', '--prices', 'binary.csv'),
    code: 1,
    names: 'binary.csv',
    says: /not text/,
  },
  {
    name: 'backtest: a config with a 5000 bps fee',
    args: a('backtest', '--prices', 'prices.csv', '--config', 'fee.yaml'),
    code: 1,
    names: 'costs.feeBps',
  },
  // sweep
  {
    name: 'sweep: negative fees (range)',
    args: a(...SW, '--widths', '0.05', '--fees', '-5:50:3'),
    code: 2,
    names: '--fees',
  },
  {
    name: 'sweep: negative fees (list)',
    args: a(...SW, '--widths', '0.05', '--fees', '-5,10'),
    code: 2,
    names: '--fees',
  },
  {
    name: 'sweep: fees above 1,000 bps',
    args: a(...SW, '--widths', '0.05', '--fees', '0:2000:2'),
    code: 2,
    names: '--fees',
    says: /--allow-high-fees/,
  },
  {
    name: 'sweep: reversed fee range',
    args: a(...SW, '--widths', '0.05', '--fees', '50:0:6'),
    code: 2,
    names: '--fees',
  },
  {
    name: 'sweep: reversed width range',
    args: a(...SW, '--widths', '0.5:0.005:20', '--fees', '10'),
    code: 2,
    names: '--widths',
  },
  {
    name: 'sweep: widths reaching 1',
    args: a(...SW, '--widths', '0.5:2:3', '--fees', '10'),
    code: 2,
    names: '--widths',
  },
  { name: 'sweep: --workers 0', args: a(...SW1, '--workers', '0'), code: 2, names: '--workers' },
  { name: 'sweep: --capital -5', args: a(...SW1, '--capital', '-5'), code: 2, names: '--capital' },
  {
    name: 'sweep: --periods-per-year NaN',
    args: a(...SW1, '--periods-per-year', 'NaN'),
    code: 2,
    names: '--periods-per-year',
  },
  { name: 'sweep: advisor --fee -3', args: a(...SW1, '--fee', '-3'), code: 2, names: '--fee' },
  { name: 'sweep: --walk-forward 1.5', args: a(...SW1, '--walk-forward', '1.5'), code: 2, names: '--walk-forward' },
  { name: 'sweep: --out is a directory', args: a(...SW1, '--out', 'adir'), code: 2, names: '--out' },
  {
    name: 'sweep: --out with a .txt name',
    args: a(...SW1, '--out', 'r.txt'),
    code: 2,
    names: '--out',
    absent: ['r.txt'],
  },
  {
    name: 'sweep: --report under a regular file',
    args: a(...SW1, '--report', 'afile/r.html'),
    code: 2,
    names: '--report',
  },
  {
    name: 'sweep: --bars 1e12',
    args: a('sweep', '--synthetic', 'gbm', '--bars', '1e12', '--families', 'band', '--widths', '0.05', '--fees', '10'),
    code: 2,
    names: '--bars',
  },
  { name: 'sweep: an unknown metric', args: a(...SW1, '--metric', 'nope'), code: 2, names: 'nope' },
  {
    name: 'sweep: an unknown family',
    args: a(...SW.slice(0, 5), '--families', 'nope', '--widths', '0.05', '--fees', '10'),
    code: 2,
    names: 'nope',
  },
  // serve
  {
    name: 'serve: the API key variable is not set',
    args: a('serve', '--config', 'svc-keyenv.yaml'),
    code: 1,
    names: 'NO_SUCH_KEY_VAR',
    absent: ['j.sqlite'],
  },
  {
    name: 'serve: the key file is missing',
    args: a('serve', '--config', 'svc-keyfile.yaml'),
    code: 1,
    names: 'nothere.json',
    absent: ['j.sqlite'],
  },
  {
    name: 'serve: the key file is malformed',
    args: a('serve', '--config', 'svc-keybad.yaml'),
    code: 1,
    names: 'key.txt',
    absent: ['j.sqlite'],
  },
  {
    name: 'serve: a paper venue without a feed',
    args: a('serve', '--config', 'svc-nofeed.yaml'),
    code: 1,
    names: 'prices',
    absent: ['j.sqlite'],
  },
  {
    name: 'serve: api.host 0.0.0.0 without a token',
    args: a('serve', '--config', 'svc-open.yaml'),
    code: 1,
    names: 'token',
    absent: ['j.sqlite'],
  },
  {
    name: 'serve: api.host 0.0.0.0 with a short token',
    args: a('serve', '--config', 'svc-short.yaml'),
    code: 1,
    names: 'token',
    absent: ['j.sqlite'],
  },
  { name: 'serve: the journal is a directory', args: a('serve', '--config', 'svc-jdir.yaml'), code: 1, names: 'adir' },
  {
    name: 'serve: the journal is under a regular file',
    args: a('serve', '--config', 'svc-junder.yaml'),
    code: 1,
    names: 'afile/j.sqlite',
  },
  {
    name: 'serve: the journal is not SQLite',
    args: a('serve', '--config', 'svc-jnotdb.yaml'),
    code: 1,
    names: 'p.yaml',
  },
  {
    name: 'serve: --replay with --capital -5',
    args: a('serve', '--replay', 'prices.csv', '--capital', '-5'),
    code: 2,
    names: '--capital',
  },
  { name: 'serve: no --config', args: a('serve'), code: 2, names: '--config' },
  { name: 'serve: a missing config', args: a('serve', '--config', 'none.yaml'), code: 1, names: 'none.yaml' },
  // deposit / withdraw / resume
  {
    name: 'deposit: the journal is a directory',
    args: a('deposit', '--journal', 'adir', ...DEP),
    code: 1,
    names: 'adir',
  },
  {
    name: 'deposit: the journal does not exist',
    args: a('deposit', '--journal', 'nothere.sqlite', ...DEP),
    code: 1,
    names: 'nothere.sqlite',
    says: /does not exist/,
    absent: ['nothere.sqlite'],
  },
  {
    name: 'deposit: the journal is under a regular file',
    args: a('deposit', '--journal', 'afile/j.sqlite', ...DEP),
    code: 1,
    names: 'afile/j.sqlite',
  },
  {
    name: 'deposit: the journal is not SQLite',
    args: a('deposit', '--journal', 'p.yaml', ...DEP),
    code: 1,
    names: 'p.yaml',
  },
  {
    name: 'deposit: a negative quantity',
    args: a('deposit', '--journal', 'j.sqlite', '--portfolio', 'main', '--asset', 'USDT', '--quantity', '-1'),
    code: 2,
    names: '--quantity',
    absent: ['j.sqlite'],
  },
  {
    name: 'withdraw: quantity NaN',
    args: a('withdraw', '--journal', 'j.sqlite', '--portfolio', 'main', '--asset', 'USDT', '--quantity', 'NaN'),
    code: 2,
    names: '--quantity',
    absent: ['j.sqlite'],
  },
  {
    name: 'resume: an unknown portfolio',
    args: a('resume', 'nope', '--config', 'svc-nofeed.yaml'),
    code: 2,
    names: 'nope',
    absent: ['j.sqlite'],
  },
  { name: 'resume: a missing config', args: a('resume', 'main', '--config', 'none.yaml'), code: 1, names: 'none.yaml' },
  // sim and chain
  { name: 'sim: --port 99999', args: a('sim', '--port', '99999'), code: 2, names: '--port' },
  { name: 'sim: --walk-bps -1', args: a('sim', '--walk-bps', '-1'), code: 2, names: '--walk-bps' },
  { name: 'sim: a malformed config', args: a('sim', '--config', 'sim.yaml'), code: 1, names: 'sim.yaml' },
  { name: 'chain up: --port 99999', args: a('chain', 'up', '--port', '99999'), code: 2, names: '--port' },
  {
    name: 'chain up: a busy port',
    args: (c) => ['chain', 'up', '--port', String(c.busyPort)],
    code: 1,
    names: '--port',
  },
  {
    name: 'chain up: --out is a directory',
    args: a('chain', 'up', '--port', '0', '--out', 'adir'),
    code: 2,
    names: '--out',
  },
  // dex
  {
    name: 'dex quote: an unreachable RPC',
    args: a(...QUOTE, '--rpc', CLOSED, '--chain-file', 'chain.json'),
    code: 1,
    names: CLOSED,
  },
  {
    name: 'dex quote: --rpc notaurl',
    args: a(...QUOTE, '--rpc', 'notaurl', '--chain-file', 'chain.json'),
    code: 2,
    names: '--rpc',
    says: /not an http\(s\) URL/,
  },
  {
    name: 'dex quote: a malformed chain file',
    args: a(...QUOTE, '--rpc', CLOSED, '--chain-file', 'badchain.json'),
    code: 1,
    names: 'badchain.json',
  },
  {
    name: 'dex quote: an empty chain file',
    args: a(...QUOTE, '--rpc', CLOSED, '--chain-file', 'emptychain.json'),
    code: 1,
    names: 'emptychain.json',
  },
  { name: 'dex quote: no chain file', args: a(...QUOTE, '--rpc', CLOSED), code: 1, names: '.ballast/chain.json' },
  {
    name: 'dex quote: amount with letters',
    args: a(
      'dex',
      'quote',
      '--sell',
      'WETH',
      '--buy',
      'USDC',
      '--amount',
      '1x',
      '--rpc',
      CLOSED,
      '--chain-file',
      'chain.json',
    ),
    code: 2,
    names: '--amount',
  },
  {
    name: 'dex rebalance: no chain section',
    args: a('dex', 'rebalance', '--rpc', CLOSED, '--config', 'nochain.yaml', '--chain-file', 'chain.json'),
    code: 1,
    names: 'chain',
  },
  {
    name: 'dex rebalance: a closed port',
    args: a('dex', 'rebalance', '--rpc', CLOSED, '--config', 'onchain.yaml', '--chain-file', 'chain.json'),
    code: 1,
    names: CLOSED,
  },
  {
    name: 'dex rebalance: --rpc notaurl',
    args: a('dex', 'rebalance', '--rpc', 'notaurl', '--config', 'onchain.yaml'),
    code: 2,
    names: '--rpc',
  },
  {
    name: 'dex rebalance: the key file is missing',
    args: a(
      'dex',
      'rebalance',
      '--rpc',
      CLOSED,
      '--config',
      'onchain.yaml',
      '--chain-file',
      'chain.json',
      '--key-file',
      'nokey.txt',
    ),
    code: 1,
    names: 'nokey.txt',
  },
  {
    name: 'dex rebalance: the key file is malformed',
    args: a(
      'dex',
      'rebalance',
      '--rpc',
      CLOSED,
      '--config',
      'onchain.yaml',
      '--chain-file',
      'chain.json',
      '--key-file',
      'key.txt',
    ),
    code: 1,
    names: 'key.txt',
  },
  {
    name: 'dex rebalance: the key variable is malformed',
    args: a('dex', 'rebalance', '--rpc', CLOSED, '--config', 'onchain.yaml', '--chain-file', 'chain.json'),
    code: 1,
    names: 'BALLAST_PRIVATE_KEY',
    env: { BALLAST_PRIVATE_KEY: '0x1234' },
  },
  {
    name: 'dex rebalance: the journal is a directory',
    args: a(
      'dex',
      'rebalance',
      '--rpc',
      CLOSED,
      '--config',
      'onchain.yaml',
      '--chain-file',
      'chain.json',
      '--journal',
      'adir',
    ),
    code: 1,
    names: 'adir',
  },
  {
    name: 'dex rebalance: a missing config',
    args: a('dex', 'rebalance', '--rpc', CLOSED, '--config', 'none.yaml'),
    code: 1,
    names: 'none.yaml',
  },
];

export const NEAR: readonly NearMiss[] = [
  {
    name: 'plan: weights off by 1e-13',
    args: ['plan', '--config', 'nearly.yaml', '--balances', 'b.json', '--prices', 'px.json'],
  },
  {
    name: 'plan: a zero balance',
    args: ['plan', '--config', 'p.yaml', '--balances', 'zero.json', '--prices', 'px.json'],
  },
  { name: 'plan: edge mode', args: [...PLAN, '--mode', 'edge', '--json'], stdout: /^\{"rebalance":/ },
  { name: 'backtest: fee 0', args: [...BT, '--fee-bps', '0', '--json'], stdout: /"runs"/ },
  { name: 'backtest: CSV with CRLF', args: [...BT.slice(0, 1), '--prices', 'crlf.csv', ...BT.slice(3)] },
  { name: 'backtest: CSV with a BOM', args: [...BT.slice(0, 1), '--prices', 'bom.csv', ...BT.slice(3)] },
  { name: 'backtest: CSV without a final newline', args: [...BT.slice(0, 1), '--prices', 'nonl.csv', ...BT.slice(3)] },
  { name: 'backtest: fee of 1,000 bps exactly', args: [...BT, '--fee-bps', '1000'] },
  {
    name: 'backtest: fee of 2,000 bps with --allow-high-fees',
    args: [...BT, '--fee-bps', '2000', '--allow-high-fees'],
  },
  { name: 'backtest: band:0.99', args: [...BT.slice(0, 5), '--strategy', 'band:0.99'] },
  {
    name: 'backtest: report and equity',
    args: [...BT, '--report', 'r.html', '--equity', 'e.csv'],
    writes: ['r.html', 'e.csv'],
  },
  {
    name: 'backtest: weights file',
    args: [...BT.slice(0, 5), '--strategy', 'file@calendar:month', '--weights', 'weights.csv'],
  },
  { name: 'sweep: fees 0 and one worker', args: [...SW, '--widths', '0.05', '--fees', '0', '--workers', '1'] },
  { name: 'sweep: results as JSON', args: [...SW1, '--out', 'r.json'], writes: ['r.json'] },
  { name: 'plan: the example', args: ['plan', '--example'], stdout: /^(REBALANCE|hold): / },
  {
    name: 'plan: a portfolio worth 0 holds and says why',
    args: ['plan', '--config', 'p.yaml', '--balances', 'allzero.json', '--prices', 'px.json'],
    stdout: /^hold: the portfolio is worth 0/,
  },
];
