// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BasketProfile} from "./basket/BasketProfile.sol";
import {BasketPools} from "./basket/BasketPools.sol";
import {StepTypes} from "./lean/StepTypes.sol";
import {IBallastVault} from "./lean/IBallastPools.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";

interface IBasketFeed {
    function decimals() external view returns (uint8);
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
}

interface IBasketDecimals {
    function decimals() external view returns (uint8);
}

/// @title BallastBasket (issue #20): an ERC-20 index token over N ERC-20 assets that can only rebalance inside the
///        bounds of its on-chain risk profile. See docs/basket.md.
/// @notice - issue/redeem are in kind and pro rata: no oracle and no pool is involved, so a holder can always exit.
///           Amounts in round up, amounts out round down (in the basket's favour); previews are exact in the same
///           block. Prices use virtual shares (10^offset) backed by virtual assets in the genesis composition, so a
///           first depositor's donation mostly accrues to the virtual shares and never profits (offset 0: none, a
///           naive vault, accepted only so the attack test can show the difference).
///         - rebalance(legs, minOuts, deadline): the basket swaps through allowed pools itself (Uniswap v2/v3,
///           Balancer, v4: the lean executor's pool calls, contracts/src/lean/PoolSteps.sol, run by DELEGATECALL
///           into the BasketPools it deploys, so the code runs in the basket and its assets go only to the pool
///           being swapped with), then checks at validated oracle prices: due; no traded asset's drift grew; no
///           untraded asset's weight rose beyond the NAV lost (w_after <= w_before x NAV_before / NAV_after); the
///           sum of drifts fell; loss and turnover within the profile; or reverts with a named error.
///         - A streaming fee (0 by default, capped at deployment) is minted as shares.
///         - BallastSleeveBasket (issue #22) extends it with an idle Aave sleeve through the hooks _balance, _payOut,
///           _sleeveLeg and _bound; here legs of kind 5/6 revert NotSleeve.
contract BallastBasket is ERC20, ReentrancyGuardTransient, BasketProfile {
    using SafeERC20 for IERC20;

    uint256 internal constant YEAR = 365 days;
    uint256 internal constant WAD = 1e18;
    uint8 internal constant KIND_BALANCER = 2;
    uint8 internal constant KIND_SLEEVE_WITHDRAW = 5;
    uint8 internal constant KIND_SLEEVE_SUPPLY = 6;
    uint8 internal constant FROM_PAYER = 8;
    uint256 internal constant ONE = 1e36;

    /// The pool calls (PoolSteps), deployed by this constructor; run only by delegatecall from here.
    BasketPools public immutable poolCalls;

    /// Virtual shares: 10^offset (0 with offset 0, a naive vault).
    uint256 public immutable virtualShares;
    /// Units of each asset per 1e18 shares at genesis (the first issue's composition).
    uint256[] internal _genesisUnits;
    /// The virtual assets behind the virtual shares: genesis units x virtualShares / 1e18 (rounded up).
    uint256[] internal _virtualAssets;
    uint8[] internal _tokenDecimals;
    /// When the management fee was last minted.
    uint256 public feeAccruedAt;

    struct Init {
        string name;
        string symbol;
        address owner;
        address[] assets;
        uint256[] genesisUnits;
        uint8 offset;
        uint32 profileDelay;
        uint16 maxFeeBps;
        address v2Factory;
        bytes32 v2InitCodeHash;
        address v3Factory;
        bytes32 v3InitCodeHash;
        /// Balancer v2 Vault (kind 2 legs) and Uniswap v4 PoolManager (kind 4; address 0: v4 legs revert).
        address vault;
        address v4PoolManager;
        Profile profile;
    }

    constructor(Init memory init)
        ERC20(init.name, init.symbol)
        BasketProfile(init.owner, init.profileDelay, init.maxFeeBps, init.assets)
    {
        if (init.offset > 18) revert BadProfile("offset");
        poolCalls = new BasketPools(
            init.v2Factory,
            init.v2InitCodeHash,
            init.v3Factory,
            init.v3InitCodeHash,
            IBallastVault(init.vault),
            IPoolManager(init.v4PoolManager)
        );
        uint256 vs = init.offset == 0 ? 0 : 10 ** init.offset;
        virtualShares = vs;
        if (init.genesisUnits.length != init.assets.length) revert BadProfile("genesisUnits");
        for (uint256 i = 0; i < init.assets.length; i++) {
            if (init.genesisUnits[i] == 0) revert BadProfile("genesisUnits");
            _virtualAssets.push(Math.mulDiv(init.genesisUnits[i], vs, WAD, Math.Rounding.Ceil));
            _tokenDecimals.push(IBasketDecimals(init.assets[i]).decimals());
        }
        _genesisUnits = init.genesisUnits;
        _validate(init.profile);
        _copy(_profile, init.profile);
        feeAccruedAt = block.timestamp;
    }

    // ------------------------------------------------------------------ issue and redeem (item 1)

    /// Pulls each asset's amount from previewIssue(shares) and mints `shares` to `to`.
    function issue(uint256 shares, address to) external nonReentrant returns (uint256[] memory amounts) {
        if (shares == 0) revert ZeroShares();
        _accrueFee();
        amounts = _amountsFor(shares, totalSupply(), Math.Rounding.Ceil);
        for (uint256 i = 0; i < amounts.length; i++) {
            IERC20(_assets[i]).safeTransferFrom(msg.sender, address(this), amounts[i]);
        }
        _mint(to, shares);
        emit Issued(msg.sender, to, shares, amounts);
    }

    /// Pays EXACTLY `amounts` in and mints previewDeposit(amounts) shares (at least `minShares`): amounts beyond the
    /// basket's proportions stay in the basket for every holder (as ERC-4626 deposit; prefer issue).
    function deposit(uint256[] calldata amounts, uint256 minShares, address to)
        external
        nonReentrant
        returns (uint256 shares)
    {
        _accrueFee();
        shares = _sharesFor(amounts);
        if (shares < minShares) revert SharesBelowMin(shares, minShares);
        for (uint256 i = 0; i < amounts.length; i++) {
            IERC20(_assets[i]).safeTransferFrom(msg.sender, address(this), amounts[i]);
        }
        _mint(to, shares);
        emit Issued(msg.sender, to, shares, amounts);
    }

    /// Burns `shares` of the caller and pays each asset's amount from previewRedeem(shares) to `to`. No oracle and
    /// no pool is read: it works with every feed stale and every pool gone.
    function redeem(uint256 shares, address to) external nonReentrant returns (uint256[] memory amounts) {
        if (shares == 0) revert ZeroShares();
        _accrueFee();
        amounts = _amountsFor(shares, totalSupply(), Math.Rounding.Floor);
        _burn(msg.sender, shares);
        for (uint256 i = 0; i < amounts.length; i++) {
            if (amounts[i] > 0) _payOut(i, amounts[i], to);
        }
        emit Redeemed(msg.sender, to, shares, amounts);
    }

    function previewIssue(uint256 shares) external view returns (uint256[] memory) {
        _notEntered();
        return _amountsFor(shares, totalSupply() + pendingFeeShares(), Math.Rounding.Ceil);
    }

    function previewRedeem(uint256 shares) external view returns (uint256[] memory) {
        _notEntered();
        return _amountsFor(shares, totalSupply() + pendingFeeShares(), Math.Rounding.Floor);
    }

    function previewDeposit(uint256[] calldata amounts) external view returns (uint256) {
        _notEntered();
        uint256 supply = totalSupply() + pendingFeeShares();
        return _sharesAt(amounts, supply);
    }

    /// Per asset, with b its balance, v its virtual assets, S the supply and V the virtual shares:
    ///   issue:  ceil(shares x (b + v) / (S + V))   (S + V = 0, a naive vault's first issue: the genesis units)
    ///   redeem: floor(min(shares x (b + v) / (S + V), shares x b / S))   (never more than a pro-rata share of b)
    /// So issue-then-redeem never returns more than it took, and a redeem never asks for more than is here.
    function _amountsFor(uint256 shares, uint256 supply, Math.Rounding r) internal view returns (uint256[] memory a) {
        uint256 n = _assets.length;
        a = new uint256[](n);
        uint256 vs = virtualShares;
        for (uint256 i = 0; i < n; i++) {
            if (supply + vs == 0) {
                a[i] = Math.mulDiv(shares, _genesisUnits[i], WAD, r);
                continue;
            }
            uint256 b = _balance(i);
            a[i] = Math.mulDiv(shares, b + _virtualAssets[i], supply + vs, r);
            if (r == Math.Rounding.Floor) {
                uint256 plain = supply == 0 ? 0 : Math.mulDiv(shares, b, supply);
                if (plain < a[i]) a[i] = plain;
            }
        }
    }

    function _sharesFor(uint256[] calldata amounts) internal view returns (uint256) {
        return _sharesAt(amounts, totalSupply());
    }

    /// The fewest shares any one asset's amount pays for (rounded down).
    function _sharesAt(uint256[] calldata amounts, uint256 supply) internal view returns (uint256 shares) {
        uint256 n = _assets.length;
        if (amounts.length != n) revert BadLeg(amounts.length);
        shares = type(uint256).max;
        for (uint256 i = 0; i < n; i++) {
            uint256 den = _balance(i) + _virtualAssets[i];
            if (supply + virtualShares > 0 && den == 0) continue; // an asset a naive vault no longer holds
            uint256 s = supply + virtualShares == 0
                ? Math.mulDiv(amounts[i], WAD, _genesisUnits[i])
                : Math.mulDiv(amounts[i], supply + virtualShares, den);
            if (s < shares) shares = s;
        }
        if (shares == 0 || shares == type(uint256).max) revert ZeroShares();
    }

    /// What the basket holds of asset i (here its wallet balance; a sleeve basket adds its aToken balance).
    function _balance(uint256 i) internal view virtual returns (uint256) {
        return IERC20(_assets[i]).balanceOf(address(this));
    }

    /// Pays `amount` of asset i to `to` on a redeem.
    function _payOut(uint256 i, uint256 amount, address to) internal virtual {
        IERC20(_assets[i]).safeTransfer(to, amount);
    }

    function _notEntered() internal view {
        if (_reentrancyGuardEntered()) revert ReentrancyGuardReentrantCall();
    }

    // ------------------------------------------------------------------ management fee (item 4)

    /// Shares the fee would mint now: supply x feeBps x elapsed / (1e4 x year), rounded down.
    function pendingFeeShares() public view returns (uint256) {
        uint256 fee = _profile.feeBps;
        uint256 supply = totalSupply();
        if (fee == 0 || supply == 0) return 0;
        return Math.mulDiv(supply, fee * (block.timestamp - feeAccruedAt), 10_000 * YEAR);
    }

    /// With no fee nothing is written (the clock restarts when a profile with a fee applies).
    function _accrueFee() internal {
        if (_profile.feeBps == 0) return;
        uint256 f = pendingFeeShares();
        feeAccruedAt = block.timestamp;
        if (f > 0) {
            _mint(_profile.feeRecipient, f);
            emit FeeMinted(_profile.feeRecipient, f);
        }
    }

    function _beforeProfileChange() internal override {
        _accrueFee();
        feeAccruedAt = block.timestamp;
    }

    // ------------------------------------------------------------------ valuation

    /// Each asset's balance, its value in USD x 1e18 at its validated feed, and their sum (reverts on a bad feed).
    function valuation() external view returns (uint256[] memory balances, uint256[] memory values, uint256 nav) {
        _notEntered();
        balances = _balances();
        (values, nav) = _values(balances, _prices());
    }

    function _balances() internal view returns (uint256[] memory b) {
        b = new uint256[](_assets.length);
        for (uint256 i = 0; i < b.length; i++) b[i] = _balance(i);
    }

    /// Per asset: USD x 1e18 per 10^(token + feed decimals) units, from a validated answer.
    function _prices() internal view returns (uint256[] memory p) {
        uint256 n = _assets.length;
        p = new uint256[](n);
        for (uint256 i = 0; i < n; i++) p[i] = _price(i, _profile.feeds[i]);
    }

    function _price(uint256 i, FeedRef memory f) internal view returns (uint256) {
        (uint80 roundId, int256 answer,, uint256 updatedAt, uint80 answeredInRound) =
            IBasketFeed(f.feed).latestRoundData();
        address a = _assets[i];
        if (answer <= 0 || answeredInRound < roundId || updatedAt == 0) revert BadOracle(a, answer);
        if (updatedAt > block.timestamp || block.timestamp - updatedAt > f.heartbeat) {
            revert StaleOracle(a, updatedAt, f.heartbeat);
        }
        // strictly inside: an answer AT a circuit-breaker bound may hide a price beyond it
        if (answer <= f.minAnswer || answer >= f.maxAnswer) revert OracleOutOfBounds(a, answer);
        return uint256(answer);
    }

    function _values(uint256[] memory b, uint256[] memory p) internal view returns (uint256[] memory v, uint256 nav) {
        uint256 n = b.length;
        v = new uint256[](n);
        for (uint256 i = 0; i < n; i++) {
            v[i] = _value(i, b[i], p[i]);
            nav += v[i];
        }
    }

    function _value(uint256 i, uint256 b, uint256 p) internal view returns (uint256) {
        uint256 scale = 10 ** (uint256(_tokenDecimals[i]) + IBasketFeed(_profile.feeds[i].feed).decimals());
        return Math.mulDiv(b, p * WAD, scale);
    }

    /// |value / nav - target| per asset (1e18 = 100%) and their sum.
    function _drifts(uint256[] memory v, uint256 nav) internal view returns (uint256[] memory d, uint256 sum) {
        uint256 n = v.length;
        d = new uint256[](n);
        for (uint256 i = 0; i < n; i++) {
            uint256 w = Math.mulDiv(v[i], WAD, nav);
            uint256 t = uint256(_profile.targetBps[i]) * 1e14;
            d[i] = w > t ? w - t : t - w;
            sum += d[i];
        }
    }

    // ------------------------------------------------------------------ rebalance (item 3)

    struct State {
        uint256[] prices;
        uint256[] before;
        uint256 navBefore;
        uint256[] driftBefore;
        uint256 sumBefore;
        uint256 navAfter;
        uint256 turnover;
        uint256[] bal;
        /// Bits of the assets a sleeve leg moved, and the number of legs (the rounding slack, in wei).
        uint256 sleeved;
        uint256 legs;
    }

    function rebalance(Leg[] calldata legs, uint256[] calldata minOuts, uint256 deadline) external nonReentrant {
        if (block.timestamp > deadline) revert Expired(deadline, block.timestamp);
        if (msg.sender != _profile.keeper && block.timestamp < openToAllAt()) {
            revert NotKeeper(msg.sender, openToAllAt());
        }
        uint256 notBefore = lastRebalance + _profile.minInterval;
        if (block.timestamp < notBefore) revert NotDue(notBefore);
        if (legs.length == 0 || minOuts.length != legs.length) revert BadLeg(legs.length);
        _accrueFee();

        State memory s;
        s.prices = _prices();
        s.bal = _balances();
        s.legs = legs.length;
        (s.before, s.navBefore) = _values(s.bal, s.prices);
        if (s.navBefore == 0) revert EmptyBasket();
        (s.driftBefore, s.sumBefore) = _drifts(s.before, s.navBefore);
        if (!_profile.calendar && !_breached(s.driftBefore)) revert WithinBand();

        uint256 traded;
        for (uint256 k = 0; k < legs.length; k++) {
            if (legs[k].kind == KIND_SLEEVE_WITHDRAW || legs[k].kind == KIND_SLEEVE_SUPPLY) {
                s.sleeved |= _sleeveLeg(k, legs[k], minOuts[k]);
            } else {
                traded |= _leg(k, legs[k], minOuts[k], deadline);
            }
        }

        _checkAfter(s, traded);
        lastRebalance = block.timestamp;
        emit Rebalanced(msg.sender, s.navBefore, s.navAfter, s.turnover, legs.length);
    }

    /// Loss, turnover and drift of the balances now against those before, at the same prices.
    function _checkAfter(State memory s, uint256 traded) internal view {
        uint256[] memory afterV;
        (afterV, s.navAfter) = _values(_balances(), s.prices);
        uint256 lost = s.navBefore > s.navAfter ? s.navBefore - s.navAfter : 0;
        uint256 allowed = Math.mulDiv(s.navBefore, _profile.maxLossBps, 10_000);
        if (lost > allowed) revert LossTooHigh(lost, allowed);
        for (uint256 i = 0; i < afterV.length; i++) {
            if (s.before[i] > afterV[i]) s.turnover += s.before[i] - afterV[i];
        }
        allowed = Math.mulDiv(s.navBefore, _profile.maxTurnoverBps, 10_000);
        if (s.turnover > allowed) revert TurnoverTooHigh(s.turnover, allowed);
        _checkDrift(s, afterV, s.navAfter, lost, traded);
    }

    /// Runs leg k through the pool calls (by delegatecall: in this contract) and returns the bits of the assets it
    /// trades. v2/v3/v4 legs pay exactly amountIn (a FROM_PAYER step, paid from here); a Balancer leg's amountIn
    /// becomes the share of the balance that is exactly it (ceil(amountIn x 1e36 / balance), exact below 1e36 units).
    function _leg(uint256 k, Leg calldata l, uint256 minOut, uint256 deadline) internal returns (uint256) {
        uint256 a = _indexOf(l.tokenIn);
        uint256 b = _indexOf(l.tokenOut);
        if (l.amountIn == 0 || l.amountIn > type(uint128).max || a == type(uint256).max || b == type(uint256).max) {
            revert BadLeg(k);
        }
        if (!_poolAllowed(l.kind, l.tokenIn, l.tokenOut, l.fee, l.poolId)) revert PoolNotAllowed(k);
        uint256 share = l.amountIn;
        uint8 flags = FROM_PAYER;
        if (l.kind == KIND_BALANCER) {
            uint256 bal = IERC20(l.tokenIn).balanceOf(address(this));
            if (l.amountIn > bal) revert BadLeg(k);
            share = Math.mulDiv(l.amountIn, ONE, bal, Math.Rounding.Ceil);
            flags = 0;
        }
        StepTypes.Step[] memory steps = new StepTypes.Step[](1);
        steps[0] = StepTypes.Step(l.kind, flags, l.tokenIn, l.tokenOut, l.fee, l.poolId, uint128(share), 0);
        (bool ok, bytes memory r) =
            address(poolCalls).delegatecall(abi.encodeCall(BasketPools.runSteps, (steps, deadline)));
        if (!ok) {
            assembly {
                revert(add(r, 32), mload(r))
            }
        }
        uint256 out = abi.decode(r, (uint256[]))[0];
        if (out < minOut) revert LegOutputTooLow(k, out, minOut);
        return (1 << a) | (1 << b);
    }

    /// A sleeve leg (kind 5/6): none without a sleeve. Returns the bits of the assets it moved between their parts.
    function _sleeveLeg(uint256 k, Leg calldata, uint256) internal virtual returns (uint256) {
        revert NotSleeve(k);
    }

    /// The v3 pool's swap callback and the v4 PoolManager's unlock callback run the pool calls' handlers in this
    /// contract (delegatecall), which accept them only from the pool / PoolManager of the leg in progress.
    function uniswapV3SwapCallback(int256, int256, bytes calldata) external {
        _forward();
    }

    function unlockCallback(bytes calldata) external returns (bytes memory) {
        _forward();
    }

    function _forward() private {
        address p = address(poolCalls);
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), p, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 { revert(0, returndatasize()) }
            default { return(0, returndatasize()) }
        }
    }

    /// Band profile: some asset with |w - t| > bandAbs, or |w - t| / t > bandRel (a disabled test never fires).
    function _breached(uint256[] memory d) internal view returns (bool) {
        uint256 abs = uint256(_profile.bandAbsBps) * 1e14;
        uint256 rel = _profile.bandRelBps;
        for (uint256 i = 0; i < d.length; i++) {
            if (abs > 0 && d[i] > abs) return true;
            if (rel > 0 && d[i] * 10_000 > rel * uint256(_profile.targetBps[i]) * 1e14) return true;
        }
        return false;
    }

    /// The drift rule, exactly (docs/basket.md): an asset a leg trades (in or out) must not see its drift grow at
    /// all; an asset no leg trades keeps its balance, so its weight may move only by the NAV's change:
    /// w_after <= w_before x NAV_before / NAV_after, i.e. floor(v_after x 1e18 / NAV_after) <=
    /// floor(v_before x 1e18 / NAV_after) (w_before x NAV_before = v_before x 1e18 exactly; the bound rounded down,
    /// against the keeper); and the sum of all drifts must strictly fall.
    function _checkDrift(State memory s, uint256[] memory afterV, uint256 navAfter, uint256 lost, uint256 traded)
        internal
        view
    {
        if (navAfter == 0) revert LossTooHigh(lost, 0);
        (uint256[] memory d, uint256 sum) = _drifts(afterV, navAfter);
        for (uint256 i = 0; i < d.length; i++) {
            if (traded & (1 << i) != 0) {
                if (d[i] > s.driftBefore[i]) revert DriftGrew(_assets[i], s.driftBefore[i], d[i]);
            } else if (Math.mulDiv(afterV[i], WAD, navAfter) > Math.mulDiv(_bound(s, i), WAD, navAfter)) {
                revert DriftGrew(_assets[i], s.driftBefore[i], d[i]);
            }
        }
        if (sum >= s.sumBefore) revert DriftNotReduced(s.sumBefore, sum);
    }

    /// An untraded asset's value before (a sleeve basket adds the slack of its sleeve legs' rounding).
    function _bound(State memory s, uint256 i) internal view virtual returns (uint256) {
        return s.before[i];
    }

    function decimals() public pure override returns (uint8) {
        return 18;
    }
}
