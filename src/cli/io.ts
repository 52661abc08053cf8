import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import YAML from 'yaml';
import { BallastError, InputError, type Next } from '../core/errors.ts';
import { decodeText, unreadable } from '../core/text.ts';

/** The text of a file; errors name the file and say what is wrong (missing, a directory, not text). */
export function readTextFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw InputError.one(path, '', unreadable((e as NodeJS.ErrnoException).code));
  }
  const r = decodeText(bytes);
  if (!r.ok) throw InputError.one(path, '', r.why);
  return r.text;
}

/** Reads a YAML or JSON file (by extension; YAML is a superset of JSON anyway). Errors name the file. */
export function readDocument(path: string): unknown {
  const text = readTextFile(path);
  try {
    return path.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw InputError.one(
      path,
      '',
      `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]!.slice(0, 160)}`,
    );
  }
}

/** Reads a JSON object of asset → value (balances, prices). */
export function readAssetMap(path: string): Record<string, unknown> {
  const doc = readDocument(path);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw InputError.one(path, '', 'expected a JSON object of asset → number, e.g. { "BTC": 1.25 }');
  }
  return doc as Record<string, unknown>;
}

/** The label used in error messages: the path as the user typed it. */
export const label = (path: string): string => path || basename(path);

/** A UTC date `YYYY-MM-DD` or an ISO timestamp → ms. */
export function parseTime(value: string, option: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new UsageError(`${option}: ${JSON.stringify(value)} is not a date (YYYY-MM-DD or ISO 8601)`);
  return ms;
}

/** Bad usage of the command line: exit code 2. */
export class UsageError extends BallastError {
  static override readonly next: Next = 'fix-usage';
  override readonly name = 'UsageError';
}
