/** The PostgreSQL image of PriceStore (../prices.ts): the same checks and rows. */
import type { PriceQuote } from '../../core/ports.ts';
import { JournalInputError } from '../errors.ts';
import { requireFinite } from '../intent-core.ts';
import type { PricePort } from '../ports.ts';
import type { PriceObservation } from '../prices.ts';
import type { Sql } from './sql.ts';

export class PgPriceStore implements PricePort {
  constructor(private readonly sql: Sql) {}

  async record(quote: string, prices: readonly PriceQuote[]): Promise<void> {
    for (const p of prices) {
      requireFinite(`prices.${p.asset}.price`, p.price, { positive: true });
      requireFinite(`prices.${p.asset}.time`, p.time);
      if (p.source.length === 0) throw new JournalInputError(`prices.${p.asset}.source`, 'must not be empty');
    }
    if (prices.length === 0) return;
    // One statement: all the quotes or none.
    await this.sql.run(
      'INSERT INTO price_observations (at, asset, quote, price, source) SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::float8[], ?::text[])',
      prices.map((p) => p.time),
      prices.map((p) => p.asset),
      prices.map(() => quote),
      prices.map((p) => p.price),
      prices.map((p) => p.source),
    );
  }

  async history(
    asset: string,
    quote: string,
    range: { from?: number; to?: number; source?: string } = {},
  ): Promise<PriceObservation[]> {
    const rows = await this.sql.all<{ at: number; asset: string; quote: string; price: number; source: string }>(
      'SELECT at, asset, quote, price, source FROM price_observations WHERE asset = ? AND quote = ? AND at >= ? AND at <= ? AND (?::text IS NULL OR source = ?) ORDER BY at, id',
      asset,
      quote,
      range.from ?? Number.MIN_SAFE_INTEGER,
      range.to ?? Number.MAX_SAFE_INTEGER,
      range.source ?? null,
      range.source ?? null,
    );
    return rows.map((r) => ({ asset: r.asset, quote: r.quote, price: r.price, time: r.at, source: r.source }));
  }

  async prune(before: number): Promise<number> {
    return (await this.sql.run('DELETE FROM price_observations WHERE at < ?', before)).changes;
  }
}
