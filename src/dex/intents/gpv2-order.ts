/**
 * CoW Protocol GPv2 orders (issue #24), as the real contracts define them (node_modules/@cowprotocol/contracts/
 * src/contracts/libraries/GPv2Order.sol, GPv2Trade.sol, mixins/GPv2Signing.sol): the EIP-712 domain
 * ("Gnosis Protocol", "v2", chain id, the settlement), the Order struct, the 56-byte uid
 * (orderDigest ‖ owner ‖ validTo) and the trade flags `settle` decodes. Pure: no I/O.
 */
import {
  type Address,
  concat,
  getAddress,
  type Hex,
  hashTypedData,
  keccak256,
  numberToHex,
  recoverTypedDataAddress,
  size,
  slice,
  toHex,
} from 'viem';
import { IntentInputError } from './errors.ts';

export type OrderKind = 'sell' | 'buy';

export interface GPv2Order {
  readonly sellToken: Address;
  readonly buyToken: Address;
  /** address(0) pays the owner. */
  readonly receiver: Address;
  readonly sellAmount: bigint;
  readonly buyAmount: bigint;
  /** Unix seconds; the settlement refuses the order after it ("GPv2: order expired"). */
  readonly validTo: number;
  readonly appData: Hex;
  /** Taken in the sell token on top of the executed sell amount (pro rata for a partial fill). */
  readonly feeAmount: bigint;
  readonly kind: OrderKind;
  readonly partiallyFillable: boolean;
  readonly sellTokenBalance: 'erc20';
  readonly buyTokenBalance: 'erc20';
}

export interface GPv2Domain {
  readonly name: 'Gnosis Protocol';
  readonly version: 'v2';
  readonly chainId: number;
  readonly verifyingContract: Address;
}

export const ORDER_TYPES = {
  Order: [
    { name: 'sellToken', type: 'address' },
    { name: 'buyToken', type: 'address' },
    { name: 'receiver', type: 'address' },
    { name: 'sellAmount', type: 'uint256' },
    { name: 'buyAmount', type: 'uint256' },
    { name: 'validTo', type: 'uint32' },
    { name: 'appData', type: 'bytes32' },
    { name: 'feeAmount', type: 'uint256' },
    { name: 'kind', type: 'string' },
    { name: 'partiallyFillable', type: 'bool' },
    { name: 'sellTokenBalance', type: 'string' },
    { name: 'buyTokenBalance', type: 'string' },
  ],
} as const;

export const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';
/** filledAmount(uid) after invalidateOrder: uint256(-1). */
export const INVALIDATED = 2n ** 256n - 1n;

export function gpv2Domain(chainId: number, settlement: Address): GPv2Domain {
  return { name: 'Gnosis Protocol', version: 'v2', chainId, verifyingContract: settlement };
}

export function typedOrder(order: GPv2Order, domain: GPv2Domain) {
  return { domain, types: ORDER_TYPES, primaryType: 'Order' as const, message: order };
}

export function orderDigest(order: GPv2Order, domain: GPv2Domain): Hex {
  return hashTypedData(typedOrder(order, domain));
}

/** The uid the settlement keys `filledAmount` and `invalidateOrder` by: digest ‖ owner ‖ validTo (56 bytes). */
export function orderUid(digest: Hex, owner: Address, validTo: number): Hex {
  return concat([digest, owner, numberToHex(validTo, { size: 4 })]);
}

export function uidParts(uid: Hex): { digest: Hex; owner: Address; validTo: number } {
  if (size(uid) !== 56) throw new IntentInputError(`an order uid has 56 bytes, got ${size(uid)}`);
  return {
    digest: slice(uid, 0, 32),
    owner: getAddress(slice(uid, 32, 52)),
    validTo: Number.parseInt(slice(uid, 52, 56).slice(2), 16),
  };
}

/** The order's appData from the intent's client order id: ties the order to its journal row (one intent, one appData). */
export function appDataOf(clientOrderId: string): Hex {
  return keccak256(toHex(`ballast-intent:${clientOrderId}`));
}

/** GPv2Trade flags: bit 0 kind (1 = buy), bit 1 partially fillable, ERC-20 balances (0), scheme EIP-712 (0). */
export function tradeFlags(order: GPv2Order): number {
  return (order.kind === 'buy' ? 1 : 0) | (order.partiallyFillable ? 2 : 0);
}

/** The owner who signed `order` under `domain` (EIP-712, 65-byte r‖s‖v signature). */
export async function signerOf(order: GPv2Order, domain: GPv2Domain, signature: Hex): Promise<Address> {
  return recoverTypedDataAddress({ ...typedOrder(order, domain), signature });
}

/** A signed order as the book keeps it. */
export interface SignedOrder {
  readonly order: GPv2Order;
  readonly owner: Address;
  readonly signature: Hex;
  readonly uid: Hex;
}

/** JSON form: bigints as decimal strings. */
export function orderToJson(o: GPv2Order): Record<string, string | number | boolean> {
  return {
    ...o,
    sellAmount: o.sellAmount.toString(),
    buyAmount: o.buyAmount.toString(),
    feeAmount: o.feeAmount.toString(),
  };
}
