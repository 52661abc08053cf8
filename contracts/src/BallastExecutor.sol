// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {V4Swaps} from "./lean/V4Swaps.sol";

interface IBallastV2Pair {
    function getReserves() external view returns (uint112, uint112, uint32);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IBallastV3Pool {
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bytes calldata data)
        external
        returns (int256, int256);
}

interface IBallastVault {
    struct BatchSwapStep {
        bytes32 poolId;
        uint256 assetInIndex;
        uint256 assetOutIndex;
        uint256 amount;
        bytes userData;
    }

    struct FundManagement {
        address sender;
        bool fromInternalBalance;
        address payable recipient;
        bool toInternalBalance;
    }

    function batchSwap(
        uint8 kind,
        BatchSwapStep[] memory swaps,
        address[] memory assets,
        FundManagement memory funds,
        int256[] memory limits,
        uint256 deadline
    ) external payable returns (int256[] memory);
}

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
///           and every output and leftover goes only to the owner.
///         - Pools only: a Uniswap v2 pair or v3 pool is the CREATE2 address computed from the factory and init code
///           hash fixed at deployment and the step's (token0, token1[, fee]); Balancer pools are addressed by pool
///           id inside the Vault fixed at deployment (consecutive Balancer steps run as ONE `batchSwap`). No call
///           target or calldata is ever taken from the caller.
///         - A step spends a share of the executor's ACTUAL balance of its input (so a path's later hop spends what
///           the earlier hop really returned); a step's `minOut` (set on a path's final step) bounds its output.
///         - A rebalance id is recorded: a second batch with the same id reverts `AlreadyExecuted(id)`.
///         - Value floor: what the owner got back, valued at the feeds configured on-chain (heartbeat, bounds,
///           complete round, optional L2 sequencer with grace period), must be >= (1 - maxSlippageBps/1e4) x what
///           was pulled, valued at the same prices: independent of any off-chain quote.
///         - Deadline; non-reentrant; any failure reverts everything.
///         - Uniswap v4 (step kind 4, hook-less pools of the PoolManager fixed at deployment; a zero PoolManager
///           disables v4): consecutive v4 steps run inside ONE `PoolManager.unlock` with net settlement
///           (contracts/src/lean/V4Swaps.sol); the unlock callback is accepted only from that PoolManager during
///           this contract's own unlock. Net outputs go to the owner (or here, for a later step, then swept).
contract BallastExecutor is ReentrancyGuardTransient, V4Swaps {
    using SafeERC20 for IERC20;

    address public immutable owner;
    address public immutable v2Factory;
    bytes32 public immutable v2InitCodeHash;
    address public immutable v3Factory;
    bytes32 public immutable v3InitCodeHash;
    IBallastVault public immutable vault;

    uint8 internal constant KIND_V2 = 0;
    uint8 internal constant KIND_V3 = 1;
    uint8 internal constant KIND_BALANCER = 2;
    uint8 internal constant KIND_V4 = 4;
    /// flags: the output goes to the owner (a path's final output)
    uint8 internal constant TO_OWNER = 1;
    /// flags (v2 only): the output goes straight to the NEXT step's v2 pair, which then spends exactly it
    uint8 internal constant TO_NEXT_PAIR = 2;
    /// flags (Balancer and v4): this step starts a new batchSwap / unlock instead of joining the previous steps' one
    uint8 internal constant NEW_BATCH = 4;
    uint256 internal constant ONE = 1e36;
    uint160 internal constant MIN_SQRT_RATIO_PLUS_1 = 4295128740;
    uint160 internal constant MAX_SQRT_RATIO_MINUS_1 = 1461446703485210103287273052203988822378723970341;

    /// A token pulled from the owner (standing allowance).
    struct Pull {
        address token;
        uint256 amount;
    }

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

    /// TOKEN/USD feed configured by the owner; decimals read on-chain when configured.
    struct Feed {
        address feed;
        uint32 heartbeat;
        uint8 tokenDecimals;
        uint8 feedDecimals;
        int128 minAnswer;
        int128 maxAnswer;
    }

    mapping(address => Feed) public feeds;
    mapping(bytes32 => bool) public executed;
    /// L2 sequencer uptime feed (0 = none), its grace period after coming back up, and the largest
    /// maxSlippageBps `execute` accepts.
    address public sequencerFeed;
    uint32 public sequencerGrace;
    uint16 public slippageCapBps;

    error NotOwner(address caller);
    error Expired(uint256 deadline, uint256 timestamp);
    error AlreadyExecuted(bytes32 id);
    error BadStep(uint256 step);
    error NoPool(uint256 step, address pool);
    error StepOutputTooLow(uint256 step, uint256 out, uint256 minOut);
    error ValueFloor(uint256 valueOut, uint256 valueIn, uint256 maxSlippageBps);
    error SlippageAboveCap(uint256 maxSlippageBps, uint256 cap);
    error NoFeed(address token);
    error BadFeed(address token, address feed, int256 answer, uint256 updatedAt);
    error SequencerDown(address feed);
    error SequencerGrace(address feed, uint256 upSince, uint256 gracePeriod);
    error ForgedCallback(address caller);
    error UnsupportedStep(uint256 step, uint8 kind);

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
        IPoolManager v4PoolManager_
    ) V4Swaps(v4PoolManager_) {
        owner = owner_;
        v2Factory = v2Factory_;
        v2InitCodeHash = v2InitCodeHash_;
        v3Factory = v3Factory_;
        v3InitCodeHash = v3InitCodeHash_;
        vault = vault_;
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
            feeds[token] = Feed({
                feed: feed,
                heartbeat: heartbeat,
                tokenDecimals: IBallastDecimals(token).decimals(),
                feedDecimals: IBallastFeed(feed).decimals(),
                minAnswer: minAnswer,
                maxAnswer: maxAnswer
            });
        }
        emit FeedSet(token, feed, heartbeat, minAnswer, maxAnswer);
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
        if (block.timestamp > deadline) revert Expired(deadline, block.timestamp);
        if (executed[id]) revert AlreadyExecuted(id);
        executed[id] = true;
        if (maxSlippageBps > slippageCapBps) revert SlippageAboveCap(maxSlippageBps, slippageCapBps);
        _checkSequencer();

        Tracked memory t = _snapshot(pulls, steps);
        for (uint256 i = 0; i < pulls.length; i++) {
            IERC20(pulls[i].token).safeTransferFrom(owner, address(this), pulls[i].amount);
        }
        outs = _run(steps, deadline);
        for (uint256 i = 0; i < t.n; i++) _sweep(t.toks[i]);
        (valueIn, valueOut) = _floor(pulls, t, maxSlippageBps);
        emit Rebalanced(id, steps.length, valueIn, valueOut);
    }

    function _run(Step[] calldata steps, uint256 deadline) internal returns (uint256[] memory outs) {
        outs = new uint256[](steps.length);
        uint256 prepaid; // input already sent to this step's v2 pair by the previous step
        bool isPrepaid;
        uint256 i = 0;
        while (i < steps.length) {
            Step calldata s = steps[i];
            if (s.kind == KIND_BALANCER || s.kind == KIND_V4) {
                uint256 j = i + 1;
                while (j < steps.length && steps[j].kind == s.kind && steps[j].flags & NEW_BATCH == 0) j++;
                if (s.kind == KIND_BALANCER) _balancer(steps, i, j, outs, deadline);
                else _v4(steps, i, j, outs);
                i = j;
                continue;
            }
            uint256 amountIn = isPrepaid ? prepaid : _amountIn(i, s);
            bool pay = !isPrepaid;
            isPrepaid = false;
            bool next = s.flags & TO_NEXT_PAIR != 0;
            address to = s.flags & TO_OWNER != 0 ? owner : address(this);
            uint256 out;
            if (s.kind == KIND_V2) {
                if (next) {
                    if (i + 1 >= steps.length || steps[i + 1].kind != KIND_V2 || steps[i + 1].tokenIn != s.tokenOut) {
                        revert BadStep(i);
                    }
                    to = _v2Pair(steps[i + 1].tokenIn, steps[i + 1].tokenOut);
                }
                out = _swapV2(i, s, amountIn, to, pay);
                (prepaid, isPrepaid) = (out, next);
            } else if (s.kind == KIND_V3) {
                if (next) revert BadStep(i);
                out = _swapV3(i, s, amountIn, to);
            } else {
                revert UnsupportedStep(i, s.kind);
            }
            if (out < s.minOut) revert StepOutputTooLow(i, out, s.minOut);
            outs[i] = out;
            i++;
        }
    }

    /// share/1e36 of this contract's balance of the step's input.
    function _amountIn(uint256 i, Step calldata s) internal view returns (uint256 amountIn) {
        if (s.share == 0 || s.share > ONE) revert BadStep(i);
        uint256 bal = IERC20(s.tokenIn).balanceOf(address(this));
        amountIn = s.share == ONE ? bal : (bal * s.share) / ONE;
        if (amountIn == 0) revert BadStep(i);
    }

    // ------------------------------------------------------------------ Uniswap v2

    function _v2Pair(address a, address b) internal view returns (address) {
        (address t0, address t1) = a < b ? (a, b) : (b, a);
        return _create2(v2Factory, keccak256(abi.encodePacked(t0, t1)), v2InitCodeHash);
    }

    /// Pays the pair (unless the previous step already did), computes the output from the reserves with the 0.3%
    /// fee, and asks the pair for exactly that, paid to `to`.
    function _swapV2(uint256 i, Step calldata s, uint256 amountIn, address to, bool pay) internal returns (uint256 out) {
        address pair = _v2Pair(s.tokenIn, s.tokenOut);
        if (pair.code.length == 0) revert NoPool(i, pair);
        if (pay) IERC20(s.tokenIn).safeTransfer(pair, amountIn);
        (uint256 r0, uint256 r1,) = IBallastV2Pair(pair).getReserves();
        bool zeroForOne = s.tokenIn < s.tokenOut;
        (uint256 rIn, uint256 rOut) = zeroForOne ? (r0, r1) : (r1, r0);
        uint256 inWithFee = amountIn * 997;
        out = (inWithFee * rOut) / (rIn * 1000 + inWithFee);
        (uint256 o0, uint256 o1) = zeroForOne ? (uint256(0), out) : (out, uint256(0));
        IBallastV2Pair(pair).swap(o0, o1, to, "");
    }

    // ------------------------------------------------------------------ Uniswap v3

    function _v3Pool(address a, address b, uint24 fee) internal view returns (address) {
        (address t0, address t1) = a < b ? (a, b) : (b, a);
        return _create2(v3Factory, keccak256(abi.encode(t0, t1, fee)), v3InitCodeHash);
    }

    function _swapV3(uint256 i, Step calldata s, uint256 amountIn, address to) internal returns (uint256) {
        address pool = _v3Pool(s.tokenIn, s.tokenOut, s.fee);
        if (pool.code.length == 0) revert NoPool(i, pool);
        bool zeroForOne = s.tokenIn < s.tokenOut;
        (int256 a0, int256 a1) = IBallastV3Pool(pool).swap(
            to,
            zeroForOne,
            int256(amountIn),
            zeroForOne ? MIN_SQRT_RATIO_PLUS_1 : MAX_SQRT_RATIO_MINUS_1,
            abi.encode(s.tokenIn, s.tokenOut, s.fee)
        );
        return uint256(-(zeroForOne ? a1 : a0));
    }

    /// Called by a v3 pool during `execute` only: the caller must be the pool computed from the factory, the
    /// tokens and the fee; it is paid what it is owed in the input token.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        (address tokenIn, address tokenOut, uint24 fee) = abi.decode(data, (address, address, uint24));
        if (!_reentrancyGuardEntered() || msg.sender != _v3Pool(tokenIn, tokenOut, fee)) {
            revert ForgedCallback(msg.sender);
        }
        uint256 owed = uint256(amount0Delta > 0 ? amount0Delta : amount1Delta);
        IERC20(tokenIn).safeTransfer(msg.sender, owed);
    }

    // ------------------------------------------------------------------ Uniswap v4

    /// Where the current unlock's net outputs go (set by _v4 for its unlock only).
    address private transient v4To;

    /// Steps [from, to) as ONE PoolManager.unlock. A step with share > 0 starts a path: it spends that share of this
    /// contract's balance of its input when the unlock starts, less what the unlock's earlier paths take; a share-0
    /// step is the path's next hop and spends the previous hop's actual output. A path's minimum is its last step's
    /// minOut (the others must be 0). The net outputs go to the owner when every path's output is a final one, else
    /// here (swept to the owner at the end of execute).
    function _v4(Step[] calldata steps, uint256 from, uint256 to, uint256[] memory outs) internal {
        if (address(v4PoolManager) == address(0)) revert UnsupportedStep(from, KIND_V4);
        uint256 np;
        for (uint256 k = from; k < to; k++) if (steps[k].share != 0) np++;
        if (steps[from].share == 0) revert BadStep(from);
        V4Path[] memory paths = new V4Path[](np);
        uint256[] memory last = new uint256[](np);
        address[] memory takenTok = new address[](np);
        uint256[] memory taken = new uint256[](np);
        bool toOwner = true;
        uint256 p;
        for (uint256 k = from; k < to;) {
            uint256 e = k + 1;
            while (e < to && steps[e].share == 0) e++;
            paths[p] = _v4StepsPath(steps, k, e, takenTok, taken, p);
            last[p] = e - 1;
            if (steps[e - 1].flags & TO_OWNER == 0) toOwner = false;
            p++;
            k = e;
        }
        v4To = toOwner ? owner : address(this);
        uint256[] memory got = _v4Execute(paths);
        for (uint256 q = 0; q < np; q++) outs[last[q]] = got[q];
    }

    /// The path of steps [k, e): its hops' PoolKeys (hooks 0) and its amount (a share of what is left of its input).
    function _v4StepsPath(
        Step[] calldata steps,
        uint256 k,
        uint256 e,
        address[] memory takenTok,
        uint256[] memory taken,
        uint256 p
    ) internal view returns (V4Path memory path) {
        Step calldata s = steps[k];
        if (s.share > ONE) revert BadStep(k);
        uint256 t;
        while (t < p && takenTok[t] != s.tokenIn) t++;
        takenTok[t] = s.tokenIn;
        uint256 left = IERC20(s.tokenIn).balanceOf(address(this)) - taken[t];
        path.amountIn = s.share == ONE ? left : (left * s.share) / ONE;
        if (path.amountIn == 0) revert BadStep(k);
        taken[t] += path.amountIn;
        path.hops = new V4Hop[](e - k);
        for (uint256 h = k; h < e; h++) {
            Step calldata x = steps[h];
            if ((h + 1 < e && x.minOut != 0) || uint256(x.poolId) > 0x7fffff) revert BadStep(h);
            bool zeroForOne = x.tokenIn < x.tokenOut;
            (address c0, address c1) = zeroForOne ? (x.tokenIn, x.tokenOut) : (x.tokenOut, x.tokenIn);
            path.hops[h - k] = V4Hop(
                PoolKey(
                    Currency.wrap(c0),
                    Currency.wrap(c1),
                    x.fee,
                    int24(uint24(uint256(x.poolId))),
                    IHooks(address(0))
                ),
                zeroForOne
            );
        }
        path.minOut = steps[e - 1].minOut;
    }

    function _v4Pay(address token, address to, uint256 amount) internal override {
        IERC20(token).safeTransfer(to, amount);
    }

    function _v4Recipient() internal view override returns (address) {
        return v4To;
    }

    // ------------------------------------------------------------------ Balancer v2

    /// Steps [from, to) as ONE Vault.batchSwap (GIVEN_IN). Amounts are shares of this contract's balances when the
    /// batch starts (a share-0 step chains the previous swap's whole output). The recipient is the owner when every
    /// output leaving the batch is a final one, else this contract (hub amounts; final ones are swept).
    struct BalancerBatch {
        IBallastVault.BatchSwapStep[] swaps;
        address[] assets;
        int256[] limits;
        uint256 na;
        bool toOwner;
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
        b.toOwner = true;
        for (uint256 k = 0; k < n; k++) _balancerSwap(steps, from, to, k, b);
        _trim(b);
        b.deltas = vault.batchSwap(
            0,
            b.swaps,
            b.assets,
            IBallastVault.FundManagement(address(this), false, payable(b.toOwner ? owner : address(this)), false),
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
        if (!chained && s.flags & TO_OWNER == 0) b.toOwner = false;
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
                || block.timestamp - updatedAt > c.heartbeat || answer <= c.minAnswer || answer >= c.maxAnswer
        ) revert BadFeed(token, c.feed, answer, updatedAt);
        return (amount * uint256(answer) * 1e18) / 10 ** (uint256(c.tokenDecimals) + c.feedDecimals);
    }

    /// The owner's balance, before the batch, of every token it may see change: pulled ones and every output.
    struct Tracked {
        address[] toks;
        uint256[] before;
        uint256 n;
    }

    function _snapshot(Pull[] calldata pulls, Step[] calldata steps) internal view returns (Tracked memory t) {
        t.toks = new address[](pulls.length + steps.length);
        t.before = new uint256[](t.toks.length);
        for (uint256 i = 0; i < pulls.length; i++) _track(t, pulls[i].token);
        for (uint256 i = 0; i < steps.length; i++) _track(t, steps[i].tokenOut);
    }

    function _track(Tracked memory t, address token) internal view {
        for (uint256 i = 0; i < t.n; i++) if (t.toks[i] == token) return;
        t.toks[t.n] = token;
        t.before[t.n] = IERC20(token).balanceOf(owner);
        t.n++;
    }

    /// Value pulled vs value the owner got back (its balance now + what was pulled − before), at the feeds.
    function _floor(Pull[] calldata pulls, Tracked memory t, uint256 maxSlippageBps)
        internal
        view
        returns (uint256 valueIn, uint256 valueOut)
    {
        for (uint256 i = 0; i < pulls.length; i++) valueIn += _value(pulls[i].token, pulls[i].amount);
        for (uint256 i = 0; i < t.n; i++) {
            uint256 back = IERC20(t.toks[i]).balanceOf(owner) + _pulled(pulls, t.toks[i]);
            if (back > t.before[i]) valueOut += _value(t.toks[i], back - t.before[i]);
        }
        if (valueOut * 10_000 < valueIn * (10_000 - maxSlippageBps)) {
            revert ValueFloor(valueOut, valueIn, maxSlippageBps);
        }
    }

    function _pulled(Pull[] calldata pulls, address t) internal pure returns (uint256 sum) {
        for (uint256 i = 0; i < pulls.length; i++) if (pulls[i].token == t) sum += pulls[i].amount;
    }

    function _sweep(address token) internal {
        uint256 bal = IERC20(token).balanceOf(address(this));
        if (bal > 0) IERC20(token).safeTransfer(owner, bal);
    }

    function _create2(address factory, bytes32 salt, bytes32 initCodeHash) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), factory, salt, initCodeHash)))));
    }
}
