import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onchainPortfolioSchema } from './config.ts';
import { checkLendingSection, LendingConfigError } from './lending-config.ts';

const A = `0x${'11'.repeat(20)}`;
const feed = { address: A, heartbeatSec: 3600, marginSec: 60 };
const lending = { pool: 'fixture', leverage: A, collateral: 'WETH', debt: 'USDC', minHealthFactor: 1.5 };
const doc = (l: Record<string, unknown> | null) => ({
  quote: 'USDC',
  target: { WETH: 0.5, USDC: 0.5 },
  chain: {
    tokens: { WETH: A, USDC: A, LINK: A },
    feeds: { WETH: feed, USDC: feed },
    maxSlippageBps: 50,
    maxDeviationBps: 150,
    ...(l === null ? {} : { lending: l }),
  },
});

/** The one issue zod reports, as `path: message`. */
function issue(l: Record<string, unknown>): string {
  const r = onchainPortfolioSchema.safeParse(doc(l));
  assert.equal(r.success, false, JSON.stringify(l));
  const i = r.error!.issues;
  assert.equal(i.length, 1, JSON.stringify(i));
  return `${i[0]!.path.join('.')}: ${i[0]!.message}`;
}

test('chain.lending: optional, strict; pool `fixture` or an address; targetLtv optional', () => {
  assert.equal(onchainPortfolioSchema.parse(doc(null)).chain.lending, undefined);
  const p = onchainPortfolioSchema.parse(doc({ ...lending, targetLtv: 0.5 }));
  assert.deepEqual(checkLendingSection(p), { ...lending, targetLtv: 0.5 });
  assert.equal(onchainPortfolioSchema.parse(doc({ ...lending, pool: A })).chain.lending?.pool, A);
});

test('chain.lending: each bad value is refused naming its field', () => {
  assert.match(issue({ ...lending, typo: 1 }), /^chain\.lending: .*typo/);
  assert.match(issue({ ...lending, pool: 'aave' }), /^chain\.lending\.pool: /);
  assert.match(issue({ ...lending, leverage: '0x12' }), /^chain\.lending\.leverage: must be a 0x address/);
  assert.match(issue({ ...lending, minHealthFactor: 1 }), /^chain\.lending\.minHealthFactor: must be > 1/);
  assert.match(issue({ ...lending, minHealthFactor: 'high' }), /^chain\.lending\.minHealthFactor: /);
  assert.match(issue({ ...lending, targetLtv: 1 }), /^chain\.lending\.targetLtv: must be < 1/);
  assert.match(issue({ ...lending, targetLtv: -0.1 }), /^chain\.lending\.targetLtv: /);
  assert.match(issue({ ...lending, collateral: '' }), /^chain\.lending\.collateral: /);
  const { debt: _, ...noDebt } = lending;
  assert.match(issue(noDebt), /^chain\.lending\.debt: /);
});

test('chain.lending: its assets must be distinct tokens of chain.tokens with feeds; missing section named', () => {
  const check = (l: Record<string, unknown> | null) => () => checkLendingSection(onchainPortfolioSchema.parse(doc(l)));
  assert.throws(check({ ...lending, collateral: 'WBTC' }), /chain\.lending\.collateral: WBTC is not in chain\.tokens/);
  assert.throws(check({ ...lending, debt: 'LINK' }), /chain\.lending\.debt: LINK has no feed in chain\.feeds/);
  assert.throws(check({ ...lending, debt: 'WETH' }), /chain\.lending\.debt: WETH is also the collateral/);
  assert.throws(check(null), LendingConfigError);
  assert.throws(check(null), /^LendingConfigError: chain\.lending: missing/);
});

test('chain.lending with several assets: lists and shares, each bad one refused naming its field', () => {
  const multi = { ...lending, collateral: ['WETH', 'LINK'], debt: ['USDC'], shares: { WETH: 0.7, LINK: 0.3 } };
  const withFeeds = (l: Record<string, unknown>) => {
    const d = doc(l);
    return onchainPortfolioSchema.parse({ ...d, chain: { ...d.chain, feeds: { ...d.chain.feeds, LINK: feed } } });
  };
  assert.deepEqual(checkLendingSection(withFeeds(multi)).collateral, ['WETH', 'LINK']);
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...multi, collateral: ['WETH', 'WETH'] }, /^chain\.lending\.collateral: WETH is listed twice$/],
    [{ ...multi, debt: ['USDC', 'LINK'] }, /^chain\.lending\.debt: LINK is also the collateral; they must differ$/],
    [{ ...multi, shares: { WETH: 0.7 } }, /^chain\.lending\.shares\.LINK: missing/],
    [
      { ...multi, shares: { WETH: 0.7, LINK: 0.2 } },
      /^chain\.lending\.shares: the collateral assets' shares sum to 0\.9/,
    ],
    [
      { ...multi, shares: { WETH: 0.7, LINK: 0.3, USDC: 0.5 } },
      /^chain\.lending\.shares\.USDC: the only debt asset's share is 1$/,
    ],
    [
      { ...multi, shares: { WETH: 0.7, LINK: 0.3, UNI: 1 } },
      /^chain\.lending\.shares\.UNI: not one of the collateral or debt assets$/,
    ],
    [{ ...lending, shares: { WETH: 1 } }, /^chain\.lending\.shares: only with several collateral or debt assets/],
  ];
  for (const [l, re] of bad)
    assert.throws(
      () => checkLendingSection(withFeeds(l)),
      (e: unknown) => e instanceof LendingConfigError && re.test(e.message),
      JSON.stringify(l),
    );
});
