/** Shared test set-up: a journal with one portfolio and a started cycle. */
import type { IntentInput } from '../intent-rows.ts';
import { Journal } from '../journal.ts';

export const T0 = Date.UTC(2026, 0, 1);

export function journalWithPortfolio(path = ':memory:', portfolioId = 'main'): Journal {
  const j = Journal.open(path, { journalId: 'test', now: T0 });
  j.portfolios.upsert({ id: portfolioId, config: { quote: 'USDT' }, at: T0 });
  return j;
}

export function intent(over: Partial<IntentInput> = {}): IntentInput {
  return {
    portfolioId: 'main',
    cycle: 1,
    leg: 0,
    child: 0,
    venue: 'memory',
    asset: 'BTC',
    quote: 'USDT',
    side: 'buy',
    quantity: 0.5,
    orderType: 'market',
    referencePrice: 40000,
    at: T0,
    ...over,
  };
}
