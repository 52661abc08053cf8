// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BallastBasket} from "./BallastBasket.sol";
import {IBallastAavePool} from "./lean/AaveSteps.sol";

interface IBasketAToken {
    function UNDERLYING_ASSET_ADDRESS() external view returns (address);
    function POOL() external view returns (address);
}

/// @title BallastSleeveBasket (issue #22 item 2): a BallastBasket with an idle sleeve on one Aave v3 Pool, fixed at
///        deployment. See docs/basket.md ("Idle sleeve on Aave v3").
/// @notice - Each asset's aToken is read from the Pool's reserve data at deployment and checked (its underlying is
///           the asset, its Pool is the Pool, it is not itself an asset); an asset without a reserve has no sleeve.
///         - An asset's balance is its wallet balance plus its aToken balance (the underlying it redeems to): NAV,
///           weights, issue, deposit and redeem all use that sum. Issue pulls the underlying only.
///         - redeem pays each asset's amount a pro rata from both parts: floor(a x aToken / (wallet + aToken)) as
///           aTokens, the rest as the asset; an aToken transfer needs no liquidity, so a holder exits at 100%
///           utilisation too.
///         - rebalance legs of kind 5 (withdraw: aToken -> asset) and 6 (supply: asset -> aToken) move exactly
///           amountIn between the two parts, to and from the basket only; the leg names the Pool (poolId = its
///           address, fee 0), anything else reverts NotSleeve. A sleeve leg does not make its asset traded; an
///           untraded asset it moved gets one wei of slack per leg in the drift rule (Aave's rounding).
///         It is a separate contract so a plain basket's deployment code stays within EIP-3860's limit at 7 assets.
contract BallastSleeveBasket is BallastBasket {
    using SafeERC20 for IERC20;

    /// The Aave v3 Pool of the sleeve.
    address public immutable aavePool;
    /// Each asset's aToken in the Pool (address 0: no reserve, no sleeve).
    address[] internal _aTokens;

    constructor(Init memory init, address aavePool_) BallastBasket(init) {
        if (aavePool_ == address(0)) revert BadProfile("aavePool");
        aavePool = aavePool_;
        for (uint256 i = 0; i < init.assets.length; i++) _aTokens.push(_aTokenOf(aavePool_, init.assets[i]));
    }

    function _aTokenOf(address pool, address asset) internal view returns (address a) {
        a = IBallastAavePool(pool).getReserveData(asset).aTokenAddress;
        if (a == address(0)) return a;
        if (
            IBasketAToken(a).UNDERLYING_ASSET_ADDRESS() != asset || IBasketAToken(a).POOL() != pool
                || _indexOf(a) != type(uint256).max
        ) revert BadProfile("aavePool");
    }

    function aTokens() external view returns (address[] memory) {
        return _aTokens;
    }

    /// previewRedeem's amounts split: what is paid as the asset itself and what as its aToken (amounts = sum).
    function previewRedeemParts(uint256 shares)
        external
        view
        returns (uint256[] memory wallet, uint256[] memory sleeve)
    {
        _notEntered();
        wallet = _amountsFor(shares, totalSupply() + pendingFeeShares(), Math.Rounding.Floor);
        sleeve = new uint256[](wallet.length);
        for (uint256 i = 0; i < wallet.length; i++) {
            sleeve[i] = _sleevePart(i, wallet[i]);
            wallet[i] -= sleeve[i];
        }
    }

    /// The part of `amount` of asset i paid as aTokens: floor(amount x sleeve / (wallet + sleeve)); the rest comes
    /// from the wallet (at most the wallet balance, as amount <= wallet + sleeve).
    function _sleevePart(uint256 i, uint256 amount) internal view returns (uint256) {
        uint256 sl = _sleeve(i);
        return sl == 0 ? 0 : Math.mulDiv(amount, sl, _balance(i));
    }

    function _sleeve(uint256 i) internal view returns (uint256) {
        address a = _aTokens[i];
        return a == address(0) ? 0 : IERC20(a).balanceOf(address(this));
    }

    /// Wallet plus aToken balance (Aave's balanceOf: scaled balance x liquidity index).
    function _balance(uint256 i) internal view override returns (uint256) {
        return IERC20(_assets[i]).balanceOf(address(this)) + _sleeve(i);
    }

    /// Pro rata from both parts, the sleeve part as aTokens.
    function _payOut(uint256 i, uint256 amount, address to) internal override {
        uint256 fromSleeve = _sleevePart(i, amount);
        if (amount > fromSleeve) IERC20(_assets[i]).safeTransfer(to, amount - fromSleeve);
        if (fromSleeve > 0) IERC20(_aTokens[i]).safeTransfer(to, fromSleeve);
    }

    /// Withdraw (kind 5: tokenIn the asset's aToken, tokenOut the asset) or supply (kind 6: tokenIn the asset,
    /// tokenOut its aToken) exactly amountIn in the Pool, to and from this basket only; the leg must name the Pool
    /// (poolId = its address, fee 0). Returns the asset's bit.
    function _sleeveLeg(uint256 k, Leg calldata l, uint256 minOut) internal override returns (uint256) {
        bool supply = l.kind == KIND_SLEEVE_SUPPLY;
        address asset = supply ? l.tokenIn : l.tokenOut;
        uint256 i = _indexOf(asset);
        address pool = aavePool;
        if (
            i == type(uint256).max || l.amountIn == 0 || l.fee != 0 || l.poolId != bytes32(uint256(uint160(pool)))
                || _aTokens[i] == address(0) || _aTokens[i] != (supply ? l.tokenOut : l.tokenIn)
        ) revert NotSleeve(k);
        uint256 out = l.amountIn;
        if (supply) {
            IERC20(asset).forceApprove(pool, out);
            IBallastAavePool(pool).supply(asset, out, address(this), 0);
        } else {
            out = IBallastAavePool(pool).withdraw(asset, out, address(this));
        }
        if (out < minOut) revert LegOutputTooLow(k, out, minOut);
        return 1 << i;
    }

    /// An untraded asset a sleeve leg moved: its value before plus one wei per leg (Aave rounds an aToken balance
    /// by at most 1 wei per supply or withdraw), at its price.
    function _bound(State memory s, uint256 i) internal view override returns (uint256) {
        if (s.sleeved & (1 << i) == 0) return s.before[i];
        return _value(i, s.bal[i] + s.legs, s.prices[i]);
    }
}
