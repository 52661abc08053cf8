// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {PoolSteps} from "./lean/PoolSteps.sol";
import {AaveSteps, IBallastAavePool} from "./lean/AaveSteps.sol";
import {IBallastVault} from "./lean/IBallastPools.sol";

interface IBallastFeed {
    function decimals() external view returns (uint8);
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
}

interface IBallastDecimals {
    function decimals() external view returns (uint8);
}

/// @title BallastExecutor (issues #8, #19, #30)
/// @notice Executes every swap of a portfolio rebalance in ONE transaction, or nothing.
///         - Only the owner may call `execute`; funds come only from the owner (a standing allowance, approved once)
///           and every output and leftover goes only to the owner. A v2/v3/v4 step flagged FROM_PAYER is paid
///           straight from that allowance to its pool (exactly its declared amount; a v3 pool at most it), the
///           rest is pulled into this contract first (Balancer legs, hub amounts).
///         - Pools only: a Uniswap v2 pair or v3 pool is the CREATE2 address computed from the factory and init code
///           hash fixed at deployment and the step's (token0, token1[, fee]); Balancer pools are addressed by pool
///           id inside the Vault fixed at deployment (consecutive Balancer steps run as ONE `batchSwap`). No call
///           target or calldata is ever taken from the caller.
///         - A step spends a share of the executor's ACTUAL balance of its input (so a path's later hop spends what
///           the earlier hop really returned); a step's `minOut` (set on a path's final step) bounds its output.
///         - A rebalance id is recorded (one bit; 256 consecutive cycles share a word): a second batch with the same
///           id reverts `AlreadyExecuted(id)`.
///         - Value floor: what the owner got back, valued at the feeds configured on-chain (heartbeat, bounds,
///           complete round, optional L2 sequencer with grace period), must be >= (1 - maxSlippageBps/1e4) x what
///           was spent (pulled + paid from the owner as declared), valued at the same prices: independent of any
///           off-chain quote.
///         - Deadline; non-reentrant; any failure reverts everything.
///         - `executePermit2` (Permit2 fixed at deployment; zero disables it): the pulls come through ONE Permit2
///           SignatureTransfer batch signed by the owner instead of a standing allowance to this contract: spender
///           this contract, nonce = the rebalance id, deadline = the batch's deadline, exactly the pulls' tokens and
///           amounts, and a witness binding the rebalance id, the steps (keccak256(abi.encode(steps))) and
///           maxSlippageBps. FROM_PAYER steps still pay from a standing allowance (the CLI encodes none then).
///         - Uniswap v4 (step kind 4, hook-less pools of the PoolManager fixed at deployment; a zero PoolManager
///           disables v4): consecutive v4 steps run inside ONE `PoolManager.unlock` with net settlement
///           (contracts/src/lean/V4Swaps.sol); the unlock callback is accepted only from that PoolManager during
///           this contract's own unlock. Net outputs go to the owner (or here, for a later step, then swept).
///         The pool calls are contracts/src/lean/PoolSteps.sol (inputs paid from this contract's balance, final
///         outputs to the owner).
contract BallastExecutor is ReentrancyGuardTransient, PoolSteps, AaveSteps {
    using SafeERC20 for IERC20;

    address public immutable owner;
    /// Permit2 (zero: executePermit2 reverts NoPermit2).
    address public immutable permit2;
    /// EIP-712 witness of executePermit2 (Permit2's witness type string: the witness field, then the witness
    /// type and TokenPermissions, in alphabetical order).
    string private constant WITNESS_TYPE =
        "Rebalance witness)Rebalance(bytes32 id,bytes32 stepsHash,uint256 maxSlippageBps)TokenPermissions(address token,uint256 amount)";
    bytes32 private constant WITNESS_TYPEHASH =
        keccak256("Rebalance(bytes32 id,bytes32 stepsHash,uint256 maxSlippageBps)");
    /// A token pulled from the owner (standing allowance).
    struct Pull {
        address token;
        uint256 amount;
    }

    /// executePermit2's batch: execute's arguments.
    struct Rebalance {
        bytes32 id;
        Pull[] pulls;
        Step[] steps;
        uint256 maxSlippageBps;
        uint256 deadline;
    }

    /// TOKEN/USD feed configured by the owner; decimals read on-chain when configured.
    /// Packed in ONE storage slot (one cold read per token valued): the bounds as mantissa x 10^exponent
    /// (uint24 mantissa, 7 significant digits, in the low 24 bits; exponent in the high 8), rounded INWARD (the
    /// lower bound up, the upper bound down: never wider than configured); a lower bound <= 0 is stored as 0 (every
    /// answer must be > 0 anyway).
    struct Feed {
        address feed;
        uint24 heartbeat;
        /// token decimals + feed decimals
        uint8 scale;
        uint32 minBound;
        uint32 maxBound;
    }

    mapping(address => Feed) public feeds;
    /// Rebalance ids recorded, one bit each: word uint256(id) >> 8, bit uint256(id) & 0xff. The journal's ids
    /// (src/chain/executor/rebalance-id.ts) put the cycle in the low 64 bits, so 256 consecutive cycles of one
    /// portfolio share one word: recording an id costs a fresh slot (~22k gas) once per 256 cycles, else ~5k.
    mapping(uint256 => uint256) private executedBits;
    /// L2 sequencer uptime feed (0 = none), its grace period after coming back up, and the largest
    /// maxSlippageBps `execute` accepts.
    address public sequencerFeed;
    uint32 public sequencerGrace;
    uint16 public slippageCapBps;

    error NotOwner(address caller);
    error Expired(uint256 deadline, uint256 timestamp);
    error AlreadyExecuted(bytes32 id);
    error ValueFloor(uint256 valueOut, uint256 valueIn, uint256 maxSlippageBps);
    error SlippageAboveCap(uint256 maxSlippageBps, uint256 cap);
    error NoFeed(address token);
    error BadFeed(address token, address feed, int256 answer, uint256 updatedAt);
    error HeartbeatTooLong(uint32 heartbeat);
    error SequencerDown(address feed);
    error SequencerGrace(address feed, uint256 upSince, uint256 gracePeriod);
    error NoPermit2();

    event Rebalanced(bytes32 indexed id, uint256 steps, uint256 valueIn, uint256 valueOut);
    event FeedSet(address indexed token, address feed, uint32 heartbeat, int128 minAnswer, int128 maxAnswer);
    event GuardsSet(address sequencerFeed, uint32 gracePeriod, uint16 slippageCapBps);

    constructor(
        address owner_,
        address v2Factory_,
        bytes32 v2InitCodeHash_,
        address v3Factory_,
        bytes32 v3InitCodeHash_,
        IBallastVault vault_,
        IPoolManager v4PoolManager_,
        IBallastAavePool aavePool_,
        address permit2_
    ) PoolSteps(v2Factory_, v2InitCodeHash_, v3Factory_, v3InitCodeHash_, vault_, v4PoolManager_) AaveSteps(aavePool_) {
        owner = owner_;
        permit2 = permit2_;
        slippageCapBps = 10_000;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    // ------------------------------------------------------------------ configuration (owner)

    /// Sets (feed != 0) or removes (feed == 0) the USD feed of `token`; reads both decimals on-chain.
    function setFeed(address token, address feed, uint32 heartbeat, int128 minAnswer, int128 maxAnswer)
        external
        onlyOwner
    {
        if (feed == address(0)) {
            delete feeds[token];
        } else {
            if (heartbeat > type(uint24).max) revert HeartbeatTooLong(heartbeat);
            feeds[token] = Feed({
                feed: feed,
                heartbeat: uint24(heartbeat),
                scale: IBallastDecimals(token).decimals() + IBallastFeed(feed).decimals(),
                minBound: _bound(minAnswer, true),
                maxBound: _bound(maxAnswer, false)
            });
        }
        emit FeedSet(token, feed, heartbeat, minAnswer, maxAnswer);
    }

    /// `x` as mantissa x 10^exponent (uint24 mantissa), rounded up (`up`) or down; x <= 0 is 0.
    function _bound(int128 x, bool up) internal pure returns (uint32) {
        if (x <= 0) return 0;
        uint256 m = uint256(int256(x));
        uint256 e;
        while (m > type(uint24).max) {
            m = up ? (m + 9) / 10 : m / 10;
            e++;
        }
        return uint32((e << 24) | m);
    }

    function _unbound(uint32 b) internal pure returns (uint256) {
        return uint256(b & 0xffffff) * 10 ** uint256(b >> 24);
    }

    /// L2 sequencer uptime feed (0 = none, e.g. on L1) with its grace period, and the slippage cap.
    function setGuards(address sequencerFeed_, uint32 gracePeriod, uint16 slippageCapBps_) external onlyOwner {
        if (slippageCapBps_ > 10_000) revert SlippageAboveCap(slippageCapBps_, 10_000);
        sequencerFeed = sequencerFeed_;
        sequencerGrace = gracePeriod;
        slippageCapBps = slippageCapBps_;
        emit GuardsSet(sequencerFeed_, gracePeriod, slippageCapBps_);
    }

    /// Anything left here (e.g. sent by mistake) can only go to the owner.
    function sweep(address token) external nonReentrant onlyOwner {
        _sweep(token);
    }

    // ------------------------------------------------------------------ execution

    function execute(
        bytes32 id,
        Pull[] calldata pulls,
        Step[] calldata steps,
        uint256 maxSlippageBps,
        uint256 deadline
    ) external nonReentrant onlyOwner returns (uint256[] memory outs, uint256 valueIn, uint256 valueOut) {
        Tracked memory t = _begin(id, pulls, steps, maxSlippageBps, deadline);
        for (uint256 i = 0; i < pulls.length; i++) {
            IERC20(pulls[i].token).safeTransferFrom(owner, address(this), pulls[i].amount);
        }
        return _finish(t, id, pulls, steps, maxSlippageBps, deadline);
    }

    /// `execute` with the pulls moved by ONE Permit2 batch signature of the owner instead of a standing allowance
    /// (see the contract's notice): Permit2 checks the signer, the deadline, the nonce (then spent), the tokens and
    /// amounts and the witness; any mismatch reverts everything.
    function executePermit2(Rebalance calldata r, bytes calldata signature)
        external
        nonReentrant
        onlyOwner
        returns (uint256[] memory, uint256, uint256)
    {
        Tracked memory t = _begin(r.id, r.pulls, r.steps, r.maxSlippageBps, r.deadline);
        _permitPull(r, signature);
        return _finish(t, r.id, r.pulls, r.steps, r.maxSlippageBps, r.deadline);
    }

    /// keccak256 of the steps' ABI encoding without its offset and length words (the steps are static structs:
    /// their words are contiguous in calldata).
    function _stepsHash(Step[] calldata steps) internal pure returns (bytes32 h) {
        assembly {
            let m := mload(0x40)
            let n := mul(steps.length, 256)
            calldatacopy(m, steps.offset, n)
            h := keccak256(m, n)
        }
    }

    /// The pulls into this contract through Permit2: nonce = the rebalance id, deadline = the batch's, the witness
    /// binds the id, the steps and maxSlippageBps. The call is encoded here by hand (the ABI encoder for it alone
    /// would not fit the size limit): Permit2's
    /// permitWitnessTransferFrom(((address,uint256)[],uint256,uint256),(address,uint256)[],address,bytes32,string,bytes)
    /// with the permit (permitted = the pulls), the transfer details (each pull's amount to this contract), the
    /// owner, the witness, WITNESS_TYPE and the signature.
    function _permitPull(Rebalance calldata r, bytes calldata signature) internal {
        Pull[] calldata pulls = r.pulls;
        bytes32 witness = keccak256(abi.encode(WITNESS_TYPEHASH, r.id, _stepsHash(r.steps), r.maxSlippageBps));
        address own = owner;
        address p2 = permit2;
        bytes memory wt = bytes(WITNESS_TYPE); // allocated before the call is written past the free memory pointer
        uint256 h; // the call's arguments start here (after the selector)
        uint256 strOff; // where the witness type string starts, relative to h
        assembly {
            let n := pulls.length
            h := add(mload(0x40), 4)
            mstore(sub(h, 4), shl(224, 0xfe8ec1a7))
            let detailsOff := add(0x140, mul(n, 0x40)) // head 6 words + permit (3 words, length, the pulls)
            strOff := add(detailsOff, add(0x20, mul(n, 0x40)))
            mstore(h, 0xc0)
            mstore(add(h, 0x20), detailsOff)
            mstore(add(h, 0x40), own)
            mstore(add(h, 0x60), witness)
            mstore(add(h, 0x80), strOff)
            mstore(add(h, 0xc0), 0x60)
            mstore(add(h, 0xe0), calldataload(r)) // nonce = id
            mstore(add(h, 0x100), calldataload(add(r, 0x80))) // deadline
            mstore(add(h, 0x120), n)
            calldatacopy(add(h, 0x140), pulls.offset, mul(n, 0x40))
            let q := add(h, detailsOff)
            mstore(q, n)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let d := add(q, add(0x20, mul(i, 0x40)))
                mstore(d, address())
                mstore(add(d, 0x20), calldataload(add(pulls.offset, add(mul(i, 0x40), 0x20))))
            }
        }
        assembly {
            if iszero(extcodesize(p2)) {
                mstore(0, 0xecc53ee6) // NoPermit2()
                revert(0x1c, 4)
            }
            let q := add(h, strOff)
            let sigOff := add(strOff, add(0x20, mul(div(add(mload(wt), 31), 32), 32)))
            mstore(add(h, 0xa0), sigOff)
            for { let k := 0 } lt(k, sub(sigOff, strOff)) { k := add(k, 0x20) } { mstore(add(q, k), mload(add(wt, k))) }
            q := add(h, sigOff)
            let padded := mul(div(add(signature.length, 31), 32), 32)
            mstore(add(q, padded), 0)
            mstore(q, signature.length)
            calldatacopy(add(q, 0x20), signature.offset, signature.length)
            if iszero(call(gas(), p2, 0, sub(h, 4), add(add(sigOff, 0x24), padded), 0, 0)) {
                returndatacopy(0, 0, returndatasize())
                revert(0, returndatasize())
            }
        }
    }

    /// Deadline, rebalance id (recorded), slippage cap, sequencer; the owner's balances before.
    function _begin(bytes32 id, Pull[] calldata pulls, Step[] calldata steps, uint256 maxSlippageBps, uint256 deadline)
        internal
        returns (Tracked memory)
    {
        if (block.timestamp > deadline) revert Expired(deadline, block.timestamp);
        uint256 word = executedBits[uint256(id) >> 8];
        uint256 bit = 1 << (uint256(id) & 0xff);
        if (word & bit != 0) revert AlreadyExecuted(id);
        executedBits[uint256(id) >> 8] = word | bit;
        if (maxSlippageBps > slippageCapBps) revert SlippageAboveCap(maxSlippageBps, slippageCapBps);
        _checkSequencer();
        return _snapshot(pulls, steps);
    }

    /// The steps, the sweep to the owner, the value floor.
    function _finish(
        Tracked memory t,
        bytes32 id,
        Pull[] calldata pulls,
        Step[] calldata steps,
        uint256 maxSlippageBps,
        uint256 deadline
    ) internal returns (uint256[] memory outs, uint256 valueIn, uint256 valueOut) {
        outs = _runSteps(steps, deadline);
        _sweepHeld(pulls, steps);
        (valueIn, valueOut) = _floor(t, maxSlippageBps);
        emit Rebalanced(id, steps.length, valueIn, valueOut);
    }

    /// Whether a batch with this rebalance id has executed.
    function executed(bytes32 id) external view returns (bool) {
        return executedBits[uint256(id) >> 8] & (1 << (uint256(id) & 0xff)) != 0;
    }

    /// Sends the owner whatever this contract may hold after the steps: the rest of what was pulled, and the outputs
    /// not sent straight to the owner (a Balancer batch or v4 unlock with any non-final output sends all its
    /// outputs here). Outputs paid straight to the owner are not read again.
    function _sweepHeld(Pull[] calldata pulls, Step[] calldata steps) internal {
        for (uint256 i = 0; i < pulls.length; i++) _sweep(pulls[i].token);
        uint256 i = 0;
        while (i < steps.length) {
            uint8 kind = steps[i].kind;
            uint256 j = i + 1;
            if (kind == KIND_BALANCER || kind == KIND_V4) {
                while (j < steps.length && steps[j].kind == kind && steps[j].flags & NEW_BATCH == 0) j++;
            }
            bool here;
            for (uint256 k = i; k < j; k++) if (steps[k].flags & TO_RECIPIENT == 0) here = true;
            if (here) for (uint256 k = i; k < j; k++) _sweep(steps[k].tokenOut);
            i = j;
        }
    }

    /// Aave v3 steps (issue #22): kind 5 withdraws the step's aTokens held here as the underlying, kind 6 supplies
    /// the underlying held here with the aTokens minted to `to` (contracts/src/lean/AaveSteps.sol; a zero Pool at
    /// deployment disables them).
    function _otherStep(uint256 i, Step calldata s, uint256 amountIn, address to) internal override returns (uint256) {
        if (s.kind == KIND_AAVE_WITHDRAW) return _aaveWithdraw(i, s.tokenIn, s.tokenOut, amountIn, to);
        if (s.kind == KIND_AAVE_SUPPLY) return _aaveSupply(i, s.tokenIn, s.tokenOut, amountIn, to);
        revert UnsupportedStep(i, s.kind);
    }

    function _pay(address token, address to, uint256 amount) internal override {
        IERC20(token).safeTransfer(to, amount);
    }

    /// A FROM_PAYER step's input goes straight from the owner's standing allowance to the pool (no pull).
    function _payFromPayer(address token, address to, uint256 amount) internal override {
        IERC20(token).safeTransferFrom(owner, to, amount);
    }

    function _recipient() internal view override returns (address) {
        return owner;
    }

    // ------------------------------------------------------------------ valuation

    function _checkSequencer() internal view {
        address f = sequencerFeed;
        if (f == address(0)) return;
        (, int256 answer, uint256 startedAt,,) = IBallastFeed(f).latestRoundData();
        // answer 0 = up, 1 = down; startedAt 0 = no valid round (treated as down)
        if (answer != 0 || startedAt == 0) revert SequencerDown(f);
        if (block.timestamp - startedAt <= sequencerGrace) revert SequencerGrace(f, startedAt, sequencerGrace);
    }

    /// USD x 1e18 of `amount` of `token` at its configured feed: a complete, positive, fresh round strictly inside
    /// the bounds (an answer AT a circuit-breaker bound may hide a price beyond it).
    function _value(address token, uint256 amount) internal view returns (uint256) {
        Feed memory c = feeds[token];
        if (c.feed == address(0)) revert NoFeed(token);
        (uint80 roundId, int256 answer,, uint256 updatedAt, uint80 answeredInRound) = IBallastFeed(c.feed).latestRoundData();
        if (
            answer <= 0 || answeredInRound < roundId || updatedAt == 0 || updatedAt > block.timestamp
                || block.timestamp - updatedAt > c.heartbeat || uint256(answer) <= _unbound(c.minBound)
                || uint256(answer) >= _unbound(c.maxBound)
        ) revert BadFeed(token, c.feed, answer, updatedAt);
        return (amount * uint256(answer) * 1e18) / 10 ** uint256(c.scale);
    }

    /// The owner's balance, before the batch, of every token it may see change (what it spends: the pulls and the
    /// FROM_PAYER steps' inputs paid straight from its allowance; every output), and what it spends of each.
    struct Tracked {
        address[] toks;
        uint256[] before;
        uint256[] spent;
        uint256 n;
    }

    function _snapshot(Pull[] calldata pulls, Step[] calldata steps) internal view returns (Tracked memory t) {
        t.toks = new address[](pulls.length + 2 * steps.length);
        t.before = new uint256[](t.toks.length);
        t.spent = new uint256[](t.toks.length);
        for (uint256 i = 0; i < pulls.length; i++) t.spent[_track(t, pulls[i].token)] += pulls[i].amount;
        for (uint256 i = 0; i < steps.length; i++) {
            if (steps[i].flags & FROM_PAYER != 0) t.spent[_track(t, steps[i].tokenIn)] += steps[i].share;
            _track(t, steps[i].tokenOut);
        }
    }

    function _track(Tracked memory t, address token) internal view returns (uint256) {
        for (uint256 i = 0; i < t.n; i++) if (t.toks[i] == token) return i;
        t.toks[t.n] = token;
        t.before[t.n] = IERC20(token).balanceOf(owner);
        return t.n++;
    }

    /// Value the owner spent (declared: pulls + FROM_PAYER inputs, an upper bound of what left its balance) vs value
    /// it got back (its balance now + what it spent − before), at the feeds.
    function _floor(Tracked memory t, uint256 maxSlippageBps) internal view returns (uint256 valueIn, uint256 valueOut) {
        for (uint256 i = 0; i < t.n; i++) {
            if (t.spent[i] > 0) valueIn += _value(t.toks[i], t.spent[i]);
            uint256 back = IERC20(t.toks[i]).balanceOf(owner) + t.spent[i];
            if (back > t.before[i]) valueOut += _value(t.toks[i], back - t.before[i]);
        }
        if (valueOut * 10_000 < valueIn * (10_000 - maxSlippageBps)) {
            revert ValueFloor(valueOut, valueIn, maxSlippageBps);
        }
    }

    function _sweep(address token) internal {
        uint256 bal = IERC20(token).balanceOf(address(this));
        if (bal > 0) IERC20(token).safeTransfer(owner, bal);
    }
}
