/**
 * What a service file asks for that can be checked without the journal or the network: every paper
 * venue has a price feed, every exchange's keys and every intent venue's wallet key are there and
 * readable, an API reachable from other machines has a token. Run before the journal is opened (issue #16 item 4: a refused start leaves no
 * journal, lock or sidecar behind).
 */
import { checkApiExposure, loadApiToken } from './api/auth.ts';
import type { ResolvedService } from './config/parse.ts';
import { checkedExecution, noFeed, venueWhere } from './venues.ts';

export interface PreflightOptions {
  /** A price feed is supplied (a replay): paper venues need none of their own. */
  readonly feed: boolean;
  /** The HTTP API will be started from `config.api`. */
  readonly api: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export async function preflight(config: ResolvedService, o: PreflightOptions): Promise<void> {
  const env = o.env ?? process.env;
  for (const p of config.portfolios) {
    checkedExecution(p); // a field the venue cannot honour, first
    const v = p.venue === 'paper' ? { type: 'paper' as const, prices: undefined } : p.venue;
    if (v.type === 'paper') {
      if (!o.feed && v.prices === undefined) throw noFeed(p.id);
      continue;
    }
    if (v.type === 'intents' || v.type === 'basket' || v.type === 'lever') {
      const { loadWalletKey } = await import('../venues/intents/wallet-key.ts');
      loadWalletKey(v, venueWhere(p), env);
      if (v.type === 'basket' || v.type === 'lever')
        (await import('../chain/basket/keeper.ts')).readBasketChainFile(v.chainFile, venueWhere(p));
      continue;
    }
    const { defaultEnvNames, loadCredentials } = await import('../venues/ccxt/credentials.ts');
    const names = defaultEnvNames(v.exchange);
    if (v.keyFile) loadCredentials({ file: v.keyFile }, env);
    else loadCredentials({ env: { apiKey: v.apiKeyEnv ?? names.apiKey, secret: v.secretEnv ?? names.secret } }, env);
  }
  if (o.api && config.api.enabled) checkApiExposure(config.api.host, loadApiToken(config.api, env));
}
