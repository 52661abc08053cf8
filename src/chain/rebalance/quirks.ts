/**
 * Token quirks detected at planning (issue #30 item 8, off-chain half): a fee-on-transfer ("tax") token
 * delivers less than was sent, a rebasing one moves balances by other than the amount; either breaks the
 * executor's exact accounting (pulls, chained hops, minimum outputs) and reverts without a named reason. Each
 * token is probed with a test transfer in simulation (eth_simulateV1: nothing is sent, on the fork simulator
 * when sending privately): a holder (the owner, else a pool of the chain file holding it) sends a tenth of its
 * balance to a fresh address and both balances are read in the same simulated block. Any gap refuses the
 * rebalance with TokenQuirkError, naming the token.
 */
import { type Address, decodeFunctionResult, encodeFunctionData, type PublicClient, parseAbi } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';

export class TokenQuirkError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'TokenQuirkError';
}

const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address to, uint256 amount) returns (bool)',
]);

/** A fixed address nobody controls: the test transfer's recipient (only ever simulated). */
const PROBE: Address = '0x000000000000000000000000000000000ba1a570';

export interface QuirkToken {
  readonly symbol: string;
  readonly address: Address;
}

/** Balance of `who` in `token` (for choosing a holder). */
async function balanceOf(c: PublicClient, token: Address, who: Address): Promise<bigint> {
  return c.readContract({ address: token, abi: erc20, functionName: 'balanceOf', args: [who] });
}

export async function checkTokenQuirks(
  sim: PublicClient,
  tokens: readonly QuirkToken[],
  holders: readonly Address[],
): Promise<void> {
  for (const t of tokens) {
    let from: Address | undefined;
    let bal = 0n;
    for (const h of holders) {
      bal = await balanceOf(sim, t.address, h);
      if (bal >= 10n) {
        from = h;
        break;
      }
    }
    if (from === undefined) continue; // nobody holds it: no transfer to probe (and nothing to trade with it)
    const amount = bal / 10n;
    const read = (who: Address) => ({
      to: t.address,
      data: encodeFunctionData({ abi: erc20, functionName: 'balanceOf', args: [who] }),
    });
    const [block] = await sim.simulateBlocks({
      blocks: [
        {
          calls: [
            read(from),
            read(PROBE),
            {
              account: from,
              to: t.address,
              data: encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [PROBE, amount] }),
            },
            read(from),
            read(PROBE),
          ],
        },
      ],
    });
    const calls = block!.calls;
    if (calls[2]!.status !== 'success')
      throw new TokenQuirkError(
        `token ${t.symbol} (${t.address}): a test transfer of ${amount} base units from a holder reverts in simulation; it cannot be traded here`,
      );
    const n = (i: number) =>
      decodeFunctionResult({ abi: erc20, functionName: 'balanceOf', data: calls[i]!.data }) as bigint;
    const sent = n(0) - n(3);
    const got = n(4) - n(1);
    if (got !== amount || sent !== amount)
      throw new TokenQuirkError(
        `token ${t.symbol} (${t.address}) is fee-on-transfer or rebasing: a test transfer of ${amount} base units took ${sent} from the sender and delivered ${got}; the executor's exact amounts cannot hold: remove ${t.symbol} from the portfolio's chain section`,
        { details: { token: t.address, amount: amount.toString(), sent: sent.toString(), delivered: got.toString() } },
      );
  }
}
