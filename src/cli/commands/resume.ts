import type { Command } from 'commander';
import { BallastError } from '../../core/errors.ts';
import { parseService } from '../../service/config/parse.ts';
import { readPausedSidecar, removePausedSidecar } from '../../service/runner/write-failure.ts';
import { Journal, JournalLockedError } from '../../store/index.ts';
import { readDocument, UsageError } from '../io.ts';
import { requireJournal } from './flow.ts';

/**
 * `ballast resume PORTFOLIO --config FILE`: lifts a pause (kill switch, disk write failure, manual) of a
 * stopped service's portfolio in its journal. A running service holds the writer lock: then its API resumes.
 */
export function registerResume(program: Command): void {
  program
    .command('resume <portfolio>')
    .description('resume a paused portfolio in the journal of a stopped service')
    .requiredOption('--config <file>', 'service file (YAML or JSON)')
    .action((portfolio: string, f: { config: string }) => {
      const cfg = parseService(readDocument(f.config), f.config, readDocument);
      if (!cfg.portfolios.some((p) => p.id === portfolio))
        throw new UsageError(
          `no portfolio ${JSON.stringify(portfolio)} in ${f.config}; known: ${cfg.portfolios.map((p) => p.id).join(', ')}`,
        );
      requireJournal(cfg.journal);
      let j: Journal;
      try {
        j = Journal.open(cfg.journal, { writer: true });
      } catch (e) {
        if (!(e instanceof JournalLockedError)) throw e;
        const who = e.holder ? ` (pid ${e.holder.pid} on host ${e.holder.host})` : '';
        throw new BallastError(
          `journal ${cfg.journal}: a running service holds it${who}; resume through its API instead: POST /portfolios/${portfolio}/resume`,
        );
      }
      try {
        const key = `paused:${portfolio}`;
        const reason = j.meta.get(key) ?? readPausedSidecar(cfg.journal)[portfolio];
        j.meta.delete(key);
        // A pause only the sidecar held (the journal could not be written): the others go into the journal.
        const held = readPausedSidecar(cfg.journal);
        for (const [id, r] of Object.entries(held)) if (id !== portfolio) j.meta.set(`paused:${id}`, r, Date.now());
        removePausedSidecar(cfg.journal);
        process.stdout.write(
          reason === undefined
            ? `portfolio ${portfolio}: was not paused\n`
            : `portfolio ${portfolio}: resumed (was paused: ${reason})\n`,
        );
      } finally {
        j.close();
      }
    });
}
