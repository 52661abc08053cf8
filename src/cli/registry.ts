import type { Command } from 'commander';

/**
 * Commands beyond the core's (backtest, sweep, serve, chain, dex) register here, each from its own module,
 * loaded lazily so `ballast plan` starts fast.
 */
export async function registerExtensions(program: Command): Promise<void> {
  const mods: Array<() => Promise<{ register(p: Command): void }>> = [];
  for (const load of mods) (await load()).register(program);
}
