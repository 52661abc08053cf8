/**
 * What the one who sees an error should do next (issue #15 item 3). Every error Ballast throws carries it,
 * and the CLI's exit code and the API's HTTP status are read from it (src/cli/report-error.ts,
 * src/service/api/errors.ts), never from a class name.
 */
export type Next =
  /** A config, file, field or request body is wrong: fix it and run again (exit 1, HTTP 400). */
  | 'fix-input'
  /** The command line is wrong: an option, a flag's value (exit 2, HTTP 400). */
  | 'fix-usage'
  /** A temporary failure with nothing changed (network, rate limit, full disk): try again later (exit 75, HTTP 503). */
  | 'retry'
  /** An order or transaction may have gone out: resolve it by lookup, never by sending again (exit 75, HTTP 502). */
  | 'lookup'
  /** This cycle cannot trade (a venue's reply, a guard, a rejection); the next cycle tries again (exit 75, HTTP 503). */
  | 'next-cycle'
  /** Nothing can go on until someone acts (a bug, a corrupt journal, a held lock, bad credentials) (exit 1, HTTP 500). */
  | 'stop';

export const NEXT_STEPS: readonly Next[] = ['fix-input', 'fix-usage', 'retry', 'lookup', 'next-cycle', 'stop'];

export interface BallastErrorOptions {
  /** Overrides the class's `next` for this instance (e.g. a venue error whose kind decides it). */
  readonly next?: Next;
  /** Machine-readable facts about the problem (field, file, ids); never a secret. */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
  /**
   * Refines a fix-input error's HTTP 400: 404 (what was named does not exist), 409 (its state refuses
   * this) or 410 (it expired).
   */
  readonly httpStatus?: HttpRefinement;
  /** A stable machine code for the API body's `error` (default: one per next step, see the API docs). */
  readonly apiCode?: string;
}

export type HttpRefinement = 404 | 409 | 410;

/**
 * The base of every error Ballast throws: a message that says what went wrong and what to do, a `next`
 * step, and optional details. A subclass states its usual `next` once, as a static field:
 *
 *     class PriceDataError extends BallastError { static override readonly next = 'fix-input' }
 *
 * and any instance may override it through the options.
 */
export class BallastError extends Error {
  /** The class's usual next step; `stop` (someone must act) unless a subclass says otherwise. */
  static readonly next: Next = 'stop';
  static readonly httpStatus: HttpRefinement | undefined = undefined;
  static readonly apiCode: string | undefined = undefined;
  override readonly name: string = 'BallastError';
  readonly next: Next;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly httpStatus: HttpRefinement | undefined;
  readonly apiCode: string | undefined;

  constructor(message: string, options: BallastErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const cls = new.target as typeof BallastError;
    this.next = options.next ?? cls.next;
    this.details = options.details;
    this.httpStatus = options.httpStatus ?? cls.httpStatus;
    this.apiCode = options.apiCode ?? cls.apiCode;
  }
}

/** One problem with an input: where it is (a field path) and what was expected there. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Bad input: a config, balances or prices that cannot be used. Nothing was changed.
 * `format()` gives one line per issue: `portfolio.yaml: target: weights sum to 0.95, expected 1`.
 */
export class InputError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'InputError';
  constructor(
    readonly source: string,
    readonly issues: readonly InputIssue[],
  ) {
    super(InputError.lines(source, issues).join('\n'));
  }

  static lines(source: string, issues: readonly InputIssue[]): string[] {
    return issues.map((i) => `${source}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`);
  }

  static one(source: string, path: string, message: string): InputError {
    return new InputError(source, [{ path, message }]);
  }
}

/** Joins a zod-style path (`['costs','assets','BTC','sigma']`) into `costs.assets.BTC.sigma`. */
export function joinPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}
