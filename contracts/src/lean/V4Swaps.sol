// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IUnlockCallback} from "@uniswap/v4-core/src/interfaces/callback/IUnlockCallback.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {Currency} from "@uniswap/v4-core/src/types/Currency.sol";
import {BalanceDelta} from "@uniswap/v4-core/src/types/BalanceDelta.sol";
import {SwapParams} from "@uniswap/v4-core/src/types/PoolOperation.sol";

/**
 * V4Swaps: every Uniswap v4 leg of a rebalance inside ONE PoolManager.unlock, with flash accounting.
 *
 * Interface for the contract that inherits it (the executor):
 *   constructor:  V4Swaps(IPoolManager poolManager)  - the only PoolManager ever called or accepted as caller.
 *   call:         uint256[] memory outs = _v4Execute(paths);
 *                   paths[i].hops    - pools in order; hop k+1 spends hop k's ACTUAL output (exact input);
 *                                      hop.zeroForOne picks the direction (true: currency0 -> currency1);
 *                                      every hop's key.hooks must be address(0) (hook-less pools only);
 *                   paths[i].amountIn - exact input of the first hop (> 0, < 2^255); swaps run without a
 *                                      price limit: the path's minimum is its guard;
 *                   paths[i].minOut   - minimum final output of the path; outs[i] is what it got.
 *                 Swaps run in path order; then, per currency, only the NET amount moves: a currency
 *                 the paths spend on balance is paid once through sync + _v4Pay + settle, a currency they
 *                 gain is taken once to _v4Recipient(). Native ETH (currency 0) is not supported.
 *   implement:    _v4Pay(address token, address to, uint256 amount)  - move `amount` of `token` to `to`
 *                                                                    (the PoolManager): from the executor's own
 *                                                                    balance or the owner's allowance;
 *                 _v4Recipient()                                      - where net outputs go (the owner).
 *   guarantees:   unlockCallback only from the PoolManager and only while _v4Execute's unlock is in
 *                 progress (else V4ForgedCallback); a path below its minimum reverts V4MinOut(path, out, min);
 *                 a hop that does not continue the path's currency reverts V4BadPath(path, hop); any revert
 *                 undoes every swap of the call (all or nothing); a pool with currency0 = address(0) (native
 *                 ETH) reverts V4NativeNotSupported.
 *   gas:          on the fixture one swap alone costs ~111k per transaction; each further swap in the same
 *                 unlock 38k-62k (docs/benchmarks.md, test/chain/v4-swaps.test.ts).
 */
abstract contract V4Swaps is IUnlockCallback {
    struct V4Hop {
        PoolKey key;
        bool zeroForOne;
    }

    struct V4Path {
        V4Hop[] hops;
        uint256 amountIn;
        uint256 minOut;
    }

    /// TickMath.MIN_SQRT_PRICE + 1 and MAX_SQRT_PRICE - 1: no price limit (the minimum guards the path).
    uint160 private constant MIN_LIMIT = 4295128739 + 1;
    uint160 private constant MAX_LIMIT = 1461446703485210103287273052203988822378723970342 - 1;

    IPoolManager public immutable v4PoolManager;
    /// True only between _v4Execute's call to unlock and its return.
    bool private transient v4Unlocking;

    error V4ForgedCallback();
    error V4Busy();
    error V4HookNotAllowed(uint256 path, uint256 hop);
    error V4BadPath(uint256 path, uint256 hop);
    error V4MinOut(uint256 path, uint256 out, uint256 minOut);
    error V4NativeNotSupported();
    error V4BadAmount(uint256 path);

    constructor(IPoolManager poolManager) {
        v4PoolManager = poolManager;
    }

    /// Runs all paths in one unlock; returns each path's final output.
    function _v4Execute(V4Path[] memory paths) internal returns (uint256[] memory outs) {
        if (v4Unlocking) revert V4Busy();
        v4Unlocking = true;
        bytes memory r = v4PoolManager.unlock(abi.encode(paths));
        v4Unlocking = false;
        outs = abi.decode(r, (uint256[]));
    }

    function _v4Pay(address token, address to, uint256 amount) internal virtual;

    function _v4Recipient() internal view virtual returns (address);

    /// Net delta of this contract per currency, in order of first use.
    struct Ledger {
        address[] currency;
        int256[] net;
        uint256 n;
    }

    function unlockCallback(bytes calldata data) external returns (bytes memory) {
        if (msg.sender != address(v4PoolManager) || !v4Unlocking) revert V4ForgedCallback();
        V4Path[] memory paths = abi.decode(data, (V4Path[]));
        uint256 maxCurrencies;
        for (uint256 i = 0; i < paths.length; i++) maxCurrencies += paths[i].hops.length + 1;
        Ledger memory l = Ledger(new address[](maxCurrencies), new int256[](maxCurrencies), 0);
        uint256[] memory outs = new uint256[](paths.length);
        for (uint256 i = 0; i < paths.length; i++) outs[i] = _v4Path(paths[i], i, l);
        address to = _v4Recipient();
        for (uint256 j = 0; j < l.n; j++) {
            int256 v = l.net[j];
            if (v < 0) {
                v4PoolManager.sync(Currency.wrap(l.currency[j]));
                _v4Pay(l.currency[j], address(v4PoolManager), uint256(-v));
                v4PoolManager.settle();
            } else if (v > 0) {
                v4PoolManager.take(Currency.wrap(l.currency[j]), to, uint256(v));
            }
        }
        return abi.encode(outs);
    }

    /// Swaps one path hop by hop (each hop spends the previous hop's actual output); returns its final output.
    function _v4Path(V4Path memory p, uint256 i, Ledger memory l) private returns (uint256 amount) {
        if (p.amountIn == 0 || p.amountIn >= 1 << 255) revert V4BadAmount(i);
        amount = p.amountIn;
        address expectIn;
        for (uint256 k = 0; k < p.hops.length; k++) {
            V4Hop memory h = p.hops[k];
            if (address(h.key.hooks) != address(0)) revert V4HookNotAllowed(i, k);
            address c0 = Currency.unwrap(h.key.currency0);
            if (c0 == address(0)) revert V4NativeNotSupported();
            address c1 = Currency.unwrap(h.key.currency1);
            if (k > 0 && (h.zeroForOne ? c0 : c1) != expectIn) revert V4BadPath(i, k);
            BalanceDelta d = v4PoolManager.swap(
                h.key,
                SwapParams({
                    zeroForOne: h.zeroForOne,
                    amountSpecified: -int256(amount),
                    sqrtPriceLimitX96: h.zeroForOne ? MIN_LIMIT : MAX_LIMIT
                }),
                ""
            );
            _add(l, c0, d.amount0());
            _add(l, c1, d.amount1());
            int128 got = h.zeroForOne ? d.amount1() : d.amount0();
            amount = got > 0 ? uint256(uint128(got)) : 0;
            expectIn = h.zeroForOne ? c1 : c0;
        }
        if (amount < p.minOut) revert V4MinOut(i, amount, p.minOut);
    }

    function _add(Ledger memory l, address c, int128 d) private pure {
        for (uint256 j = 0; j < l.n; j++) {
            if (l.currency[j] == c) {
                l.net[j] += d;
                return;
            }
        }
        l.currency[l.n] = c;
        l.net[l.n] = d;
        l.n++;
    }
}
