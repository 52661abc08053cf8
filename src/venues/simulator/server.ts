/**
 * A local Binance spot exchange over node:http, close enough for the real ccxt client to trade against
 * (see docs/exchanges.md). Binds 127.0.0.1 on a random port by default; `stop()` frees everything,
 * including requests a "hang" fault is holding.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { admin, binanceSymbol, type SimSnapshot, snapshot } from './admin.ts';
import { defaultConfig } from './default-config.ts';
import { SimExchange } from './engine.ts';
import { corruptReply, FaultController, type ReplyFaultKind, type RequestInfo } from './faults.ts';
import { route } from './routes.ts';
import { BinanceError, type CreateRecord, type SimConfig } from './types.ts';

export interface StartOptions extends Partial<SimConfig> {
  /** 0 (default) = a random free port. */
  readonly port?: number;
  readonly host?: string;
}

export interface SimHandle {
  /** Base URL, e.g. "http://127.0.0.1:41234" (ccxt options: urls.api.public = url + "/api/v3"). */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly secret: string;
  readonly exchange: SimExchange;
  readonly faults: FaultController;
  /** Sets the mid price of a market ("BTC/USDT" or "BTCUSDT") and fills resting limits it crosses. */
  setPrice(symbol: string, price: string | number): void;
  /** Releases orders held by a delayed-fill fault. Returns how many were released. */
  release(clientOrderId?: string): number;
  /** Every create request that reached the server, optionally only those for one client order id. */
  createRequests(clientOrderId?: string): CreateRecord[];
  state(): SimSnapshot;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json;charset=UTF-8' });
  res.end(text);
}

export async function start(opts: StartOptions = {}): Promise<SimHandle> {
  const { port = 0, host = '127.0.0.1', ...cfg } = opts;
  const config = defaultConfig(cfg);
  const faults = new FaultController();
  const ex = new SimExchange(config, faults);
  const held = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : '';
    const rawBody = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith('/__sim/')) {
      const r = admin(ex, method, url.pathname, rawBody);
      return send(res, r.status, r.body);
    }
    const params = new URLSearchParams(rawQuery + (rawQuery && rawBody ? '&' : '') + rawBody);
    const info: RequestInfo = {
      method,
      path: url.pathname,
      clientOrderId: params.get('newClientOrderId') ?? params.get('origClientOrderId') ?? undefined,
    };
    let record: CreateRecord | undefined;
    if (method === 'POST' && url.pathname === '/api/v3/order') {
      record = {
        seq: ex.creates.length + 1,
        time: ex.now(),
        clientOrderId: params.get('newClientOrderId') ?? undefined,
        params: Object.fromEntries(params),
        outcome: 'pending',
      };
      ex.creates.push(record);
    }
    const fault = faults.takeTransport(info);
    const executes =
      fault === undefined ||
      (fault.kind === 'status' && fault.execute === true) ||
      (fault.kind === 'hang' && fault.execute);
    let status = 200;
    let body: unknown = {};
    if (executes) {
      try {
        const reply = route(
          ex,
          { apiKey: config.apiKey, secret: config.secret },
          { method, path: url.pathname, rawQuery, rawBody, apiKey: req.headers['x-mbx-apikey'] as string | undefined },
          () => faults.takeOrder(info),
        );
        status = reply.status;
        body = reply.body;
        if (record) record.outcome = 'accepted';
        if (record && reply.orderId !== undefined) Object.assign(record, { orderId: reply.orderId });
      } catch (e) {
        if (!(e instanceof BinanceError)) throw e;
        status = e.status;
        body = { code: e.code, msg: e.message };
        if (record) record.outcome = `rejected ${e.code} ${e.message}`;
      }
    }
    if (fault?.kind === 'hang') {
      if (record)
        record.outcome = `${record.outcome === 'pending' ? 'not executed' : record.outcome}; fault hang (no reply)`;
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    if (fault?.kind === 'status') {
      if (record)
        record.outcome = `${record.outcome === 'pending' ? 'not executed' : record.outcome}; fault HTTP ${fault.status}`;
      return send(res, fault.status, fault.body ?? '');
    }
    const garbage = status === 200 && fault === undefined ? faults.takeReply(info) : undefined;
    if (garbage !== undefined) {
      const g = corruptReply(garbage.kind as ReplyFaultKind, body, (garbage as { asset?: string }).asset);
      res.writeHead(200, { 'content-type': g.contentType });
      return void res.end(g.text);
    }
    send(res, status, body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        send(res, 500, { code: -1000, msg: `simulator bug: ${e instanceof Error ? e.message : String(e)}` });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const base = `http://${host}:${addr.port}`;
  return {
    url: base,
    port: addr.port,
    apiKey: config.apiKey,
    secret: config.secret,
    exchange: ex,
    faults,
    setPrice: (symbol, price) => ex.setPrice(binanceSymbol(symbol), price),
    release: (id) => ex.release(id),
    createRequests: (id) => ex.creates.filter((c) => id === undefined || c.clientOrderId === id),
    state: () => snapshot(ex),
    stop: async () => {
      ex.stop();
      for (const r of held) r.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
