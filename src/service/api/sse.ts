/**
 * GET /events: server-sent events. `event: cycle` (the runner's cycle event plus the portfolio's view
 * after it) and `event: alert`, each with an increasing id; a comment line every heartbeat keeps
 * proxies from closing an idle stream. `?portfolio=ID` filters. Streams are ended when the server closes.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.ts';
import { schemas } from './schemas.ts';

export function registerEvents(app: FastifyInstance, ctx: RouteContext, heartbeatMs: number): void {
  const streams = new Set<ServerResponse>();
  let seq = 0;

  app.addHook('preClose', async () => {
    for (const s of streams) s.end();
    streams.clear();
  });

  app.get<{ Querystring: { portfolio?: string } }>('/events', { schema: schemas.events }, (req, reply) => {
    const only = req.query.portfolio;
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    raw.write('retry: 3000\n\n');
    streams.add(raw);
    const send = (event: string, data: unknown) => {
      if (!raw.writableEnded) raw.write(`event: ${event}\nid: ${++seq}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const offCycle = ctx.facade.onCycle((e) => {
      if (only !== undefined && e.portfolioId !== only) return;
      // the event alone is still worth sending when its view cannot be read
      void ctx.facade
        .portfolio(e.portfolioId)
        .catch(() => null)
        .then((view) => send('cycle', { ...e, view }));
    });
    const offAlert = ctx.facade.onAlert((e) => {
      if (only === undefined || e.portfolioId === only) send('alert', e);
    });
    const beat = setInterval(() => raw.write(': ping\n\n'), heartbeatMs);
    beat.unref();
    const done = () => {
      clearInterval(beat);
      offCycle();
      offAlert();
      streams.delete(raw);
    };
    raw.on('close', done);
    req.raw.on('close', done);
  });
}
