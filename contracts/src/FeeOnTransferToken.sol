// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferToken
/// @notice Test-only ERC20 (OpenZeppelin's) that burns `feeBps` of every transfer (the recipient gets less than was
///         sent), like the "tax" tokens the planner must detect and refuse (issue #30 item 8). Open mint: local
///         chains only.
contract FeeOnTransferToken is ERC20 {
    uint8 private immutable _decimals;
    uint256 public immutable feeBps;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 feeBps_) ERC20(name_, symbol_) {
        require(feeBps_ <= 10_000, "fee above 100%");
        _decimals = decimals_;
        feeBps = feeBps_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// A transfer between two accounts burns its fee: the sender pays `value`, the recipient gets `value - fee`.
    function _update(address from, address to, uint256 value) internal override {
        uint256 fee = from == address(0) || to == address(0) ? 0 : (value * feeBps) / 10_000;
        if (fee > 0) super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
