import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Hex } from 'viem';
import { bitmapWordRange, decodeLiquidityNet, decodeSlot0, ticksOfWord } from './v4-slots.ts';

const hex = (x: bigint): Hex => `0x${BigInt.asUintN(256, x).toString(16).padStart(64, '0')}`;

test('slot0 unpacks sqrtPrice, signed tick, protocol and LP fees', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 1n, max: (1n << 160n) - 1n }),
      fc.integer({ min: -887272, max: 887272 }),
      fc.integer({ min: 0, max: 0xffffff }),
      fc.integer({ min: 0, max: 0xffffff }),
      (sqrt, tick, pf, lp) => {
        const word = sqrt | (BigInt.asUintN(24, BigInt(tick)) << 160n) | (BigInt(pf) << 184n) | (BigInt(lp) << 208n);
        assert.deepEqual(decodeSlot0(hex(word)), { sqrtPriceX96: sqrt, tick, protocolFee: pf, lpFee: lp });
      },
    ),
  );
});

test('liquidityNet is the signed high half; bitmap bits are compressed ticks', () => {
  assert.equal(decodeLiquidityNet(hex((BigInt.asUintN(128, -5n) << 128n) | 77n)), -5n);
  assert.deepEqual(ticksOfWord(-1, hex((1n << 255n) | 1n), 10), [-2560, -10]);
  assert.deepEqual(ticksOfWord(2, hex(1n << 3n), 60), [(512 + 3) * 60]);
  assert.deepEqual(bitmapWordRange(10), [-347, 346]);
  assert.deepEqual(bitmapWordRange(1), [-3466, 3465]);
});
