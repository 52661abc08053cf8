/**
 * viem clients for a local anvil node, and a fast transaction helper for deployment scripts:
 * sends from an unlocked dev account (no local signing, no gas estimation) and checks each receipt.
 */
import {
  type Abi,
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  http,
  type PublicClient,
  type TestClient,
  type TransactionReceipt,
  type WalletClient,
} from 'viem';
import { MULTICALL3_ADDRESS } from './contracts.ts';
import { FixtureError } from './errors.ts';

/** anvil's first dev account (from its public default mnemonic: a test key, never use it elsewhere). */
export const ANVIL_ACCOUNT_0: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

export function localChain(rpcUrl: string, chainId = 1337) {
  return defineChain({
    id: chainId,
    name: 'ballast-local',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    contracts: { multicall3: { address: MULTICALL3_ADDRESS } },
  });
}

export interface LocalClients {
  readonly public: PublicClient;
  readonly wallet: WalletClient;
  readonly test: TestClient;
  readonly account: Address;
}

export function localClients(rpcUrl: string, account: Address = ANVIL_ACCOUNT_0, chainId = 1337): LocalClients {
  const chain = localChain(rpcUrl, chainId);
  // batch: JSON-RPC batching of concurrent requests (one HTTP round trip for many eth_calls).
  const transport = http(rpcUrl, { batch: { batchSize: 200, wait: 0 }, timeout: 60_000 });
  return {
    public: createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient,
    wallet: createWalletClient({ chain, transport, account }),
    test: createTestClient({ chain, transport, mode: 'anvil' }),
    account,
  };
}

/** Fixed per-transaction gas: skips eth_estimateGas (anvil's block gas limit is 30M). */
const TX_GAS = 12_000_000n;

export interface TxSender {
  readonly clients: LocalClients;
  /** Sends a call and waits for its (automined) receipt; throws FixtureError with the revert reason. */
  call(
    to: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[],
    label: string,
    value?: bigint,
  ): Promise<TransactionReceipt>;
  deploy(abi: Abi, bytecode: Hex, args: readonly unknown[], label: string): Promise<Address>;
}

/** anvil mines right after eth_sendTransaction returns: poll briefly for the receipt. */
export async function receiptOf(clients: LocalClients, hash: Hex, label: string): Promise<TransactionReceipt> {
  const started = Date.now();
  for (let i = 0; ; i++) {
    const r = await clients.public.getTransactionReceipt({ hash }).catch(() => null);
    if (r) return r;
    if (Date.now() - started > 30_000) {
      throw new FixtureError(`no receipt for "${label}" (${hash}) after 30 s: is the node mining (automine on)?`);
    }
    await new Promise((res) => setTimeout(res, Math.min(2 + i, 50)));
  }
}

export function txSender(clients: LocalClients): TxSender {
  const send = async (to: Address | null, data: Hex, label: string, value = 0n) => {
    const base = { account: clients.account, chain: clients.wallet.chain, data, gas: TX_GAS, value };
    const hash = await clients.wallet.sendTransaction(to === null ? base : { ...base, to });
    const receipt = await receiptOf(clients, hash, label);
    if (receipt.status !== 'success') {
      let reason = 'unknown reason';
      try {
        await clients.public.call({ account: clients.account, data, value, ...(to === null ? {} : { to }) });
      } catch (e) {
        reason = (e as Error).message.split('\n').slice(0, 3).join(' ');
      }
      throw new FixtureError(`transaction "${label}" reverted: ${reason}`);
    }
    return receipt;
  };
  return {
    clients,
    async call(to, abi, functionName, args, label, value) {
      const data = encodeFunctionData({ abi, functionName, args });
      return send(to, data, label, value);
    },
    async deploy(abi, bytecode, args, label) {
      const data = encodeDeployData({ abi, bytecode, args });
      const r = await send(null, data, label);
      if (!r.contractAddress) throw new FixtureError(`deployment "${label}" returned no contract address`);
      return r.contractAddress;
    },
  };
}

/** A read client for the chain a chain file describes (its id and Multicall3), 30 s per request. */
export function chainFileClient(
  rpcUrl: string,
  f: { readonly chainId: number; readonly contracts: { readonly multicall3: Address } },
): PublicClient {
  return createPublicClient({
    transport: http(rpcUrl, { timeout: 30_000 }),
    chain: {
      id: f.chainId,
      name: 'ballast',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
      contracts: { multicall3: { address: f.contracts.multicall3 } },
    },
  }) as PublicClient;
}
