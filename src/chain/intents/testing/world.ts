/** Test world of the intent suites: anvil with the fixture (cached), a local order book, funded 0-ETH owners. */
import { type Address, createWalletClient, erc20Abi, type Hex, http, type PublicClient } from 'viem';
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { OrderBookClient } from '../../../dex/intents/book-client.ts';
import { type OrderBookHandle, startOrderBook } from '../../../dex/intents/book-server.ts';
import { appDataOf, type GPv2Order, gpv2Domain, ZERO_ADDRESS } from '../../../dex/intents/gpv2-order.ts';
import { signOrder } from '../../../dex/intents/sign.ts';
import type { AnvilNode } from '../../anvil.ts';
import { localChain, localClients } from '../../client.ts';
import { startFixtureNode } from '../../fixture/cache.ts';
import { SOLVER_KEY } from '../../fixture/deploy-cow.ts';
import type { Fixture } from '../../fixture/types.ts';
import { fundWallet } from '../../fund.ts';
import { approveRelayerGasless } from '../approve.ts';
import { type SolverDeps, solveOnce } from '../solve.ts';

export interface IntentWorld {
  readonly node: AnvilNode;
  readonly fx: Fixture;
  readonly client: PublicClient;
  readonly book: OrderBookHandle;
  readonly bookClient: OrderBookClient;
  readonly solver: SolverDeps;
  token(symbol: string): { address: Address; decimals: number; priceUsd: number };
  /** A fresh key holding `amounts` (base units) and 0 ETH, its relayer approvals made without ETH. */
  owner(amounts: Record<string, bigint>): Promise<PrivateKeyAccount & { key: Hex }>;
  balance(token: Address, who: Address): Promise<bigint>;
  solve(send?: boolean): ReturnType<typeof solveOnce>;
  close(): Promise<void>;
}

export async function startIntentWorld(): Promise<IntentWorld> {
  const { node, fixture: fx } = await startFixtureNode();
  const client = localClients(fx.rpcUrl, undefined, fx.chainId).public;
  const book = await startOrderBook({ chainId: fx.chainId, settlement: fx.contracts.gpv2Settlement });
  const bookClient = new OrderBookClient(book.url);
  const solverAccount = privateKeyToAccount(SOLVER_KEY);
  const wallet = createWalletClient({
    chain: localChain(fx.rpcUrl, fx.chainId),
    transport: http(fx.rpcUrl),
    account: solverAccount,
  });
  const solver: SolverDeps = { client, fixture: fx, book: bookClient, wallet, account: solverAccount };
  const token = (s: string) => {
    const t = fx.tokens.find((x) => x.symbol === s)!;
    return { address: t.address, decimals: t.decimals, priceUsd: Number(t.priceUsd) };
  };
  return {
    node,
    fx,
    client,
    book,
    bookClient,
    solver,
    token,
    async owner(amounts) {
      const key = generatePrivateKey();
      const acct = Object.assign(privateKeyToAccount(key), { key });
      await fundWallet(
        fx,
        acct.address,
        Object.entries(amounts).map(([t, amount]) => ({ token: t, amount })),
      );
      await approveRelayerGasless(
        fx,
        acct.address,
        Object.keys(amounts).map((s) => token(s).address),
      );
      return acct;
    },
    balance: (t, who) => client.readContract({ address: t, abi: erc20Abi, functionName: 'balanceOf', args: [who] }),
    solve: (send = true) => solveOnce(solver, { send }),
    async close() {
      await book.close();
      await node.stop();
    },
  };
}

/** A sell order of `sell` (base units, fee included) for `buy`, limit = oracle price × (1 − slippageBps). */
export async function sellOrder(
  w: IntentWorld,
  sellSym: string,
  buySym: string,
  total: bigint,
  opts: { slippageBps?: number; feeBps?: bigint; partiallyFillable?: boolean; intent?: string; ttl?: number } = {},
): Promise<GPv2Order> {
  const s = w.token(sellSym);
  const b = w.token(buySym);
  const fee = (total * (opts.feeBps ?? 10n)) / 10_000n;
  const sellAmount = total - fee;
  const slip = opts.slippageBps ?? 100;
  // buy = sell × Ps/Pb, in base units, then × (1 − slippage); exact bigint from 1e6-scaled prices
  const num = sellAmount * BigInt(Math.round(s.priceUsd * 1e6)) * 10n ** BigInt(b.decimals) * BigInt(10_000 - slip);
  const den = BigInt(Math.round(b.priceUsd * 1e6)) * 10n ** BigInt(s.decimals) * 10_000n;
  const now = Number((await w.client.getBlock()).timestamp);
  return {
    sellToken: s.address,
    buyToken: b.address,
    receiver: ZERO_ADDRESS,
    sellAmount,
    buyAmount: num / den,
    validTo: now + (opts.ttl ?? 3600),
    appData: appDataOf(opts.intent ?? `t${Math.random().toString(36).slice(2)}`),
    feeAmount: fee,
    kind: 'sell',
    partiallyFillable: opts.partiallyFillable ?? false,
    sellTokenBalance: 'erc20',
    buyTokenBalance: 'erc20',
  };
}

export async function signAndPost(w: IntentWorld, owner: PrivateKeyAccount, order: GPv2Order): Promise<Hex> {
  const s = await signOrder(owner, order, gpv2Domain(w.fx.chainId, w.fx.contracts.gpv2Settlement));
  const r = await w.bookClient.post(s.order, s.owner, s.signature);
  return r.uid;
}
