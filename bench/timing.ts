/**
 * Timing for the benches: CPU time (user + system) and wall time of one call, in ms. The machine is shared,
 * so a wall time waits for a core and CPU time does not: targets are judged on CPU, both are reported.
 */
export function timed(f: () => void): { cpu: number; wall: number } {
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  f();
  const wall = Number(process.hrtime.bigint() - w0) / 1e6;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e3, wall };
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
