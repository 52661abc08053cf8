/**
 * `ballast dex rebalance --rpc URL --config portfolio.yaml [--execute] [--key-file F] [--send-rpc URL]
 *  [--journal F] [--deploy-executor]` (issue #8 §5). By default: the batched transaction, its simulated result,
 * the expected weights after and the gas; nothing is sent. --execute sends the exact approvals and then the
 * batch, each simulated first and journaled. The key comes from BALLAST_PRIVATE_KEY or --key-file and is never
 * printed or journaled (only signed transactions are).
 */

import { existsSync } from 'node:fs';
import { type Address, createPublicClient, formatUnits, type Hex, http, type PublicClient, parseUnits } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { findChainFile } from '../../chain/chain-file.ts';
import { chainFileClient } from '../../chain/client.ts';
import { executorConfigCalls, executorDeployData, poolSources } from '../../chain/executor/artifact.ts';
import { type ForkSimulator, startForkSimulator } from '../../chain/executor/fork-sim.ts';
import { signPermit2 } from '../../chain/executor/permit2.ts';
import { rebalanceIdOf } from '../../chain/executor/rebalance-id.ts';
import { type Resolver, requireResolved } from '../../chain/executor/resolve.ts';
import { type Sender, sendTx } from '../../chain/executor/send.ts';
import { idleATokenFeeds } from '../../chain/lending/idle-batch.ts';
import { ChainConfigError, checkChainSection, onchainPortfolioSchema } from '../../chain/rebalance/config.ts';
import { type PermitSigner, type Prepared, prepareRebalance, type Routed } from '../../chain/rebalance/prepare.ts';
import { requote } from '../../chain/rebalance/requote.ts';
import type { VerifyRpc } from '../../chain/rebalance/verify.ts';
import { parsePortfolio } from '../../core/config/parse.ts';
import { decideCycle } from '../../core/cycle-decision.ts';
import { InputError, joinPath } from '../../core/errors.ts';
import { Journal } from '../../store/journal.ts';
import { sqliteStore } from '../../store/ports.ts';
import { readDocument } from '../io.ts';
import { loadChainFile, requireChain } from './dex-quote.ts';
import { rebalanceJson, type SentInfo } from './dex-rebalance-json.ts';
import { journalState } from './journal-state.ts';
import { readKey } from './private-key.ts';

export interface DexRebalanceOptions {
  readonly rpc: string;
  /** Path of the portfolio YAML (with its `chain` section). */
  readonly config: string;
  readonly execute?: boolean;
  readonly keyFile?: string;
  /** Private transaction endpoint, used only for eth_sendRawTransaction. */
  readonly sendRpc?: string;
  /** Journal file; default .ballast/journal.db. */
  readonly journal?: string;
  readonly chainFile?: string;
  /** Deploy a BallastExecutor owned by the key's account, print its address and stop. */
  readonly deployExecutor?: boolean;
  readonly portfolioId?: string;
  /** Fee cap in gwei (exact decimal): the max fee per gas never exceeds it; above it nothing is sent. */
  readonly maxFeeGwei?: string;
  /** Replace a transaction still pending after this many seconds (same nonce, fees +12.5%). */
  readonly replaceAfterSec?: number;
  /** How long to wait for a receipt before leaving the transaction open (resolved by the next run); default 120. */
  readonly receiptTimeoutSec?: number;
  /** A second, independent read RPC: pools and feeds are cross-checked against it (issue #30 item 7). */
  readonly verifyRpc?: string;
  /** Largest relative gap tolerated between the two RPCs' numbers at one block, in bps; default 0 (exact). */
  readonly verifyToleranceBps?: number;
  /** Print one JSON object (dex-rebalance-json.ts) instead of the text. */
  readonly json?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly write?: (text: string) => void;
}

