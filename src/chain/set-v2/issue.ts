/**
 * Issues SetTokens through the BasicIssuanceModule: the caller approves each component for the exact amount
 * the module will pull (`getRequiredComponentUnitsForIssue`), then `issue` mints to `to`.
 */
import { type Address, parseAbi, type TransactionReceipt } from 'viem';
import type { TxSender } from '../client.ts';
import { basicIssuanceModuleAbi } from './abis.ts';
import type { SetV2Contracts } from './deploy.ts';

const approveAbi = parseAbi(['function approve(address spender, uint256 amount) returns (bool)']);

export interface Issued {
  /** One approval per component, then the issue. */
  readonly receipts: readonly TransactionReceipt[];
  readonly pulled: readonly { token: Address; amount: bigint }[];
}

export async function issueSet(
  tx: TxSender,
  set: SetV2Contracts,
  setToken: Address,
  quantity: bigint,
  to: Address = tx.clients.account,
): Promise<Issued> {
  const [tokens, amounts] = await tx.clients.public.readContract({
    address: set.basicIssuanceModule,
    abi: basicIssuanceModuleAbi,
    functionName: 'getRequiredComponentUnitsForIssue',
    args: [setToken, quantity],
  });
  const receipts: TransactionReceipt[] = [];
  const pulled = tokens.map((token, i) => ({ token, amount: amounts[i] ?? 0n }));
  for (const p of pulled)
    receipts.push(await tx.call(p.token, approveAbi, 'approve', [set.basicIssuanceModule, p.amount], 'approve BIM'));
  receipts.push(
    await tx.call(set.basicIssuanceModule, basicIssuanceModuleAbi, 'issue', [setToken, quantity, to], 'Set issue'),
  );
  return { receipts, pulled };
}
