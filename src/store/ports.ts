/**
 * The storage layer's interfaces (issue #14): every store method returns a promise, so a PostgreSQL store
 * (issue #28) can implement the same ports over a connection pool. The SQLite journal implements them
 * synchronously inside (`sqliteStore`): the work of a call is done and committed before its promise is
 * returned, so a claim taken "before any await" is still taken before the caller's first await.
 *
 * Each port is the async image of the SQLite store class that defines it, so the two cannot drift apart;
 * a unit of work that must be atomic is one method (e.g. `paperAccounts.fill`, `claims.claim`), never a
 * transaction held open across awaits.
 */
import type { AlertStore } from './alerts.ts';
import type { CashFlowStore } from './cash-flows.ts';
import type { ChainTxJournal } from './chain-txs.ts';
import type { WorkClaimStore } from './claims.ts';
import type { CycleStore } from './cycles.ts';
import type { Journal } from './journal.ts';
import type { MetaStore } from './meta.ts';
import type { OrderJournal } from './orders.ts';
import type { PaperAccountStore } from './paper-accounts.ts';
import type { PlanStore } from './plans.ts';
import type { PortfolioStore } from './portfolios.ts';
import type { PriceStore } from './prices.ts';

// biome-ignore lint/suspicious/noExplicitAny: matches any method signature in a mapped type
type AnyMethod = (...args: any[]) => unknown;

/** The async image of a store class: each method takes the same arguments and returns a promise of its result. */
export type AsyncPort<T> = {
  readonly [K in keyof T as T[K] extends AnyMethod ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

export type MetaPort = AsyncPort<MetaStore>;
export type PortfolioPort = AsyncPort<PortfolioStore>;
export type CyclePort = AsyncPort<CycleStore>;
/** Orders: no open transactions across the port; reconciliation journals each lookup in one call. */
export type OrderPort = AsyncPort<Omit<OrderJournal, 'transaction' | 'core'>>;
export type ChainTxPort = AsyncPort<ChainTxJournal>;
export type CashFlowPort = AsyncPort<CashFlowStore>;
export type PlanPort = AsyncPort<PlanStore>;
export type AlertPort = AsyncPort<AlertStore>;
export type PaperAccountPort = AsyncPort<PaperAccountStore>;
export type PricePort = AsyncPort<PriceStore>;
export type ClaimPort = AsyncPort<WorkClaimStore>;

/** Everything the service, the venues and the chain code may ask of storage. */
export interface Store {
  /** The namespace of client order ids (16 hex digits, fixed when the store was created). */
  readonly id: string;
  /** Where it lives, for messages: a file path, or a database URL without its password. */
  readonly location: string;
  readonly meta: MetaPort;
  readonly portfolios: PortfolioPort;
  readonly cycles: CyclePort;
  readonly orders: OrderPort;
  readonly chainTxs: ChainTxPort;
  readonly cashFlows: CashFlowPort;
  readonly plans: PlanPort;
  readonly alerts: AlertPort;
  readonly paperAccounts: PaperAccountPort;
  readonly prices: PricePort;
  readonly claims: ClaimPort;
  /** Releases the store (and its writer lock, if it holds one). */
  close(): Promise<void>;
}

/** Wraps a synchronous store object: each method runs at once and its result or error becomes a promise. */
export function asyncPort<T extends object>(impl: T): AsyncPort<T> {
  const out: Record<string, unknown> = {};
  for (let proto = Object.getPrototypeOf(impl); proto !== null && proto !== Object.prototype; ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const fn = (impl as Record<string, unknown>)[name];
      if (name === 'constructor' || name in out || typeof fn !== 'function') continue;
      out[name] = (...args: unknown[]) => {
        try {
          return Promise.resolve((fn as AnyMethod).apply(impl, args));
        } catch (e) {
          return Promise.reject(e);
        }
      };
    }
    proto = Object.getPrototypeOf(proto);
  }
  return Object.freeze(out) as AsyncPort<T>;
}

const VIEWS = new WeakMap<Journal, Store>();

/** The SQLite journal behind the async ports (one view per journal, so identity checks hold). */
export function sqliteStore(journal: Journal): Store {
  const known = VIEWS.get(journal);
  if (known !== undefined) return known;
  const store: Store = Object.freeze({
    id: journal.journalId,
    location: journal.path,
    meta: asyncPort(journal.meta),
    portfolios: asyncPort(journal.portfolios),
    cycles: asyncPort(journal.cycles),
    orders: asyncPort(journal.orders) as OrderPort,
    chainTxs: asyncPort(journal.chainTxs),
    cashFlows: asyncPort(journal.cashFlows),
    plans: asyncPort(journal.plans),
    alerts: asyncPort(journal.alerts),
    paperAccounts: asyncPort(journal.paperAccounts),
    prices: asyncPort(journal.prices),
    claims: asyncPort(journal.claims),
    close: async () => journal.close(),
  });
  VIEWS.set(journal, store);
  return store;
}
