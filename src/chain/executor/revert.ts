/**
 * A revert, decoded for a person (issue #16 item 3): `Error(string)` is its reason
 * (`UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT`), `Panic(uint256)` its code and meaning, the executor's
 * custom errors by name with their arguments and what to do about them. Anything else is shown as its selector and length, never as a page of hex.
 */
import { BaseError, decodeErrorResult, type Hex, parseAbi } from 'viem';
import { executorArtifact } from './artifact.ts';

/** What to do about each of the executor's custom errors. */
const ADVICE: Readonly<Record<string, string>> = {
  NotOwner: 'only the executor’s owner may call it: sign with the owner’s key',
  Expired: 'the deadline passed before the batch was mined: plan again (raise chain.deadlineSec if blocks are slow)',
  AlreadyExecuted: 'this rebalance id was already executed on-chain: the decision is done, do not send it again',
  BadStep: 'the batch’s steps are malformed (share, chaining or flags): a planner bug, report it',
  NoPool:
    'no pool at the address the executor computes from its factories: the chain file names a pool it cannot trade',
  StepOutputTooLow: 'a path returned less than its minimum (the pools moved): plan again next block',
  ValueFloor:
    'what the batch returns is worth less than (1 − maxSlippageBps) × what it pulls at the executor’s feeds: the pools are off the oracles (a sandwich or thin depth); wait, or check the pools',
  NoPermit2: 'this executor was deployed without Permit2: use standing approvals (chain.approvals "standing")',
  InvalidSigner: 'the Permit2 signature is not the executor owner’s (or signs other tokens, amounts or steps)',
  SignatureExpired: 'the Permit2 permit’s deadline (the batch’s) passed: plan again',
  InvalidNonce: 'the Permit2 nonce (the rebalance id) is already used or was cancelled: plan again',
  SlippageAboveCap: 'maxSlippageBps is above the cap configured on the executor (setGuards): lower it or raise the cap',
  NoFeed:
    'the executor has no feed for this token: configure it (setFeed, `ballast dex rebalance --deploy-executor` does it)',
  BadFeed:
    'the executor’s feed for this token is stale, incomplete, non-positive or at its bounds: wait for a fresh round',
  HeartbeatTooLong: 'a feed heartbeat above 16,777,215 s (194 days) is not a staleness bound: configure a shorter one',
  SequencerDown: 'the L2 sequencer is down (or its uptime feed has no round): wait until it is back',
  SequencerGrace: 'the L2 sequencer came back up within the grace period: wait until it ends',
  ForgedCallback: 'a swap callback came from an address that is not a pool of the fixed factories',
  AaveDisabled: 'an Aave step, but this executor was deployed without an Aave Pool: redeploy it with the Pool',
  NotAToken: 'an Aave step names an aToken that is not the Pool’s for its underlying: a planner bug, report it',
  UnsupportedStep:
    'this executor cannot run this kind of step (a v4 leg needs an executor deployed with a v4 PoolManager)',
  PayerMismatch:
    'a v4 unlock owed a different amount of a token than its owner-paid paths declared (netted with another path): a planner bug, report it',
  V4ForgedCallback: 'a v4 unlock callback came from outside this executor’s own PoolManager.unlock: refused',
  V4Busy: 'a v4 unlock was entered twice in one batch: a planner bug, report it',
  V4HookNotAllowed: 'a v4 pool with hooks: only hook-less pools are traded; fix the chain file',
  V4BadPath: 'a v4 hop does not spend the previous hop’s output token: a planner bug, report it',
  V4MinOut: 'a v4 path returned less than its minimum (the pools moved): plan again next block',
  V4NativeNotSupported: 'a v4 pool with native ETH: only ERC-20 pools are traded; use the WETH pool',
  V4BadAmount: 'a v4 path with a zero or too large input: a planner bug, report it',
  ReentrancyGuardReentrantCall: 'a token called back into the executor during the batch: refuse that token',
  SafeERC20FailedOperation: 'a token transfer or approval failed: check the owner’s balance and allowance',
};

const standard = parseAbi(['error Error(string reason)', 'error Panic(uint256 code)']);

const PANICS: Readonly<Record<number, string>> = {
  1: 'assertion failed',
  17: 'arithmetic overflow or underflow',
  18: 'division by zero',
  33: 'invalid enum value',
  49: 'pop from an empty array',
  50: 'array index out of bounds',
  65: 'out of memory',
  81: 'call to an uninitialized function',
};

/** Permit2's errors (executePermit2 passes them on: a bad signature, an expired permit, a used nonce). */
const permit2Errors = parseAbi([
  'error SignatureExpired(uint256 signatureDeadline)',
  'error InvalidNonce()',
  'error InvalidAmount(uint256 maxAmount)',
  'error LengthMismatch()',
  'error InvalidSignatureLength()',
  'error InvalidSignature()',
  'error InvalidSigner()',
  'error InvalidContractSignature()',
]);

/** Revert data → words: the reason string, the panic, or the custom error with its arguments. */
export function describeRevertData(data: Hex): string {
  if (data === '0x' || data.length < 10) return 'reverted without a reason';
  try {
    const d = decodeErrorResult({ abi: standard, data });
    if (d.errorName === 'Error') return String(d.args[0]);
    const code = Number(d.args[0]);
    return `panic 0x${code.toString(16)} (${PANICS[code] ?? 'unknown panic'})`;
  } catch {
    // not a standard error
  }
  try {
    const d = decodeErrorResult({ abi: [...executorArtifact().abi, ...permit2Errors], data });
    const args = [...(d.args ?? [])];
    const advice = ADVICE[d.errorName];
    return `${d.errorName}(${args.map(String).join(', ')})${advice ? `: ${advice}` : ''}`;
  } catch {
    return `custom error ${data.slice(0, 10)} (${(data.length - 2) / 2} bytes of revert data)`;
  }
}

/** The revert behind a failed call or simulation, in words; else the first lines of its message. */
export function explainRevert(e: unknown): string {
  if (e instanceof BaseError) {
    const hit = e.walk((x) => typeof (x as { data?: unknown }).data === 'string') as { data?: Hex } | null;
    if (hit?.data && /^0x[0-9a-fA-F]*$/.test(hit.data)) return describeRevertData(hit.data);
    return e.shortMessage;
  }
  return e instanceof Error ? e.message.split('\n').slice(0, 2).join(' ') : String(e);
}
