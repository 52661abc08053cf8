/** Signing a GPv2 order (EIP-712) and a withdrawal (EIP-191) with the owner's local key (issue #24). */
import type { Hex, LocalAccount } from 'viem';
import { withdrawMessage } from './book-server.ts';
import { type GPv2Domain, type GPv2Order, orderDigest, orderUid, type SignedOrder, typedOrder } from './gpv2-order.ts';

export async function signOrder(account: LocalAccount, order: GPv2Order, domain: GPv2Domain): Promise<SignedOrder> {
  const signature = await account.signTypedData(typedOrder(order, domain));
  return {
    order,
    owner: account.address,
    signature,
    uid: orderUid(orderDigest(order, domain), account.address, order.validTo),
  };
}

export function signWithdrawal(account: LocalAccount, uid: Hex): Promise<Hex> {
  return account.signMessage({ message: withdrawMessage(uid) });
}
