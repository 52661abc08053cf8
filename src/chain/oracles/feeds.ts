/**
 * Chainlink-style feeds (AggregatorV3Interface) read and validated before any swap (issue #8 §4).
 * Each feed's heartbeat and margin come from config; a feed without them is an error, never a default,
 * because a heartbeat is per feed (1 h for ETH/USD, 24 h for stablecoins on mainnet) and a wrong default
 * silently accepts stale prices.
 */
import type { Address, PublicClient } from 'viem';
import { parseAbi } from 'viem';
import { OracleGuardError } from './errors.ts';

export const aggregatorAbi = parseAbi([
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
  'function decimals() view returns (uint8)',
  'function aggregator() view returns (address)',
  'function minAnswer() view returns (int192)',
  'function maxAnswer() view returns (int192)',
]);

export interface FeedConfig {
  readonly address: Address;
  /** Seconds between two updates when the price does not move (the feed's documented heartbeat). */
  readonly heartbeatSec: number;
  /** Extra seconds tolerated on top of the heartbeat (block time, keeper delay). */
  readonly marginSec: number;
}

export interface SequencerConfig {
  readonly address: Address;
  /** Seconds to wait after the sequencer came back up before trusting prices again. */
  readonly gracePeriodSec: number;
}

export interface FeedReading {
  readonly feed: Address;
  readonly answer: bigint;
  /** The round and the round its answer was computed in (answeredInRound < roundId: carried over, incomplete). */
  readonly roundId?: bigint;
  readonly answeredInRound?: bigint;
  /** When the round started (0: never started, not a valid round). */
  readonly startedAt?: bigint;
  readonly decimals: number;
  readonly updatedAt: bigint;
  readonly minAnswer: bigint;
  readonly maxAnswer: bigint;
}

/** A validated price: answer / 10^decimals USD per whole token. */
export interface ValidPrice extends FeedReading {
  readonly symbol: string;
  readonly usd: number;
}

export async function readFeed(client: PublicClient, feed: Address, subject: string): Promise<FeedReading> {
  try {
    const [round, decimals, agg] = await Promise.all([
      client.readContract({ address: feed, abi: aggregatorAbi, functionName: 'latestRoundData' }),
      client.readContract({ address: feed, abi: aggregatorAbi, functionName: 'decimals' }),
      client.readContract({ address: feed, abi: aggregatorAbi, functionName: 'aggregator' }),
    ]);
    // Chainlink proxies keep the circuit-breaker bounds on the underlying aggregator.
    const [minAnswer, maxAnswer] = await Promise.all([
      client.readContract({ address: agg, abi: aggregatorAbi, functionName: 'minAnswer' }),
      client.readContract({ address: agg, abi: aggregatorAbi, functionName: 'maxAnswer' }),
    ]);
    return {
      feed,
      answer: round[1],
      roundId: round[0],
      startedAt: round[2],
      answeredInRound: round[4],
      decimals,
      updatedAt: round[3],
      minAnswer,
      maxAnswer,
    };
  } catch (e) {
    throw new OracleGuardError(
      'READ_FAILED',
      subject,
      `feed ${feed} did not answer latestRoundData/decimals/aggregator().minAnswer/maxAnswer (${(e as Error).message.split('\n')[0]}): check its address in the config`,
    );
  }
}

/**
 * Throws OracleGuardError unless the reading's round is complete (started, answered in itself or later), it is
 * fresh (updatedAt within heartbeat + margin of `now`), positive and strictly inside its bounds.
 */
export function validateReading(r: FeedReading, cfg: FeedConfig, now: bigint, symbol: string): ValidPrice {
  if (
    r.startedAt === 0n ||
    (r.roundId !== undefined && r.answeredInRound !== undefined && r.answeredInRound < r.roundId)
  ) {
    throw new OracleGuardError(
      'INCOMPLETE_ROUND',
      symbol,
      `feed ${r.feed} round ${r.roundId ?? '?'} is incomplete (startedAt ${r.startedAt ?? '?'}, answeredInRound ${r.answeredInRound ?? '?'}): its answer is carried over, not this round's`,
    );
  }
  const maxAge = BigInt(cfg.heartbeatSec + cfg.marginSec);
  if (r.updatedAt > now || now - r.updatedAt > maxAge) {
    throw new OracleGuardError(
      'STALE',
      symbol,
      `feed ${r.feed} was updated at ${r.updatedAt}, ${now - r.updatedAt} s before the block time ${now}; the limit is heartbeat ${cfg.heartbeatSec} s + margin ${cfg.marginSec} s`,
    );
  }
  if (r.answer <= 0n) throw new OracleGuardError('NOT_POSITIVE', symbol, `feed ${r.feed} answers ${r.answer}`);
  if (r.answer <= r.minAnswer || r.answer >= r.maxAnswer) {
    throw new OracleGuardError(
      'AT_BOUND',
      symbol,
      `feed ${r.feed} answers ${r.answer}, at its circuit-breaker bound [${r.minAnswer}, ${r.maxAnswer}]: the real price may be beyond it`,
    );
  }
  return { ...r, symbol, usd: Number(r.answer) / 10 ** r.decimals };
}

/** Chainlink L2 sequencer uptime feed: answer 0 = up, 1 = down; startedAt = when the status last changed. */
export async function checkSequencer(client: PublicClient, cfg: SequencerConfig, now: bigint): Promise<void> {
  let round: readonly [bigint, bigint, bigint, bigint, bigint];
  try {
    round = await client.readContract({ address: cfg.address, abi: aggregatorAbi, functionName: 'latestRoundData' });
  } catch (e) {
    throw new OracleGuardError(
      'READ_FAILED',
      'sequencer',
      `uptime feed ${cfg.address} did not answer (${(e as Error).message.split('\n')[0]})`,
    );
  }
  const [, answer, startedAt] = round;
  if (answer !== 0n) throw new OracleGuardError('SEQUENCER_DOWN', 'sequencer', `uptime feed ${cfg.address} says down`);
  // startedAt 0: the round never started (e.g. an uninitialized feed); its "up" is not trusted.
  if (startedAt === 0n)
    throw new OracleGuardError(
      'SEQUENCER_DOWN',
      'sequencer',
      `uptime feed ${cfg.address} has startedAt 0 (no valid round): treated as down`,
    );
  if (now - startedAt < BigInt(cfg.gracePeriodSec)) {
    throw new OracleGuardError(
      'SEQUENCER_GRACE',
      'sequencer',
      `the sequencer came back up ${now - startedAt} s ago, within the ${cfg.gracePeriodSec} s grace period; prices may still be stale`,
    );
  }
}
