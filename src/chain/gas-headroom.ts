/**
 * A transaction's gas limit: its estimate plus 20%. An estimate is the least gas that succeeded in one
 * simulation; a settlement whose inner calls receive 63/64 of what is left (EIP-150) can still run out
 * on chain with exactly that much (the solver's limit-price property saw a token transfer inside a
 * settlement run out of gas at the estimate). Only the gas used is paid, so the margin costs nothing.
 */
export const gasWithHeadroom = (estimate: bigint): bigint => (estimate * 12n) / 10n;
