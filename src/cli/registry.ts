import type { Command } from 'commander';

/**
 * Commands beyond the core's (backtest, sweep, serve, chain, dex, vol) register here, each from its own module,
 * loaded lazily so `ballast plan` starts fast.
 */
export async function registerExtensions(program: Command): Promise<void> {
  const { registerBacktest } = await import('./commands/backtest.ts');
  registerBacktest(program);
  const { registerSweep } = await import('./commands/sweep.ts');
  registerSweep(program);
  const { registerServe } = await import('./commands/serve.ts');
  registerServe(program);
  const { registerWorker } = await import('./commands/worker.ts');
  registerWorker(program);
  const { registerFlows } = await import('./commands/flow.ts');
  registerFlows(program);
  const { registerSim } = await import('./commands/sim.ts');
  registerSim(program);
  const { registerResume } = await import('./commands/resume.ts');
  registerResume(program);
  const { registerStatus } = await import('./commands/status.ts');
  registerStatus(program);
  const { registerChain } = await import('./commands/chain.ts');
  registerChain(program);
  const { registerSolve } = await import('./commands/solve.ts');
  registerSolve(program);
  const { registerVol } = await import('./commands/vol.ts');
  registerVol(program);
  const { registerVault } = await import('./commands/vault.ts');
  registerVault(program);
  const { registerAdvise } = await import('./commands/advise.ts');
  registerAdvise(program);
  const { registerLever } = await import('./commands/lever.ts');
  registerLever(program);
}
