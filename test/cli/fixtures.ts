/**
 * The small files the bad-input table (bad-inputs.test.ts) puts into each case's fresh working directory,
 * as a new user would have them next to where they type: good ones, and each kind of bad one.
 */
const HEX40 = (c: string) => `0x${c.repeat(40)}`;

/** A chain file with the shape `ballast chain up` writes (its node is not running: the RPC is closed). */
const chainFile = {
  chainId: 1337,
  rpcUrl: 'http://127.0.0.1:9',
  deployer: HEX40('1'),
  tokens: [
    { symbol: 'WETH', name: 'Wrapped Ether', decimals: 18, address: HEX40('a'), priceUsd: '3000', usdFeed: HEX40('b') },
    { symbol: 'USDC', name: 'USD Coin', decimals: 6, address: HEX40('c'), priceUsd: '1', usdFeed: HEX40('d') },
  ],
  pools: [],
  contracts: Object.fromEntries(
    [
      'multicall3',
      'v3TickLens',
      'weth9',
      'uniswapV2Factory',
      'uniswapV2Router02',
      'uniswapV3Factory',
      'nonfungiblePositionManager',
      'swapRouter',
      'quoterV2',
      'balancerAuthorizer',
      'balancerVault',
      'weightedPoolFactory',
      'stablePoolFactory',
    ].map((k, i) => [k, `0x${String(i + 2).padStart(40, '0')}`]),
  ),
  block: 1,
};

const onchain = `quote: USDC
target: { WETH: 0.5, USDC: 0.5 }
chain:
  tokens: { WETH: "${HEX40('a')}", USDC: "${HEX40('c')}" }
  feeds:
    WETH: { address: "${HEX40('b')}", heartbeatSec: 3600, marginSec: 60 }
    USDC: { address: "${HEX40('d')}", heartbeatSec: 86400, marginSec: 60 }
  executor: "${HEX40('e')}"
  owner: "${HEX40('f')}"
  maxSlippageBps: 50
  maxDeviationBps: 100
`;

const svc = (venue: string, extra = '') =>
  `journal: j.sqlite\nportfolios:\n  - id: main\n    portfolio: { quote: USDT, target: { BTC: 0.5, USDT: 0.5 } }\n    venue: ${venue}\n${extra}`;
const paperFeed =
  '{ type: paper, initial: { USDT: 1000 }, prices: { type: ccxt, exchange: binance, url: "http://127.0.0.1:9" } }';

const bars = ['2024-01-01,40000,2000', '2024-01-02,41000,2100', '2024-01-03,39000,1900', '2024-01-04,42000,2050'];
const csv = (eol: string) => `date,BTC,ETH${eol}${bars.join(eol)}${eol}`;

/** Binary bytes (not text): NULs and bytes that are not UTF-8. */
const BINARY = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));

export const FIXTURES: Readonly<Record<string, string | Buffer>> = {
  'p.yaml': 'quote: USDT\ntarget: { BTC: 0.5, ETH: 0.3, USDT: 0.2 }\n',
  'b.json': '{"BTC": 1, "ETH": 10, "USDT": 5000}',
  'px.json': '{"BTC": 60000, "ETH": 3000, "USDT": 1}',
  'badpx.json': '{"BTC": 60000, "ETH": "abc", "USDT": 1}',
  'inf.json': '{"BTC": 60000, "ETH": 1e999, "USDT": 1}',
  'neg.json': '{"BTC": 60000, "ETH": -3000, "USDT": 1}',
  'zero.json': '{"BTC": 1, "ETH": 0, "USDT": 0}',
  'allzero.json': '{"BTC": 0, "ETH": 0, "USDT": 0}',
  'binary.json': BINARY,
  'fee.yaml': 'quote: USDT\ntarget: { BTC: 0.5, ETH: 0.3, USDT: 0.2 }\ncosts: { feeBps: 5000 }\n',
  'band5.yaml': 'quote: USDT\ntarget: { BTC: 0.5, ETH: 0.3, USDT: 0.2 }\ntrigger: { type: band, band: 5 }\n',
  'nearly.yaml': 'quote: USDT\ntarget: { BTC: 0.5, ETH: 0.3, USDT: 0.2000000000001 }\n',
  'prices.csv': csv('\n'),
  'crlf.csv': csv('\r\n'),
  'bom.csv': `\uFEFF${csv('\n')}`,
  'nonl.csv': csv('\n').trimEnd(),
  'jump.csv':
    'date,BTC,ETH\n2024-01-01,40000,2000\n2024-01-02,41000,2100\n2024-01-03,287000,2050\n2024-01-04,42000,2000\n',
  'hourly.csv': `date,BTC,ETH\n${[0, 1, 2, 3, 4].map((h) => `2024-01-01T0${h}:00:00Z,${40000 + h},${2000 + h}`).join('\n')}\n`,
  'emptycell.csv': 'date,BTC,ETH\n2024-01-01,40000,2000\n2024-01-02,,2100\n2024-01-03,39000,1900\n',
  'binary.csv': BINARY,
  'weights.csv': 'date,asset,weight\n2024-01-01,BTC,0.5\n2024-01-01,ETH,0.3\n2024-01-01,USD,0.2\n',
  'svc-keyenv.yaml': svc(
    '{ type: ccxt, exchange: binance, apiKeyEnv: NO_SUCH_KEY_VAR, secretEnv: NO_SUCH_SECRET_VAR }',
  ),
  'svc-keyfile.yaml': svc('{ type: ccxt, exchange: binance, keyFile: nothere.json }'),
  'svc-keybad.yaml': svc('{ type: ccxt, exchange: binance, keyFile: key.txt }'),
  'svc-nofeed.yaml': svc('{ type: paper, initial: { USDT: 1000 } }'),
  'svc-open.yaml': svc(paperFeed, 'api: { host: 0.0.0.0, port: 0, tokenEnv: NO_SUCH_TOKEN_VAR }\n'),
  'svc-short.yaml': svc(paperFeed, 'api: { host: 0.0.0.0, port: 0, tokenFile: short-token.txt }\n'),
  'svc-jdir.yaml': svc(paperFeed).replace('journal: j.sqlite', 'journal: adir'),
  'svc-junder.yaml': svc(paperFeed).replace('journal: j.sqlite', 'journal: afile/j.sqlite'),
  'svc-jnotdb.yaml': svc(paperFeed).replace('journal: j.sqlite', 'journal: p.yaml'),
  'short-token.txt': 'abc123\n',
  'key.txt': 'not a key\n',
  afile: 'a regular file\n',
  'chain.json': JSON.stringify(chainFile),
  'badchain.json': '{ "chainId": 1337, ',
  'emptychain.json': '',
  'onchain.yaml': onchain,
  'nochain.yaml': 'quote: USDC\ntarget: { WETH: 0.5, USDC: 0.5 }\n',
  'sim.yaml': 'markets: [',
};

/** Directories created in each case's working directory. */
export const DIRS = ['adir'];

/** Files that must be owner-only (a key file readable by others is refused before it is read). */
export const PRIVATE = ['key.txt', 'short-token.txt'];
