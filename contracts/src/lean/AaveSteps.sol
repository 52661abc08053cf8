// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// The part of Aave v3's Pool that the steps and BallastLeverage call (its ReserveData as in the npm package
/// aave/core-v3 1.19's DataTypes).
interface IBallastAavePool {
    struct ReserveData {
        uint256 configuration;
        uint128 liquidityIndex;
        uint128 currentLiquidityRate;
        uint128 variableBorrowIndex;
        uint128 currentVariableBorrowRate;
        uint128 currentStableBorrowRate;
        uint40 lastUpdateTimestamp;
        uint16 id;
        address aTokenAddress;
        address stableDebtTokenAddress;
        address variableDebtTokenAddress;
        address interestRateStrategyAddress;
        uint128 accruedToTreasury;
        uint128 unbacked;
        uint128 isolationModeTotalDebt;
    }

    function supply(address asset, uint256 amount, address onBehalfOf, uint16 referralCode) external;
    function withdraw(address asset, uint256 amount, address to) external returns (uint256);
    function getReserveData(address asset) external view returns (ReserveData memory);
    // BallastLeverage (issue #23) also repays, borrows, takes Aave's flash loan and reads the health factor
    function borrow(address asset, uint256 amount, uint256 interestRateMode, uint16 referralCode, address onBehalfOf)
        external;
    function repay(address asset, uint256 amount, uint256 interestRateMode, address onBehalfOf)
        external
        returns (uint256);
    function flashLoanSimple(
        address receiverAddress,
        address asset,
        uint256 amount,
        bytes calldata params,
        uint16 referralCode
    ) external;
    function getUserAccountData(address user)
        external
        view
        returns (uint256, uint256, uint256, uint256, uint256, uint256 healthFactor);
}

/**
 * AaveSteps (issue #22 item 2): an idle sleeve's withdraw and supply as steps of the same batch as its swaps, for a
 * contract that inherits it. The only lending pool ever called is the one fixed at deployment (address 0 disables
 * the steps); a step's aToken must be the Pool's aToken of the step's underlying (else NotAToken), so a step can
 * neither burn nor report another reserve's aTokens.
 *   withdraw: tokenIn = the reserve's aToken (held here), tokenOut = the underlying, paid to `to`;
 *             returns what the Pool paid.
 *   supply:   tokenIn = the underlying (held here), tokenOut = the aToken, minted to `to`; returns the amount.
 */
abstract contract AaveSteps {
    using SafeERC20 for IERC20;

    uint8 internal constant KIND_AAVE_WITHDRAW = 5;
    uint8 internal constant KIND_AAVE_SUPPLY = 6;

    IBallastAavePool public immutable aavePool;

    error AaveDisabled(uint256 step);
    error NotAToken(uint256 step, address aToken, address asset);

    constructor(IBallastAavePool aavePool_) {
        aavePool = aavePool_;
    }

    function _checkAToken(uint256 i, address aToken, address asset) private view {
        if (address(aavePool) == address(0)) revert AaveDisabled(i);
        if (aavePool.getReserveData(asset).aTokenAddress != aToken || aToken == address(0)) {
            revert NotAToken(i, aToken, asset);
        }
    }

    function _aaveWithdraw(uint256 i, address aToken, address asset, uint256 amount, address to)
        internal
        returns (uint256)
    {
        _checkAToken(i, aToken, asset);
        return aavePool.withdraw(asset, amount, to);
    }

    function _aaveSupply(uint256 i, address asset, address aToken, uint256 amount, address to)
        internal
        returns (uint256)
    {
        _checkAToken(i, aToken, asset);
        IERC20(asset).forceApprove(address(aavePool), amount);
        aavePool.supply(asset, amount, to, 0);
        return amount;
    }
}
