/** What the execution strategies need from a venue beyond the core Venue port. */
import type { Venue } from '../../core/ports.ts';

export interface Touch {
  readonly bid: number;
  readonly ask: number;
  /** Source time of the quote (ms). */
  readonly time: number;
}

export interface TradingVenue extends Venue {
  /** Best bid and ask of asset/quote. */
  touch(asset: string, quote: string): Promise<Touch>;
  /** The quantity truncated to the market's lot precision. */
  quantityToPrecision(asset: string, quote: string, quantity: number): Promise<number>;
}
