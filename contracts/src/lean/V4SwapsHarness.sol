// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {V4Swaps} from "./V4Swaps.sol";

/// Test harness for V4Swaps (not the executor): owner-only; pulls what the swaps net-spend from the owner
/// (standing allowance to this contract) and pays every net output to the owner.
contract V4SwapsHarness is V4Swaps {
    address public immutable owner;

    error NotOwner();
    error TransferFailed();

    constructor(IPoolManager poolManager) V4Swaps(poolManager) {
        owner = msg.sender;
    }

    function swap(V4Path[] calldata paths) external returns (uint256[] memory) {
        if (msg.sender != owner) revert NotOwner();
        return _v4Execute(paths);
    }

    function _v4Pay(address token, address to, uint256 amount) internal override {
        (bool ok, bytes memory r) =
            token.call(abi.encodeWithSignature("transferFrom(address,address,uint256)", owner, to, amount));
        if (!ok || (r.length > 0 && !abi.decode(r, (bool)))) revert TransferFailed();
    }

    function _v4Recipient() internal view override returns (address) {
        return owner;
    }
}
