/**
 * The PostgreSQL schema (issue #28): the SQLite journal's tables after its migration 4, in PostgreSQL's
 * types. Times are BIGINT ms since the epoch; quantities and prices DOUBLE PRECISION (the same 8 bytes a
 * SQLite REAL holds, so a value reads back bit for bit); JSON is TEXT checked by a cast, exactly as stored.
 * Append-only tables refuse UPDATE and DELETE by trigger. Never edit this text once released: add a migration.
 */
import { INTENT_STATES_SQL } from '../schema.ts';

const appendOnly = (table: string): string => `
CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
  FOR EACH ROW EXECUTE FUNCTION ballast_append_only();`;

const json = (col: string): string => `CHECK (${col} IS NULL OR (${col})::jsonb IS NOT NULL)`;
const digits = (col: string): string => `CHECK (${col} IS NULL OR ${col} ~ '^[0-9]+$')`;

export const PG_SCHEMA_V1 = `
CREATE FUNCTION ballast_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE portfolios (
  id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
  name TEXT NOT NULL,
  cid_prefix TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL ${json('config')},
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE target_versions (
  portfolio_id TEXT NOT NULL REFERENCES portfolios(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  targets TEXT NOT NULL ${json('targets')},
  source TEXT NOT NULL,
  note TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (portfolio_id, version)
);

CREATE TABLE cycles (
  portfolio_id TEXT NOT NULL REFERENCES portfolios(id),
  cycle INTEGER NOT NULL CHECK (cycle >= 1),
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  decision TEXT,
  reason TEXT,
  detail TEXT ${json('detail')},
  PRIMARY KEY (portfolio_id, cycle),
  CHECK ((finished_at IS NULL) = (decision IS NULL))
);
CREATE INDEX cycles_unfinished ON cycles(portfolio_id, cycle) WHERE finished_at IS NULL;

CREATE TABLE skipped_trades (
  id BIGSERIAL PRIMARY KEY,
  portfolio_id TEXT NOT NULL,
  cycle INTEGER NOT NULL,
  asset TEXT NOT NULL,
  side TEXT CHECK (side IS NULL OR side IN ('buy','sell')),
  quantity DOUBLE PRECISION,
  notional DOUBLE PRECISION,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  at BIGINT NOT NULL,
  FOREIGN KEY (portfolio_id, cycle) REFERENCES cycles(portfolio_id, cycle)
);
CREATE INDEX skipped_trades_cycle ON skipped_trades(portfolio_id, cycle);
${appendOnly('skipped_trades')}

CREATE TABLE order_intents (
  id BIGSERIAL PRIMARY KEY,
  client_order_id TEXT NOT NULL UNIQUE CHECK (client_order_id ~ '^[A-Za-z0-9]{1,32}$'),
  portfolio_id TEXT NOT NULL,
  cycle INTEGER NOT NULL,
  leg INTEGER NOT NULL CHECK (leg >= 0),
  child INTEGER NOT NULL CHECK (child >= 0),
  kind TEXT NOT NULL CHECK (kind IN ('order','chain_tx')),
  venue TEXT NOT NULL,
  asset TEXT,
  quote TEXT,
  side TEXT CHECK (side IS NULL OR side IN ('buy','sell')),
  quantity DOUBLE PRECISION CHECK (quantity IS NULL OR quantity > 0),
  order_type TEXT CHECK (order_type IS NULL OR order_type IN ('market','limit')),
  limit_price DOUBLE PRECISION CHECK (limit_price IS NULL OR limit_price > 0),
  reference_price DOUBLE PRECISION CHECK (reference_price IS NULL OR reference_price > 0),
  state TEXT NOT NULL CHECK (state IN (${INTENT_STATES_SQL})),
  venue_order_id TEXT,
  filled_quantity DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
  average_price DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (average_price >= 0),
  reason TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (portfolio_id, cycle, leg, child),
  FOREIGN KEY (portfolio_id, cycle) REFERENCES cycles(portfolio_id, cycle),
  CHECK (kind = 'chain_tx' OR (asset IS NOT NULL AND quote IS NOT NULL AND side IS NOT NULL AND quantity IS NOT NULL
         AND order_type IS NOT NULL AND reference_price IS NOT NULL)),
  CHECK (order_type IS DISTINCT FROM 'limit' OR limit_price IS NOT NULL)
);
CREATE INDEX order_intents_unfinished ON order_intents(state)
  WHERE state IN ('committed','sent','open','partially_filled','unknown');
CREATE INDEX order_intents_portfolio ON order_intents(portfolio_id, cycle);

CREATE TABLE order_events (
  id BIGSERIAL PRIMARY KEY,
  intent_id BIGINT NOT NULL REFERENCES order_intents(id),
  from_state TEXT CHECK (from_state IS NULL OR from_state IN (${INTENT_STATES_SQL})),
  to_state TEXT NOT NULL CHECK (to_state IN (${INTENT_STATES_SQL})),
  reason TEXT,
  detail TEXT ${json('detail')},
  at BIGINT NOT NULL
);
CREATE INDEX order_events_intent ON order_events(intent_id, id);
${appendOnly('order_events')}

CREATE TABLE order_lookups (
  id BIGSERIAL PRIMARY KEY,
  intent_id BIGINT NOT NULL REFERENCES order_intents(id),
  at BIGINT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('found','not_found','error')),
  status TEXT,
  error TEXT
);
CREATE INDEX order_lookups_intent ON order_lookups(intent_id, at);
${appendOnly('order_lookups')}

CREATE TABLE fills (
  id BIGSERIAL PRIMARY KEY,
  intent_id BIGINT NOT NULL REFERENCES order_intents(id),
  venue TEXT NOT NULL,
  trade_id TEXT NOT NULL,
  quantity DOUBLE PRECISION NOT NULL CHECK (quantity > 0),
  price DOUBLE PRECISION NOT NULL CHECK (price > 0),
  fee DOUBLE PRECISION NOT NULL,
  fee_asset TEXT NOT NULL,
  at BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL,
  UNIQUE (venue, trade_id)
);
CREATE INDEX fills_intent ON fills(intent_id);
${appendOnly('fills')}

CREATE TABLE chain_txs (
  intent_id BIGINT PRIMARY KEY REFERENCES order_intents(id),
  chain_id BIGINT NOT NULL CHECK (chain_id > 0),
  from_address TEXT NOT NULL CHECK (from_address ~ '^0x[0-9a-f]{40}$'),
  to_address TEXT CHECK (to_address IS NULL OR to_address ~ '^0x[0-9a-f]{40}$'),
  nonce BIGINT NOT NULL CHECK (nonce >= 0),
  tx_hash TEXT NOT NULL UNIQUE CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
  raw_tx TEXT NOT NULL CHECK (raw_tx ~ '^0x[0-9a-f]*$'),
  value_wei TEXT NOT NULL DEFAULT '0' ${digits('value_wei')},
  gas_limit TEXT ${digits('gas_limit')},
  max_fee_per_gas TEXT ${digits('max_fee_per_gas')},
  calls TEXT ${json('calls')},
  send_rpc TEXT,
  block_number BIGINT,
  block_hash TEXT,
  gas_used TEXT,
  effective_gas_price TEXT,
  receipt_status TEXT CHECK (receipt_status IS NULL OR receipt_status IN ('success','reverted'))
);
CREATE INDEX chain_txs_nonce ON chain_txs(chain_id, from_address, nonce);

CREATE TABLE cash_flows (
  id BIGSERIAL PRIMARY KEY,
  portfolio_id TEXT NOT NULL REFERENCES portfolios(id),
  kind TEXT NOT NULL CHECK (kind IN ('deposit','withdrawal')),
  asset TEXT NOT NULL,
  quantity DOUBLE PRECISION NOT NULL CHECK (quantity > 0),
  value DOUBLE PRECISION CHECK (value IS NULL OR value >= 0),
  at BIGINT NOT NULL,
  note TEXT,
  external_id TEXT UNIQUE
);
CREATE INDEX cash_flows_portfolio ON cash_flows(portfolio_id, at);
${appendOnly('cash_flows')}

CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  portfolio_id TEXT NOT NULL REFERENCES portfolios(id),
  hash TEXT NOT NULL,
  plan TEXT NOT NULL ${json('plan')},
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL CHECK (expires_at > created_at),
  state TEXT NOT NULL CHECK (state IN ('pending','executing','executed','refused','expired','superseded')),
  decided_at BIGINT,
  decision_reason TEXT,
  cycle INTEGER
);
CREATE INDEX plans_portfolio ON plans(portfolio_id, state);

CREATE TABLE work_claims (
  portfolio_id TEXT PRIMARY KEY REFERENCES portfolios(id),
  source TEXT NOT NULL CHECK (source IN ('cycle','approval')),
  plan_id TEXT REFERENCES plans(id),
  claimed_at BIGINT NOT NULL
);

CREATE TABLE alerts (
  id BIGSERIAL PRIMARY KEY,
  portfolio_id TEXT REFERENCES portfolios(id),
  at BIGINT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('info','warning','critical')),
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  detail TEXT ${json('detail')},
  delivered_at BIGINT,
  delivery_error TEXT
);
CREATE INDEX alerts_undelivered ON alerts(id) WHERE delivered_at IS NULL;

CREATE TABLE paper_balances (
  account TEXT NOT NULL,
  asset TEXT NOT NULL,
  quantity DOUBLE PRECISION NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account, asset)
);

CREATE TABLE paper_orders (
  account TEXT NOT NULL,
  client_order_id TEXT NOT NULL,
  venue_order_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('filled','partially_filled','open','canceled','rejected')),
  filled_quantity DOUBLE PRECISION NOT NULL CHECK (filled_quantity >= 0),
  average_price DOUBLE PRECISION NOT NULL CHECK (average_price >= 0),
  at BIGINT NOT NULL,
  PRIMARY KEY (account, client_order_id)
);

CREATE TABLE paper_fills (
  seq BIGSERIAL UNIQUE,
  account TEXT NOT NULL,
  client_order_id TEXT NOT NULL,
  trade_id TEXT NOT NULL,
  quantity DOUBLE PRECISION NOT NULL CHECK (quantity > 0),
  price DOUBLE PRECISION NOT NULL CHECK (price > 0),
  fee DOUBLE PRECISION NOT NULL CHECK (fee >= 0),
  fee_asset TEXT NOT NULL,
  time BIGINT NOT NULL,
  PRIMARY KEY (account, trade_id),
  FOREIGN KEY (account, client_order_id) REFERENCES paper_orders(account, client_order_id)
);

CREATE TABLE paper_flows (
  portfolio_id TEXT PRIMARY KEY,
  last_flow_id BIGINT NOT NULL CHECK (last_flow_id >= 0),
  updated_at BIGINT NOT NULL
);

CREATE TABLE price_observations (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  asset TEXT NOT NULL,
  quote TEXT NOT NULL,
  price DOUBLE PRECISION NOT NULL CHECK (price > 0),
  source TEXT NOT NULL
);
CREATE INDEX price_observations_asset ON price_observations(asset, quote, at);
`;

