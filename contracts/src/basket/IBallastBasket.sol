// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IBallastBasket: the basket's types, errors and events (issue #20), shared by its parts.
interface IBallastBasket {
    /// An asset's TOKEN/USD feed, checked as src/chain/oracles/ checks it: a positive answer from a complete round
    /// at most `heartbeat` seconds old, strictly inside (minAnswer, maxAnswer).
    struct FeedRef {
        address feed;
        uint32 heartbeat;
        int128 minAnswer;
        int128 maxAnswer;
    }

    /// An allowed pool of two basket assets: a Uniswap v2 pair (kind 0, fee 0, poolId 0), a v3 pool (kind 1, its
    /// fee in pips, poolId 0), a Balancer pool of the Vault (kind 2, fee 0, poolId its pool id) or a hook-less v4
    /// pool of the PoolManager (kind 4, PoolKey.fee, poolId its tickSpacing as uint256(uint24(int24))). Uniswap
    /// v2/v3 addresses are the CREATE2 addresses from the factories and init code hashes fixed at deployment, the
    /// Vault and PoolManager are fixed at deployment too, so a profile can only name genuine pools.
    struct PoolRef {
        uint8 kind;
        address tokenA;
        address tokenB;
        uint24 fee;
        bytes32 poolId;
    }

    /// The risk profile. Weights and bands are in basis points of the basket's value at oracle prices.
    struct Profile {
        /// Target weight of each asset (same order as `assets()`), summing to 10_000.
        uint16[] targetBps;
        /// Band: the basket is due when some |w - t| > bandAbsBps / 1e4, or |w - t| / t > bandRelBps / 1e4
        /// (0 disables that test; a band profile needs at least one).
        uint16 bandAbsBps;
        uint16 bandRelBps;
        /// Calendar profile: due whenever `minInterval` has elapsed, whatever the drift.
        bool calendar;
        /// Seconds between two rebalances (for every caller and both kinds of profile).
        uint32 minInterval;
        /// Largest value lost by one rebalance, in bps of the value before, at the same validated oracle prices.
        uint16 maxLossBps;
        /// Largest value sold by one rebalance (the sum over assets of the value of balance decreases), in bps.
        uint16 maxTurnoverBps;
        address keeper;
        /// After this many seconds without a rebalance anyone may call rebalance (0: the keeper only).
        uint32 keeperWindow;
        /// Streaming management fee, bps per year of the supply, minted as shares to `feeRecipient`.
        uint16 feeBps;
        address feeRecipient;
        /// One feed per asset, same order as `assets()`.
        FeedRef[] feeds;
        PoolRef[] pools;
    }

    /// One swap: exactly `amountIn` of `tokenIn` through the allowed pool (kind, tokenIn, tokenOut, fee, poolId),
    /// or (kinds 5/6, a basket with an Aave sleeve) a withdraw/supply of exactly `amountIn` between an asset and its
    /// aToken, poolId = the Aave Pool address;
    /// paid from the basket's balance, output to the basket.
    struct Leg {
        uint8 kind;
        address tokenIn;
        address tokenOut;
        uint24 fee;
        bytes32 poolId;
        uint256 amountIn;
    }

    error NotOwner(address caller);
    error NotKeeper(address caller, uint256 openToAllAt);
    error Expired(uint256 deadline, uint256 timestamp);
    /// The profile's minimum interval since the last rebalance has not elapsed.
    error NotDue(uint256 notBefore);
    /// A band profile whose every asset is inside its band at oracle prices.
    error WithinBand();
    error DriftGrew(address asset, uint256 driftBefore, uint256 driftAfter);
    error DriftNotReduced(uint256 sumBefore, uint256 sumAfter);
    error LossTooHigh(uint256 lost, uint256 allowed);
    error TurnoverTooHigh(uint256 turnover, uint256 allowed);
    error PoolNotAllowed(uint256 leg);
    error BadLeg(uint256 leg);
    /// A sleeve leg (kind 5/6) not between an asset and its aToken in the basket's own Aave Pool (or no sleeve).
    error NotSleeve(uint256 leg);
    error LegOutputTooLow(uint256 leg, uint256 out, uint256 minOut);
    error StaleOracle(address asset, uint256 updatedAt, uint256 heartbeat);
    error OracleOutOfBounds(address asset, int256 answer);
    error BadOracle(address asset, int256 answer);
    /// A v3 swap callback not from the pool of the swap in progress (or asking more than its input).
    error ForgedCallback(address caller);
    /// No contract at leg `step`'s Uniswap v2/v3 pool address.
    error NoPool(uint256 step, address pool);
    // Errors of the pool calls (contracts/src/lean/PoolSteps.sol, run by delegatecall) a basket can meet, so its
    // ABI names them: an unlock callback not from the PoolManager during the basket's own unlock; a v4 leg of a
    // basket deployed without a PoolManager; a direct call to BasketPools.runSteps.
    error V4ForgedCallback();
    error UnsupportedStep(uint256 step, uint8 kind);
    error NotDelegated();
    error BadProfile(string field);
    error ProfileNotReady(uint256 eta);
    error NoPendingProfile();
    error ZeroShares();
    error SharesBelowMin(uint256 shares, uint256 minShares);
    error EmptyBasket();

    event Issued(address indexed by, address indexed to, uint256 shares, uint256[] amounts);
    event Redeemed(address indexed by, address indexed to, uint256 shares, uint256[] amounts);
    event FeeMinted(address indexed to, uint256 shares);
    event ProfileProposed(uint256 eta);
    event ProfileApplied();
    event ProfileCancelled();
    event Rebalanced(address indexed caller, uint256 navBefore, uint256 navAfter, uint256 turnover, uint256 legs);
}
