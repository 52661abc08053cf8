// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IUniswapV3PoolView {
    function slot0()
        external
        view
        returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool);
    function liquidity() external view returns (uint128);
    function fee() external view returns (uint24);
    function tickSpacing() external view returns (int24);
    function tickBitmap(int16 wordPosition) external view returns (uint256);
    function ticks(int24 tick)
        external
        view
        returns (uint128 liquidityGross, int128 liquidityNet, uint256, uint256, int56, uint160, uint32, bool);
}

/// @title V3TickLens
/// @notice Reads a Uniswap v3 pool's whole swap state (slot0, liquidity, every initialized tick) in one call,
///         so that all pools can be read with ONE multicall per block.
contract V3TickLens {
    int24 internal constant MIN_TICK = -887272;
    int24 internal constant MAX_TICK = 887272;

    struct State {
        uint160 sqrtPriceX96;
        int24 tick;
        uint128 liquidity;
        uint24 fee;
        int24 tickSpacing;
        int24[] tickIndex;
        int128[] liquidityNet;
    }

    function state(address pool) external view returns (State memory s) {
        IUniswapV3PoolView p = IUniswapV3PoolView(pool);
        (s.sqrtPriceX96, s.tick,,,,,) = p.slot0();
        s.liquidity = p.liquidity();
        s.fee = p.fee();
        s.tickSpacing = p.tickSpacing();
        int24 spacing = s.tickSpacing;
        int16 minWord = int16((MIN_TICK / spacing) >> 8);
        int16 maxWord = int16((MAX_TICK / spacing) >> 8);
        uint256 words = uint256(int256(maxWord) - int256(minWord) + 1);
        uint256[] memory bitmaps = new uint256[](words);
        uint256 count = 0;
        for (uint256 w = 0; w < words; w++) {
            uint256 bm = p.tickBitmap(int16(int256(minWord) + int256(w)));
            bitmaps[w] = bm;
            while (bm != 0) {
                bm &= bm - 1;
                count++;
            }
        }
        s.tickIndex = new int24[](count);
        s.liquidityNet = new int128[](count);
        uint256 k = 0;
        for (uint256 w = 0; w < words; w++) {
            uint256 bm = bitmaps[w];
            if (bm == 0) continue;
            for (uint256 bit = 0; bit < 256; bit++) {
                if (bm & (uint256(1) << bit) == 0) continue;
                int24 t = int24((int256(minWord) + int256(w)) * 256 + int256(bit)) * spacing;
                (, int128 net,,,,,,) = p.ticks(t);
                s.tickIndex[k] = t;
                s.liquidityNet[k] = net;
                k++;
            }
        }
    }
}
