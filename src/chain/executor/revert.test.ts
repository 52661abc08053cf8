import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeErrorResult, parseAbi } from 'viem';
import { executorArtifact } from './artifact.ts';
import { describeRevertData } from './revert.ts';

const standard = parseAbi(['error Error(string reason)', 'error Panic(uint256 code)']);
const abi = executorArtifact().abi;

test('a revert reads as words: the reason string, a panic, a custom error by name with what to do', () => {
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
    describeRevertData(encodeErrorResult({ abi, errorName: 'StepOutputTooLow', args: [2n, 5n, 7n] })),
    'StepOutputTooLow(2, 5, 7): a path returned less than its minimum (the pools moved): plan again next block',
  );
  const id = `0x${'ab'.repeat(32)}` as const;
  assert.match(
    describeRevertData(encodeErrorResult({ abi, errorName: 'AlreadyExecuted', args: [id] })),
    /^AlreadyExecuted\(0xabab.*\): this rebalance id was already executed on-chain/,
  );
  // every custom error of the executor (its own and OpenZeppelin's it can raise) has its advice
  for (const e of abi.filter((x) => x.type === 'error')) {
    const args = e.inputs.map((i) =>
      i.type === 'address' ? `0x${'11'.repeat(20)}` : i.type === 'bytes32' ? id : i.type.startsWith('uint8') ? 1 : 1n,
    );
    assert.match(describeRevertData(encodeErrorResult({ abi, errorName: e.name, args })), /\): \S/, e.name);
  }
  assert.equal(describeRevertData('0xdeadbeef00'), 'custom error 0xdeadbeef (5 bytes of revert data)');
  assert.equal(describeRevertData('0x'), 'reverted without a reason');
});
