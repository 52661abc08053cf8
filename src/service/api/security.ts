/**
 * Request guards: bearer token (or dashboard cookie) on every route not marked public, CORS only for
 * configured origins, and defensive headers on every response.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from './auth.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No authentication (only /health). */
    public?: boolean;
    /** The route authenticates the request itself (the dashboard page answers with its sign-in form). */
    selfAuth?: boolean;
  }
}

export interface SecurityOptions {
  readonly auth: Authenticator;
  readonly cors: readonly string[];
}

export function registerSecurity(app: FastifyInstance, o: SecurityOptions): void {
  const allowed = new Set(o.cors);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cache-control', 'no-store');
    const origin = req.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      if (req.method === 'OPTIONS') {
        // Preflights carry no credentials by design; answering them reveals nothing.
        reply
          .header('access-control-allow-methods', 'GET, POST, PUT, OPTIONS')
          .header('access-control-allow-headers', 'authorization, content-type, idempotency-key')
          .header('access-control-max-age', '600')
          .code(204)
          .send();
        return reply;
      }
    }
    const cfg = req.routeOptions.config;
    if (cfg?.public === true || cfg?.selfAuth === true) return;
    if (!o.auth.check(req.headers)) {
      reply.code(401).header('www-authenticate', 'Bearer realm="ballast"').send({
        error: 'unauthorized',
        message: 'missing or wrong token: send the header Authorization: Bearer <token>',
      });
      return reply;
    }
  });
}
