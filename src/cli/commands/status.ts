import type { Command } from 'commander';
import { Journal } from '../../store/index.ts';
import { UsageError } from '../io.ts';

/**
 * `ballast status --journal FILE [--portfolio ID] [--json]`: what a journal holds about each portfolio, read
 * through a read-only open (no lock, nothing written), so it works while a service holds the journal
 * (docs/journal.md, "One writer, many readers").
 */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('what a journal holds about each portfolio (read-only: works beside a running service)')
    .requiredOption('--journal <file>', 'the service journal (SQLite)')
    .option('--portfolio <id>', 'only this portfolio')
    .option('--json', 'print one JSON object')
    .action((f: { journal: string; portfolio?: string; json?: boolean }) => {
      const j = Journal.openReadOnly(f.journal);
      try {
        const report = journalStatus(j, f.portfolio);
        process.stdout.write(f.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
      } finally {
        j.close();
      }
    });
}

export interface PortfolioStatus {
  readonly id: string;
  /** Why it is paused (kill switch, disk, manual, unlisted asset), or null. */
  readonly paused: string | null;
  readonly lastCycle: { cycle: number; at: number; decision: string | null; reason: string | null } | null;
  readonly lastRebalanceAt: number | null;
  readonly pendingPlan: { id: string; trades: number; expiresAt: number } | null;
  /** Order intents by state (sent, unknown, filled, …). */
  readonly orders: Readonly<Record<string, number>>;
  /** Orders and chain transactions not yet resolved: the service reconciles them at its next start. */
  readonly unfinished: number;
  readonly alerts: readonly { at: number; level: string; message: string }[];
}

export interface JournalStatus {
  readonly journal: string;
  readonly journalId: string;
  readonly portfolios: readonly PortfolioStatus[];
}

export function journalStatus(j: Journal, only?: string): JournalStatus {
  const ids = j.portfolios.list().map((p) => p.id);
  if (only !== undefined && !ids.includes(only))
    throw new UsageError(
      `--portfolio: no portfolio ${JSON.stringify(only)} in journal ${j.path}; known: ${ids.join(', ') || '(none)'}`,
    );
  const portfolios = (only === undefined ? ids : [only]).map((id) => portfolioStatus(j, id));
  return { journal: j.path, journalId: j.journalId, portfolios };
}

function portfolioStatus(j: Journal, id: string): PortfolioStatus {
  const last = j.cycles.latest(id);
  const plan = j.plans.pending(id);
  const trades = (plan?.plan as { plan?: { trades?: unknown[] } } | undefined)?.plan?.trades;
  return {
    id,
    paused: j.meta.get(`paused:${id}`) ?? null,
    lastCycle:
      last === undefined
        ? null
        : { cycle: last.cycle, at: last.startedAt, decision: last.decision, reason: last.reason },
    lastRebalanceAt: j.cycles.lastRebalanceAt(id),
    pendingPlan:
      plan === undefined
        ? null
        : { id: plan.id, trades: Array.isArray(trades) ? trades.length : 0, expiresAt: plan.expiresAt },
    orders: j.orders.countsByState(id),
    unfinished: j.orders.unfinishedIntents(id).length + j.chainTxs.unfinished(id).length,
    alerts: j.alerts.list({ portfolioId: id, limit: 3 }).map((a) => ({ at: a.at, level: a.level, message: a.message })),
  };
}

function when(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function formatStatus(s: JournalStatus): string {
  const out = [`journal ${s.journal} (id ${s.journalId})`];
  if (s.portfolios.length === 0) out.push('  no portfolio yet: a service has not run on this journal');
  for (const p of s.portfolios) {
    out.push(`${p.id}: ${p.paused === null ? 'running' : `PAUSED (${p.paused})`}`);
    const c = p.lastCycle;
    out.push(
      c === null
        ? '  last cycle: none yet'
        : `  last cycle: #${c.cycle} at ${when(c.at)}: ${c.decision ?? 'unfinished'}${c.reason === null ? '' : ` (${c.reason})`}`,
    );
    out.push(`  last rebalance: ${when(p.lastRebalanceAt)}`);
    if (p.pendingPlan !== null)
      out.push(
        `  pending plan ${p.pendingPlan.id}: ${p.pendingPlan.trades} trades, expires ${when(p.pendingPlan.expiresAt)}`,
      );
    const states = Object.entries(p.orders).map(([k, n]) => `${n} ${k}`);
    out.push(`  orders: ${states.length === 0 ? 'none' : states.join(', ')}`);
    if (p.unfinished > 0) out.push(`  unfinished: ${p.unfinished} (reconciled by lookup when the service starts)`);
    for (const a of p.alerts) out.push(`  alert ${when(a.at)} ${a.level}: ${a.message}`);
  }
  return `${out.join('\n')}\n`;
}
