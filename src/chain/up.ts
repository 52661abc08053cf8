/**
 * `ballast chain up`: a local EVM node with the whole test market deployed (issue #7 §1). Prints the RPC URL
 * and every address, writes them as JSON (default .ballast/chain.json, read by `ballast dex quote`), and
 * stays up until Ctrl-C (SIGINT/SIGTERM), then stops the node.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type AnvilNode, startAnvil } from './anvil.ts';
import { deployFixture } from './fixture/deploy.ts';
import type { Fixture } from './fixture/types.ts';

export interface ChainUpOptions {
  /** RPC port; 0 or absent = a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly chainId?: number;
  /** Where to write the addresses as JSON; default .ballast/chain.json. */
  readonly out?: string;
  /** Writes the addresses file whole (default: writeFileSync; the CLI writes through a temporary name). */
  readonly write?: (path: string, text: string) => void;
  /** Output lines (default: console.log). */
  readonly log?: (line: string) => void;
  /** Stop on SIGINT/SIGTERM (default true; tests pass false and call stop()). */
  readonly handleSignals?: boolean;
  /** Print one JSON object (fixtureJson) instead of the readable listing. */
  readonly json?: boolean;
}

export interface ChainUpHandle {
  readonly rpcUrl: string;
  readonly fixture: Fixture;
  /** Absolute path of the addresses file. */
  readonly addressesFile: string;
  /** Stops the node (idempotent). */
  stop(): Promise<void>;
  /** Resolves once the node has stopped (after Ctrl-C or stop()). */
  readonly done: Promise<void>;
}

export const DEFAULT_CHAIN_FILE = '.ballast/chain.json';

/** Text shown to the user: RPC URL, contracts, tokens, pools. */
export function describeFixture(f: Fixture, addressesFile: string): string[] {
  const lines = [
    `RPC URL      ${f.rpcUrl}`,
    `chain id     ${f.chainId}`,
    `addresses    ${addressesFile}`,
    '',
    'contracts',
  ];
  for (const [name, a] of Object.entries(f.contracts)) lines.push(`  ${name.padEnd(28)} ${a}`);
  lines.push('', 'tokens (symbol, decimals, address, USD feed)');
  for (const t of f.tokens)
    lines.push(`  ${t.symbol.padEnd(6)} ${String(t.decimals).padStart(2)}  ${t.address}  ${t.usdFeed}`);
  lines.push('', 'pools');
  for (const p of f.pools) lines.push(`  ${p.label.padEnd(36)} ${p.address}${p.poolId ? `  ${p.poolId}` : ''}`);
  lines.push('', `Uniswap v4 pools (PoolManager ${f.contracts.v4PoolManager}; label, PoolId, tick spacing, hooks)`);
  for (const p of f.v4Pools)
    lines.push(`  ${p.label.padEnd(36)} ${p.poolId}  ${String(p.tickSpacing).padStart(3)}  ${p.hooks}`);
  lines.push('', `Aave v3 reserves (Pool ${f.contracts.aavePool}; symbol, aToken, variable debt token)`);
  for (const r of f.aaveReserves) lines.push(`  ${r.symbol.padEnd(6)} ${r.aToken}  ${r.variableDebtToken}`);
  lines.push('', `dev account  ${f.deployer} (anvil's first test key; holds the rest of every token)`);
  lines.push(`solver       ${f.solver} (anvil's test key #9; allow-listed on gpv2Settlement, pays the gas of settle)`);
  return lines;
}

/** `ballast chain up --json`: one object, printed once the fixture is deployed (docs/chain.md). */
export function fixtureJson(f: Fixture, addressesFile: string) {
  return {
    rpcUrl: f.rpcUrl,
    chainId: f.chainId,
    chainFile: addressesFile,
    contracts: f.contracts,
    solver: f.solver,
    tokens: f.tokens.map((t) => ({ symbol: t.symbol, decimals: t.decimals, address: t.address, usdFeed: t.usdFeed })),
    aaveReserves: f.aaveReserves,
  };
}

export async function chainUp(opts: ChainUpOptions = {}): Promise<ChainUpHandle> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const node: AnvilNode = await startAnvil({
    port: opts.port ?? 0,
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.chainId ? { chainId: opts.chainId } : {}),
  });
  let fixture: Fixture;
  try {
    fixture = await deployFixture({ rpcUrl: node.rpcUrl, ...(opts.chainId ? { chainId: opts.chainId } : {}) });
  } catch (e) {
    await node.stop();
    throw e;
  }
  const addressesFile = resolve(opts.out ?? DEFAULT_CHAIN_FILE);
  mkdirSync(dirname(addressesFile), { recursive: true });
  (opts.write ?? writeFileSync)(addressesFile, `${JSON.stringify(fixture, null, 2)}\n`);
  if (opts.json === true) log(JSON.stringify(fixtureJson(fixture, addressesFile)));
  else for (const l of describeFixture(fixture, addressesFile)) log(l);

  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  const onSignal = (): void => {
    log('stopping the local chain');
    void stop();
  };
  const stop = async (): Promise<void> => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await node.stop();
    resolveDone();
  };
  if (opts.handleSignals !== false) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (opts.json !== true) {
      log('');
      log('running: Ctrl-C stops the node (its state is not kept)');
    }
  }
  return { rpcUrl: node.rpcUrl, fixture, addressesFile, stop, done };
}
