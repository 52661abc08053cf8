/**
 * Input files are text: a file that is not (NUL bytes, or not UTF-8) is described by its size, never
 * echoed raw into an error message (issue #16 item 6).
 */

/**
 * The text of `bytes`, or a description of why it is not text (`300 bytes of binary data, not text`).
 * `partial`: `bytes` is the start of a longer file, which may end inside a character.
 */
export function decodeText(
  bytes: Uint8Array,
  partial = false,
): { ok: true; text: string } | { ok: false; why: string } {
  const why = `${bytes.length} bytes of binary data, not text (expected UTF-8)`;
  if (bytes.includes(0)) return { ok: false, why };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: partial }) };
  } catch {
    return { ok: false, why };
  }
}

/** What a failed read of a file means to a user, from its errno code. */
export function unreadable(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'is not a file (a part of its path is a file)';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    default:
      return `cannot be read (${code ?? 'unknown error'})`;
  }
}
