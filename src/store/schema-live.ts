/**
 * Migration 6 (issue #28): what the service shows of a portfolio lives in the store, not in one process's
 * memory, so that `serve --workers` shows cycles run by workers anywhere: the last cycle's snapshot (value,
 * weights and prices at its validated prices; one row per portfolio, the latest cycle's) and the count of
 * consecutive failed cycles the kill switch trips on; and each executing cycle's plan with the prices it was
 * made at, journaled before its first order, so a cycle interrupted mid-way is resumed with its remaining
 * legs. Never edit this text once released: add a migration.
 */
export const SCHEMA_V6 = `
ALTER TABLE cycles ADD COLUMN planned TEXT CHECK (planned IS NULL OR json_valid(planned));
ALTER TABLE portfolios ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0);

CREATE TABLE portfolio_snapshots (
  portfolio_id TEXT PRIMARY KEY REFERENCES portfolios(id),
  cycle INTEGER NOT NULL CHECK (cycle >= 1),
  at INTEGER NOT NULL,
  value REAL NOT NULL,
  weights TEXT NOT NULL CHECK (json_valid(weights)),
  prices TEXT NOT NULL CHECK (json_valid(prices))
) STRICT;
`;
