// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IUnlockCallback} from "@uniswap/v4-core/src/interfaces/callback/IUnlockCallback.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {BalanceDelta} from "@uniswap/v4-core/src/types/BalanceDelta.sol";
import {ModifyLiquidityParams} from "@uniswap/v4-core/src/types/PoolOperation.sol";

/// Test-fixture helper (dev chain only): initializes a Uniswap v4 pool and adds all its positions in ONE
/// unlock (modifyLiquidity per position), paying the net amounts from the caller (who approved this contract).
/// The positions belong to this contract (salt 0); nobody can remove them. Only the deployer may call it.
contract V4FixtureLiquidity is IUnlockCallback {
    struct Position {
        int24 tickLower;
        int24 tickUpper;
        uint128 liquidity;
    }

    IPoolManager public immutable manager;
    address public immutable owner;

    error NotOwner();
    error NotManager();
    error TransferFailed();

    constructor(IPoolManager manager_) {
        manager = manager_;
        owner = msg.sender;
    }

    /// Initializes the pool at sqrtPriceX96 and adds the positions; returns the amounts paid (currency0, currency1).
    function create(PoolKey calldata key, uint160 sqrtPriceX96, Position[] calldata positions)
        external
        returns (uint256 paid0, uint256 paid1)
    {
        if (msg.sender != owner) revert NotOwner();
        manager.initialize(key, sqrtPriceX96);
        (paid0, paid1) = abi.decode(manager.unlock(abi.encode(key, positions)), (uint256, uint256));
    }

    function unlockCallback(bytes calldata data) external returns (bytes memory) {
        if (msg.sender != address(manager)) revert NotManager();
        (PoolKey memory key, Position[] memory positions) = abi.decode(data, (PoolKey, Position[]));
        int256 net0;
        int256 net1;
        for (uint256 i = 0; i < positions.length; i++) {
            ModifyLiquidityParams memory p = ModifyLiquidityParams({
                tickLower: positions[i].tickLower,
                tickUpper: positions[i].tickUpper,
                liquidityDelta: int256(uint256(positions[i].liquidity)),
                salt: bytes32(0)
            });
            (BalanceDelta d,) = manager.modifyLiquidity(key, p, "");
            net0 += d.amount0();
            net1 += d.amount1();
        }
        uint256 paid0 = _pay(key.currency0, net0);
        uint256 paid1 = _pay(key.currency1, net1);
        return abi.encode(paid0, paid1);
    }

    /// Adding liquidity only ever owes (delta <= 0): pay it from the owner.
    function _pay(Currency c, int256 delta) private returns (uint256 amount) {
        if (delta >= 0) return 0;
        amount = uint256(-delta);
        manager.sync(c);
        (bool ok, bytes memory r) = Currency.unwrap(c).call(
            abi.encodeWithSignature("transferFrom(address,address,uint256)", owner, address(manager), amount)
        );
        if (!ok || (r.length > 0 && !abi.decode(r, (bool)))) revert TransferFailed();
        manager.settle();
    }
}
