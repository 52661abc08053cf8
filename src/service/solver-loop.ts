/**
 * The service's solver mode (issue #24): with `solver:` in the service file, `ballast serve` runs the
 * solver loop of `ballast solve --watch` (`runSolver`, src/chain/intents/service.ts: the same function)
 * beside its portfolios, and counts what it does for `/metrics` and `/status`.
 *
 * A config that cannot be honoured is refused before the journal opens, each with one line naming the
 * field: no key (keyEnv or keyFile), a key that is not an allow-listed solver of the chain file's
 * settlement, a chain file that is missing or not `ballast chain up`'s, a chain that does not answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Address, createPublicClient, createWalletClient, http, type PublicClient, parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { localChain } from '../chain/client.ts';
import type { Fixture } from '../chain/fixture/types.ts';
import { runSolver, type SolverLoop } from '../chain/intents/service.ts';
import type { OrderOutcome, SolverDeps } from '../chain/intents/solve.ts';
import { InputError } from '../core/errors.ts';
import { OrderBookClient } from '../dex/intents/book-client.ts';
import { loadWalletKey } from '../venues/intents/wallet-key.ts';
import type { SolverConfig } from './config/schema.ts';

const SOURCE = 'service';
const authAbi = parseAbi(['function isSolver(address) view returns (bool)']);

/** What the solver did since the service started (the API's `/status` and `/metrics`). */
export interface SolverStatus {
  readonly book: string;
  readonly send: boolean;
  readonly rounds: number;
  /** Orders settled on chain (one `settle` each). */
  readonly settled: number;
  /** Settlements sent that reverted. */
  readonly failed: number;
  /** Rounds that failed as a whole (the node or the book did not answer). */
  readonly roundErrors: number;
  /** Orders the last round skipped (expired, no route meeting the limit, …) or only simulated. */
  readonly lastRoundSkipped: number;
  /** The service clock's time (ms) of the last settlement, null before the first. */
  readonly lastSettleAt: number | null;
  /** The first line of the last round error, null if none. */
  readonly lastError: string | null;
}

export interface SolverMode {
  /** Starts the rounds (idempotent). */
  start(): void;
  status(): SolverStatus;
  /** Resolves after the round in progress, if any, has ended. */
  stop(): Promise<void>;
}

function readChainFile(path: string): Fixture {
  const refuse = (message: string): never => {
    throw InputError.one(SOURCE, 'solver.chainFile', message);
  };
  if (!existsSync(path)) refuse(`${path} does not exist: start a local chain with \`ballast chain up\` (it writes it)`);
  let f: Partial<Fixture> | null = null;
  try {
    f = JSON.parse(readFileSync(path, 'utf8')) as Partial<Fixture>;
  } catch {
    refuse(`${path} is not valid JSON: run \`ballast chain up\` again`);
  }
  if (f === null || typeof f !== 'object' || !Array.isArray(f.pools) || f.contracts?.gpv2Settlement === undefined)
    refuse(`${path} has no pools or GPv2 settlement: is it a file written by \`ballast chain up\`?`);
  return f as Fixture;
}

/**
 * Checks the solver's config (key, chain file, the key on the settlement's allow-list) and prepares the
 * loop; nothing runs before `start()`.
 */
export async function prepareSolver(
  c: SolverConfig,
  deps: { now: () => number; env?: Readonly<Record<string, string | undefined>> },
): Promise<SolverMode> {
  if (c.keyEnv === undefined && c.keyFile === undefined)
    throw InputError.one(
      SOURCE,
      'solver.keyFile',
      "the solver's key is required: name a keyFile, or the environment variable holding it in keyEnv",
    );
  const key = loadWalletKey(c, { source: SOURCE, path: 'solver' }, deps.env ?? process.env);
  const fixture = readChainFile(c.chainFile);
  const account = privateKeyToAccount(key);
  const chain = localChain(fixture.rpcUrl, fixture.chainId);
  const client = createPublicClient({ chain, transport: http(fixture.rpcUrl) }) as PublicClient;
  const wallet = createWalletClient({ chain, transport: http(fixture.rpcUrl), account });
  const keyField = c.keyFile === undefined ? 'solver.keyEnv' : 'solver.keyFile';
  let allowed: boolean;
  try {
    allowed = await client.readContract({
      address: fixture.contracts.gpv2Authenticator,
      abi: authAbi,
      functionName: 'isSolver',
      args: [account.address as Address],
    });
  } catch (e) {
    throw InputError.one(
      SOURCE,
      'solver.chainFile',
      `the chain at ${fixture.rpcUrl} did not answer (${(e as Error).message.split('\n')[0]}): start it with \`ballast chain up\``,
    );
  }
  if (!allowed)
    throw InputError.one(
      SOURCE,
      keyField,
      `account ${account.address} is not an allow-listed solver of the settlement ${fixture.contracts.gpv2Settlement}`,
    );
  const solver: SolverDeps = { client, fixture, book: new OrderBookClient(c.book), wallet, account };
  let s: SolverStatus = {
    book: c.book,
    send: c.send,
    rounds: 0,
    settled: 0,
    failed: 0,
    roundErrors: 0,
    lastRoundSkipped: 0,
    lastSettleAt: null,
    lastError: null,
  };
  const onRound = (r: readonly OrderOutcome[]): void => {
    const settled = r.filter((o) => o.status === 'settled').length;
    s = {
      ...s,
      rounds: s.rounds + 1,
      settled: s.settled + settled,
      failed: s.failed + r.filter((o) => o.status === 'reverted').length,
      lastRoundSkipped: r.filter((o) => o.status === 'skipped' || o.status === 'simulated').length,
      lastSettleAt: settled > 0 ? deps.now() : s.lastSettleAt,
    };
  };
  const onError = (e: unknown): void => {
    s = {
      ...s,
      rounds: s.rounds + 1,
      roundErrors: s.roundErrors + 1,
      lastError: (e instanceof Error ? e.message : String(e)).split('\n')[0]!,
    };
  };
  let loop: SolverLoop | null = null;
  return {
    start() {
      loop ??= runSolver(solver, { send: c.send, intervalMs: c.intervalMs, onRound, onError });
    },
    status: () => s,
    async stop() {
      await loop?.stop();
    },
  };
}
