import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { encodeAbiParameters, type Hex, hashStruct, keccak256, stringToHex } from 'viem';
import type { ExecutorStep } from './legs.ts';
import { PERMIT2_TYPES, permit2TypedData, stepsHash } from './permit2.ts';

const A = '0x1111111111111111111111111111111111111111' as const;
const B = '0x2222222222222222222222222222222222222222' as const;
const step = (minOut: bigint): ExecutorStep => ({
  kind: 0,
  flags: 1,
  tokenIn: A,
  tokenOut: B,
  fee: 0,
  poolId: `0x${'0'.repeat(64)}`,
  share: 10n ** 36n,
  minOut,
  amountIn: 5n,
  amountOut: 7n,
  pool: A,
  toOwner: true,
});

test('the witness type the owner signs is the one BallastExecutor.sol hands Permit2 (its WITNESS_TYPE and typehash)', () => {
  const sol = readFileSync(new URL('../../../contracts/src/BallastExecutor.sol', import.meta.url), 'utf8');
  const witnessType = /"(Rebalance witness\)[^"]+)"/.exec(sol)?.[1];
  const typehash = /keccak256\("(Rebalance\([^"]+)"\)/.exec(sol)?.[1];
  // Permit2's stub + the executor's witness type string = the EIP-712 type viem encodes from PERMIT2_TYPES
  const full = `PermitBatchWitnessTransferFrom(TokenPermissions[] permitted,address spender,uint256 nonce,uint256 deadline,${witnessType}`;
  const td = permit2TypedData(1, A, B, {
    id: `0x${'ab'.repeat(32)}`,
    pulls: [{ token: A, amount: 3n }],
    legs: [step(1n)],
    maxSlippageBps: 50,
    deadline: 99n,
  });
  const m = td.message;
  const enc = (types: readonly { type: string }[], values: readonly unknown[]) =>
    encodeAbiParameters(
      types.map((t) => ({ type: t.type })),
      values,
    );
  const permitted = keccak256(
    `0x${m.permitted
      .map((p) => hashStruct({ types: PERMIT2_TYPES, primaryType: 'TokenPermissions', data: p }).slice(2))
      .join('')}` as Hex,
  );
  const witness = keccak256(
    enc(
      [{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }, { type: 'uint256' }],
      [keccak256(stringToHex(typehash!)), m.witness.id, m.witness.stepsHash, m.witness.maxSlippageBps],
    ),
  );
  const manual = keccak256(
    enc(
      [
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'address' },
        { type: 'uint256' },
        { type: 'uint256' },
        { type: 'bytes32' },
      ],
      [keccak256(stringToHex(full)), permitted, m.spender, m.nonce, m.deadline, witness],
    ),
  );
  assert.equal(hashStruct({ types: PERMIT2_TYPES, primaryType: 'PermitBatchWitnessTransferFrom', data: m }), manual);
});

test('stepsHash: keccak256 of the steps ABI words, changed by any field', () => {
  const a = stepsHash([step(1n), step(2n)]);
  assert.match(a, /^0x[0-9a-f]{64}$/);
  assert.notEqual(a, stepsHash([step(1n), step(3n)]));
  assert.notEqual(a, stepsHash([step(1n)]));
  assert.equal(a, stepsHash([step(1n), { ...step(2n), amountIn: 9n }]), 'planning-only fields are not signed');
});
