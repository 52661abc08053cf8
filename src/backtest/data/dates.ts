/**
 * Date parsing for price files. `YYYY-MM-DD` is the UTC day starting at 00:00Z. ISO timestamps
 * (`YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`, a space allowed instead of `T`) without an offset are read
 * as UTC, never as the machine's local time, so a run gives the same bars on every machine.
 */

export const DAY_MS = 86_400_000;

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
}

/** Parses `YYYY-MM-DD` (a real calendar day) to ms UTC, or NaN. */
export function parseDay(s: string): number {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const m = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31)) return Number.NaN;
  const ms = Date.UTC(y, m - 1, d);
  // Date.UTC rolls 2021-02-30 over to March: reject days that do not exist.
  return new Date(ms).getUTCDate() === d ? ms : Number.NaN;
}

/** Parses a `YYYY-MM-DD` day or an ISO timestamp to ms UTC, or NaN when it is neither. */
export function parseTime(raw: string): number {
  const s = raw.trim();
  if (s.length === 10) return parseDay(s);
  const m = ISO_TIMESTAMP.exec(s);
  if (m === null || Number.isNaN(parseDay(s.slice(0, 10)))) return Number.NaN;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return Number.NaN;
  const zone = m[8] ?? 'Z';
  const t = Date.parse(`${s.slice(0, 10)}T${m[4]}:${m[5]}:${m[6] ?? '00'}${(m[7] ?? '').slice(0, 4)}${zone}`);
  return Number.isFinite(t) ? t : Number.NaN;
}

/** The UTC day (YYYY-MM-DD) of a time in ms. */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The UTC day index (days since 1970-01-01) of a time in ms. */
export function dayIndex(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** A bar's time as the file most likely wrote it: the day alone at midnight UTC, the full ISO form otherwise. */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % DAY_MS === 0 ? iso.slice(0, 10) : iso;
}
