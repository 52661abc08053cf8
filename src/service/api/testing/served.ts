/**
 * A service fixture behind the real HTTP API for one test file: started in `before`, closed in `after`. The
 * returned object's fields are set once `before` has run (use them inside tests, not at module level).
 */
import { after, before } from 'node:test';
import { type ApiOptions, type ApiServer, createApi } from '../server.ts';
import { client } from './client.ts';
import { type ServiceFixture, startServiceFixture } from './service-fixture.ts';

export interface Served {
  fx: ServiceFixture;
  api: ApiServer;
  call: ReturnType<typeof client>;
}

export function servedFixture(
  token: string,
  fixture: Parameters<typeof startServiceFixture>[0] = {},
  apiOptions: ApiOptions = {},
): Served {
  const t = {} as Served;
  before(async () => {
    t.fx = await startServiceFixture(fixture);
    t.api = await createApi(t.fx.service, { port: 0, token, ...apiOptions });
    t.call = client(t.api.url, token);
  });
  after(async () => {
    await t.api?.close();
    await t.fx?.stop();
  });
  return t;
}
