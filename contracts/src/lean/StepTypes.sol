// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// The step format of PoolSteps (issues #19, #20): constants, the Step struct and the step errors.
abstract contract StepTypes {
    uint8 internal constant KIND_V2 = 0;
    uint8 internal constant KIND_V3 = 1;
    uint8 internal constant KIND_BALANCER = 2;
    uint8 internal constant KIND_V4 = 4;
    /// flags: the output goes to _recipient() (a path's final output)
    uint8 internal constant TO_RECIPIENT = 1;
    /// flags (v2 only): the output goes straight to the NEXT step's v2 pair, which then spends exactly it
    uint8 internal constant TO_NEXT_PAIR = 2;
    /// flags (Balancer and v4): this step starts a new batchSwap / unlock instead of joining the previous steps' one
    uint8 internal constant NEW_BATCH = 4;
    /// flags (v2, v3, and a v4 path's first step; not Balancer): the input is paid by _payFromPayer (the executor:
    /// straight from the owner's allowance to the pool) and `share` is the exact input amount, not a share
    uint8 internal constant FROM_PAYER = 8;
    uint256 internal constant ONE = 1e36;

    /// One swap through one pool. It spends `share`/1e36 of this contract's balance of `tokenIn` when it runs
    /// (1e36 = all of it; 1e36 makes the planned amount exact to the wei when the balance is as planned); a Balancer
    /// or v4 step with share 0 spends the whole output of the (same-kind) step just before it. In a Balancer batch or
    /// a v4 unlock, shares are of the balance when the batch starts, less what its earlier steps take.
    struct Step {
        uint8 kind;
        uint8 flags;
        address tokenIn;
        address tokenOut;
        /// Uniswap v3 fee tier / v4 PoolKey.fee (pips); unused otherwise.
        uint24 fee;
        /// Balancer pool id; v4: the PoolKey's tickSpacing as uint256(uint24(int24)); unused otherwise.
        bytes32 poolId;
        uint128 share;
        uint256 minOut;
    }

    error BadStep(uint256 step);
    error NoPool(uint256 step, address pool);
    error StepOutputTooLow(uint256 step, uint256 out, uint256 minOut);
    error ForgedCallback(address caller);
    error UnsupportedStep(uint256 step, uint8 kind);
    /// A v4 unlock owed `owed` of `token` while its FROM_PAYER paths declared `declared` (netting with another path).
    error PayerMismatch(address token, uint256 owed, uint256 declared);
}
