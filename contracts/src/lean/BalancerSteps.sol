// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IBallastVault} from "./IBallastPools.sol";
import {StepTypes} from "./StepTypes.sol";

/// Balancer v2 steps of PoolSteps: consecutive Balancer steps as ONE Vault.batchSwap (GIVEN_IN), paid from this
/// contract's own balance under a standing Vault approval made here on first use.
abstract contract BalancerSteps is StepTypes {
    using SafeERC20 for IERC20;

    IBallastVault public immutable vault;

    constructor(IBallastVault vault_) {
        vault = vault_;
    }

    /// Where a batch's outputs go when every output leaving it is a final one.
    function _balancerRecipient() internal view virtual returns (address);

    /// Steps [from, to) as ONE Vault.batchSwap (GIVEN_IN). Amounts are shares of this contract's balances when the
    /// batch starts (a share-0 step chains the previous swap's whole output). The recipient is _balancerRecipient()
    /// when every output leaving the batch is a final one, else this contract (hub amounts).
    struct BalancerBatch {
        IBallastVault.BatchSwapStep[] swaps;
        address[] assets;
        int256[] limits;
        uint256 na;
        bool toRecipient;
        int256[] deltas;
    }

    function _balancer(Step[] calldata steps, uint256 from, uint256 to, uint256[] memory outs, uint256 deadline)
        internal
    {
        BalancerBatch memory b;
        uint256 n = to - from;
        b.assets = new address[](2 * n);
        b.limits = new int256[](2 * n);
        b.swaps = new IBallastVault.BatchSwapStep[](n);
        b.toRecipient = true;
        for (uint256 k = 0; k < n; k++) _balancerSwap(steps, from, to, k, b);
        _trim(b);
        b.deltas = vault.batchSwap(
            0,
            b.swaps,
            b.assets,
            IBallastVault.FundManagement(
                address(this), false, payable(b.toRecipient ? _balancerRecipient() : address(this)), false
            ),
            b.limits,
            deadline
        );
        for (uint256 k = 0; k < n; k++) _balancerOut(steps, from, to, k, b, outs);
    }

    /// Assets and limits cut to the assets used; the Vault's standing approval for every asset paid in.
    function _trim(BalancerBatch memory b) internal {
        address[] memory assets = b.assets;
        int256[] memory limits = b.limits;
        uint256 na = b.na;
        assembly {
            mstore(assets, na)
            mstore(limits, na)
        }
        for (uint256 a = 0; a < na; a++) {
            if (limits[a] > 0 && IERC20(assets[a]).allowance(address(this), address(vault)) < uint256(limits[a])) {
                IERC20(assets[a]).forceApprove(address(vault), type(uint256).max);
            }
        }
    }

    function _balancerSwap(Step[] calldata steps, uint256 from, uint256 to, uint256 k, BalancerBatch memory b)
        internal
        view
    {
        Step calldata s = steps[from + k];
        if (s.flags & FROM_PAYER != 0) revert BadStep(from + k);
        uint256 ai;
        uint256 ao;
        (b.na, ai) = _asset(b.assets, b.na, s.tokenIn);
        (b.na, ao) = _asset(b.assets, b.na, s.tokenOut);
        uint256 amount;
        if (s.share == 0) {
            if (k == 0 || steps[from + k - 1].tokenOut != s.tokenIn) revert BadStep(from + k);
        } else {
            if (s.share > ONE) revert BadStep(from + k);
            // a share of what is left of this input after the batch's earlier swaps took theirs
            int256 taken = b.limits[ai];
            uint256 left = IERC20(s.tokenIn).balanceOf(address(this)) - uint256(taken > 0 ? taken : int256(0));
            amount = s.share == ONE ? left : (left * s.share) / ONE;
            if (amount == 0) revert BadStep(from + k);
            b.limits[ai] = taken + int256(amount);
        }
        bool chained = from + k + 1 < to && steps[from + k + 1].share == 0;
        if (!chained && s.flags & TO_RECIPIENT == 0) b.toRecipient = false;
        b.swaps[k] = IBallastVault.BatchSwapStep(s.poolId, ai, ao, amount, "");
    }

    /// What the batch received in a step's output asset >= the sum of the minOut of the steps with that output; the
    /// total is reported on the first step that outputs it.
    function _balancerOut(
        Step[] calldata steps,
        uint256 from,
        uint256 to,
        uint256 k,
        BalancerBatch memory b,
        uint256[] memory outs
    ) internal pure {
        address tokenOut = steps[from + k].tokenOut;
        (, uint256 ao) = _asset(b.assets, b.na, tokenOut);
        // received = paid in - net delta (an asset both paid in and received is netted by the Vault)
        int256 paid = b.limits[ao] > 0 ? b.limits[ao] : int256(0);
        uint256 got = uint256(paid - b.deltas[ao]);
        uint256 minSum;
        bool first = true;
        for (uint256 m = from; m < to; m++) {
            if (steps[m].tokenOut != tokenOut) continue;
            if (m < from + k) first = false;
            minSum += steps[m].minOut;
        }
        if (!first) return;
        if (got < minSum) revert StepOutputTooLow(from + k, got, minSum);
        outs[from + k] = got;
    }

    function _asset(address[] memory assets, uint256 na, address t) internal pure returns (uint256, uint256) {
        for (uint256 a = 0; a < na; a++) if (assets[a] == t) return (na, a);
        assets[na] = t;
        return (na + 1, na);
    }
}
