/**
 * Permit2 instead of standing allowances to the executor (issue #19: "Permit2 signatures where the owner prefers
 * no standing allowance"). The owner approves Permit2 once per token (Permit2's model) and signs, per batch, ONE
 * SignatureTransfer batch permit (EIP-712, viem `signTypedData`): spender the executor, the batch's pulls as the
 * permitted tokens and amounts, nonce = the rebalance id (Permit2's unordered nonces: consecutive cycles share a
 * bitmap word), deadline = the batch's deadline, and a `Rebalance` witness binding the rebalance id, the steps
 * (keccak256 of their ABI words) and maxSlippageBps. `executePermit2` rebuilds all of it on-chain from its
 * arguments, so a signature for anything else fails Permit2's check (InvalidSigner).
 */
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  keccak256,
  type LocalAccount,
  sliceHex,
} from 'viem';
import type { Batch } from '../rebalance/build.ts';
import { executorArtifact } from './artifact.ts';
import { contractPulls } from './calldata.ts';
import { abiStep, type ExecutorStep } from './legs.ts';

const STEP_TUPLE = {
  type: 'tuple[]',
  components: [
    { name: 'kind', type: 'uint8' },
    { name: 'flags', type: 'uint8' },
    { name: 'tokenIn', type: 'address' },
    { name: 'tokenOut', type: 'address' },
    { name: 'fee', type: 'uint24' },
    { name: 'poolId', type: 'bytes32' },
    { name: 'share', type: 'uint128' },
    { name: 'minOut', type: 'uint256' },
  ],
} as const;

/** keccak256 of the steps' ABI words (their abi.encode without the offset and length words), as the executor hashes them. */
export function stepsHash(steps: readonly ExecutorStep[]): Hex {
  const enc = encodeAbiParameters([STEP_TUPLE], [steps.map(abiStep)]);
  return keccak256(sliceHex(enc, 64));
}

export const PERMIT2_TYPES = {
  PermitBatchWitnessTransferFrom: [
    { name: 'permitted', type: 'TokenPermissions[]' },
    { name: 'spender', type: 'address' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
    { name: 'witness', type: 'Rebalance' },
  ],
  Rebalance: [
    { name: 'id', type: 'bytes32' },
    { name: 'stepsHash', type: 'bytes32' },
    { name: 'maxSlippageBps', type: 'uint256' },
  ],
  TokenPermissions: [
    { name: 'token', type: 'address' },
    { name: 'amount', type: 'uint256' },
  ],
} as const;

export type PermitArgs = Pick<Batch, 'id' | 'pulls' | 'legs' | 'maxSlippageBps' | 'deadline'>;

/**
 * What the owner signs for `b`: the executor's pulls (contractPulls: a FROM_PAYER step would still pay from a
 * standing allowance, so a Permit2 batch is encoded with `fromOwner: false` and has none).
 */
export function permit2TypedData(chainId: number, permit2: Address, executor: Address, b: PermitArgs) {
  return {
    domain: { name: 'Permit2', chainId, verifyingContract: permit2 },
    types: PERMIT2_TYPES,
    primaryType: 'PermitBatchWitnessTransferFrom' as const,
    message: {
      permitted: contractPulls(b),
      spender: executor,
      nonce: BigInt(b.id),
      deadline: b.deadline,
      witness: { id: b.id, stepsHash: stepsHash(b.legs), maxSlippageBps: BigInt(b.maxSlippageBps) },
    },
  };
}

/** The owner's EIP-712 signature of the batch's permit (a local key: nothing leaves the process). */
export function signPermit2(
  account: LocalAccount,
  chainId: number,
  permit2: Address,
  executor: Address,
  b: PermitArgs,
): Promise<Hex> {
  return account.signTypedData(permit2TypedData(chainId, permit2, executor, b));
}

/** executePermit2 calldata: the batch (every pull through the permit) and the owner's signature. */
export function encodeExecutePermit2(b: PermitArgs, signature: Hex): Hex {
  return encodeFunctionData({
    abi: executorArtifact().abi,
    functionName: 'executePermit2',
    args: [
      {
        id: b.id,
        pulls: contractPulls(b),
        steps: b.legs.map(abiStep),
        maxSlippageBps: BigInt(b.maxSlippageBps),
        deadline: b.deadline,
      },
      signature,
    ],
  });
}
