/**
 * Migration 2 (issue #8): an on-chain transaction is an order intent of kind 'chain_tx' (same client id,
 * same state machine, same events), extended here with what a transaction needs to be resolved after a
 * crash without ever being sent twice: the signed raw transaction and its hash are journaled BEFORE
 * eth_sendRawTransaction, so a restart can look the hash up, or re-broadcast the identical bytes
 * (a transaction hash can be mined at most once). Amounts in wei are decimal strings (exact bigint).
 * Never edit this text once released: add a migration.
 */
export const SCHEMA_V2 = `
CREATE TABLE chain_txs (
  intent_id INTEGER PRIMARY KEY REFERENCES order_intents(id),
  chain_id INTEGER NOT NULL CHECK (chain_id > 0),
  from_address TEXT NOT NULL CHECK (from_address GLOB '0x[0-9a-f]*' AND length(from_address) = 42),
  to_address TEXT CHECK (to_address IS NULL OR (to_address GLOB '0x[0-9a-f]*' AND length(to_address) = 42)),
  nonce INTEGER NOT NULL CHECK (nonce >= 0),
  -- keccak256 of raw_tx: known before sending; a replacement (same nonce, higher fee) is a new child with a new hash
  tx_hash TEXT NOT NULL UNIQUE CHECK (tx_hash GLOB '0x[0-9a-f]*' AND length(tx_hash) = 66),
  raw_tx TEXT NOT NULL CHECK (raw_tx GLOB '0x[0-9a-f]*'),
  value_wei TEXT NOT NULL DEFAULT '0' CHECK (value_wei NOT GLOB '*[^0-9]*'),
  gas_limit TEXT CHECK (gas_limit IS NULL OR gas_limit NOT GLOB '*[^0-9]*'),
  max_fee_per_gas TEXT CHECK (max_fee_per_gas IS NULL OR max_fee_per_gas NOT GLOB '*[^0-9]*'),
  -- the swaps batched in this transaction (legs, min outputs), JSON
  calls TEXT CHECK (calls IS NULL OR json_valid(calls)),
  -- label of the RPC endpoint used for eth_sendRawTransaction (e.g. 'private'), never its URL (URLs can carry keys)
  send_rpc TEXT,
  block_number INTEGER,
  block_hash TEXT,
  gas_used TEXT,
  effective_gas_price TEXT,
  receipt_status TEXT CHECK (receipt_status IS NULL OR receipt_status IN ('success','reverted'))
) STRICT;
CREATE INDEX chain_txs_nonce ON chain_txs(chain_id, from_address, nonce);
`;
