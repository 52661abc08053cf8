/**
 * The invariants every crash and fault trial (#6 §4) checks between the journal and the local simulator:
 *   1. at most one create request per client order id (the simulator's request log);
 *   2. every fill on the simulator is in the journal, with the same order, quantity, price and fee
 *      (and the journal holds no fill the simulator does not know);
 *   3. initial balances + journal fills − fees = the simulator's balances (free + locked), exactly, in the
 *      simulator's 1e-8 units (Binance's precision).
 * Read-only: the journal is opened with Journal.openReadOnly, never migrated or written.
 */
import { Journal } from '../../store/journal.ts';
import type { SimHandle } from '../../venues/simulator/server.ts';

/** A journal number (a double holding at most 8 decimals) in 1e-8 units; exact below 2^53 / 1e8 ≈ 9e7. */
export function toUnits(x: number): bigint {
  return BigInt(Math.round(x * 1e8));
}

const SCALE = 100_000_000n;

export interface JournalFill {
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly side: 'buy' | 'sell';
  readonly asset: string;
  readonly quote: string;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly feeAsset: string;
}

export function journalFills(path: string): JournalFill[] {
  const j = Journal.openReadOnly(path);
  try {
    return j.orders.allFills();
  } finally {
    j.close();
  }
}

export interface InvariantReport {
  readonly creates: number;
  readonly clientOrderIds: number;
  readonly simTrades: number;
  readonly journalFills: number;
  readonly violations: string[];
}

/** Checks the three invariants; `initial` are the simulator's starting balances (decimal strings). */
export function checkInvariants(sim: SimHandle, journalPath: string, initial: Record<string, string>): InvariantReport {
  const violations: string[] = [];
  const creates = sim.createRequests();
  const perId = new Map<string, number>();
  for (const c of creates) {
    if (c.clientOrderId === undefined) {
      violations.push(`create #${c.seq} without a client order id`);
      continue;
    }
    perId.set(c.clientOrderId, (perId.get(c.clientOrderId) ?? 0) + 1);
  }
  for (const [id, n] of perId)
    if (n > 1) violations.push(`client order id ${id}: ${n} create requests (at most 1 allowed)`);

  const fills = journalFills(journalPath);
  // The ccxt venue records "<symbol>#<trade id>" (Binance's trade ids are per market); the simulator's are global.
  const simId = (f: JournalFill): string => f.tradeId.slice(f.tradeId.lastIndexOf('#') + 1);
  const byTrade = new Map(fills.map((f) => [simId(f), f]));
  const trades = sim.exchange.trades;
  for (const t of trades) {
    const f = byTrade.get(String(t.id));
    const what = `simulator trade ${t.id} (${t.clientOrderId} ${t.side} ${t.qty} units)`;
    if (f === undefined) {
      violations.push(`${what} is not in the journal (lost fill)`);
      continue;
    }
    if (f.clientOrderId !== t.clientOrderId) violations.push(`${what} is journaled under ${f.clientOrderId}`);
    if (
      toUnits(f.quantity) !== t.qty ||
      toUnits(f.price) !== t.price ||
      toUnits(f.fee) !== t.commission ||
      f.feeAsset !== t.commissionAsset
    )
      violations.push(`${what}: journal has ${f.quantity} @ ${f.price} fee ${f.fee} ${f.feeAsset}`);
  }
  const simIds = new Set(trades.map((t) => String(t.id)));
  if (byTrade.size !== fills.length)
    violations.push(`the journal holds ${fills.length - byTrade.size} fill(s) twice under different ids`);
  for (const f of fills)
    if (!simIds.has(simId(f)))
      violations.push(`journal fill ${f.tradeId} (${f.clientOrderId}) is unknown to the simulator`);

  const expected = new Map<string, bigint>(Object.entries(initial).map(([a, v]) => [a, toUnits(Number(v))]));
  const add = (asset: string, v: bigint): void => {
    expected.set(asset, (expected.get(asset) ?? 0n) + v);
  };
  for (const f of fills) {
    const qty = toUnits(f.quantity);
    const cost = (qty * toUnits(f.price)) / SCALE; // the simulator truncates qty × price to 1e-8 too
    add(f.asset, f.side === 'buy' ? qty : -qty);
    add(f.quote, f.side === 'buy' ? -cost : cost);
    add(f.feeAsset, -toUnits(f.fee));
  }
  const actual = sim.state().balances;
  for (const asset of new Set([...expected.keys(), ...Object.keys(actual)])) {
    const b = actual[asset];
    const have = b === undefined ? 0n : toUnits(Number(b.free)) + toUnits(Number(b.locked));
    const want = expected.get(asset) ?? 0n;
    if (have !== want)
      violations.push(`balance ${asset}: simulator ${have} units, initial + journal fills − fees = ${want} units`);
  }
  return {
    creates: creates.length,
    clientOrderIds: perId.size,
    simTrades: trades.length,
    journalFills: fills.length,
    violations,
  };
}
