// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {V4Swaps} from "./V4Swaps.sol";
import {IBallastVault} from "./IBallastPools.sol";
import {BalancerSteps} from "./BalancerSteps.sol";
import {StepTypes} from "./StepTypes.sol";

interface IBallastV2Pair {
    function getReserves() external view returns (uint112, uint112, uint32);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}

interface IBallastV3Pool {
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bytes calldata data)
        external
        returns (int256, int256);
}

/**
 * PoolSteps (issues #19, #20): the pool calls of a rebalance, for a contract that inherits it (BallastExecutor pays
 * from the owner's funds; an on-chain basket may pay from its own balance).
 *
 * Interface for the inheriting contract:
 *   constructor:  PoolSteps(v2Factory, v2InitCodeHash, v3Factory, v3InitCodeHash, vault, v4PoolManager)
 *                 - the only pools ever called: a v2 pair / v3 pool is the CREATE2 address computed from the factory,
 *                   the init code hash and the step's (token0, token1[, fee]); Balancer pools are pool ids inside
 *                   `vault`; v4 pools are hook-less pools of `v4PoolManager` (address 0 disables v4).
 *   call:         uint256[] memory outs = _runSteps(steps, deadline);   (StepTypes.Step, see StepTypes.sol)
 *                 - runs the steps in order; outs[i] is step i's output (see each kind for which steps report one);
 *                   any failure reverts (the caller's transaction undoes everything).
 *   implement:    _pay(address token, address to, uint256 amount)  - move `amount` of `token` to the pool `to`
 *                                                                   (a v2 pair, a v3 pool in its callback, the v4
 *                                                                   PoolManager in its unlock);
 *                 _recipient()                                      - where outputs flagged TO_RECIPIENT go.
 *   may override: _payFromPayer(token, to, amount)                  - how a FROM_PAYER step's input is paid
 *                                                                   (default: _pay); the executor pays it from the
 *                                                                   owner's allowance.
 *                 Balancer steps pay from this contract's own balance (the Vault pulls it under a standing
 *                 approval made here on first use); amounts (shares) are of this contract's balances.
 *   guarantees:   uniswapV3SwapCallback is accepted only from the computed pool of the v3 step in progress, once,
 *                 and pays at most that step's input (else ForgedCallback); the v4 unlock callback only from the
 *                 PoolManager during our own unlock; a FROM_PAYER step's payer pays at most its declared amount
 *                 (v2: exactly it; v3: at most it; v4: exactly the paths' declared total for that currency, else
 *                 PayerMismatch).
 */
