/**
 * Why a mined transaction reverted, in words: the node's call trace (`debug_traceTransaction` with the
 * `callTracer`, which anvil and geth serve), its innermost failing call, and that call's revert decoded
 * (`describeRevertData`). A node without the tracer gives the receipt's bare fact instead. Used where a
 * transaction that simulated fine still reverted (a solver's settlement), so the outcome says which call
 * failed and why, not only "reverted".
 */
import type { Hex, PublicClient } from 'viem';
import { describeRevertData } from './executor/revert.ts';

interface CallFrame {
  readonly to?: string;
  readonly error?: string;
  readonly revertReason?: string;
  readonly output?: string;
  readonly gas?: string;
  readonly gasUsed?: string;
  readonly calls?: readonly CallFrame[];
}

/** The deepest failing frame on the path of failures from the top call. */
export function innermostFailure(top: CallFrame): CallFrame | null {
  if (top.error === undefined) return null;
  let at: CallFrame = top;
  for (;;) {
    const next = (at.calls ?? []).findLast((c) => c.error !== undefined);
    if (next === undefined) return at;
    at = next;
  }
}

/** One line on the failing call of a trace: its target, the error, the decoded reason. */
export function describeFailure(top: CallFrame): string {
  const f = innermostFailure(top);
  if (f === null) return 'the trace shows no failing call';
  const why =
    f.revertReason ??
    (f.output !== undefined && /^0x[0-9a-fA-F]*$/.test(f.output) && f.output.length > 2
      ? describeRevertData(f.output as Hex)
      : undefined);
  const gas = f.gas !== undefined && f.gasUsed !== undefined ? ` (gas ${BigInt(f.gasUsed)}/${BigInt(f.gas)})` : '';
  return `${f.to ?? 'a call'}: ${f.error}${why === undefined ? '' : `: ${why}`}${gas}`;
}

/** The reason a mined transaction reverted, from the node's trace; a fixed phrase when the node has no tracer. */
export async function revertOf(client: PublicClient, hash: Hex): Promise<string> {
  try {
    const trace = (await client.request({
      method: 'debug_traceTransaction' as never,
      params: [hash, { tracer: 'callTracer' }] as never,
    })) as CallFrame;
    return describeFailure(trace);
  } catch {
    return 'reverted on chain (the node gives no call trace)';
  }
}
