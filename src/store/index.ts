/** The journal's public API (see docs/journal.md). */
export { type AlertLevel, type AlertRecord, AlertStore } from './alerts.ts';
export { type CashFlow, type CashFlowInput, CashFlowStore } from './cash-flows.ts';
export { type ChainReceipt, type ChainTxInput, type ChainTxIntent, ChainTxJournal } from './chain-txs.ts';
export { type CycleDecision, type CycleRecord, CycleStore, type SkippedTrade } from './cycles.ts';
export * from './errors.ts';
export type {
  FillRecord,
  IntentBase,
  IntentInput,
  IntentKind,
  OrderEvent,
  OrderIntent,
  OrderLookup,
} from './intent-rows.ts';
export { Journal, type JournalOptions } from './journal.ts';
export { MetaStore } from './meta.ts';
export { MIGRATIONS, type Migration, type MigrationResult, migrate, schemaVersion } from './migrations.ts';
export {
  type OpenDatabaseOptions,
  openDatabase,
  openReadOnlyDatabase,
  quickCheck,
  type SqliteDatabase,
} from './open-database.ts';
export { OrderJournal, type ResolveOutcome } from './orders.ts';
export { PaperAccountStore } from './paper-accounts.ts';
export { type PlanState, PlanStore, planHash, type StoredPlan } from './plans.ts';
export { type PortfolioRecord, PortfolioStore, type TargetVersion } from './portfolios.ts';
export { type PriceObservation, PriceStore } from './prices.ts';
export { assertNoSecrets, findSecrets, isSecretKey, REDACTED, redactSecrets, toStoredJson } from './secrets.ts';
export { acquireWriterLock, lockPathOf, ownerPathOf, readHolder, type WriterLock } from './writer-lock.ts';
