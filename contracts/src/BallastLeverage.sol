// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IBallastAavePool} from "./lean/AaveSteps.sol";
import {PoolSteps} from "./lean/PoolSteps.sol";
import {IBallastVault} from "./lean/IBallastPools.sol";

/// Balancer v2 Vault's flash loan (FlashLoans.sol): the recipient must hold amount + fee again when it returns.
interface IBallastFlashVault {
    function flashLoan(address recipient, address[] memory tokens, uint256[] memory amounts, bytes memory userData)
        external;
}

/// Aave v3 Pool's multi-asset flash loan (interestRateModes all 0: every asset repaid with its premium).
interface IBallastAaveFlash {
    function flashLoan(
        address receiverAddress,
        address[] calldata assets,
        uint256[] calldata amounts,
        uint256[] calldata interestRateModes,
        address onBehalfOf,
        bytes calldata params,
        uint16 referralCode
    ) external;
}

interface IBallastV3Flash {
    function flash(address recipient, uint256 amount0, uint256 amount1, bytes calldata data) external;
}

/**
 * BallastLeverage (issue #23): rebalances its owner's Aave v3 position (collateral and debt, one or several assets
 * of each) in ONE transaction, funding the locked legs with one flash loan of one or several tokens from exactly
 * one lender: the Balancer Vault (`flashLoan`), the Aave Pool (`flashLoanSimple`, or `flashLoan` for several
 * tokens) or a Uniswap v3 pool (`flash` of one token, never a pool the swaps use); or with no
 * loan at all when the plan needs none (LENDER_NONE).
 *
 * In the lender's callback it runs `pre` (repay the owner's debt, withdraw the owner's collateral, supply for the
 * owner, borrow on the owner's behalf), then the swaps (PoolSteps, paid from this contract's balance, outputs here),
 * then `post`; it repays every loaned token plus the lender's fee, sends everything left of the tokens involved to the owner,
 * and reverts the whole transaction when the owner's health factor is below `minHealthFactor` (1e18 = 1.0).
 *
 * What the owner grants: WITHDRAW moves the owner's aTokens here first (aToken approval to this contract);
 * BORROW borrows on the owner's behalf (VariableDebtToken.approveDelegation to this contract).
 *
 * Guarantees (test/onchain/leverage.test.ts attacks each): only the owner starts a rebalance; a lender callback is
 * accepted only from the lender this contract called, during that call, once (else ForgedCallback); the loan is
 * repaid in full with the fee, every token of it, or the whole transaction reverts (LoanNotRepaid); the health factor floor holds after.
 */
