/** What every `ballast vault` action shares: the context (chain file, client, key), sending, simulating. */
import { type Address, createWalletClient, type Hex, http, type PublicClient, parseAbi } from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { basketArtifact, basketErrorName } from '../../chain/basket/artifact.ts';
import { findChainFile } from '../../chain/chain-file.ts';
import { chainFileClient } from '../../chain/client.ts';
import type { Fixture } from '../../chain/fixture/types.ts';
import { BallastError, InputError } from '../../core/errors.ts';
import { loadChainFile, requireChain } from './dex-quote.ts';
import { readKey } from './private-key.ts';
import type { VaultFlags } from './vault.ts';

export const erc20 = parseAbi([
  'function approve(address spender, uint256 amount) returns (bool)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function balanceOf(address) view returns (uint256)',
]);

/** A basket call the contract (or the off-chain check) refuses: one line, exit 1. */
export class VaultError extends BallastError {
  override readonly name = 'VaultError';
}

export const HEARTBEAT_SEC = 3600;
export const MARGIN_SEC = 60;

export interface Ctx {
  readonly client: PublicClient;
  readonly fx: Fixture;
  readonly account?: PrivateKeyAccount;
  readonly f: VaultFlags;
  readonly out: (text: string, json: Record<string, unknown>) => void;
}

export const jsonSafe = (x: unknown): unknown =>
  JSON.parse(JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));

export async function context(f: VaultFlags): Promise<Ctx> {
  const fx = loadChainFile(f.chainFile ?? findChainFile());
  const key = readKey(f.keyFile);
  const client = chainFileClient(f.rpc, fx);
  await requireChain(client, f.rpc, fx.chainId);
  const out = (text: string, json: Record<string, unknown>) =>
    void process.stdout.write(f.json === true ? `${JSON.stringify(jsonSafe(json))}\n` : text);
  return { client, fx, f, out, ...(key ? { account: privateKeyToAccount(key) } : {}) };
}

export function needAccount(c: Ctx, why: string): PrivateKeyAccount {
  if (!c.account) throw InputError.one('BALLAST_PRIVATE_KEY', '', `${why} needs the key: set it or pass --key-file`);
  return c.account;
}

/** Signs locally and sends; waits for the receipt; a revert is one line with the basket's error name. */
export async function send(c: Ctx, to: Address | undefined, data: Hex, label: string, gas = 3_000_000n) {
  const account = needAccount(c, label);
  const wallet = createWalletClient({ account, chain: c.client.chain, transport: http(c.f.rpc) });
  const hash = await wallet.sendTransaction({ account, chain: c.client.chain, data, gas, ...(to ? { to } : {}) });
  const r = await c.client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (r.status !== 'success') throw new VaultError(`${label}: transaction ${hash} reverted`);
  return r;
}

export async function simulate(c: Ctx, basket: Address, functionName: string, args: readonly unknown[], from: Address) {
  try {
    await c.client.simulateContract({ address: basket, abi: basketArtifact().abi, functionName, args, account: from });
  } catch (e) {
    const name = basketErrorName(e) ?? (e as Error).message.split('\n')[0];
    throw new VaultError(`${functionName}: the basket refuses it (${name}); nothing sent`);
  }
}

export async function requireBasket(c: Ctx, basket: Address): Promise<void> {
  const code = await c.client.getCode({ address: basket });
  if (code === undefined || code === '0x') throw InputError.one('--basket', '', `no contract at ${basket}`);
}

export const symbolOf = (fx: Fixture, a: Address) =>
  fx.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase())?.symbol ?? a;
export const decimalsOf = (fx: Fixture, a: Address) =>
  fx.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase())?.decimals ?? 18;
