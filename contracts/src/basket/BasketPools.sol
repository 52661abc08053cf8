// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IBallastVault} from "../lean/IBallastPools.sol";
import {PoolSteps} from "../lean/PoolSteps.sol";

/**
 * BasketPools (issue #20): the lean executor's pool calls (PoolSteps: Uniswap v2 direct, v3 direct with a validated
 * callback, Balancer batchSwap, v4 inside one unlock) as code the basket runs in its OWN context by DELEGATECALL.
 * The basket deploys its BasketPools in its constructor (same v2/v3 factories, Balancer Vault and v4 PoolManager),
 * so the pool code is not part of the basket's 24,576-byte runtime and the basket's assets never leave it except
 * to the pool being swapped with. It has no storage: PoolSteps' state is transient (slots of the basket's
 * transient storage while it runs) and its factories, Vault and PoolManager are immutables in this code.
 *
 *   runSteps(steps, deadline)  - only by delegatecall from the basket that deployed it (else NotDelegated): pays
 *                                each step's input from the basket's balance, every output to the basket.
 *   callbacks                  - the basket forwards uniswapV3SwapCallback and unlockCallback here by delegatecall;
 *                                PoolSteps accepts them only from the v3 pool of the step in progress / the
 *                                PoolManager during the basket's own unlock (else ForgedCallback / V4ForgedCallback).
 */
contract BasketPools is PoolSteps {
    using SafeERC20 for IERC20;

    /// The basket that deployed this code: the only context runSteps works in.
    address public immutable basket;

    error NotDelegated();

    constructor(
        address v2Factory_,
        bytes32 v2InitCodeHash_,
        address v3Factory_,
        bytes32 v3InitCodeHash_,
        IBallastVault vault_,
        IPoolManager v4PoolManager_
    ) PoolSteps(v2Factory_, v2InitCodeHash_, v3Factory_, v3InitCodeHash_, vault_, v4PoolManager_) {
        basket = msg.sender;
    }

    /// Runs the steps in the basket's context (a direct call reverts NotDelegated); outs[i] as PoolSteps reports.
    function runSteps(Step[] calldata steps, uint256 deadline) external returns (uint256[] memory) {
        if (address(this) != basket) revert NotDelegated();
        return _runSteps(steps, deadline);
    }

    /// Inputs are paid from the basket's own balance (this code runs in the basket).
    function _pay(address token, address to, uint256 amount) internal override {
        IERC20(token).safeTransfer(to, amount);
    }

    /// Every output goes to the basket.
    function _recipient() internal view override returns (address) {
        return address(this);
    }
}