/**
 * Migration 2 (issue #28): the outcome of each cycle job of the work queue (pg-boss), inserted in the same
 * transaction that completes the job. Bar k of a portfolio is done at most once (UNIQUE), whichever worker
 * ran it; a job whose worker died has no row, so the job runs again (and reads the same bar).
 */
export const PG_SCHEMA_V2 = `
CREATE TABLE cycle_jobs (
  job_id TEXT PRIMARY KEY,
  portfolio_id TEXT NOT NULL REFERENCES portfolios(id),
  bar INTEGER NOT NULL CHECK (bar >= 1),
  cycle INTEGER,
  decision TEXT NOT NULL,
  worker TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  -- wall-clock time the worker spent on the job (recovery + cycle), for the figures
  duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
  UNIQUE (portfolio_id, bar)
);
`;

/** Migration 3 (issue #25): a fill's batch auction explanation, as the SQLite journal's migration 5. */
export const PG_SCHEMA_V3 = `
ALTER TABLE fills ADD COLUMN matched DOUBLE PRECISION CHECK (matched IS NULL OR matched >= 0);
ALTER TABLE fills ADD COLUMN routed DOUBLE PRECISION CHECK (routed IS NULL OR routed >= 0);
`;

/**
 * Migration 4 (issue #28, metrics per worker and live state across workers): what each job's worker sent and
 * filled, and whether it took the job over from an earlier attempt (pg-boss's retry count > 0: the previous
 * holder died or failed); one row per worker name (starts, starts after an unclean end = kills, job attempts
 * that threw). `/metrics` of `serve --workers` reads them, so workers on other machines are listed too. And
 * the SQLite journal's migration 6 (../schema-live.ts): the last cycle snapshot and the kill switch count.
 */