abstract contract PoolSteps is StepTypes, BalancerSteps, V4Swaps {
    using SafeERC20 for IERC20;

    address public immutable v2Factory;
    bytes32 public immutable v2InitCodeHash;
    address public immutable v3Factory;
    bytes32 public immutable v3InitCodeHash;

    uint160 internal constant MIN_SQRT_RATIO_PLUS_1 = 4295128740;
    uint160 internal constant MAX_SQRT_RATIO_MINUS_1 = 1461446703485210103287273052203988822378723970341;

    /// The v3 pool whose swap is in progress (CREATE2-computed), the most it may be paid, in which token, from
    /// whom: the v3 callback is refused from anyone else and pays once.
    address private transient v3Pending;
    uint256 private transient v3Max;
    address private transient v3TokenIn;
    bool private transient v3FromPayer;
    /// Transient slot salt: per currency, what a v4 unlock's FROM_PAYER paths declared.
    bytes32 private constant V4_PAYER_SALT = keccak256("ballast.PoolSteps.v4payer");
    /// Where the current unlock's net outputs go (set by _v4 for its unlock only).
    address private transient v4To;

    constructor(
        address v2Factory_,
        bytes32 v2InitCodeHash_,
        address v3Factory_,
        bytes32 v3InitCodeHash_,
        IBallastVault vault_,
        IPoolManager v4PoolManager_
    ) BalancerSteps(vault_) V4Swaps(v4PoolManager_) {
        v2Factory = v2Factory_;
        v2InitCodeHash = v2InitCodeHash_;
        v3Factory = v3Factory_;
        v3InitCodeHash = v3InitCodeHash_;
    }

    /// How an input is paid to a pool.
    function _pay(address token, address to, uint256 amount) internal virtual;

    /// Where outputs flagged TO_RECIPIENT (a path's final output) go.
    function _recipient() internal view virtual returns (address);

    /// How a FROM_PAYER step's input is paid to a pool (default: like any other input).
    function _payFromPayer(address token, address to, uint256 amount) internal virtual {
        _pay(token, to, amount);
    }

    /// A step of a kind this contract does not run (an inheriting contract's own kinds, e.g. AaveSteps): spends
    /// `amountIn` held here, sends its output to `to`, returns the output. Default: UnsupportedStep.
    function _otherStep(uint256 i, Step calldata s, uint256, address) internal virtual returns (uint256) {
        revert UnsupportedStep(i, s.kind);
    }

    // ------------------------------------------------------------------ the step runner

    function _runSteps(Step[] calldata steps, uint256 deadline) internal returns (uint256[] memory outs) {
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
            bool payer = s.flags & FROM_PAYER != 0;
            if (payer && (isPrepaid || s.share == 0)) revert BadStep(i);
            uint256 amountIn = isPrepaid ? prepaid : payer ? s.share : _amountIn(i, s);
            uint8 pay = isPrepaid ? PAID : payer ? PAY_PAYER : PAY_OWN;
            isPrepaid = false;
            bool next = s.flags & TO_NEXT_PAIR != 0;
            address to = s.flags & TO_RECIPIENT != 0 ? _recipient() : address(this);
            uint256 out;
            if (s.kind == KIND_V2) {
                if (next) {
                    if (i + 1 >= steps.length || steps[i + 1].kind != KIND_V2 || steps[i + 1].tokenIn != s.tokenOut) {
                        revert BadStep(i);
                    }
                    to = _v2Pair(steps[i + 1].tokenIn, steps[i + 1].tokenOut);
                }
                out = _swapV2Paid(i, s, amountIn, to, pay);
                (prepaid, isPrepaid) = (out, next);
            } else if (s.kind == KIND_V3) {
                if (next) revert BadStep(i);
                out = _swapV3Paid(i, s, amountIn, to, payer);
            } else {
                // an inheriting contract's own step kind (_otherStep): its input is in this contract, a FROM_PAYER
                // input paid here from the payer first
                if (pay == PAY_PAYER) _payFromPayer(s.tokenIn, address(this), amountIn);
                out = _otherStep(i, s, amountIn, to);
            }
            if (out < s.minOut) revert StepOutputTooLow(i, out, s.minOut);
            outs[i] = out;
            i++;
        }
    }

    uint8 internal constant PAID = 0;
    uint8 internal constant PAY_OWN = 1;
    uint8 internal constant PAY_PAYER = 2;

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
    function _swapV2(uint256 i, Step calldata s, uint256 amountIn, address to, bool pay) internal returns (uint256) {
        return _swapV2Paid(i, s, amountIn, to, pay ? PAY_OWN : PAID);
    }

    /// `pay`: PAID (the previous step already paid the pair), PAY_OWN (_pay) or PAY_PAYER (_payFromPayer).
    function _swapV2Paid(uint256 i, Step calldata s, uint256 amountIn, address to, uint8 pay)
        internal
        returns (uint256 out)
    {
        address pair = _v2Pair(s.tokenIn, s.tokenOut);
        if (pair.code.length == 0) revert NoPool(i, pair);
        if (pay == PAY_OWN) _pay(s.tokenIn, pair, amountIn);
        else if (pay == PAY_PAYER) _payFromPayer(s.tokenIn, pair, amountIn);
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
        return _swapV3Paid(i, s, amountIn, to, false);
    }

    /// `payer`: the pool is paid by _payFromPayer, else by _pay.
    function _swapV3Paid(uint256 i, Step calldata s, uint256 amountIn, address to, bool payer)
        internal
        returns (uint256)
    {
        address pool = _v3Pool(s.tokenIn, s.tokenOut, s.fee);
        if (pool.code.length == 0) revert NoPool(i, pool);
        bool zeroForOne = s.tokenIn < s.tokenOut;
        (v3Pending, v3Max, v3TokenIn, v3FromPayer) = (pool, amountIn, s.tokenIn, payer);
        (int256 a0, int256 a1) = IBallastV3Pool(pool).swap(
            to, zeroForOne, int256(amountIn), zeroForOne ? MIN_SQRT_RATIO_PLUS_1 : MAX_SQRT_RATIO_MINUS_1, ""
        );
        v3Pending = address(0);
        return uint256(-(zeroForOne ? a1 : a0));
    }

    /// Called by the v3 pool of the step in progress only (the pool computed from the factory, the tokens and the
    /// fee), once: it is paid what it is owed in the input token, at most the step's input.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        if (msg.sender != v3Pending || msg.sender == address(0)) revert ForgedCallback(msg.sender);
        v3Pending = address(0);
        uint256 owed = uint256(amount0Delta > 0 ? amount0Delta : amount1Delta);
        if (owed > v3Max) revert ForgedCallback(msg.sender);
        if (v3FromPayer) _payFromPayer(v3TokenIn, msg.sender, owed);
        else _pay(v3TokenIn, msg.sender, owed);
    }

    // ------------------------------------------------------------------ Uniswap v4

    /// Steps [from, to) as ONE PoolManager.unlock. A step with share > 0 starts a path: it spends that share of this
    /// contract's balance of its input when the unlock starts, less what the unlock's earlier paths take; a share-0
    /// step is the path's next hop and spends the previous hop's actual output. A path's minimum is its last step's
    /// minOut (the others must be 0). The net outputs go to _recipient() when every path's output is a final one,
    /// else here.
    function _v4(Step[] calldata steps, uint256 from, uint256 to, uint256[] memory outs) internal {
        if (address(v4PoolManager) == address(0)) revert UnsupportedStep(from, KIND_V4);
        uint256 np;
        for (uint256 k = from; k < to; k++) if (steps[k].share != 0) np++;
        if (steps[from].share == 0) revert BadStep(from);
        V4Path[] memory paths = new V4Path[](np);
        uint256[] memory last = new uint256[](np);
        address[] memory takenTok = new address[](np);
        uint256[] memory taken = new uint256[](np);
        bool toRecipient = true;
        uint256 p;
        for (uint256 k = from; k < to;) {
            uint256 e = k + 1;
            while (e < to && steps[e].share == 0) e++;
            paths[p] = _v4StepsPath(steps, k, e, takenTok, taken, p);
            last[p] = e - 1;
            if (steps[e - 1].flags & TO_RECIPIENT == 0) toRecipient = false;
            p++;
            k = e;
        }
        v4To = toRecipient ? _recipient() : address(this);
        uint256[] memory got = _v4Execute(paths);
        for (uint256 q = 0; q < np; q++) outs[last[q]] = got[q];
        // every FROM_PAYER declaration was settled exactly (_v4Pay clears it)
        for (uint256 k = from; k < to; k++) {
            if (steps[k].flags & FROM_PAYER == 0) continue;
            uint256 left = _v4Declared(steps[k].tokenIn);
            if (left != 0) revert PayerMismatch(steps[k].tokenIn, 0, left);
        }
    }

    function _v4PayerSlot(address token) private pure returns (bytes32) {
        return keccak256(abi.encode(V4_PAYER_SALT, token));
    }

    function _v4Declared(address token) private view returns (uint256 v) {
        bytes32 slot = _v4PayerSlot(token);
        assembly {
            v := tload(slot)
        }
    }

    function _v4Declare(address token, uint256 v) private {
        bytes32 slot = _v4PayerSlot(token);
        assembly {
            tstore(slot, v)
        }
    }

    /// The path of steps [k, e): its hops' PoolKeys (hooks 0) and its amount (a share of what is left of its input).
    function _v4StepsPath(
        Step[] calldata steps,
        uint256 k,
        uint256 e,
        address[] memory takenTok,
        uint256[] memory taken,
        uint256 p
    ) internal returns (V4Path memory path) {
        Step calldata s = steps[k];
        if (s.flags & FROM_PAYER != 0) {
            // an exact amount from the payer, declared for the settlement of its currency
            path.amountIn = s.share;
            if (path.amountIn == 0) revert BadStep(k);
            _v4Declare(s.tokenIn, _v4Declared(s.tokenIn) + path.amountIn);
        } else {
            if (s.share > ONE) revert BadStep(k);
            uint256 t;
            while (t < p && takenTok[t] != s.tokenIn) t++;
            takenTok[t] = s.tokenIn;
            uint256 left = IERC20(s.tokenIn).balanceOf(address(this)) - taken[t];
            path.amountIn = s.share == ONE ? left : (left * s.share) / ONE;
            if (path.amountIn == 0) revert BadStep(k);
            taken[t] += path.amountIn;
        }
        path.hops = new V4Hop[](e - k);
        for (uint256 h = k; h < e; h++) {
            Step calldata x = steps[h];
            if ((h + 1 < e && x.minOut != 0) || uint256(x.poolId) > 0x7fffff || (h > k && x.flags & FROM_PAYER != 0)) {
                revert BadStep(h);
            }
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

    /// A currency the unlock's FROM_PAYER paths spend is paid by the payer, exactly what they declared (a path
    /// netting it with another path's output or own-balance spending reverts: the planner never mixes them).
    function _v4Pay(address token, address to, uint256 amount) internal override {
        uint256 declared = _v4Declared(token);
        if (declared == 0) return _pay(token, to, amount);
        if (declared != amount) revert PayerMismatch(token, amount, declared);
        _v4Declare(token, 0);
        _payFromPayer(token, to, amount);
    }

    function _v4Recipient() internal view override returns (address) {
        return v4To;
    }

    function _balancerRecipient() internal view override returns (address) {
        return _recipient();
    }

    function _create2(address factory, bytes32 salt, bytes32 initCodeHash) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), factory, salt, initCodeHash)))));
    }
}
