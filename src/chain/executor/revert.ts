/**
 * A revert, decoded for a person (issue #16 item 3): `Error(string)` is its reason
 * (`UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT`), `Panic(uint256)` its code and meaning, the executor's
 * custom errors by name with their arguments, and a leg's revert (`LegReverted(leg, reason)`) by its
 * inner reason. Anything else is shown as its selector and length, never as a page of hex.
 */
import { BaseError, decodeErrorResult, type Hex, parseAbi } from 'viem';
import { executorArtifact } from './artifact.ts';

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
    const d = decodeErrorResult({ abi: executorArtifact().abi, data });
    const args = [...(d.args ?? [])];
    if (d.errorName === 'LegReverted')
      return `LegReverted: leg ${String(args[0])} reverted: ${describeRevertData(args[1] as Hex)}`;
    return `${d.errorName}(${args.map(String).join(', ')})`;
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
