// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBallastBasket} from "./IBallastBasket.sol";

/// @title BasketProfile: the basket's on-chain risk profile and its delayed changes (issue #20 item 2).
/// @notice The owner proposes a profile; it takes effect only when `applyProfile` is called at or after
///         `pendingEta` = proposal time + `profileDelay` (fixed at deployment), so holders can redeem first. With a
///         delay of 0 a proposal applies at once (a single-owner basket). Every field is validated on proposal.
abstract contract BasketProfile is IBallastBasket {
    /// The hard cap on any deployment's `maxFeeBps` (bps of the supply per year).
    uint16 public constant FEE_CAP_BPS = 500;

    address public immutable owner;
    uint32 public immutable profileDelay;
    /// The largest management fee a profile of this basket may set (fixed at deployment, <= FEE_CAP_BPS).
    uint16 public immutable maxFeeBps;

    address[] internal _assets;
    Profile internal _profile;
    Profile internal _pending;
    /// When the pending profile may be applied (0: none pending).
    uint256 public pendingEta;
    /// Timestamp of the last rebalance (deployment time before the first one).
    uint256 public lastRebalance;

    constructor(address owner_, uint32 profileDelay_, uint16 maxFeeBps_, address[] memory assets_) {
        if (maxFeeBps_ > FEE_CAP_BPS) revert BadProfile("maxFeeBps");
        if (assets_.length < 2 || assets_.length > 16) revert BadProfile("assets");
        for (uint256 i = 0; i < assets_.length; i++) {
            if (assets_[i] == address(0)) revert BadProfile("assets");
            for (uint256 j = 0; j < i; j++) if (assets_[j] == assets_[i]) revert BadProfile("assets");
        }
        owner = owner_;
        profileDelay = profileDelay_;
        maxFeeBps = maxFeeBps_;
        _assets = assets_;
        lastRebalance = block.timestamp;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    // ------------------------------------------------------------------ views

    function assets() external view returns (address[] memory) {
        return _assets;
    }

    function profile() external view returns (Profile memory) {
        return _profile;
    }

    /// The proposed profile and when it may be applied (eta 0: nothing pending).
    function pendingProfile() external view returns (Profile memory p, uint256 eta) {
        return (_pending, pendingEta);
    }

    /// The first time anyone (not only the keeper) may call rebalance (type(uint256).max: never).
    function openToAllAt() public view returns (uint256) {
        uint32 w = _profile.keeperWindow;
        return w == 0 ? type(uint256).max : lastRebalance + w;
    }

    // ------------------------------------------------------------------ changes

    function proposeProfile(Profile memory p) external onlyOwner {
        _validate(p);
        _copy(_pending, p);
        uint256 eta = block.timestamp + profileDelay;
        pendingEta = eta;
        emit ProfileProposed(eta);
        if (profileDelay == 0) _apply();
    }

    /// Anyone may apply the pending profile once its delay has elapsed.
    function applyProfile() external {
        uint256 eta = pendingEta;
        if (eta == 0) revert NoPendingProfile();
        if (block.timestamp < eta) revert ProfileNotReady(eta);
        _apply();
    }

    function cancelProfile() external onlyOwner {
        if (pendingEta == 0) revert NoPendingProfile();
        pendingEta = 0;
        emit ProfileCancelled();
    }

    function _apply() internal {
        _beforeProfileChange();
        Profile memory p = _pending;
        _copy(_profile, p);
        pendingEta = 0;
        emit ProfileApplied();
    }

    /// Hook: settle what depends on the outgoing profile (the fee accrued at its rate).
    function _beforeProfileChange() internal virtual;

    function _copy(Profile storage d, Profile memory s) internal {
        delete d.targetBps;
        delete d.feeds;
        delete d.pools;
        for (uint256 i = 0; i < s.targetBps.length; i++) d.targetBps.push(s.targetBps[i]);
        for (uint256 i = 0; i < s.feeds.length; i++) d.feeds.push(s.feeds[i]);
        for (uint256 i = 0; i < s.pools.length; i++) d.pools.push(s.pools[i]);
        d.bandAbsBps = s.bandAbsBps;
        d.bandRelBps = s.bandRelBps;
        d.calendar = s.calendar;
        d.minInterval = s.minInterval;
        d.maxLossBps = s.maxLossBps;
        d.maxTurnoverBps = s.maxTurnoverBps;
        d.keeper = s.keeper;
        d.keeperWindow = s.keeperWindow;
        d.feeBps = s.feeBps;
        d.feeRecipient = s.feeRecipient;
    }

    function _validate(Profile memory p) internal view {
        uint256 n = _assets.length;
        if (p.targetBps.length != n) revert BadProfile("targetBps");
        uint256 sum;
        for (uint256 i = 0; i < n; i++) sum += p.targetBps[i];
        if (sum != 10_000) revert BadProfile("targetBps");
        if (p.feeds.length != n) revert BadProfile("feeds");
        for (uint256 i = 0; i < n; i++) {
            FeedRef memory f = p.feeds[i];
            if (f.feed == address(0) || f.heartbeat == 0 || f.minAnswer >= f.maxAnswer) revert BadProfile("feeds");
        }
        if (p.calendar) {
            if (p.minInterval == 0) revert BadProfile("minInterval");
        } else if (p.bandAbsBps == 0 && p.bandRelBps == 0) {
            revert BadProfile("band");
        }
        if (p.bandAbsBps > 10_000) revert BadProfile("bandAbsBps");
        if (p.maxLossBps > 10_000) revert BadProfile("maxLossBps");
        if (p.maxTurnoverBps > 10_000) revert BadProfile("maxTurnoverBps");
        if (p.keeper == address(0)) revert BadProfile("keeper");
        if (p.feeBps > maxFeeBps) revert BadProfile("feeBps");
        if (p.feeBps > 0 && p.feeRecipient == address(0)) revert BadProfile("feeRecipient");
        for (uint256 i = 0; i < p.pools.length; i++) {
            PoolRef memory r = p.pools[i];
            if (!_poolRefOk(r) || r.tokenA == r.tokenB) revert BadProfile("pools");
            if (_indexOf(r.tokenA) == type(uint256).max || _indexOf(r.tokenB) == type(uint256).max) {
                revert BadProfile("pools");
            }
        }
    }

    /// v2: fee 0, poolId 0; v3: poolId 0; Balancer: fee 0, a pool id; v4: a tickSpacing in (0, 0x7fffff].
    function _poolRefOk(PoolRef memory r) internal pure returns (bool) {
        uint256 id = uint256(r.poolId);
        if (r.kind == 0) return r.fee == 0 && id == 0;
        if (r.kind == 1) return id == 0;
        if (r.kind == 2) return r.fee == 0 && id != 0;
        if (r.kind == 4) return id != 0 && id <= 0x7fffff;
        return false;
    }

    /// Index of `token` in the assets (type(uint256).max: not an asset).
    function _indexOf(address token) internal view returns (uint256) {
        uint256 n = _assets.length;
        for (uint256 i = 0; i < n; i++) if (_assets[i] == token) return i;
        return type(uint256).max;
    }

    /// Whether the pool (kind, a, b, fee, poolId) is in the active profile.
    function _poolAllowed(uint8 kind, address a, address b, uint24 fee, bytes32 poolId) internal view returns (bool) {
        PoolRef[] storage ps = _profile.pools;
        for (uint256 i = 0; i < ps.length; i++) {
            PoolRef storage r = ps[i];
            if (r.kind != kind || r.fee != fee || r.poolId != poolId) continue;
            if ((r.tokenA == a && r.tokenB == b) || (r.tokenA == b && r.tokenB == a)) return true;
        }
        return false;
    }
}
