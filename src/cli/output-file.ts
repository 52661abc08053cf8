/**
 * Output files (`--report`, `--equity`, `--out`, `chain up --out`): checked before any work, written
 * whole or not at all (issue #16 item 4). `checkOutput` refuses, naming the flag, a path whose folder is
 * missing or is a file, a path that is a directory, or a name whose extension does not match the format;
 * `writeOutput` writes a temporary file beside the target and renames it, so a failed write leaves nothing.
 */
import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { BallastError } from '../core/errors.ts';
import { UsageError } from './io.ts';

/** Each format and the extensions a file of it may have. */
export const FORMATS = {
  html: ['.html', '.htm'],
  csv: ['.csv'],
  json: ['.json'],
} as const;
export type Format = keyof typeof FORMATS;

function kind(path: string): 'dir' | 'file' | 'none' | 'other' {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'none';
    if (code === 'ENOTDIR') return 'other';
    throw e;
  }
}

/**
 * Checks an output path for a flag before anything is computed. `formats` are the formats the flag
 * writes (the extension chooses among them); returns the chosen one.
 */
export function checkOutput(flag: string, path: string, formats: readonly Format[]): Format {
  const at = `${flag} ${path}`;
  if (path.trim() === '') throw new UsageError(`${flag}: expected a file name`);
  const ext = extname(path).toLowerCase();
  const format = formats.find((f) => (FORMATS[f] as readonly string[]).includes(ext));
  if (format === undefined) {
    const want = formats.flatMap((f) => FORMATS[f]).join(' or ');
    throw new UsageError(`${at}: the file name must end in ${want} (it is written as ${formats.join(' or ')})`);
  }
  const dir = dirname(path);
  const parent = kind(dir);
  if (parent === 'none') throw new UsageError(`${at}: the folder ${dir} does not exist; create it first`);
  if (parent !== 'dir') throw new UsageError(`${at}: ${dir} is not a folder (a file is in the way)`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${at}: cannot write in ${dir} (permission denied)`);
  }
  const target = kind(path);
  if (target === 'dir') throw new UsageError(`${at}: is a directory; name a file inside it`);
  if (target === 'other') throw new UsageError(`${at}: is not a regular file`);
  return format;
}

/** Writes `text` to `path` through a temporary file in the same folder and a rename. */
export function writeOutput(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    throw new BallastError(`${path}: cannot be written (${code}); nothing was written`, {
      next: full ? 'retry' : 'fix-input',
      cause: e,
    });
  }
}
