/**
 * Issue #14: every field of the service config schema is either used or rejected. The test walks the
 * schema (src/service/config/schema.ts, with each venue's own schema inside it) and needs, for every field
 * it finds, one row below: `used` names the code that honours the field and a pattern that must appear
 * there (dropping the use fails this test; the behaviour itself is tested where the row's `proof` says),
 * `rejected` gives a config the start-up check must refuse with one line naming the field, and `literal`
 * is a one-value discriminator whose every other value the schema refuses. A new field without a row fails.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { z } from 'zod';
import { InputError } from '../../src/core/errors.ts';
import { parseService, type ResolvedPortfolio } from '../../src/service/config/parse.ts';
import { serviceSchema } from '../../src/service/config/schema.ts';
import { checkedExecution } from '../../src/service/venues.ts';
import { runCli, writeServiceFile } from '../support/serve-process.ts';

const ROOT = join(import.meta.dirname, '..', '..');

type Row =
  | { readonly used: string; readonly pattern: RegExp; readonly proof?: string }
  | { readonly rejected: Record<string, unknown> }
  | { readonly literal: true };

const used = (file: string, pattern: RegExp, proof?: string): Row => ({
  used: file,
  pattern,
  ...(proof ? { proof } : {}),
});
const SERVE = 'src/cli/commands/serve.ts';
const SERVICE = 'src/service/service.ts';
const RUNNER = 'src/service/runner/portfolio-runner.ts';
const CCXT = 'src/venues/ccxt/factory.ts';
const EXEC = 'src/venues/execution-config.ts';
const PAPER_LIMIT = { type: 'paper', orderType: 'limit' };
const INTENTS = 'src/venues/intents/intents-venue.ts';
const INTENTS_CONFIG = 'src/venues/intents/config.ts';
const KEY = 'src/venues/intents/wallet-key.ts';
const SOLVER = 'src/service/solver-loop.ts';
const E2E = 'test/onchain/intents-serve.test.ts';
const A = '0x0000000000000000000000000000000000000001';
const BASKET = 'src/chain/basket/keeper.ts';
const BASKET_E2E = 'test/onchain/basket-serve.test.ts';
/** A basket venue, plus `over`. */
const basket = (over: Record<string, unknown>) => ({
  type: 'basket',
  rpcUrl: 'http://127.0.0.1:8545',
  basket: A,
  chainFile: 'chain.json',
  ...over,
});
const LEVER = 'src/chain/lending/lever-keeper.ts';
const LEVER_E2E = 'test/onchain/lever-serve.test.ts';
/** A lever venue, plus `over`. */
const lever = (over: Record<string, unknown>) => ({
  type: 'lever',
  rpcUrl: 'http://127.0.0.1:8545',
  chainFile: 'chain.json',
  leverage: A,
  collateral: 'BTC',
  debt: 'USDT',
  minHealthFactor: 1.5,
  feeds: {},
  ...over,
});
/** A complete intent venue for the portfolio below (USDT quote, BTC), plus `over`. */
const intents = (over: Record<string, unknown>) => ({
  type: 'intents',
  rpcUrl: 'http://127.0.0.1:8545',
  settlement: A,
  book: 'http://127.0.0.1:8547',
  quote: 'USDT',
  tokens: { USDT: { address: A, decimals: 6, usdFeed: A }, BTC: { address: A, decimals: 8, usdFeed: A } },
  ...over,
});

