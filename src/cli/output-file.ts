/**
 * Output files of a command: checked before any work (so a bad path fails fast and leaves nothing),
 * then written to a temporary name beside the target and renamed over it (so a failed write leaves no
 * partial file).
 */
import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BallastError } from '../core/errors.ts';
import { UsageError } from './io.ts';

/** Throws a usage error naming the flag unless `path` can be written as a file. */
export function checkOutputPath(flag: string, path: string): void {
  if (path.trim() === '') throw new UsageError(`${flag}: the path is empty`);
  const abs = resolve(path);
  const dir = dirname(abs);
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`${flag}: the directory ${dirname(path)} does not exist`);
  }
  if (!st.isDirectory()) throw new UsageError(`${flag}: ${dirname(path)} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag}: cannot write in ${dirname(path)} (permission denied)`);
  }
  let target: ReturnType<typeof statSync> | undefined;
  try {
    target = statSync(abs);
  } catch {
    return; // a new file
  }
  if (target.isDirectory()) throw new UsageError(`${flag}: ${path} is a directory`);
}

/** Writes `text` to `path` through a temporary file in the same directory, renamed into place. */
export function writeFileAtomic(path: string, text: string): void {
  const abs = resolve(path);
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new BallastError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      next: 'retry',
      cause: e,
    });
  }
}
