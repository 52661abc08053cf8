import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sign } from './auth.ts';

describe('standalone simulator (what the crash trials run in their own process)', () => {
  it('prints its URL, obeys the control API, and stops on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const { url, apiKey, secret } = JSON.parse(line.toString()) as { url: string; apiKey: string; secret: string };
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const post = (path: string, body: unknown) =>
        fetch(url + path, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
      await post('/__sim/price', { symbol: 'BTC/USDT', price: '61000' });
      await post('/__sim/faults', { kind: 'status', status: 503, match: { path: '/api/v3/order', method: 'POST' } });
      // A signed create straight over HTTP: the 503 fault answers and the request is still logged.
      const body = sign(
        secret,
        `timestamp=${Date.now()}&symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&newClientOrderId=m1`,
      );
      const res = await fetch(`${url}/api/v3/order`, {
        method: 'POST',
        headers: { 'X-MBX-APIKEY': apiKey, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      assert.equal(res.status, 503);
      const state = (await fetch(`${url}/__sim/state`).then((r) => r.json())) as {
        prices: Record<string, string>;
        creates: { clientOrderId: string; outcome: string }[];
      };
      assert.equal(state.prices.BTCUSDT, '61000.00000000');
      assert.deepEqual(
        state.creates.map((c) => [c.clientOrderId, c.outcome]),
        [['m1', 'not executed; fault HTTP 503']],
      );
    } finally {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    }
  });
});
