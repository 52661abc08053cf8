/**
 * Sends one committed intent, in the only order that is crash-safe:
 *   refuse if the portfolio has an unknown leg → markSent (fsync) → venue.place → record the answer.
 * A rejection is `rejected`; anything else that goes wrong once the request may have left (timeout,
 * dropped connection, an unexpected exception) is `unknown`, to be resolved by lookup, never re-sent.
 */

import type { CrashHook } from '../core/orders/crash-points.ts';
import { type Clock, OrderRejectedError, type OrderState, type Venue } from '../core/ports.ts';
import { IllegalTransitionError, JournalInputError, UnknownLegsError } from '../store/errors.ts';
import type { OrderIntent } from '../store/intent-rows.ts';
import type { OrderPort } from '../store/ports.ts';

export async function sendIntent(
  orders: OrderPort,
  venue: Venue,
  clientOrderId: string,
  clock: Clock,
  hook?: CrashHook,
): Promise<OrderIntent> {
  const intent = await orders.get(clientOrderId);
  if (intent.venue !== venue.name)
    throw new JournalInputError('venue', `intent ${clientOrderId} is for venue ${intent.venue}, not ${venue.name}`);
  if (intent.state !== 'committed') throw new IllegalTransitionError(clientOrderId, intent.state, 'sent'); // never a second send
  if (await orders.hasUnknownLegs(intent.portfolioId)) throw new UnknownLegsError(intent.portfolioId, clientOrderId);
  await orders.markSent(clientOrderId, clock.now()); // checks 'committed' again inside the write transaction
  hook?.('after_sent_journaled', clientOrderId);
  const done = (i: OrderIntent): OrderIntent => {
    hook?.('after_outcome_journaled', clientOrderId);
    return i;
  };
  let state: OrderState;
  try {
    state = await venue.place(await orders.toOrderRequest(intent));
  } catch (e) {
    hook?.('after_venue_answer', clientOrderId);
    if (e instanceof OrderRejectedError) return done(await orders.markRejected(clientOrderId, e.reason, clock.now()));
    const why = e instanceof Error ? e.message : String(e);
    return done(await orders.markUnknown(clientOrderId, `send outcome unknown: ${why}`, clock.now()));
  }
  hook?.('after_venue_answer', clientOrderId);
  if (state.status === 'not_found')
    return done(await orders.markUnknown(clientOrderId, 'venue answered the send with not_found', clock.now()));
  return done(await orders.recordAck(clientOrderId, state, clock.now()));
}
