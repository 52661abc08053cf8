/**
 * What the CLI prints and returns for an error (issue #15 item 3): the exit code comes from the error's
 * `next` step, never from its class name. A known error prints its message (one line per problem; a usage
 * error is prefixed `ballast: `); anything else is unexpected and prints one line and how to see the stack.
 */
import { BallastError, type Next } from '../core/errors.ts';

/** Exit codes: 1 fix the input (or someone must act), 2 fix the command line, 75 (EX_TEMPFAIL) try again. */
export const NEXT_EXIT: Readonly<Record<Next, number>> = {
  'fix-input': 1,
  'fix-usage': 2,
  retry: 75,
  lookup: 75,
  'next-cycle': 75,
  stop: 1,
};

export interface Report {
  readonly code: number;
  /** What goes to stderr, ending in a newline. */
  readonly text: string;
}

export function reportError(e: unknown, debug: boolean): Report {
  if (e instanceof BallastError) {
    const line = e.next === 'fix-usage' ? `ballast: ${e.message}` : e.message;
    return { code: NEXT_EXIT[e.next], text: `${line}\n${debug && e.stack ? `${stackOnly(e.stack)}\n` : ''}` };
  }
  const what = e instanceof Error ? `${e.name}: ${oneLine(e.message)}` : oneLine(String(e));
  if (debug)
    return { code: 1, text: `ballast: unexpected error: ${what}\n${e instanceof Error ? (e.stack ?? '') : ''}\n` };
  return { code: 1, text: `ballast: unexpected error: ${what} (run with --debug for the stack)\n` };
}

function oneLine(s: string): string {
  const first = s.split('\n').find((l) => l.trim() !== '') ?? '';
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

/** The stack's frames without its first line (the message was printed already). */
function stackOnly(stack: string): string {
  const i = stack.indexOf('\n    at ');
  return i < 0 ? stack : stack.slice(i + 1);
}

/** `--debug` anywhere on the command line (or BALLAST_DEBUG=1) asks for stacks; it is taken out of argv. */
export function takeDebugFlag(argv: readonly string[], env: NodeJS.ProcessEnv): { argv: string[]; debug: boolean } {
  const end = argv.indexOf('--');
  const before = end < 0 ? argv : argv.slice(0, end);
  const debug = before.includes('--debug') || env.BALLAST_DEBUG === '1';
  const kept = before.filter((a) => a !== '--debug');
  return { argv: end < 0 ? kept : [...kept, ...argv.slice(end)], debug };
}