export const PG_SCHEMA_V4 = `
ALTER TABLE cycles ADD COLUMN planned TEXT ${json('planned')};
ALTER TABLE portfolios ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0);

CREATE TABLE portfolio_snapshots (
  portfolio_id TEXT PRIMARY KEY REFERENCES portfolios(id),
  cycle INTEGER NOT NULL CHECK (cycle >= 1),
  at BIGINT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  weights TEXT NOT NULL ${json('weights')},
  prices TEXT NOT NULL ${json('prices')}
);

ALTER TABLE cycle_jobs
  ADD COLUMN orders_sent INTEGER NOT NULL DEFAULT 0 CHECK (orders_sent >= 0),
  ADD COLUMN orders_filled INTEGER NOT NULL DEFAULT 0 CHECK (orders_filled >= 0),
  ADD COLUMN taken_over BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX cycle_jobs_worker ON cycle_jobs(worker);

CREATE TABLE workers (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 200),
  starts INTEGER NOT NULL CHECK (starts >= 1),
  -- starts that found the previous process of this name still marked running: it ended without a clean stop
  kills INTEGER NOT NULL DEFAULT 0 CHECK (kills >= 0),
  -- job attempts that threw (the job is retried, by this worker or another)
  failed_jobs INTEGER NOT NULL DEFAULT 0 CHECK (failed_jobs >= 0),
  running BOOLEAN NOT NULL,
  started_at BIGINT NOT NULL,
  stopped_at BIGINT
);
`;
