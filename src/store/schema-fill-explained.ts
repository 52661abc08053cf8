/**
 * Migration 5 (issue #25): a fill may carry its batch auction explanation (the asset quantity matched inside
 * the settlement vs routed through pools). Nullable columns: older fills and other venues' fills have none.
 */
export const SCHEMA_V5 = `
ALTER TABLE fills ADD COLUMN matched REAL CHECK (matched IS NULL OR matched >= 0);
ALTER TABLE fills ADD COLUMN routed REAL CHECK (routed IS NULL OR routed >= 0);
`;