export interface DexRebalanceResult {
  readonly prepared?: Prepared;
  readonly txHash?: Hex;
  /** The batch as re-quoted and sent (--execute). */
  readonly sent?: Routed;
  readonly executor?: Address;
  readonly text: string;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * The batch in words. Every amount, an intermediate (hub) token's included, prints as its exact decimal and
 * symbol (the chain file knows every fixture token); a token it does not know prints as base units.
 */
function describe(
  pr: Prepared,
  executor: Address,
  known: readonly { address: Address; symbol: string; decimals: number }[],
  viaPermit2 = false,
): string {
  const sym = new Map([...known, ...pr.tokens.values()].map((t) => [t.address.toLowerCase(), t]));
  const amt = (token: Address, v: bigint) => {
    const t = sym.get(token.toLowerCase());
    return t ? `${formatUnits(v, t.decimals)} ${t.symbol}` : `${v} base units of ${token}`;
  };
  const lines = [
    `batch: ${viaPermit2 ? 'executePermit2()' : 'execute()'} on executor ${executor}, ${pr.batch.legs.length} legs, deadline ${pr.batch.deadline}, ${(pr.data.length - 2) / 2} bytes of calldata`,
  ];
  for (const s of pr.plan.trades)
    lines.push(
      `  plan: ${s.side} ${s.quantity.toPrecision(8)} ${s.asset} (${s.notional.toFixed(2)} quote, cost ${s.cost.toFixed(2)})`,
    );
  const how = viaPermit2 ? 'Permit2 signature' : 'standing approval';
  for (const p of pr.batch.pulls) lines.push(`  pull ${amt(p.token, p.amount)} from the owner (${how})`);
  pr.batch.legs.forEach((l, i) => {
    lines.push(
      `  leg ${i}: ${amt(l.tokenIn, l.amountIn)} → ${amt(l.tokenOut, pr.outs[i]!)} simulated, min ${amt(l.tokenOut, l.minOut)}${l.toOwner ? '' : ' (hub)'} via pool ${l.pool}`,
    );
  });
  const usd = (v: bigint) => (Number(v) / 1e18).toFixed(2);
  lines.push(
    `simulated: outputs worth ${usd(pr.totalValue)} USD at the executor's feeds for ${usd(pr.valueIn)} USD pulled (expected ${usd(pr.batch.expectedValue)}, minimum ${usd(pr.batch.minTotalValue)})`,
  );
  lines.push(
    `gas: batch ${pr.gasBatch}, approvals ${pr.gasApprovals} (${pr.approvals.length} token${pr.approvals.length === 1 ? '' : 's'})`,
  );
  const sl = pr.sleeve?.plan;
  if (sl) {
    lines.push(`idle sleeve on the Aave Pool ${sl.pool} (aTokens counted as their underlying):`);
    const dec = new Map([...pr.tokens.values()].map((t) => [t.symbol, t.decimals]));
    for (const m of sl.moves) {
      const u = (v: bigint) => `${formatUnits(v, dec.get(m.symbol) ?? 0)} ${m.symbol}`;
      lines.push(
        `  ${m.symbol}: withdraw ${u(m.withdraw)} (${u(m.forSells)} of it for the sells), supply ${u(m.supply)}`,
      );
    }
    for (const l of sl.limited) lines.push(l.reason);
    if (sl.limited.length > 0)
      lines.push(`partial rebalance: every trade at ${(sl.scale * 100).toFixed(2)}% of the full rebalance`);
  }
  lines.push('weights: asset  before → after (target)');
  for (const s of Object.keys(pr.weightsBefore)) {
    lines.push(`  ${s.padEnd(6)} ${pct(pr.weightsBefore[s]!)} → ${pct(pr.weightsAfter[s]!)}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function dexRebalance(o: DexRebalanceOptions): Promise<DexRebalanceResult> {
  const write = o.write ?? ((s: string) => process.stdout.write(s));
  // Everything local is checked before the node is asked anything (issue #16 item 4).
  const raw = readDocument(o.config);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw InputError.one(o.config, '', 'expected a portfolio (quote, target, chain)');
  const doc = raw as Record<string, unknown>;
  const { chain: _, ...core } = doc;
  parsePortfolio(core, o.config); // the core's checks (weights sum to 1, …) with its own messages
  if (doc.chain === undefined)
    throw InputError.one(
      o.config,
      'chain',
      'missing: dex rebalance needs a chain section (tokens, feeds, maxSlippageBps, maxDeviationBps; see docs)',
    );
  const parsed = onchainPortfolioSchema.safeParse(doc);
  if (!parsed.success)
    throw new InputError(
      o.config,
      parsed.error.issues.map((i) => ({ path: joinPath(i.path), message: i.message.replace(/^Invalid input: /, '') })),
    );
  const p = parsed.data;
  checkChainSection(p);
  // a position with debt is not a wallet: valuing it without its debt would plan the wrong trades
  if (p.chain.lending !== undefined)
    throw InputError.one(
      o.config,
      'chain.lending',
      'dex rebalance does not rebalance a position with debt: use `ballast lever rebalance` for it, or remove the section',
    );
  if (o.journal !== undefined) Journal.checkPath(o.journal);
  const f = loadChainFile(o.chainFile ?? findChainFile());
  const client = chainFileClient(o.rpc, f);
  let verify: VerifyRpc | undefined;
  if (o.verifyRpc !== undefined) {
    const vc = createPublicClient({
      transport: http(o.verifyRpc, { timeout: 30_000 }),
      chain: client.chain,
    }) as PublicClient;
    await requireChain(vc, o.verifyRpc, f.chainId);
    verify = { client: vc, toleranceBps: o.verifyToleranceBps ?? 0 };
  }
  const key = readKey(o.keyFile, o.env);
  const account = key ? privateKeyToAccount(key) : undefined;
  await requireChain(client, o.rpc, f.chainId);
  const owner = account?.address ?? p.chain.owner;
  if (!owner)
    throw new ChainConfigError('no owner: set BALLAST_PRIVATE_KEY or --key-file, or chain.owner for a dry run');

  if (o.deployExecutor) {
    if (!account) throw new ChainConfigError('--deploy-executor needs the key (BALLAST_PRIVATE_KEY or --key-file)');
    // Like every entry point that sends (issue #30 item 1): the account's unfinished transactions in the journal
    // are resolved first, and one still pending refuses the deployment (its nonce would collide).
    const jpath = o.journal ?? '.ballast/journal.db';
    if (existsSync(jpath)) {
      const j = Journal.open(jpath, { writer: true });
      try {
        const portfolioId = o.portfolioId ?? 'onchain';
        await requireResolved({ client, account, chainId: f.chainId, journal: sqliteStore(j).chainTxs, portfolioId });
      } finally {
        j.close();
      }
    }
    const signAndSend = async (data: Hex, to?: Address, gas = 500_000n) => {
      const hash = await client.sendRawTransaction({
        serializedTransaction: await account.signTransaction({
          type: 'eip1559',
          chainId: f.chainId,
          data,
          ...(to ? { to } : {}),
          nonce: await client.getTransactionCount({ address: owner, blockTag: 'pending' }),
          gas,
          ...(await client.estimateFeesPerGas()),
        }),
      });
      return { hash, r: await client.waitForTransactionReceipt({ hash }) };
    };
    const { hash, r } = await signAndSend(executorDeployData(owner, poolSources(f.contracts)), undefined, 6_000_000n);
    if (r.status !== 'success' || !r.contractAddress) throw new ChainConfigError(`executor deployment ${hash} failed`);
    // its on-chain guards: the portfolio's feeds (heartbeat + margin, bounds), the sequencer, the slippage cap
    const cfg = {
      feeds: [
        ...Object.entries(p.chain.feeds).flatMap(([sym, feed]) => {
          const token = p.chain.tokens[sym];
          return token ? [{ token, feed }] : [];
        }),
        // an idle sleeve's aTokens are valued at their underlying's feed by the executor's value floor
        ...(p.chain.idle ? await idleATokenFeeds(client, p.chain.idle, f, p.chain.tokens, p.chain.feeds) : []),
      ],
      ...(p.chain.sequencer ? { sequencer: p.chain.sequencer } : {}),
      slippageCapBps: p.chain.maxSlippageBps,
    };
    for (const c of await executorConfigCalls(client, r.contractAddress, cfg)) {
      const done = await signAndSend(c.data, c.to);
      if (done.r.status !== 'success')
        throw new ChainConfigError(`executor configuration ${c.label} (${done.hash}) failed`);
    }
    const text = `BallastExecutor deployed at ${r.contractAddress}, owned by ${owner}, its feeds and guards configured: set chain.executor to it\n`;
    write(o.json === true ? `${JSON.stringify({ executor: r.contractAddress, owner })}\n` : text);
    return { executor: r.contractAddress, text };
  }
  const executor = p.chain.executor;
  if (!executor)
    throw new ChainConfigError(
      'chain.executor is not set: run once with --deploy-executor and put the address in the config',
    );
  // chain.approvals "permit2" (issue #19): one Permit2 signature per batch, signed here with the owner's key
  let permit: PermitSigner | undefined;
  if (p.chain.approvals === 'permit2') {
    const permit2 = f.contracts.permit2;
    if (!permit2)
      throw new ChainConfigError(
        'chain.approvals is "permit2" but the chain file names no Permit2 (contracts.permit2): use "standing"',
      );
    if (!account)
      throw new ChainConfigError(
        'chain.approvals "permit2" needs the key even for a dry run (the batch is simulated with its signed permit): set BALLAST_PRIVATE_KEY or --key-file',
      );
    permit = { permit2, sign: (b) => signPermit2(account, f.chainId, permit2, executor, b) };
  }

  if (o.execute && !account)
    throw new ChainConfigError('--execute needs the key: set BALLAST_PRIVATE_KEY or --key-file');
  // --execute: the journal first, and every unfinished transaction of this portfolio or account resolved
  // before anything is planned (issue #30 item 1): one still pending refuses the run, nothing sent.
  const journal = o.execute ? Journal.open(o.journal ?? '.ballast/journal.db', { writer: true }) : undefined;
  // --send-rpc: every simulation on a local fork of the read RPC, never on it (issue #30 item 5)
  let fork: ForkSimulator | undefined;
  try {
    if (o.sendRpc) fork = await startForkSimulator(o.rpc, f.chainId);
    const id = o.portfolioId ?? 'onchain';
    const base: Resolver | undefined =
      journal && account
        ? {
            client,
            account,
            chainId: f.chainId,
            journal: sqliteStore(journal).chainTxs,
            portfolioId: id,
            ...(o.sendRpc ? { sendRpcUrl: o.sendRpc } : {}),
            ...(fork ? { simulator: fork.client } : {}),
            ...(o.maxFeeGwei !== undefined ? { maxFeePerGas: parseUnits(o.maxFeeGwei, 9) } : {}),
            ...(o.replaceAfterSec !== undefined ? { replaceAfterMs: o.replaceAfterSec * 1000 } : {}),
            ...(o.receiptTimeoutSec !== undefined ? { receiptTimeoutMs: o.receiptTimeoutSec * 1000 } : {}),
          }
        : undefined;
    const settled = base ? await requireResolved(base) : [];
    // Shown at once: what was resolved stays said even if the new plan is refused below.
    const resolved = settled.map((t) => `resolved first: ${t.txHash} (nonce ${t.nonce}) ${t.state}\n`).join('');
    if (resolved !== '') (o.json === true ? (x: string) => process.stderr.write(x) : write)(resolved);
    const pr = await prepareRebalance(client, p, f, owner, executor, verify, fork?.client, permit);
    const known = [...f.tokens, ...(pr.sleeve?.plan.aTokens ?? [])];
    let text = describe(pr, executor, known, permit !== undefined);
    const json = (sent?: SentInfo) => `${JSON.stringify(rebalanceJson(pr, executor, known, sent))}
`;
    if (!journal || !account || !base) {
      text += 'dry run: nothing sent (add --execute to send it)\n';
      write(o.json === true ? json() : text);
      return { prepared: pr, text };
    }
    if (pr.batch.legs.length === 0) {
      text += 'nothing to trade\n';
      write(o.json === true ? json() : text);
      return { prepared: pr, text };
    }
    const now = Date.now();
    // The core's decision (issue #13): `--execute` is the approval of exactly this plan; a pause, an order
    // of this portfolio with an unknown outcome or one resting at a venue refuses it whole, nothing sent.
    const d = decideCycle({
      now,
      state: journalState(journal, id),
      policy: { mode: 'live', cooldownMs: 0 },
      trigger: { rebalance: true, reason: 'dex rebalance --execute', inflow: false },
      plan: () => pr.plan,
      approved: true,
    });
    // an idle sleeve's own moves (no trade: a sleeve off its share) are a plan too: sent like any batch
    const sleeveOnly = d.kind === 'refused' && d.code === 'empty' && pr.sleeve !== undefined && pr.plan.value > 0;
    if (d.kind !== 'execute' && !sleeveOnly) throw new ChainConfigError(`portfolio ${id}: not sent: ${d.reason}`);
    journal.portfolios.upsert({ id, config: doc, at: now });
    const cycle = journal.cycles.start(id, now).cycle;
    const s: Sender = { ...base, cycle };
    const rebalanceId = rebalanceIdOf(journal.journalId, id, cycle);
    let leg = 1;
    for (const a of pr.approvals) {
      await fork?.refresh();
      await sendTx(s, {
        to: a.token,
        data: a.data,
        leg: leg++,
        calls: { approve: a.token, amount: a.amount.toString() },
      });
    }
    // re-read the pools and re-solve just before sending (issue #18): refused only if a guard breaks
    const fresh = await requote(client, p, f, owner, executor, pr, rebalanceId, verify, permit);
    // What the batch does, journaled with it: the decision's id (recorded on-chain by the executor so a second
    // batch for it reverts) and the deadline (a dropped batch is never re-broadcast after it).
    const calls = {
      rebalanceId,
      deadline: fresh.batch.deadline.toString(),
      legs: fresh.batch.legs.map((l) => ({
        tokenIn: l.tokenIn,
        tokenOut: l.tokenOut,
        amountIn: l.amountIn.toString(),
        minOut: l.minOut.toString(),
      })),
    };
    await fork?.refresh(); // the simulation sees the approvals just mined
    const sent = await sendTx(s, { to: executor, data: fresh.data, leg: 0, calls });
    text += `re-quoted at send time: ${fresh.batch.legs.length} legs, outputs worth ${fresh.batch.route.value.toFixed(2)} USD at the oracles\n`;
    text += `sent: ${sent.receipt.transactionHash} mined in block ${sent.receipt.blockNumber}, gas used ${sent.receipt.gasUsed}\n`;
    write(
      o.json === true
        ? json({
            txHash: sent.receipt.transactionHash,
            blockNumber: String(sent.receipt.blockNumber),
            gasUsed: String(sent.receipt.gasUsed),
            requotedLegs: fresh.batch.legs.length,
          })
        : text,
    );
    return { prepared: pr, txHash: sent.receipt.transactionHash, sent: fresh, text };
  } finally {
    await fork?.stop();
    journal?.close();
  }
}
