/**
 * Migration 4 (issue #14): the paper venue's orders and fills get real tables (they were JSON in `meta`),
 * and the last cash flow a paper account has moved is a row, not a meta key. Existing rows are carried
 * over. Never edit this text once released: add a migration.
 */
export const SCHEMA_V4 = `
CREATE TABLE paper_orders (
  account TEXT NOT NULL,
  client_order_id TEXT NOT NULL,
  venue_order_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('filled','partially_filled','open','canceled','rejected')),
  filled_quantity REAL NOT NULL CHECK (filled_quantity >= 0),
  average_price REAL NOT NULL CHECK (average_price >= 0),
  at INTEGER NOT NULL,
  PRIMARY KEY (account, client_order_id)
) STRICT;

CREATE TABLE paper_fills (
  account TEXT NOT NULL,
  client_order_id TEXT NOT NULL,
  trade_id TEXT NOT NULL,
  quantity REAL NOT NULL CHECK (quantity > 0),
  price REAL NOT NULL CHECK (price > 0),
  fee REAL NOT NULL CHECK (fee >= 0),
  fee_asset TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (account, trade_id),
  FOREIGN KEY (account, client_order_id) REFERENCES paper_orders(account, client_order_id)
) STRICT;

CREATE TABLE paper_flows (
  portfolio_id TEXT PRIMARY KEY,
  last_flow_id INTEGER NOT NULL CHECK (last_flow_id >= 0),
  updated_at INTEGER NOT NULL
) STRICT;

INSERT INTO paper_orders
  SELECT substr(key, 13, length(key) - 13 - length(json_extract(value, '$.clientOrderId'))),
         json_extract(value, '$.clientOrderId'), json_extract(value, '$.venueOrderId'),
         json_extract(value, '$.status'), json_extract(value, '$.filledQuantity'),
         json_extract(value, '$.averagePrice'), updated_at
    FROM meta WHERE key LIKE 'paper-order:%' AND json_valid(value);
INSERT INTO paper_fills
  SELECT substr(m.key, 13, length(m.key) - 13 - length(json_extract(m.value, '$.clientOrderId'))),
         json_extract(m.value, '$.clientOrderId'), json_extract(f.value, '$.tradeId'),
         json_extract(f.value, '$.quantity'), json_extract(f.value, '$.price'), json_extract(f.value, '$.fee'),
         json_extract(f.value, '$.feeAsset'), json_extract(f.value, '$.time')
    FROM meta m, json_each(m.value, '$.fills') f WHERE m.key LIKE 'paper-order:%' AND json_valid(m.value);
DELETE FROM meta WHERE key LIKE 'paper-order:%';
INSERT INTO paper_flows SELECT substr(key, 13), CAST(value AS INTEGER), updated_at FROM meta WHERE key LIKE 'paper-flows:%';
DELETE FROM meta WHERE key LIKE 'paper-flows:%';
`;
