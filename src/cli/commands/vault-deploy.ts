import { encodeDeployData, parseAbi, zeroAddress } from 'viem';
import {
  BASKET_DEPLOY_GAS,
  type BasketInit,
  basketArtifact,
  basketConstructorArgs,
  basketErrorName,
  basketFeed,
  DEFAULT_BASKET_OFFSET,
  NO_POOL_ID,
  sleeveBasketArtifact,
} from '../../chain/basket/artifact.ts';
import { poolSources } from '../../chain/executor/artifact.ts';
import { InputError } from '../../core/errors.ts';
import { aavePoolFlag } from './vault.ts';
import { type Ctx, HEARTBEAT_SEC, MARGIN_SEC, send, VaultError } from './vault-ctx.ts';

/** EIP-3860: the largest deployment code (initcode) a transaction may carry. */
const MAX_INITCODE = 49_152;

export async function deploy(c: Ctx): Promise<void> {
  const f = c.f;
  const symbols = (f.assets ?? '').split(',').map((s) => s.trim());
  const targets = (f.targets ?? '').split(',').map((s) => Number(s.trim()));
  const toks = symbols.map((s) => {
    const t = c.fx.tokens.find((x) => x.symbol === s);
    if (!t) throw InputError.one('--assets', '', `${JSON.stringify(s)} is not a token of the chain file`);
    return t;
  });
  if (new Set(symbols).size !== symbols.length || symbols.length < 2)
    throw InputError.one('--assets', '', 'needs 2 to 16 distinct symbols');
  if (targets.length !== symbols.length || targets.some((x) => !Number.isInteger(x) || x < 0))
    throw InputError.one('--targets', '', `needs ${symbols.length} whole numbers of bps, one per asset`);
  if (targets.reduce((a, x) => a + x, 0) !== 10_000) throw InputError.one('--targets', '', 'must sum to 10000');
  const owner = c.account?.address ?? zeroAddress;
  const feeds = await Promise.all(
    toks.map((t) =>
      basketFeed(c.client, { address: t.usdFeed, heartbeatSec: HEARTBEAT_SEC, marginSec: MARGIN_SEC }, t.symbol),
    ),
  );
  const answers = await Promise.all(
    toks.map(async (t) => {
      const r = await c.client.readContract({
        address: t.usdFeed,
        abi: parseAbi(['function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)']),
        functionName: 'latestRoundData',
      });
      return r[1];
    }),
  );
  const pools = c.fx.pools
    .filter((p) => p.protocol === 'uniswap-v2' || p.protocol === 'uniswap-v3')
    .filter((p) => p.tokens.every((t) => toks.some((x) => x.address.toLowerCase() === t.toLowerCase())))
    .map((p) => ({
      kind: p.protocol === 'uniswap-v2' ? (0 as const) : (1 as const),
      tokenA: p.tokens[0]!,
      tokenB: p.tokens[1]!,
      fee: p.protocol === 'uniswap-v2' ? 0 : p.feePips,
      poolId: NO_POOL_ID,
    }));
  if (pools.length === 0) throw InputError.one('--assets', '', 'no Uniswap v2/v3 pool of the chain file joins them');
  const shareUsd = BigInt(f.shareUsd ?? '100');
  const aave = aavePoolFlag(f.aavePool);
  const aavePool = aave === 'fixture' ? c.fx.contracts.aavePool : aave;
  if (aave === 'fixture' && (!aavePool || aavePool === zeroAddress))
    throw InputError.one('--aave-pool', '', 'fixture, but the chain file has no Aave Pool (contracts.aavePool)');
  if (aavePool && (await c.client.getCode({ address: aavePool }).then((x) => x === undefined || x === '0x')))
    throw InputError.one('--aave-pool', '', `no contract at ${aavePool}`);
  const kind = aavePool ? 'BallastSleeveBasket' : 'BallastBasket';
  const init: BasketInit = {
    ...(aavePool ? { aavePool } : {}),
    name: 'Ballast Basket',
    symbol: 'BSKT',
    owner,
    assets: toks.map((t) => t.address),
    genesisUnits: toks.map(
      (t, i) => (BigInt(targets[i]!) * shareUsd * 10n ** BigInt(t.decimals + 8)) / (10_000n * answers[i]!) || 1n,
    ),
    offset: DEFAULT_BASKET_OFFSET,
    profileDelay: 0,
    maxFeeBps: 0,
    profile: {
      targetBps: targets,
      bandAbsBps: Number(f.bandAbsBps ?? '200'),
      bandRelBps: 0,
      calendar: false,
      minInterval: Number(f.minInterval ?? '3600'),
      maxLossBps: Number(f.maxLossBps ?? '100'),
      maxTurnoverBps: Number(f.maxTurnoverBps ?? '10000'),
      keeper: owner,
      keeperWindow: Number(f.keeperWindow ?? '86400'),
      feeBps: 0,
      feeRecipient: zeroAddress,
      feeds,
      pools,
    },
  };
  const a = aavePool ? sleeveBasketArtifact() : basketArtifact();
  const data = encodeDeployData({
    abi: a.abi,
    bytecode: a.bytecode,
    args: basketConstructorArgs(init, poolSources(c.fx.contracts)),
  });
  const initcode = (data.length - 2) / 2;
  if (initcode > MAX_INITCODE)
    throw InputError.one(
      '--assets',
      '',
      `the ${kind}'s deployment code over ${symbols.length} assets and ${pools.length} pools is ${initcode} bytes, over EIP-3860's ${MAX_INITCODE}: use fewer assets (docs/basket.md)`,
    );
  if (f.execute !== true) {
    await c.client.call({ data, account: owner }).catch((e: unknown) => {
      throw new VaultError(`deploy: the constructor refuses it (${basketErrorName(e) ?? 'revert'}); nothing sent`);
    });
    c.out(
      `dry run: nothing sent. ${kind} over ${symbols.join(', ')} targets ${targets.join('/')} bps, ${pools.length} pools${aavePool ? `, idle sleeve on the Aave Pool ${aavePool}` : ''}, owner and keeper ${owner}\n`,
      { dryRun: true, init },
    );
    return;
  }
  const r = await send(c, undefined, data, 'deploy', BASKET_DEPLOY_GAS);
  c.out(`${kind} deployed at ${r.contractAddress}, owner and keeper ${owner}\n`, {
    basket: r.contractAddress,
    kind,
    ...(aavePool ? { aavePool } : {}),
    owner,
    tx: r.transactionHash,
  });
}
