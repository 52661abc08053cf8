// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IBallastERC20 {
    function balanceOf(address) external view returns (uint256);
    function allowance(address, address) external view returns (uint256);
    function approve(address, uint256) external returns (bool);
    function transfer(address, uint256) external returns (bool);
    function transferFrom(address, address, uint256) external returns (bool);
}

interface IBallastFeed {
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
}

/// @title BallastExecutor (issue #8)
/// @notice Executes every swap of a portfolio rebalance in ONE transaction, or nothing:
///         - only the owner may call; funds are pulled from the owner and every balance returns to the owner;
///         - each leg approves its spender for exactly its input and resets the allowance to 0 after the call;
///         - each leg's output >= its minOut, and the outputs valued at oracle prices (fresh and positive,
///           checked here again at execution time) >= minTotalValue;
///         - a deadline; any failure reverts everything.
contract BallastExecutor {
    address public immutable owner;

    /// Tokens pulled from the owner (the owner approves exactly these amounts).
    struct Pull {
        address token;
        uint256 amount;
    }

    /// One swap: call `target` with `data`, after approving `spender` for exactly `amountIn` of `tokenIn`.
    /// The call sends its output to the owner (`toOwner`, a final output: saves a transfer) or to this contract
    /// (a hub amount that a later leg consumes); the output is measured on that holder's balance.
    struct Leg {
        address target;
        address spender;
        address tokenIn;
        address tokenOut;
        uint256 amountIn;
        uint256 minOut;
        bool toOwner;
        bytes data;
    }

    /// Values the final outputs (legs with toOwner) in `token`: out * answer * 1e18 / scale
    /// (scale = 10^(tokenDecimals + feedDecimals)), refused when the answer is not positive or older than maxAge.
    struct Valuation {
        address token;
        address feed;
        uint256 maxAge;
        uint256 scale;
    }

    error NotOwner(address caller);
    error Expired(uint256 deadline, uint256 timestamp);
    error BadTarget(address target);
    error LegReverted(uint256 leg, bytes reason);
    error LegOutputTooLow(uint256 leg, uint256 out, uint256 minOut);
    error TotalValueTooLow(uint256 value, uint256 minValue);
    error StaleOrBadOracle(address feed, int256 answer, uint256 updatedAt);
    error TokenCallFailed(address token);

    event Rebalanced(uint256 legs, uint256 totalValue);

    constructor(address owner_) {
        owner = owner_;
    }

    function execute(
        Pull[] calldata pulls,
        Leg[] calldata legs,
        Valuation[] calldata valuations,
        uint256 minTotalValue,
        uint256 deadline
    ) external returns (uint256[] memory outs, uint256 totalValue) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (block.timestamp > deadline) revert Expired(deadline, block.timestamp);
        for (uint256 i = 0; i < pulls.length; i++) {
            _call(pulls[i].token, abi.encodeCall(IBallastERC20.transferFrom, (owner, address(this), pulls[i].amount)));
        }
        outs = new uint256[](legs.length);
        for (uint256 i = 0; i < legs.length; i++) {
            outs[i] = _leg(i, legs[i]);
        }
        for (uint256 i = 0; i < valuations.length; i++) {
            totalValue += _value(valuations[i], legs, outs);
        }
        if (totalValue < minTotalValue) revert TotalValueTooLow(totalValue, minTotalValue);
        for (uint256 i = 0; i < pulls.length; i++) _sweep(pulls[i].token);
        for (uint256 i = 0; i < legs.length; i++) if (!legs[i].toOwner) _sweep(legs[i].tokenOut);
        emit Rebalanced(legs.length, totalValue);
    }

    /// Anything left here (e.g. sent by mistake) can only go to the owner.
    function sweep(address token) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _sweep(token);
    }

    function _leg(uint256 i, Leg calldata l) internal returns (uint256 out) {
        if (l.target == address(this) || l.target == l.tokenIn || l.target == l.tokenOut) revert BadTarget(l.target);
        address holder = l.toOwner ? owner : address(this);
        uint256 before = IBallastERC20(l.tokenOut).balanceOf(holder);
        _call(l.tokenIn, abi.encodeCall(IBallastERC20.approve, (l.spender, l.amountIn)));
        (bool ok, bytes memory ret) = l.target.call(l.data);
        if (!ok) revert LegReverted(i, ret);
        if (IBallastERC20(l.tokenIn).allowance(address(this), l.spender) != 0) {
            _call(l.tokenIn, abi.encodeCall(IBallastERC20.approve, (l.spender, 0)));
        }
        out = IBallastERC20(l.tokenOut).balanceOf(holder) - before;
        if (out < l.minOut) revert LegOutputTooLow(i, out, l.minOut);
    }

    function _value(Valuation calldata v, Leg[] calldata legs, uint256[] memory outs) internal view returns (uint256) {
        (, int256 answer,, uint256 updatedAt,) = IBallastFeed(v.feed).latestRoundData();
        if (answer <= 0 || updatedAt > block.timestamp || block.timestamp - updatedAt > v.maxAge) {
            revert StaleOrBadOracle(v.feed, answer, updatedAt);
        }
        uint256 amount;
        for (uint256 i = 0; i < legs.length; i++) if (legs[i].toOwner && legs[i].tokenOut == v.token) amount += outs[i];
        return (amount * uint256(answer) * 1e18) / v.scale;
    }

    function _sweep(address token) internal {
        uint256 bal = IBallastERC20(token).balanceOf(address(this));
        if (bal > 0) _call(token, abi.encodeCall(IBallastERC20.transfer, (owner, bal)));
    }

    /// ERC20 call tolerating tokens that return nothing (USDT-style); a `false` or a revert fails.
    function _call(address token, bytes memory data) internal {
        (bool ok, bytes memory ret) = token.call(data);
        if (!ok || (ret.length > 0 && !abi.decode(ret, (bool)))) revert TokenCallFailed(token);
    }
}
