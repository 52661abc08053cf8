import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChainConfigError, checkChainSection, onchainPortfolioSchema } from './config.ts';

const A = `0x${'11'.repeat(20)}`;
const doc = {
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

test('chain section: strict, defaults the deadline, every target asset needs a token and a feed', () => {
  const p = onchainPortfolioSchema.parse(doc);
  assert.equal(p.chain.deadlineSec, 300);
  checkChainSection(p);
  assert.equal(onchainPortfolioSchema.safeParse({ ...doc, chain: { ...doc.chain, typo: 1 } }).success, false);
  const noMargin = {
    ...doc,
    chain: { ...doc.chain, feeds: { ...doc.chain.feeds, WETH: { address: A, heartbeatSec: 3600 } } },
  };
  assert.equal(onchainPortfolioSchema.safeParse(noMargin).success, false, 'a feed without its margin is an error');
  const noFeed = onchainPortfolioSchema.parse({
    ...doc,
    chain: { ...doc.chain, feeds: { USDC: doc.chain.feeds.USDC } },
  });
  assert.throws(() => checkChainSection(noFeed), ChainConfigError);
});