/** `portfolios[].venue[ccxt].orderType`: arrays as [], a venue by its `type`. */
const FIELDS: Record<string, Row> = {
  journal: used(SERVICE, /config\.journal\b/),
  'portfolios[].id': used(SERVICE, /portfolioId: p\.id/),
  'portfolios[].portfolio': used('src/service/config/parse.ts', /p\.portfolio\b/),
  'portfolios[].venue': used('src/service/venues.ts', /p\.venue === 'paper'/),
  'portfolios[].venue[paper].type': used('src/service/venues.ts', /v\.type === 'ccxt'/),
  'portfolios[].venue[paper].initial': used('src/venues/paper/config.ts', /venue\.fund\(c\.initial/),
  'portfolios[].venue[paper].prices.type': { literal: true },
  'portfolios[].venue[paper].prices.exchange': used(CCXT, /createExchange\(\{ exchange: c\.exchange/),
  'portfolios[].venue[paper].prices.url': used(CCXT, /simulatorUrl: c\.url/),
  'portfolios[].venue[paper].orderType': { rejected: PAPER_LIMIT },
  'portfolios[].venue[paper].maxChunkNotional': { rejected: { type: 'paper', maxChunkNotional: 100 } },
  'portfolios[].venue[paper].limit.repegMs': { rejected: { type: 'paper', limit: { repegMs: 1 } } },
  'portfolios[].venue[paper].limit.timeoutMs': { rejected: { type: 'paper', limit: { timeoutMs: 1 } } },
  'portfolios[].venue[paper].limit.onTimeout': { rejected: { type: 'paper', limit: { onTimeout: 'market' } } },
  'portfolios[].venue[paper].limit.pollMs': { rejected: { type: 'paper', limit: { pollMs: 1 } } },
  'portfolios[].venue[ccxt].type': used('src/service/venues.ts', /v\.type === 'ccxt'/),
  'portfolios[].venue[ccxt].exchange': used(CCXT, /exchange: c\.exchange/),
  'portfolios[].venue[ccxt].apiKeyEnv': used(CCXT, /c\.apiKeyEnv/),
  'portfolios[].venue[ccxt].secretEnv': used(CCXT, /c\.secretEnv/),
  'portfolios[].venue[ccxt].keyFile': used(CCXT, /file: c\.keyFile/),
  'portfolios[].venue[ccxt].url': used(CCXT, /simulatorUrl: c\.url/),
  'portfolios[].venue[ccxt].orderType': used(
    EXEC,
    /s\.orderType !== 'limit'/,
    'test/service/child-orders-e2e.test.ts (limit children in the request log)',
  ),
  'portfolios[].venue[ccxt].maxChunkNotional': used(
    'src/service/gate/children.ts',
    /maxChunkNotional: args\.settings\.maxChunkNotional/,
    'test/service/child-orders-e2e.test.ts (children 0, 1 of one leg)',
  ),
  'portfolios[].venue[ccxt].limit.repegMs': used(EXEC, /repegMs: l\.repegMs/, 'src/venues/ccxt/execution.test.ts'),
  'portfolios[].venue[ccxt].limit.timeoutMs': used(
    EXEC,
    /timeoutMs: l\.timeoutMs/,
    'src/venues/ccxt/execution.test.ts',
  ),
  'portfolios[].venue[ccxt].limit.onTimeout': used(
    EXEC,
    /onTimeout: l\.onTimeout/,
    'src/venues/ccxt/execution.test.ts',
  ),
  'portfolios[].venue[ccxt].limit.pollMs': used(EXEC, /pollMs: l\.pollMs/),
  'portfolios[].venue[ccxt].timeoutMs': used(CCXT, /timeoutMs: c\.timeoutMs/),
  'portfolios[].venue[ccxt].recvWindowMs': used(CCXT, /recvWindow: c\.recvWindowMs/),
  'portfolios[].venue[intents].type': used('src/service/venues.ts', /v\.type === 'intents'/),
  'portfolios[].venue[intents].name': used(INTENTS, /this\.name = c\.name/),
  'portfolios[].venue[intents].rpcUrl': used(INTENTS, /http\(c\.rpcUrl\)/, E2E),
  'portfolios[].venue[intents].chainId': used(INTENTS, /gpv2Domain\(this\.c\.chainId/, E2E),
  'portfolios[].venue[intents].settlement': used(INTENTS, /address: this\.c\.settlement/, E2E),
  'portfolios[].venue[intents].book': used(INTENTS, /new OrderBookClient\(c\.book\)/, E2E),
  'portfolios[].venue[intents].keyEnv': used(
    KEY,
    /s\.keyEnv \?\? DEFAULT_KEY_ENV/,
    'src/venues/intents/wallet-key.test.ts',
  ),
  'portfolios[].venue[intents].keyFile': used(KEY, /const path = s\.keyFile/, E2E),
  'portfolios[].venue[intents].quote': used(INTENTS_CONFIG, /quote !== c\.quote/, E2E),
  'portfolios[].venue[intents].tokens': used(INTENTS, /this\.c\.tokens\[symbol\]/, E2E),
  'portfolios[].venue[intents].rules': used(INTENTS, /this\.c\.rules\[a\]/, 'src/venues/intents/intents.test.ts'),
  'portfolios[].venue[intents].maxSlippageBps': used(
    INTENTS,
    /this\.c\.maxSlippageBps/,
    'src/venues/intents/intents-onchain.test.ts',
  ),
  'portfolios[].venue[intents].deadlineSec': used(
    INTENTS,
    /this\.c\.deadlineSec/,
    'src/venues/intents/intents-onchain.test.ts',
  ),
  'portfolios[].venue[intents].feeBps': used(INTENTS, /this\.c\.feeBps/),
  'portfolios[].venue[intents].partialAboveNotional': used(
    INTENTS,
    /this\.c\.partialAboveNotional/,
    'src/venues/intents/intents-onchain.test.ts',
  ),
  'portfolios[].venue[intents].waitMs': used(INTENTS, /this\.c\.waitMs/, 'src/venues/intents/intents-onchain.test.ts'),
  'portfolios[].venue[intents].pollMs': used(INTENTS, /this\.c\.pollMs/),
  'portfolios[].venue[intents].cancel': used(
    INTENTS,
    /this\.c\.cancel === 'onchain'/,
    'src/venues/intents/intents-onchain.test.ts',
  ),
  'portfolios[].venue[intents].orderType': { rejected: intents({ orderType: 'limit' }) },
  'portfolios[].venue[intents].maxChunkNotional': { rejected: intents({ maxChunkNotional: 100 }) },
  'portfolios[].venue[intents].limit.repegMs': { rejected: intents({ limit: { repegMs: 1 } }) },
  'portfolios[].venue[intents].limit.timeoutMs': { rejected: intents({ limit: { timeoutMs: 1 } }) },
  'portfolios[].venue[intents].limit.onTimeout': { rejected: intents({ limit: { onTimeout: 'market' } }) },
  'portfolios[].venue[intents].limit.pollMs': { rejected: intents({ limit: { pollMs: 1 } }) },
  'portfolios[].venue[basket].type': used('src/service/venues.ts', /v\.type === 'basket'/, BASKET_E2E),
  'portfolios[].venue[basket].name': used('src/venues/basket/config.ts', /new BasketVenue\(c\.name/),
  'portfolios[].venue[basket].rpcUrl': used(BASKET, /chainFileClient\(c\.rpcUrl,/, BASKET_E2E),
  'portfolios[].venue[basket].basket': used(BASKET, /readBasket\(this\.client, this\.c\.basket\)/, BASKET_E2E),
  'portfolios[].venue[basket].chainFile': used(
    'src/service/venues.ts',
    /readBasketChainFile\(v\.chainFile/,
    'src/venues/basket/basket.test.ts',
  ),
  'portfolios[].venue[basket].keyEnv': used(KEY, /s\.keyEnv \?\? DEFAULT_KEY_ENV/, 'src/venues/basket/basket.test.ts'),
  'portfolios[].venue[basket].keyFile': used(KEY, /const path = s\.keyFile/, BASKET_E2E),
  'portfolios[].venue[basket].maxSlippageBps': used(BASKET, /maxSlippageBps: this\.c\.maxSlippageBps/, BASKET_E2E),
  'portfolios[].venue[basket].deadlineSec': used(BASKET, /BigInt\(this\.c\.deadlineSec\)/),
  'portfolios[].venue[basket].receiptTimeoutMs': used(BASKET, /receiptTimeoutMs: this\.c\.receiptTimeoutMs/),
  'portfolios[].venue[basket].sleeve': used(
    BASKET,
    /resolveSleeve\(this\.c\.sleeve \?\? \{\}/,
    'src/venues/basket/basket-sleeve.test.ts',
  ),
  'portfolios[].venue[basket].orderType': { rejected: basket({ orderType: 'limit' }) },
  'portfolios[].venue[basket].maxChunkNotional': { rejected: basket({ maxChunkNotional: 100 }) },
  'portfolios[].venue[basket].limit.repegMs': { rejected: basket({ limit: { repegMs: 1 } }) },
  'portfolios[].venue[basket].limit.timeoutMs': { rejected: basket({ limit: { timeoutMs: 1 } }) },
  'portfolios[].venue[basket].limit.onTimeout': { rejected: basket({ limit: { onTimeout: 'market' } }) },
  'portfolios[].venue[basket].limit.pollMs': { rejected: basket({ limit: { pollMs: 1 } }) },
  'portfolios[].venue[lever].type': used('src/service/venues.ts', /v\.type === 'lever'/, LEVER_E2E),
  'portfolios[].venue[lever].name': used('src/venues/lever/config.ts', /new LeverVenue\(c\.name/),
  'portfolios[].venue[lever].rpcUrl': used(LEVER, /chainFileClient\(c\.rpcUrl,/, LEVER_E2E),
  'portfolios[].venue[lever].chainFile': used('src/service/venues.ts', /readBasketChainFile\(v\.chainFile/, LEVER_E2E),
  'portfolios[].venue[lever].leverage': used(LEVER, /leverage: c\.leverage/, LEVER_E2E),
  'portfolios[].venue[lever].pool': used(LEVER, /pool: c\.pool/, LEVER_E2E),
  'portfolios[].venue[lever].collateral': used(LEVER, /const cs = typeof c\.collateral === 'string'/, LEVER_E2E),
  'portfolios[].venue[lever].debt': used(LEVER, /const ds = typeof c\.debt === 'string'/, LEVER_E2E),
  'portfolios[].venue[lever].minHealthFactor': used(LEVER, /minHealthFactor: c\.minHealthFactor/, LEVER_E2E),
  'portfolios[].venue[lever].feeds': used(LEVER, /feeds: c\.feeds/, LEVER_E2E),
  'portfolios[].venue[lever].lender': used(LEVER, /lender: this\.c\.lender/, LEVER_E2E),
  'portfolios[].venue[lever].keyEnv': used(KEY, /s\.keyEnv \?\? DEFAULT_KEY_ENV/),
  'portfolios[].venue[lever].keyFile': used(KEY, /const path = s\.keyFile/, LEVER_E2E),
  'portfolios[].venue[lever].maxSlippageBps': used(LEVER, /maxSlippageBps: c\.maxSlippageBps/, LEVER_E2E),
  'portfolios[].venue[lever].maxDeviationBps': used(LEVER, /maxDeviationBps: c\.maxDeviationBps/, LEVER_E2E),
  'portfolios[].venue[lever].deadlineSec': used(LEVER, /deadlineSec: c\.deadlineSec/),
  'portfolios[].venue[lever].receiptTimeoutMs': used(LEVER, /receiptTimeoutMs: this\.c\.receiptTimeoutMs/, LEVER_E2E),
  'portfolios[].venue[lever].orderType': { rejected: lever({ orderType: 'limit' }) },
  'portfolios[].venue[lever].maxChunkNotional': { rejected: lever({ maxChunkNotional: 100 }) },
  'portfolios[].venue[lever].limit.repegMs': { rejected: lever({ limit: { repegMs: 1 } }) },
  'portfolios[].venue[lever].limit.timeoutMs': { rejected: lever({ limit: { timeoutMs: 1 } }) },
  'portfolios[].venue[lever].limit.onTimeout': { rejected: lever({ limit: { onTimeout: 'market' } }) },
  'portfolios[].venue[lever].limit.pollMs': { rejected: lever({ limit: { pollMs: 1 } }) },
  'portfolios[].reference.type': { literal: true },
  'portfolios[].reference.exchange': used(CCXT, /createExchange\(\{ exchange: c\.exchange/),
  'portfolios[].reference.url': used(CCXT, /simulatorUrl: c\.url/),
  'portfolios[].schedule.every': used(SERVICE, /toSeconds\(schedule\.every\)/),
  'portfolios[].schedule.cron': used(SERVICE, /parse\(schedule\.cron/),
  'portfolios[].mode': used(RUNNER, /mode: this\.config\.mode/),
  'portfolios[].planMode': used('src/service/runner/stages.ts', /r\.config\.planMode/),
  'portfolios[].guards.maxPriceAgeSeconds': used('src/core/guards.ts', /maxPriceAgeSeconds/),
  'portfolios[].guards.maxDeviationBps': used('src/core/guards.ts', /maxDeviationBps/),
  'portfolios[].guards.maxSlippageBps': used('src/service/runner/stages.ts', /guards\.maxSlippageBps/),
  'portfolios[].guards.maxQuoteDepegBps': used(RUNNER, /g\.maxQuoteDepegBps/),
  'portfolios[].risk.maxOrderNotional': used(RUNNER, /maxOrderNotional: r\.maxOrderNotional/),
  'portfolios[].risk.cooldown': used(RUNNER, /toSeconds\(r\.cooldown\)/),
  'portfolios[].risk.killSwitchAfter': used(RUNNER, /config\.risk\.killSwitchAfter/),
  'portfolios[].risk.approvalAbove': used(RUNNER, /approvalAbove: r\.approvalAbove/),
  'api.host': used(SERVE, /cfg\.api\.host/),
  'api.port': used(SERVE, /cfg\.api\.port/),
  'api.tokenEnv': used('src/service/api/auth.ts', /source\.tokenEnv/),
  'api.tokenFile': used('src/service/api/auth.ts', /source\.tokenFile/),
  'api.cors': used(SERVE, /cfg\.api\.cors/),
  'api.enabled': used(SERVE, /cfg\.api\.enabled/),
  'alerts.webhook': used(SERVE, /cfg\.alerts\.webhook/),
  'solver.chainFile': used(SOLVER, /readChainFile\(c\.chainFile\)/, E2E),
  'solver.book': used(SOLVER, /new OrderBookClient\(c\.book\)/, E2E),
  'solver.keyEnv': used(SOLVER, /loadWalletKey\(c, /, E2E),
  'solver.keyFile': used(SOLVER, /loadWalletKey\(c, /, E2E),
  'solver.intervalMs': used(SOLVER, /intervalMs: c\.intervalMs/),
  'solver.send': used(SOLVER, /send: c\.send/),
};

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly element?: z.ZodType;
  readonly in?: z.ZodType;
  readonly values?: readonly unknown[];
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Every leaf field of `s` as a path; the core's portfolio document is the core's own (docs/core.md). */
function walk(s: z.ZodType, path: string, out: Set<string>): void {
  const d = defOf(s);
  if (['optional', 'default', 'nullable', 'prefault'].includes(d.type)) {
    walk(d.innerType!, path, out);
    return;
  }
  if (d.type === 'pipe') {
    walk(d.in!, path, out);
    return;
  }
  if (d.type === 'array') {
    if (['object', 'union'].includes(defOf(d.element!).type)) walk(d.element!, `${path}[]`, out);
    else out.add(path);
    return;
  }
  if (d.type === 'union') {
    const objects = d.options!.filter((o) => ['object', 'union'].includes(defOf(o).type));
    if (objects.length < d.options!.length && path !== '') out.add(path);
    for (const o of objects) walk(o, path, out);
    return;
  }
  if (d.type === 'object' && !path.endsWith('.portfolio')) {
    const tag = d.shape!.type ? defOf(d.shape!.type) : undefined;
    const at = tag?.type === 'literal' && /\.venue$/.test(path) ? `${path}[${String(tag.values![0])}]` : path;
    for (const [k, v] of Object.entries(d.shape!)) walk(v, at === '' ? k : `${at}.${k}`, out);
    return;
  }
  out.add(path);
}

const fields = new Set<string>();
walk(serviceSchema, '', fields);

test('the walk finds the schema’s fields (the venues’ own schemas included)', () => {
  assert.ok(fields.size >= 50, `${fields.size}: ${[...fields].join(', ')}`);
  assert.ok(fields.has('portfolios[].venue[ccxt].maxChunkNotional'));
});

test('every field of the service schema has a row: used, rejected or a one-value literal', () => {
  assert.deepEqual(
    [...fields].filter((f) => FIELDS[f] === undefined),
    [],
    'add a row to FIELDS: where the field is honoured, or the config that is refused',
  );
  assert.deepEqual(
    Object.keys(FIELDS).filter((f) => !fields.has(f)),
    [],
    'a row for a field the schema no longer has',
  );
});

for (const [field, row] of Object.entries(FIELDS)) {
  if ('used' in row)
    test(`${field}: honoured in ${row.used}`, () => {
      const text = readFileSync(join(ROOT, row.used), 'utf8');
      assert.match(text, row.pattern, `${row.used} no longer reads ${field}`);
    });
  else if ('rejected' in row)
    test(`${field}: refused at start with one line naming it`, () => {
      const doc = { portfolios: [{ id: 'p', portfolio: PORTFOLIO, venue: row.rejected }] };
      const p = parseService(doc, 'service') as { portfolios: ResolvedPortfolio[] };
      assert.throws(
        () => checkedExecution(p.portfolios[0]!),
        (e: unknown) => {
          assert.ok(e instanceof InputError);
          const leaf = field.split('.').slice(-1)[0]!;
          const named = field.includes('.limit.') ? 'limit' : leaf;
          assert.equal(e.message.split('\n').length, 1);
          assert.match(e.message, new RegExp(`^service: portfolios\\.p\\.venue\\.${named}: `));
          return true;
        },
      );
    });
  else
    test(`${field}: a one-value discriminator, every other value refused`, () => {
      const path = field.split('.').slice(0, -1);
      const doc = {
        portfolios: [
          {
            id: 'p',
            portfolio: PORTFOLIO,
            ...(path.at(-1) === 'reference'
              ? { reference: { type: 'other', exchange: 'x' } }
              : { venue: { type: 'paper', prices: { type: 'other', exchange: 'x' } } }),
          },
        ],
      };
      assert.throws(() => parseService(doc, 'service'), InputError);
    });
}

const PORTFOLIO = { quote: 'USDT', target: { BTC: 0.5, USDT: 0.5 } };

test('a lever venue: its portfolio is its LTV (quote = the debt, target = collateral and debt), else one line', () => {
  const check = (portfolio: object, venue: object) => () =>
    checkedExecution(parseService({ portfolios: [{ id: 'p', portfolio, venue }] }, 'service').portfolios[0]!);
  assert.doesNotThrow(check(PORTFOLIO, lever({})));
  const cases: [object, object, RegExp][] = [
    [
      { quote: 'BTC', target: { BTC: 0.5, USDT: 0.5 } },
      lever({}),
      /^service: portfolios\.p\.venue\.debt: USDT is not the portfolio's quote BTC/,
    ],
    [
      { quote: 'USDT', target: { BTC: 0.4, ETH: 0.1, USDT: 0.5 } },
      lever({}),
      /^service: portfolios\.p\.venue\.collateral: the portfolio's target names BTC, ETH, USDT; .*its collateral and debt assets/,
    ],
    [
      { quote: 'USDT', target: { USDT: 1 } },
      lever({ collateral: 'USDT' }),
      /^service: portfolios\.p\.venue\.debt: USDT is also the collateral/,
    ],
  ];
  for (const [portfolio, venue, re] of cases)
    assert.throws(check(portfolio, venue), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.message.split('\n').length, 1);
      assert.match(e.message, re);
      return true;
    });
  // several collateral (or debt) assets: lists, the target naming exactly the position's assets
  assert.doesNotThrow(
    check({ quote: 'USDT', target: { BTC: 0.3, ETH: 0.3, USDT: 0.4 } }, lever({ collateral: ['BTC', 'ETH'] })),
  );
  assert.throws(
    check(PORTFOLIO, lever({ collateral: ['BTC', 'ETH'] })),
    /service: portfolios\.p\.venue\.collateral: the portfolio's target names BTC, USDT; a lending position's target names exactly its assets BTC, ETH, USDT/,
  );
  assert.throws(
    check({ quote: 'USDT', target: { BTC: 0.5, USDT: 0.5 } }, lever({ collateral: ['BTC', 'USDT'] })),
    /service: portfolios\.p\.venue\.debt: USDT is also the collateral/,
  );
});

test('the ccxt venue honours what the paper venue refuses', () => {
  const doc = {
    portfolios: [
      {
        id: 'p',
        portfolio: PORTFOLIO,
        venue: { type: 'ccxt', exchange: 'binance', orderType: 'limit', maxChunkNotional: 100, limit: { repegMs: 5 } },
      },
    ],
  };
  const s = checkedExecution(parseService(doc, 'service').portfolios[0]!);
  assert.equal(s.orderType, 'limit');
  assert.equal(s.maxChunkNotional, 100);
});

test('ballast serve refuses orderType: limit on a paper venue: exit 1, one line naming the field, no journal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-fields-'));
  try {
    const journal = join(dir, 'j.sqlite');
    const file = writeServiceFile(dir, {
      journal,
      api: { enabled: false },
      portfolios: [{ id: 'main', portfolio: PORTFOLIO, venue: { type: 'paper', orderType: 'limit' } }],
    });
    const r = await runCli(['serve', '--config', file], dir);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /portfolios\.main\.venue\.orderType: the paper venue cannot rest and cancel limit orders/);
    assert.equal(existsSync(journal), false, 'refused before the journal was opened');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a venue missing a required field is refused naming that field, not the whole union', () => {
  const doc = { portfolios: [{ id: 'p', portfolio: PORTFOLIO, venue: intents({ book: undefined }) }] };
  assert.throws(
    () => parseService(doc, 'service'),
    (e: unknown) => e instanceof InputError && /^service: portfolios\[0\]\.venue\.book: /.test(e.message),
  );
});

test('an intent venue without a token for a target asset, or with another quote, is refused naming the field', () => {
  const at = (venue: Record<string, unknown>) => () =>
    checkedExecution(
      parseService({ portfolios: [{ id: 'p', portfolio: PORTFOLIO, venue }] }, 'service').portfolios[0]!,
    );
  assert.throws(
    at(intents({ tokens: { USDT: { address: A, decimals: 6, usdFeed: A } } })),
    /InputError: service: portfolios\.p\.venue\.tokens\.BTC: missing/,
  );
  assert.throws(
    at(intents({ quote: 'BTC' })),
    /InputError: service: portfolios\.p\.venue\.quote: is BTC, but the portfolio's quote is USDT/,
  );
});

test('ballast serve refuses a lever venue whose debt is not the quote: exit 1, one line naming the field, no journal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-fields-'));
  try {
    const journal = join(dir, 'j.sqlite');
    const file = writeServiceFile(dir, {
      journal,
      api: { enabled: false },
      portfolios: [{ id: 'main', portfolio: PORTFOLIO, venue: lever({ debt: 'USDC' }) }],
    });
    const r = await runCli(['serve', '--config', file], dir);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /portfolios\.main\.venue\.debt: USDC is not the portfolio's quote USDT/);
    assert.equal(existsSync(journal), false, 'refused before the journal was opened');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
