/** Price observations (time, asset, quote, price, source): what each cycle's guards saw, for audit and charts. */
import type { PriceQuote } from '../core/ports.ts';
import { JournalInputError } from './errors.ts';
import { requireFinite } from './intent-core.ts';
import type { SqliteDatabase } from './open-database.ts';

export interface PriceObservation extends PriceQuote {
  readonly quote: string;
}

export class PriceStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Records quotes as observed (source time, not receipt time). Non-positive or non-finite prices are refused. */
  record(quote: string, prices: readonly PriceQuote[]): void {
    for (const p of prices) {
      requireFinite(`prices.${p.asset}.price`, p.price, { positive: true });
      requireFinite(`prices.${p.asset}.time`, p.time);
      if (p.source.length === 0) throw new JournalInputError(`prices.${p.asset}.source`, 'must not be empty');
    }
    const ins = this.db.prepare(
      'INSERT INTO price_observations (at, asset, quote, price, source) VALUES (?, ?, ?, ?, ?)',
    );
    this.db
      .transaction(() => {
        for (const p of prices) ins.run(p.time, p.asset, quote, p.price, p.source);
      })
      .immediate();
  }

  /** Oldest first within [from, to]. */
  history(
    asset: string,
    quote: string,
    range: { from?: number; to?: number; source?: string } = {},
  ): PriceObservation[] {
    const rows = this.db
      .prepare(
        'SELECT at, asset, quote, price, source FROM price_observations WHERE asset = ? AND quote = ? AND at >= ? AND at <= ? AND (? IS NULL OR source = ?) ORDER BY at, id',
      )
      .all(
        asset,
        quote,
        range.from ?? Number.MIN_SAFE_INTEGER,
        range.to ?? Number.MAX_SAFE_INTEGER,
        range.source ?? null,
        range.source ?? null,
      ) as {
      at: number;
      asset: string;
      quote: string;
      price: number;
      source: string;
    }[];
    return rows.map((r) => ({ asset: r.asset, quote: r.quote, price: r.price, time: r.at, source: r.source }));
  }

  /** Deletes observations older than `before` (they grow without bound otherwise); returns how many. */
  prune(before: number): number {
    return this.db.prepare('DELETE FROM price_observations WHERE at < ?').run(before).changes;
  }
}
