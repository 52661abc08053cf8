import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Commands beyond the core's (backtest, sweep, serve, chain, dex, vol, …), each in its own module. Only the
 * module of the command being run is loaded (`ballast backtest` never loads ccxt, viem or the service:
 * startup ~1.8 → well under 1 s); help, an unknown command or none loads them all so that help lists every
 * command and commander names the unknown one.
 */
const MODULES: Readonly<Record<string, () => Promise<Register[]>>> = {
  backtest: async () => [(await import('./commands/backtest.ts')).registerBacktest],
  sweep: async () => [(await import('./commands/sweep.ts')).registerSweep],
  serve: async () => [(await import('./commands/serve.ts')).registerServe],
  worker: async () => [(await import('./commands/worker.ts')).registerWorker],
  deposit: async () => [(await import('./commands/flow.ts')).registerFlows],
  withdraw: async () => [(await import('./commands/flow.ts')).registerFlows],
  sim: async () => [(await import('./commands/sim.ts')).registerSim],
  resume: async () => [(await import('./commands/resume.ts')).registerResume],
  status: async () => [(await import('./commands/status.ts')).registerStatus],
  chain: async () => [(await import('./commands/chain.ts')).registerChain],
  dex: async () => [(await import('./commands/chain.ts')).registerChain],
  solve: async () => [(await import('./commands/solve.ts')).registerSolve],
  vol: async () => [(await import('./commands/vol.ts')).registerVol],
  vault: async () => [(await import('./commands/vault.ts')).registerVault],
  advise: async () => [(await import('./commands/advise.ts')).registerAdvise],
  lever: async () => [(await import('./commands/lever.ts')).registerLever],
};

/** Every extension, in the order help lists them (chain.ts registers both `chain` and `dex`, flow.ts both flows). */
const ALL = [
  'backtest',
  'sweep',
  'serve',
  'worker',
  'deposit',
  'sim',
  'resume',
  'status',
  'chain',
  'solve',
  'vol',
  'vault',
  'advise',
  'lever',
] as const;

/** The command a command line runs: its first word after the program (the root takes no option with a value). */
export function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/** The core's commands (main.ts registers them itself). */
const CORE = new Set(['plan', 'schema']);

export async function registerExtensions(program: Command, argv: readonly string[] = []): Promise<void> {
  const name = commandOf(argv);
  const load =
    name !== undefined && CORE.has(name) ? [] : name !== undefined && Object.hasOwn(MODULES, name) ? [name] : ALL;
  for (const n of load) for (const register of await MODULES[n]!()) register(program);
}
