// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title MockAggregatorV3
/// @notice Chainlink-style feed (AggregatorV3Interface) that tests can move and age. It is its own
///         `aggregator()`, so code that reads `proxy.aggregator().minAnswer()` works against it too.
contract MockAggregatorV3 {
    uint8 public immutable decimals;
    string public description;
    uint256 public constant version = 4;
    address public immutable owner;

    int192 public minAnswer;
    int192 public maxAnswer;

    uint80 public latestRound;
    /// answeredInRound = roundId - lag (a round that is not complete, for tests of round completeness)
    uint80 public answeredLag;
    mapping(uint80 => int256) private answers;
    mapping(uint80 => uint256) private startedAts;
    mapping(uint80 => uint256) private updatedAts;

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    constructor(uint8 decimals_, string memory description_, int256 answer_, int192 minAnswer_, int192 maxAnswer_) {
        decimals = decimals_;
        description = description_;
        owner = msg.sender;
        minAnswer = minAnswer_;
        maxAnswer = maxAnswer_;
        _push(answer_, block.timestamp);
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "MockAggregatorV3: not owner");
        _;
    }

    /// @notice New round with this answer, updated at `updatedAt` (0 = now).
    function setAnswer(int256 answer_, uint256 updatedAt_) external onlyOwner {
        _push(answer_, updatedAt_ == 0 ? block.timestamp : updatedAt_);
    }

    /// @notice Re-date the latest round (to age a feed without changing its answer).
    function setUpdatedAt(uint256 updatedAt_) external onlyOwner {
        updatedAts[latestRound] = updatedAt_;
        startedAts[latestRound] = updatedAt_;
    }

    function setAnsweredLag(uint80 lag) external onlyOwner {
        answeredLag = lag;
    }

    function setBounds(int192 minAnswer_, int192 maxAnswer_) external onlyOwner {
        minAnswer = minAnswer_;
        maxAnswer = maxAnswer_;
    }

    function aggregator() external view returns (address) {
        return address(this);
    }

    function latestAnswer() external view returns (int256) {
        return answers[latestRound];
    }

    function latestTimestamp() external view returns (uint256) {
        return updatedAts[latestRound];
    }

    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _round(latestRound);
    }

    function getRoundData(uint80 roundId_)
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        require(roundId_ != 0 && roundId_ <= latestRound, "No data present");
        return _round(roundId_);
    }

    function _round(uint80 r) internal view returns (uint80, int256, uint256, uint256, uint80) {
        return (r, answers[r], startedAts[r], updatedAts[r], r - answeredLag);
    }

    function _push(int256 answer_, uint256 updatedAt_) internal {
        latestRound += 1;
        answers[latestRound] = answer_;
        startedAts[latestRound] = updatedAt_;
        updatedAts[latestRound] = updatedAt_;
        emit AnswerUpdated(answer_, latestRound, updatedAt_);
    }
}
