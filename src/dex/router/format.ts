/** Text table of a route for the user: legs, pools, amounts, expected output, price impact, gas. */
import type { Route } from './types.ts';

export interface FormatOptions {
  /** Symbol per token address (lower-case); defaults to a shortened address. */
  readonly symbols?: Readonly<Record<string, string>>;
  /** Decimals per token address (lower-case); without them amounts are shown in base units. */
  readonly decimals?: Readonly<Record<string, number>>;
}

const short = (a: string): string => (a.length > 12 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a);

/** Exact decimal rendering of base units (no float rounding). */
export function formatUnits(v: bigint, decimals: number): string {
  if (decimals <= 0) return v.toString();
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(decimals + 1, '0');
  const int = s.slice(0, -decimals);
  const frac = s.slice(-decimals).replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

export function formatRoute(r: Route, opts: FormatOptions = {}): string {
  const sym = (a: string) => opts.symbols?.[a.toLowerCase()] ?? short(a);
  const amt = (v: bigint, token: string) => {
    const d = opts.decimals?.[token.toLowerCase()];
    return d === undefined ? v.toString() : formatUnits(v, d);
  };
  const header = ['#', 'pool', 'protocol', 'path', 'amount in', 'amount out'];
  const rows = r.legs.map((l, i) => {
    const from = l.path[0] ?? '';
    const to = l.path[l.path.length - 1] ?? '';
    return [
      String(i + 1),
      short(l.pool),
      l.protocol,
      l.path.map(sym).join(' → '),
      `${amt(l.amountIn, from)} ${sym(from)}`,
      `${amt(l.amountOut, to)} ${sym(to)}`,
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  const tIn = sym(r.tokenIn);
  const tOut = sym(r.tokenOut);
  out.push(
    '',
    `input           ${amt(r.amountIn, r.tokenIn)} ${tIn}`,
    `expected output ${amt(r.amountOut, r.tokenOut)} ${tOut}`,
    `gas             ${r.gas} units ≈ ${amt(r.gasCostOut, r.tokenOut)} ${tOut}`,
    `net of gas      ${amt(r.netOut, r.tokenOut)} ${tOut}`,
    `price impact    ${r.priceImpactBps.toFixed(2)} bps (vs best spot price, fees excluded)`,
    `optimality      common marginal price ${r.certificate.lambda.toPrecision(10)}, max gap ${r.certificate.maxRelativeGap.toExponential(1)}`,
  );
  if (r.certificate.droppedForGas.length > 0)
    out.push(`dropped (gas)   ${r.certificate.droppedForGas.map(short).join(', ')}`);
  return out.join('\n');
}
