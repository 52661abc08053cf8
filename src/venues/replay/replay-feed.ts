import type { PriceQuote } from '../../core/ports.ts';
import type { PriceSource } from '../paper/paper-venue.ts';

/**
 * Replays price history bar by bar: the service's clock is the current bar's time, and every price is
 * stamped with it (so staleness, schedules, cooldowns and calendar triggers all run on bar time).
 */
export class ReplayFeed implements PriceSource {
  bar = 0;
  constructor(
    readonly assets: readonly string[],
    readonly times: Float64Array,
    /** Row-major T×m closes in `assets` order. */
    readonly closes: Float64Array,
  ) {}

  get length(): number {
    return this.times.length;
  }

  now = (): number => this.times[this.bar]!;

  pricesAt(assets: readonly string[]): PriceQuote[] {
    const m = this.assets.length;
    const out: PriceQuote[] = [];
    for (const a of assets) {
      const i = this.assets.indexOf(a);
      if (i >= 0)
        out.push({ asset: a, price: this.closes[this.bar * m + i]!, time: this.times[this.bar]!, source: 'replay' });
    }
    return out;
  }

  async prices(assets: readonly string[]): Promise<PriceQuote[]> {
    return this.pricesAt(assets);
  }

  /** Assets (other than the quote) with no column in the replayed file. */
  async unlisted(assets: readonly string[], quote: string): Promise<string[]> {
    return assets.filter((a) => a !== quote && !this.assets.includes(a));
  }
}
