import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChainConfigError, checkChainSection, onchainPortfolioSchema } from './config.ts';

const A = `0x${'11'.repeat(20)}`;
const base = {
  quote: 'USDC',
  target: { WETH: 0.5, USDC: 0.5 },
  chain: {
    tokens: { WETH: A, USDC: A },
    feeds: {
      WETH: { address: A, heartbeatSec: 3600, marginSec: 60 },
      USDC: { address: A, heartbeatSec: 86400, marginSec: 600 },
    },
    maxSlippageBps: 50,
    maxDeviationBps: 150,
  },
};
const withIdle = (idle: unknown) => ({ ...base, chain: { ...base.chain, idle } });
const issues = (idle: unknown) => {
  const r = onchainPortfolioSchema.safeParse(withIdle(idle));
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

test('chain.idle: pool (address or fixture), per asset share and buffer (exact decimal, default 0)', () => {
  const p = onchainPortfolioSchema.parse(
    withIdle({ pool: 'fixture', assets: { USDC: { share: 0.5, buffer: '250.5' }, WETH: { share: 1, buffer: 2 } } }),
  );
  assert.deepEqual(p.chain.idle, {
    pool: 'fixture',
    assets: { USDC: { share: 0.5, buffer: '250.5' }, WETH: { share: 1, buffer: '2' } },
  });
  checkChainSection(p);
  assert.equal(
    onchainPortfolioSchema.parse(withIdle({ pool: A, assets: { USDC: { share: 0 } } })).chain.idle?.assets.USDC?.buffer,
    '0',
  );
  assert.equal(onchainPortfolioSchema.parse(base).chain.idle, undefined, 'optional');
});

test('chain.idle: every bad value is refused naming its field', () => {
  assert.deepEqual(issues({ pool: 'fixture', assets: { USDC: { share: 1.5 } } }), ['chain.idle.assets.USDC.share']);
  assert.deepEqual(issues({ pool: 'fixture', assets: { USDC: { share: -0.1 } } }), ['chain.idle.assets.USDC.share']);
  assert.deepEqual(issues({ pool: 'fixture', assets: { USDC: { share: 0.5, buffer: '-1' } } }), [
    'chain.idle.assets.USDC.buffer',
  ]);
  assert.deepEqual(issues({ pool: 'fixture', assets: { USDC: { share: 0.5, buffer: 1e-9 } } }), [
    'chain.idle.assets.USDC.buffer',
  ]);
  assert.deepEqual(issues({ pool: 'fixture', assets: { USDC: { share: 0.5, typo: 1 } } }), ['chain.idle.assets.USDC']);
  assert.deepEqual(issues({ pool: 'aave', assets: { USDC: { share: 0.5 } } }), ['chain.idle.pool']);
  assert.deepEqual(issues({ pool: 'fixture', assets: {} }), ['chain.idle.assets']);
  assert.deepEqual(issues({ assets: { USDC: { share: 0.5 } } }), ['chain.idle.pool']);
  const p = onchainPortfolioSchema.parse(withIdle({ pool: 'fixture', assets: { WBTC: { share: 0.5 } } }));
  assert.throws(
    () => checkChainSection(p),
    (e: unknown) => {
      assert.ok(e instanceof ChainConfigError);
      assert.match(e.message, /^chain\.idle\.assets\.WBTC: not an asset of the portfolio/);
      return true;
    },
  );
});
