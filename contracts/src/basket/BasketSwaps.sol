// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IBallastBasket} from "./IBallastBasket.sol";

interface IBasketV2Pair {
    function getReserves() external view returns (uint112, uint112, uint32);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IBasketV3Pool {
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bytes calldata data)
        external
        returns (int256, int256);
}

/// @title BasketSwaps: the basket's own Uniswap v2/v3 pool calls (exact input, paid from the basket's balance,
///        output to the basket). Pools are the CREATE2 addresses of the factories and init code hashes fixed at
///        deployment (as in BallastExecutor). A v3 callback is accepted only from the pool this contract is
///        swapping with at that moment, for at most the amount it asked to swap (else ForgedCallback).
abstract contract BasketSwaps is IBallastBasket {
    using SafeERC20 for IERC20;

    uint8 internal constant KIND_V2 = 0;
    uint8 internal constant KIND_V3 = 1;
    uint160 internal constant MIN_SQRT_RATIO_PLUS_1 = 4295128740;
    uint160 internal constant MAX_SQRT_RATIO_MINUS_1 = 1461446703485210103287273052203988822378723970341;

    address public immutable v2Factory;
    bytes32 public immutable v2InitCodeHash;
    address public immutable v3Factory;
    bytes32 public immutable v3InitCodeHash;

    /// The v3 pool being called, its input token and the most it may take (set for one swap only).
    address private transient activePool;
    address private transient activeTokenIn;
    uint256 private transient activeMaxIn;

    constructor(address v2Factory_, bytes32 v2InitCodeHash_, address v3Factory_, bytes32 v3InitCodeHash_) {
        v2Factory = v2Factory_;
        v2InitCodeHash = v2InitCodeHash_;
        v3Factory = v3Factory_;
        v3InitCodeHash = v3InitCodeHash_;
    }

    /// The address of the pool of `kind` (0: v2, 1: v3 with `fee`) for tokens a and b (any order).
    function poolAddress(uint8 kind, address a, address b, uint24 fee) public view returns (address) {
        (address t0, address t1) = a < b ? (a, b) : (b, a);
        if (kind == KIND_V2) return _create2(v2Factory, keccak256(abi.encodePacked(t0, t1)), v2InitCodeHash);
        return _create2(v3Factory, keccak256(abi.encode(t0, t1, fee)), v3InitCodeHash);
    }

    /// Swaps exactly `amountIn` of `tokenIn` for `tokenOut` through the pool; the output comes here.
    function _swap(uint8 kind, address tokenIn, address tokenOut, uint24 fee, uint256 amountIn) internal {
        address pool = poolAddress(kind, tokenIn, tokenOut, fee);
        if (pool.code.length == 0) revert NoPool(pool);
        bool zeroForOne = tokenIn < tokenOut;
        if (kind == KIND_V2) {
            IERC20(tokenIn).safeTransfer(pool, amountIn);
            (uint256 r0, uint256 r1,) = IBasketV2Pair(pool).getReserves();
            (uint256 rIn, uint256 rOut) = zeroForOne ? (r0, r1) : (r1, r0);
            uint256 inWithFee = amountIn * 997;
            uint256 out = (inWithFee * rOut) / (rIn * 1000 + inWithFee);
            (uint256 o0, uint256 o1) = zeroForOne ? (uint256(0), out) : (out, uint256(0));
            IBasketV2Pair(pool).swap(o0, o1, address(this), "");
        } else {
            activePool = pool;
            activeTokenIn = tokenIn;
            activeMaxIn = amountIn;
            IBasketV3Pool(pool).swap(
                address(this),
                zeroForOne,
                int256(amountIn),
                zeroForOne ? MIN_SQRT_RATIO_PLUS_1 : MAX_SQRT_RATIO_MINUS_1,
                ""
            );
            activePool = address(0);
        }
    }

    /// Called by the v3 pool during _swap only; pays what it is owed in the input token (at most the amount in).
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        address pool = activePool;
        if (pool == address(0) || msg.sender != pool) revert ForgedCallback(msg.sender);
        uint256 owed = uint256(amount0Delta > 0 ? amount0Delta : amount1Delta);
        if (owed > activeMaxIn) revert ForgedCallback(msg.sender);
        activePool = address(0);
        IERC20(activeTokenIn).safeTransfer(pool, owed);
    }

    function _create2(address factory, bytes32 salt, bytes32 initCodeHash) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), factory, salt, initCodeHash)))));
    }
}
