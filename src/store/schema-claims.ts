/**
 * Migration 3 (issue #13, one gate for every order): a plan is claimed (`pending → executing`) in the
 * same transaction that claims its portfolio's execution slot, before anything is awaited, so of N
 * concurrent approvals exactly one sends. `work_claims` holds at most one claim per portfolio: the
 * scheduled cycle and an approval cannot send for the same portfolio at once. A claim left by a process
 * that died is cleared at the next start (the writer lock guarantees no live holder), after which recovery
 * reconciles every intent by lookup. Never edit this text once released: add a migration.
 */
export const SCHEMA_V3 = `
CREATE TABLE plans_v3 (
  id TEXT PRIMARY KEY,
  portfolio_id TEXT NOT NULL REFERENCES portfolios(id),
  hash TEXT NOT NULL,
  plan TEXT NOT NULL CHECK (json_valid(plan)),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  state TEXT NOT NULL CHECK (state IN ('pending','executing','executed','refused','expired','superseded')),
  decided_at INTEGER,
  decision_reason TEXT,
  cycle INTEGER
) STRICT;
INSERT INTO plans_v3 SELECT id, portfolio_id, hash, plan, created_at, expires_at, state, decided_at, decision_reason, cycle FROM plans;
DROP TABLE plans;
ALTER TABLE plans_v3 RENAME TO plans;
CREATE INDEX plans_portfolio ON plans(portfolio_id, state);

CREATE TABLE work_claims (
  portfolio_id TEXT PRIMARY KEY REFERENCES portfolios(id),
  source TEXT NOT NULL CHECK (source IN ('cycle','approval')),
  plan_id TEXT REFERENCES plans(id),
  claimed_at INTEGER NOT NULL
) STRICT;
`;
