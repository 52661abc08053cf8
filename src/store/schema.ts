/**
 * Migration 1: the journal's core tables. Times are integer ms since the Unix epoch (UTC), supplied by
 * the caller's clock (wall clock or the replay's bar clock). Quantities and prices are REAL: SQLite
 * stores a double's 8 bytes exactly, so a value at the venue's precision reads back bit for bit.
 * Append-only tables (events, lookups, fills, cash flows) refuse UPDATE and DELETE by trigger.
 * Never edit this text once released: add a migration.
 */

const appendOnly = (table: string): string => `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;

export const INTENT_STATES_SQL =
  "'committed','sent','open','partially_filled','filled','canceled','rejected','unknown','not_placed'";

export const SCHEMA_V1 = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE portfolios (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
  name TEXT NOT NULL,
  -- first 8 characters of every client order id of this portfolio; UNIQUE makes ids collision-free across portfolios
  cid_prefix TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL CHECK (json_valid(config)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE target_versions (
  portfolio_id TEXT NOT NULL REFERENCES portfolios(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  targets TEXT NOT NULL CHECK (json_valid(targets)),
  source TEXT NOT NULL,
  note TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (portfolio_id, version)
) STRICT;

CREATE TABLE cycles (
  portfolio_id TEXT NOT NULL REFERENCES portfolios(id),
  cycle INTEGER NOT NULL CHECK (cycle >= 1),
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  decision TEXT,
  reason TEXT,
  detail TEXT CHECK (detail IS NULL OR json_valid(detail)),
  PRIMARY KEY (portfolio_id, cycle),
  CHECK ((finished_at IS NULL) = (decision IS NULL))
) STRICT;

CREATE TABLE skipped_trades (
  id INTEGER PRIMARY KEY,
  portfolio_id TEXT NOT NULL,
  cycle INTEGER NOT NULL,
  asset TEXT NOT NULL,
  side TEXT CHECK (side IS NULL OR side IN ('buy','sell')),
  quantity REAL,
  notional REAL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL,
  FOREIGN KEY (portfolio_id, cycle) REFERENCES cycles(portfolio_id, cycle)
) STRICT;
CREATE INDEX skipped_trades_cycle ON skipped_trades(portfolio_id, cycle);
${appendOnly('skipped_trades')}

-- One row per order (or chain transaction) the service intends to send, committed BEFORE sending.
-- state is the latest of its order_events; both change in the same transaction.
CREATE TABLE order_intents (
  id INTEGER PRIMARY KEY,
  client_order_id TEXT NOT NULL UNIQUE
    CHECK (length(client_order_id) BETWEEN 1 AND 32 AND client_order_id NOT GLOB '*[^A-Za-z0-9]*'),
  portfolio_id TEXT NOT NULL,
  cycle INTEGER NOT NULL,
  leg INTEGER NOT NULL CHECK (leg >= 0),
  child INTEGER NOT NULL CHECK (child >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('order','chain_tx')),
  venue TEXT NOT NULL,
  asset TEXT,
  quote TEXT,
  side TEXT CHECK (side IS NULL OR side IN ('buy','sell')),
  quantity REAL CHECK (quantity IS NULL OR quantity > 0),
  order_type TEXT CHECK (order_type IS NULL OR order_type IN ('market','limit')),
  limit_price REAL CHECK (limit_price IS NULL OR limit_price > 0),
  reference_price REAL CHECK (reference_price IS NULL OR reference_price > 0),
  state TEXT NOT NULL CHECK (state IN (${INTENT_STATES_SQL})),
  venue_order_id TEXT,
  filled_quantity REAL NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
  average_price REAL NOT NULL DEFAULT 0 CHECK (average_price >= 0),
  reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (portfolio_id, cycle, leg, child),
  FOREIGN KEY (portfolio_id, cycle) REFERENCES cycles(portfolio_id, cycle),
  CHECK (kind = 'chain_tx' OR (asset IS NOT NULL AND quote IS NOT NULL AND side IS NOT NULL AND quantity IS NOT NULL
         AND order_type IS NOT NULL AND reference_price IS NOT NULL)),
  CHECK (order_type IS NOT 'limit' OR limit_price IS NOT NULL)
) STRICT;
CREATE INDEX order_intents_unfinished ON order_intents(state)
  WHERE state IN ('committed','sent','open','partially_filled','unknown');
CREATE INDEX order_intents_portfolio ON order_intents(portfolio_id, cycle);

-- Append-only history of every state change, with reason and time.
CREATE TABLE order_events (
  id INTEGER PRIMARY KEY,
  intent_id INTEGER NOT NULL REFERENCES order_intents(id),
  from_state TEXT CHECK (from_state IS NULL OR from_state IN (${INTENT_STATES_SQL})),
  to_state TEXT NOT NULL CHECK (to_state IN (${INTENT_STATES_SQL})),
  reason TEXT,
  detail TEXT CHECK (detail IS NULL OR json_valid(detail)),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX order_events_intent ON order_events(intent_id, id);
${appendOnly('order_events')}

-- Every lookup of an order by client order id (reconciliation), for the not-placed rule.
CREATE TABLE order_lookups (
  id INTEGER PRIMARY KEY,
  intent_id INTEGER NOT NULL REFERENCES order_intents(id),
  at INTEGER NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('found','not_found','error')),
  status TEXT,
  error TEXT
) STRICT;
CREATE INDEX order_lookups_intent ON order_lookups(intent_id, at);
${appendOnly('order_lookups')}

-- Fills: unique per venue trade id, so recording the same fill twice is a no-op.
CREATE TABLE fills (
  id INTEGER PRIMARY KEY,
  intent_id INTEGER NOT NULL REFERENCES order_intents(id),
  venue TEXT NOT NULL,
  trade_id TEXT NOT NULL,
  quantity REAL NOT NULL CHECK (quantity > 0),
  price REAL NOT NULL CHECK (price > 0),
  fee REAL NOT NULL,
  fee_asset TEXT NOT NULL,
  at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  UNIQUE (venue, trade_id)
) STRICT;
CREATE INDEX fills_intent ON fills(intent_id);
${appendOnly('fills')}

CREATE TABLE cash_flows (
  id INTEGER PRIMARY KEY,
  portfolio_id TEXT NOT NULL REFERENCES portfolios(id),
  kind TEXT NOT NULL CHECK (kind IN ('deposit','withdrawal')),
  asset TEXT NOT NULL,
  quantity REAL NOT NULL CHECK (quantity > 0),
  -- value in the portfolio's quote at the flow's time, for time-weighted return (NULL when unknown)
  value REAL CHECK (value IS NULL OR value >= 0),
  at INTEGER NOT NULL,
  note TEXT,
  -- caller's idempotency key (API request id): the same flow posted twice is recorded once
  external_id TEXT UNIQUE
) STRICT;
CREATE INDEX cash_flows_portfolio ON cash_flows(portfolio_id, at);
${appendOnly('cash_flows')}

CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  portfolio_id TEXT NOT NULL REFERENCES portfolios(id),
  hash TEXT NOT NULL,
  plan TEXT NOT NULL CHECK (json_valid(plan)),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  state TEXT NOT NULL CHECK (state IN ('pending','executed','refused','expired','superseded')),
  decided_at INTEGER,
  decision_reason TEXT,
  cycle INTEGER
) STRICT;
CREATE INDEX plans_portfolio ON plans(portfolio_id, state);

CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  portfolio_id TEXT REFERENCES portfolios(id),
  at INTEGER NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('info','warning','critical')),
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  detail TEXT CHECK (detail IS NULL OR json_valid(detail)),
  delivered_at INTEGER,
  delivery_error TEXT
) STRICT;
CREATE INDEX alerts_undelivered ON alerts(id) WHERE delivered_at IS NULL;

-- The paper venue's account balances, so a paper portfolio survives restarts.
CREATE TABLE paper_balances (
  account TEXT NOT NULL,
  asset TEXT NOT NULL,
  quantity REAL NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account, asset)
) STRICT;

CREATE TABLE price_observations (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  asset TEXT NOT NULL,
  quote TEXT NOT NULL,
  price REAL NOT NULL CHECK (price > 0),
  source TEXT NOT NULL
) STRICT;
CREATE INDEX price_observations_asset ON price_observations(asset, quote, at);
`;
