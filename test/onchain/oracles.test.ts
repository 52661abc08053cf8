/**
 * Oracle guards against the mock Chainlink feeds on a real anvil (issue #8 §4): each refusal case once,
 * the feed restored after it. Heartbeat 3600 s + margin 60 s for every feed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Address } from 'viem';
import { ownArtifact } from '../../src/chain/contracts.ts';
import { OracleGuardError } from '../../src/chain/oracles/errors.ts';
import { checkPoolDeviation, type OracleConfig, validatedPrices } from '../../src/chain/oracles/guard.ts';
import type { SwapPool } from '../../src/dex/pools/types.ts';
import { feedAbi, pools, startWorld, type World } from './setup.ts';

let w: World;
let allPools: readonly SwapPool[];
const cases: string[] = [];

before(async () => {
  w = await startWorld();
  allPools = await pools(w);
});

after(async () => {
  await w?.node.stop();
  console.log(`# oracle cases refused: ${cases.join(', ')}`);
});

const cfg = (over: Partial<OracleConfig> = {}): OracleConfig => ({ feeds: w.feeds, maxDeviationBps: 200, ...over });
const tokens = () => [...w.tokens.values()];
const feedOf = (s: string): Address => w.feeds[s]!.address;
const now = async () => (await w.clients.public.getBlock()).timestamp;
const setFeed = (feed: Address, fn: 'setAnswer' | 'setUpdatedAt' | 'setBounds', args: readonly bigint[]) =>
  w.tx.call(feed, feedAbi, fn, args, fn);

async function refused(code: string, run: () => Promise<unknown>): Promise<void> {
  await assert.rejects(run(), (e: unknown) => e instanceof OracleGuardError && e.code === code);
  cases.push(code);
}

async function answerOf(feed: Address): Promise<bigint> {
  const r = await w.clients.public.readContract({ address: feed, abi: feedAbi, functionName: 'latestRoundData' });
  return r[1];
}

function decimals(): Map<string, number> {
  return new Map(tokens().map((t) => [t.address.toLowerCase(), t.decimals]));
}

test('fresh, positive, in-bounds feeds pass and every fixture pool is within 200 bps of them', async () => {
  const prices = await validatedPrices(w.clients.public, cfg(), tokens());
  assert.equal(prices.size, w.tokens.size);
  assert.equal(prices.get(w.tokens.get('WETH')!.address.toLowerCase())!.usd, 3000);
  checkPoolDeviation(allPools, prices, decimals(), 200);
});

test('a feed missing from the config is an error, not a default', async () => {
  const { LINK: _, ...rest } = w.feeds;
  await refused('MISSING_CONFIG', () => validatedPrices(w.clients.public, cfg({ feeds: rest }), tokens()));
});

test('stale: updatedAt older than heartbeat + margin; accepted again just inside it', async () => {
  const feed = feedOf('WBTC');
  const t = await now();
  await setFeed(feed, 'setUpdatedAt', [t - 3600n - 60n - 5n]);
  await refused('STALE', () => validatedPrices(w.clients.public, cfg(), tokens()));
  await setFeed(feed, 'setUpdatedAt', [t - 3600n + 30n]);
  await validatedPrices(w.clients.public, cfg(), tokens());
  await setFeed(feed, 'setUpdatedAt', [await now()]);
});

test('not positive: zero and negative answers', async () => {
  const feed = feedOf('LINK');
  const a = await answerOf(feed);
  await setFeed(feed, 'setAnswer', [0n, 0n]);
  await refused('NOT_POSITIVE', () => validatedPrices(w.clients.public, cfg(), tokens()));
  await setFeed(feed, 'setAnswer', [-1n, 0n]);
  await refused('NOT_POSITIVE', () => validatedPrices(w.clients.public, cfg(), tokens()));
  await setFeed(feed, 'setAnswer', [a, 0n]);
});

test("at the feed's min or max bound (circuit breaker)", async () => {
  const feed = feedOf('UNI');
  const a = await answerOf(feed);
  await setFeed(feed, 'setBounds', [1n, a]);
  await refused('AT_BOUND', () => validatedPrices(w.clients.public, cfg(), tokens()));
  await setFeed(feed, 'setBounds', [a, 10n ** 20n]);
  await refused('AT_BOUND', () => validatedPrices(w.clients.public, cfg(), tokens()));
  await setFeed(feed, 'setBounds', [1n, 10n ** 20n]);
});

test('L2 sequencer uptime feed: down, then up but within its grace period, then past it; startedAt 0 is down', async () => {
  const a = ownArtifact('MockAggregatorV3');
  const seq = await w.tx.deploy(a.abi, a.bytecode, [0, 'L2 Sequencer Uptime', 1n, -1n, 2n], 'sequencer');
  const withSeq = cfg({ sequencer: { address: seq, gracePeriodSec: 3600 } });
  await refused('SEQUENCER_DOWN', () => validatedPrices(w.clients.public, withSeq, tokens()));
  await setFeed(seq, 'setAnswer', [0n, 0n]);
  await refused('SEQUENCER_GRACE', () => validatedPrices(w.clients.public, withSeq, tokens()));
  await setFeed(seq, 'setAnswer', [0n, (await now()) - 3601n]);
  await validatedPrices(w.clients.public, withSeq, tokens());
  // startedAt 0 (no valid round) says "up" but long ago: down, not past its grace period (issue #30)
  await setFeed(seq, 'setUpdatedAt', [0n]);
  await refused('SEQUENCER_DOWN', () => validatedPrices(w.clients.public, withSeq, tokens()));
});

test('a pool price deviating from the oracles by more than maxDeviationBps', async () => {
  const feed = feedOf('WETH');
  const a = await answerOf(feed);
  await setFeed(feed, 'setAnswer', [(a * 105n) / 100n, 0n]);
  const prices = await validatedPrices(w.clients.public, cfg(), tokens());
  await refused('DEVIATION', async () => checkPoolDeviation(allPools, prices, decimals(), 200));
  // The refusal says what to do: it names the pool and the limit, and that the last rebalance may have moved it.
  assert.throws(
    () => checkPoolDeviation(allPools, prices, decimals(), 200),
    /bps away from the oracles, above maxDeviationBps 200: .*your own last rebalance included.*nothing was sent: wait for arbitrage .* or raise chain\.maxDeviationBps/,
  );
  await setFeed(feed, 'setAnswer', [a, 0n]);
});