contract BallastLeverage is PoolSteps {
    using SafeERC20 for IERC20;

    uint8 public constant LENDER_NONE = 0;
    uint8 public constant LENDER_BALANCER = 1;
    uint8 public constant LENDER_AAVE = 2;
    uint8 public constant LENDER_V3 = 3;

    uint8 public constant OP_REPAY = 1;
    uint8 public constant OP_WITHDRAW = 2;
    uint8 public constant OP_SUPPLY = 3;
    uint8 public constant OP_BORROW = 4;

    /// One Aave action for the owner. amount type(uint256).max (REPAY, SUPPLY only): this contract's whole balance.
    struct Op {
        uint8 op;
        address asset;
        uint256 amount;
    }

    struct Plan {
        Op[] pre;
        Step[] steps;
        Op[] post;
        uint256 minHealthFactor;
        uint256 deadline;
    }

    address public immutable owner;
    IBallastAavePool public immutable aavePool;

    /// The lender called and which kind, set for the duration of our own flash-loan call only.
    address private transient lender;
    uint8 private transient lenderKind;
    /// Set while this contract runs its own callback (the self-call that runs the swaps checks it).
    bool private transient inCallback;

    error NotOwner(address caller);
    error Expired(uint256 deadline, uint256 timestamp);
    error BadLender(uint8 kind);
    error BadOp(uint256 index, uint8 op);
    error LoanNotRepaid(address token, uint256 owed, uint256 held);
    error HealthFactorBelowFloor(uint256 healthFactor, uint256 floor);
    error LenderPoolInRoute(address pool);

    /// Once per rebalance: the first loaned token, its amount and fee (LENDER_NONE: zeros) and the health factor.
    event LeverageRebalanced(uint8 lender, address token, uint256 amount, uint256 fee, uint256 healthFactor);
    /// Once per loaned token, when it is repaid: the amount and the lender's fee (Aave: the premium) paid.
    event LeverageLoan(address token, uint256 amount, uint256 fee);

    constructor(
        address owner_,
        IBallastAavePool aavePool_,
        address v2Factory_,
        bytes32 v2InitCodeHash_,
        address v3Factory_,
        bytes32 v3InitCodeHash_,
        IBallastVault vault_,
        IPoolManager v4PoolManager_
    ) PoolSteps(v2Factory_, v2InitCodeHash_, v3Factory_, v3InitCodeHash_, vault_, v4PoolManager_) {
        owner = owner_;
        aavePool = aavePool_;
    }

    /**
     * Borrows `amounts[i]` of every `tokens[i]` from the lender `kind` in ONE loan, runs `plan` in its callback and
     * repays each with its fee. LENDER_NONE: no loan (`tokens` empty), the plan runs directly (a plan whose
     * withdrawals and borrows come first because the position allows them needs no loan, so takes none).
     * LENDER_BALANCER: the Vault's `flashLoan` (tokens sorted ascending, as the Vault requires). LENDER_AAVE:
     * `flashLoanSimple` for one token, the multi-asset `flashLoan` (modes 0: repaid in full) for several.
     * LENDER_V3: the v3 pool of `tokens[0]` (the only token) and `pairToken` at `v3Fee` (computed from the factory).
     */
    function rebalance(
        uint8 kind,
        address[] calldata tokens,
        uint256[] calldata amounts,
        address pairToken,
        uint24 v3Fee,
        Plan calldata plan
    ) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (block.timestamp > plan.deadline) revert Expired(plan.deadline, block.timestamp);
        if (tokens.length != amounts.length || (kind == LENDER_NONE) != (tokens.length == 0)) revert BadLender(kind);
        bytes memory data = abi.encode(plan);
        if (kind == LENDER_NONE) {
            _run(data);
        } else if (kind == LENDER_BALANCER) {
            _arm(address(vault), kind);
            IBallastFlashVault(address(vault)).flashLoan(address(this), tokens, amounts, data);
        } else if (kind == LENDER_AAVE) {
            _arm(address(aavePool), kind);
            if (tokens.length == 1) {
                aavePool.flashLoanSimple(address(this), tokens[0], amounts[0], data, 0);
            } else {
                IBallastAaveFlash(address(aavePool))
                    .flashLoan(address(this), tokens, amounts, new uint256[](tokens.length), address(this), data, 0);
            }
        } else if (kind == LENDER_V3) {
            if (tokens.length != 1) revert BadLender(kind);
            address pool = _v3Pool(tokens[0], pairToken, v3Fee);
            for (uint256 i = 0; i < plan.steps.length; i++) {
                Step calldata s = plan.steps[i];
                if (s.kind == KIND_V3 && _v3Pool(s.tokenIn, s.tokenOut, s.fee) == pool) revert LenderPoolInRoute(pool);
            }
            _arm(pool, kind);
            (v3Token, v3Amount) = (tokens[0], amounts[0]);
            bool zeroIsToken = tokens[0] < pairToken;
            IBallastV3Flash(pool).flash(address(this), zeroIsToken ? amounts[0] : 0, zeroIsToken ? 0 : amounts[0], data);
        } else {
            revert BadLender(kind);
        }
        if (lender != address(0)) revert ForgedCallback(address(0)); // the lender never called back
        for (uint256 i = 0; i < tokens.length; i++) _send(tokens[i]);
        _sweep(plan);
        (,,,,, uint256 hf) = aavePool.getUserAccountData(owner);
        if (hf < plan.minHealthFactor) revert HealthFactorBelowFloor(hf, plan.minHealthFactor);
        emit LeverageRebalanced(kind, tokens.length > 0 ? tokens[0] : address(0), tokens.length > 0 ? amounts[0] : 0, _lastFee, hf);
    }

    /// The fee of the first loaned token (the LeverageRebalanced event's; every token's is in its LeverageLoan).
    uint256 private transient _lastFee;

    function _arm(address who, uint8 kind) private {
        (lender, lenderKind) = (who, kind);
    }

    /// Accepts a callback only from the armed lender of the given kind, once.
    function _enter(uint8 kind) private {
        if (msg.sender != lender || lenderKind != kind || msg.sender == address(0)) revert ForgedCallback(msg.sender);
        lender = address(0);
        lenderKind = 0;
    }

    // ------------------------------------------------------------------ lender callbacks

    /// Balancer Vault: repaid by transferring amount + fee back before returning (the Vault checks its balance).
    function receiveFlashLoan(
        address[] calldata tokens,
        uint256[] calldata amounts,
        uint256[] calldata feeAmounts,
        bytes calldata userData
    ) external {
        _enter(LENDER_BALANCER);
        _run(userData);
        for (uint256 i = 0; i < tokens.length; i++) _repay(tokens[i], amounts[i], feeAmounts[i], i, msg.sender, true);
    }

    /// Aave Pool `flashLoanSimple`: repaid by the Pool pulling amount + premium under the approval given here.
    function executeOperation(address asset, uint256 amount, uint256 premium, address initiator, bytes calldata params)
        external
        returns (bool)
    {
        _enter(LENDER_AAVE);
        if (initiator != address(this)) revert ForgedCallback(initiator);
        _run(params);
        _repay(asset, amount, premium, 0, msg.sender, false);
        return true;
    }

    /// Aave Pool multi-asset `flashLoan` (modes 0): each asset pulled back with its premium under the approval.
    function executeOperation(
        address[] calldata assets,
        uint256[] calldata amounts,
        uint256[] calldata premiums,
        address initiator,
        bytes calldata params
    ) external returns (bool) {
        _enter(LENDER_AAVE);
        if (initiator != address(this)) revert ForgedCallback(initiator);
        _run(params);
        for (uint256 i = 0; i < assets.length; i++) _repay(assets[i], amounts[i], premiums[i], i, msg.sender, false);
        return true;
    }

    /// Uniswap v3 pool `flash`: repaid by transferring amount + fee back (the pool checks its balances).
    function uniswapV3FlashCallback(uint256 fee0, uint256 fee1, bytes calldata data) external {
        _enter(LENDER_V3);
        _run(data);
        // the loaned token is whichever side carries a fee (a zero-fee loan cannot be taken from a v3 pool)
        _repay(v3Token, v3Amount, fee0 > 0 ? fee0 : fee1, 0, msg.sender, true);
    }

    address private transient v3Token;
    uint256 private transient v3Amount;

    /// Checks this contract holds `amount + fee` of `token` (else LoanNotRepaid: the whole transaction reverts),
    /// then pays it back (transfer) or lets the lender pull it (approval); records the fee in LeverageLoan.
    function _repay(address token, uint256 amount, uint256 fee, uint256 i, address to, bool transfer) private {
        if (i == 0) _lastFee = fee;
        emit LeverageLoan(token, amount, fee);
        uint256 owed = amount + fee;
        uint256 held = IERC20(token).balanceOf(address(this));
        if (held < owed) revert LoanNotRepaid(token, owed, held);
        if (transfer) IERC20(token).safeTransfer(to, owed);
        else IERC20(token).forceApprove(to, owed);
    }

    function _run(bytes memory data) private {
        Plan memory plan = abi.decode(data, (Plan));
        _ops(plan.pre);
        if (plan.steps.length > 0) {
            inCallback = true;
            this.runSteps(plan.steps, plan.deadline);
            inCallback = false;
        }
        _ops(plan.post);
    }

    /// The swaps, as a self-call so that PoolSteps reads them from calldata; only during our own callback.
    function runSteps(Step[] calldata steps, uint256 deadline) external {
        if (msg.sender != address(this) || !inCallback) revert ForgedCallback(msg.sender);
        _runSteps(steps, deadline);
    }

    function _ops(Op[] memory ops) private {
        for (uint256 i = 0; i < ops.length; i++) {
            Op memory o = ops[i];
            uint256 amount = o.amount;
            if (amount == type(uint256).max && (o.op == OP_REPAY || o.op == OP_SUPPLY)) {
                amount = IERC20(o.asset).balanceOf(address(this));
            }
            if (o.op == OP_REPAY) {
                IERC20(o.asset).forceApprove(address(aavePool), amount);
                aavePool.repay(o.asset, amount, 2, owner);
            } else if (o.op == OP_WITHDRAW) {
                address aToken = aavePool.getReserveData(o.asset).aTokenAddress;
                IERC20(aToken).safeTransferFrom(owner, address(this), amount);
                aavePool.withdraw(o.asset, amount, address(this));
            } else if (o.op == OP_SUPPLY) {
                IERC20(o.asset).forceApprove(address(aavePool), amount);
                aavePool.supply(o.asset, amount, owner, 0);
            } else if (o.op == OP_BORROW) {
                aavePool.borrow(o.asset, amount, 2, 0, owner);
            } else {
                revert BadOp(i, o.op);
            }
        }
    }

    /// Sends this contract's whole balance of every token the plan touched to the owner.
    function _sweep(Plan calldata plan) private {
        for (uint256 i = 0; i < plan.pre.length; i++) _send(plan.pre[i].asset);
        for (uint256 i = 0; i < plan.post.length; i++) _send(plan.post[i].asset);
        for (uint256 i = 0; i < plan.steps.length; i++) {
            _send(plan.steps[i].tokenIn);
            _send(plan.steps[i].tokenOut);
        }
    }

    function _send(address token) private {
        uint256 bal = IERC20(token).balanceOf(address(this));
        if (bal > 0) IERC20(token).safeTransfer(owner, bal);
    }

    // ------------------------------------------------------------------ PoolSteps

    function _pay(address token, address to, uint256 amount) internal override {
        IERC20(token).safeTransfer(to, amount);
    }

    function _recipient() internal view override returns (address) {
        return address(this);
    }
}
