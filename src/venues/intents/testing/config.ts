/** The intent venue's config for a test world (anvil + fixture + local order book). */
import type { IntentWorld } from '../../../chain/intents/testing/world.ts';
import { intentsVenueSchema } from '../config.ts';

export function intentsConfig(world: IntentWorld, over: Record<string, unknown> = {}) {
  const tok = (s: string) => {
    const t = world.fx.tokens.find((x) => x.symbol === s)!;
    return { address: t.address, decimals: t.decimals, usdFeed: t.usdFeed };
  };
  return intentsVenueSchema.parse({
    type: 'intents',
    rpcUrl: world.fx.rpcUrl,
    chainId: world.fx.chainId,
    settlement: world.fx.contracts.gpv2Settlement,
    book: world.book.url,
    keyEnv: 'INTENT_WALLET_KEY',
    quote: 'USDC',
    tokens: { USDC: tok('USDC'), WETH: tok('WETH') },
    rules: { WETH: { lotStep: 0.0001, minNotional: 10 } },
    maxSlippageBps: 100,
    waitMs: 20_000,
    pollMs: 100,
    ...over,
  });
}
