/**
 * The one approval a 0-ETH wallet needs (issue #24 item 2), funded by the local chain: the fixture's tokens
 * have no EIP-2612 permit (and WETH9 never has), so a permit pre-interaction is not available; instead the
 * wallet's `approve(vaultRelayer, max)` is mined in a block whose base fee is 0 (anvil_setNextBlockBaseFeePerGas)
 * at gas price 0, sent for the wallet by anvil_impersonateAccount. The wallet never holds ETH. A test chain
 * only: on a public chain this approval costs the wallet gas once (or the token offers a permit).
 */
import { type Address, erc20Abi, maxUint256, type PublicClient } from 'viem';
import { localClients } from '../client.ts';
import type { Fixture } from '../fixture/types.ts';
import { SolverError } from './errors.ts';

export async function approveRelayerGasless(f: Fixture, owner: Address, tokens: readonly Address[]): Promise<void> {
  const c = localClients(f.rpcUrl, owner, f.chainId);
  const rpc = c.public as PublicClient;
  await rpc.request({ method: 'anvil_impersonateAccount' as never, params: [owner] as never });
  try {
    for (const token of tokens) {
      await rpc.request({ method: 'anvil_setNextBlockBaseFeePerGas' as never, params: ['0x0'] as never });
      const hash = await c.wallet.writeContract({
        account: owner,
        chain: c.wallet.chain,
        address: token,
        abi: erc20Abi,
        functionName: 'approve',
        args: [f.contracts.gpv2VaultRelayer, maxUint256],
        gas: 100_000n,
        maxFeePerGas: 0n,
        maxPriorityFeePerGas: 0n,
      });
      const r = await rpc.waitForTransactionReceipt({ hash, pollingInterval: 50 });
      if (r.status !== 'success') throw new SolverError(`approval of ${token} for ${owner} reverted`, { next: 'stop' });
    }
  } finally {
    await rpc.request({ method: 'anvil_stopImpersonatingAccount' as never, params: [owner] as never });
  }
}
