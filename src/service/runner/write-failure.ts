/**
 * A journal write failure during a cycle (issue #13 item 4): the portfolio is paused, in memory at once and
 * in the journal when it can still be written; else in a sidecar file `<journal>.paused.json` (plain fs,
 * a few bytes) that the service folds into the journal at its next start. The alert is journaled when
 * possible; when not, the observer gets it marked `journaled: false` (metrics, log, direct webhook).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import type { JournalWriteError } from '../../store/index.ts';
import { isMemoryPath } from '../../store/open-database.ts';
import type { PortfolioRunner } from './portfolio-runner.ts';
import type { AlertEvent, CycleEvent } from './types.ts';

export function pausedSidecarPath(journalPath: string): string {
  return `${journalPath}.paused.json`;
}

/** Portfolio id → pause reason, from the sidecar ({} when there is none or it is unreadable). */
export function readPausedSidecar(journalPath: string): Record<string, string> {
  const path = pausedSidecarPath(journalPath);
  if (isMemoryPath(journalPath) || !existsSync(path)) return {};
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Bytes kept allocated for the sidecar: a full disk can still take a pause rewritten in place. */
const SIDECAR_BYTES = 8192;

function writeInPlace(journalPath: string, held: Record<string, string>): boolean {
  const text = JSON.stringify(held);
  if (text.length > SIDECAR_BYTES) return false;
  let fd: number | null = null;
  try {
    fd = openSync(pausedSidecarPath(journalPath), 'r+');
    writeSync(fd, text.padEnd(SIDECAR_BYTES, ' '), 0, 'utf8');
    fsyncSync(fd);
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Creates the sidecar (`{}` padded to SIDECAR_BYTES) when absent, at start while the disk has room, so a
 * later pause overwrites blocks already allocated instead of needing new ones.
 */
export function reservePausedSidecar(journalPath: string): void {
  if (isMemoryPath(journalPath)) return;
  const path = pausedSidecarPath(journalPath);
  if (!existsSync(path)) writeFileSync(path, '{}'.padEnd(SIDECAR_BYTES, ' '), { mode: 0o600 });
}

/** Empties the sidecar (its pauses are in the journal now), keeping its space reserved. */
export function removePausedSidecar(journalPath: string): void {
  if (!isMemoryPath(journalPath) && existsSync(pausedSidecarPath(journalPath))) writeInPlace(journalPath, {});
}

/** Adds a pause to the sidecar; false when even that could not be written (then it is in memory only). */
function writePausedSidecar(journalPath: string, portfolioId: string, reason: string): boolean {
  if (isMemoryPath(journalPath)) return false;
  const held = { ...readPausedSidecar(journalPath), [portfolioId]: reason.slice(0, 2000) };
  if (existsSync(pausedSidecarPath(journalPath)) && writeInPlace(journalPath, held)) return true;
  try {
    writeFileSync(pausedSidecarPath(journalPath), JSON.stringify(held), { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}

export async function writeFailed(
  r: PortfolioRunner,
  w: JournalWriteError,
  at: number,
  cycle: number,
  t0: number,
): Promise<CycleEvent> {
  const { journal, now } = r.deps;
  r.consecutiveFailures++;
  r.lastCycleAt = at;
  let persisted = true;
  try {
    await r.setPaused(true, w.message);
  } catch {
    r.paused = true;
    r.pauseReason = w.message;
    persisted = writePausedSidecar(journal.location, r.id, w.message);
  }
  const message = persisted ? w.message : `${w.message} (the pause is held in memory only: resume after fixing)`;
  let alert: AlertEvent = { portfolioId: r.id, level: 'critical', kind: 'failure', message, at: now() };
  try {
    await journal.alerts.record({ portfolioId: r.id, level: 'critical', kind: 'failure', message, at: alert.at });
  } catch {
    alert = { ...alert, journaled: false };
  }
  r.deps.observer?.onAlert?.(alert);
  const ev: CycleEvent = {
    portfolioId: r.id,
    cycle,
    at,
    decision: 'failed',
    reason: w.message,
    value: r.lastValue,
    weights: r.lastWeights,
    plan: null,
    durationMs: performance.now() - t0,
    ordersSent: 0,
    ordersFilled: 0,
    ordersFailed: 0,
    priceAgeSeconds: null,
  };
  r.deps.observer?.onCycle?.(ev);
  return ev;
}
