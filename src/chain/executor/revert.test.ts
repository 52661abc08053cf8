import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeErrorResult, parseAbi } from 'viem';
import { executorArtifact } from './artifact.ts';
import { describeRevertData } from './revert.ts';

const standard = parseAbi(['error Error(string reason)', 'error Panic(uint256 code)']);
const abi = executorArtifact().abi;

test('a revert reads as words: the reason string, a panic, a custom error by name, a leg by its inner reason', () => {
  const reason = encodeErrorResult({
    abi: standard,
    errorName: 'Error',
    args: ['UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT'],
  });
  assert.equal(describeRevertData(reason), 'UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT');
  assert.equal(
    describeRevertData(encodeErrorResult({ abi: standard, errorName: 'Panic', args: [0x11n] })),
    'panic 0x11 (arithmetic overflow or underflow)',
  );
  assert.equal(
    describeRevertData(encodeErrorResult({ abi, errorName: 'LegOutputTooLow', args: [2n, 5n, 7n] })),
    'LegOutputTooLow(2, 5, 7)',
  );
  assert.equal(
    describeRevertData(encodeErrorResult({ abi, errorName: 'LegReverted', args: [1n, reason] })),
    'LegReverted: leg 1 reverted: UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT',
  );
  assert.equal(describeRevertData('0xdeadbeef00'), 'custom error 0xdeadbeef (5 bytes of revert data)');
  assert.equal(describeRevertData('0x'), 'reverted without a reason');
});
