/**
 * A recording JSON-RPC proxy in front of a real node (test support for issue #30): every request is recorded,
 * and a hook may answer it itself, hold it (never forwarded, never answered: a process killed while it waits
 * never reached the node), or rewrite the node's answer (a lying RPC). Batches are split and handled one by one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RpcRequest {
  readonly id: unknown;
  readonly method: string;
  readonly params: unknown[];
}

export type HookResult =
  /** forward to the node unchanged */
  | undefined
  /** never answer (the request is dropped with the connection) */
  | 'hold'
  /** answer this JSON-RPC `result` without asking the node */
  | { readonly result: unknown }
  /** answer this JSON-RPC error without asking the node */
  | { readonly error: { code: number; message: string } }
  /** forward, then rewrite the node's `result` */
  | { readonly rewrite: (result: unknown) => unknown };

export interface RpcProxy {
  readonly url: string;
  /** Every request seen, in order (a batch's members one by one). */
  readonly seen: RpcRequest[];
  hook: (req: RpcRequest) => HookResult;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export async function startRpcProxy(upstream: string): Promise<RpcProxy> {
  const held: ServerResponse[] = [];
  const proxy: RpcProxy = {
    url: '',
    seen: [],
    hook: () => undefined,
    close: async () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
  const one = async (msg: RpcRequest): Promise<unknown | 'hold'> => {
    const req = { id: msg.id, method: msg.method, params: msg.params ?? [] };
    proxy.seen.push(req);
    const h = proxy.hook(req);
    if (h === 'hold') return 'hold';
    if (h !== undefined && 'result' in h) return { jsonrpc: '2.0', id: msg.id, result: h.result };
    if (h !== undefined && 'error' in h) return { jsonrpc: '2.0', id: msg.id, error: h.error };
    const r = await fetch(upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: msg.id, method: req.method, params: req.params }),
    });
    const out = (await r.json()) as { result?: unknown };
    if (h !== undefined && 'rewrite' in h && out.result !== undefined) out.result = h.rewrite(out.result);
    return out;
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await body(req);
      const parsed = JSON.parse(text) as RpcRequest | RpcRequest[];
      const answers = await Promise.all((Array.isArray(parsed) ? parsed : [parsed]).map(one));
      if (answers.includes('hold')) {
        held.push(res);
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
    })().catch((e: unknown) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  (proxy as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
