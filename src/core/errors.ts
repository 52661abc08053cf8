/** One problem with an input: where it is (a field path) and what was expected there. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Bad input: a config, balances or prices that cannot be used. Nothing was changed.
 * `format()` gives one line per issue: `portfolio.yaml: target: weights sum to 0.95, expected 1`.
 */
export class InputError extends Error {
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
