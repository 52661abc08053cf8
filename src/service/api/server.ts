/**
 * The HTTP API and dashboard server (fastify 5). Secure by default: listens on 127.0.0.1, every route
 * but /health needs the bearer token, a non-loopback address without a token is refused, no CORS
 * unless origins are configured, errors never carry internals, logs go through the redacting logger.
 */

import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { registerDashboard } from '../dashboard/routes.ts';
import type { ServiceFacade } from '../facade.ts';
import { type Logger, redactText, redactUrl } from '../logger.ts';
import { type MetricsOptions, ServiceMetrics } from '../metrics.ts';
import { authenticator, checkApiExposure, generateToken } from './auth.ts';
import type { RouteContext } from './context.ts';
import { RateLimitedError, toHttpError } from './errors.ts';
import { HistoryStore } from './history.ts';
import { registerReadRoutes } from './routes-read.ts';
import { registerWriteRoutes } from './routes-write.ts';
import { registerSecurity } from './security.ts';
import { registerEvents } from './sse.ts';

export interface ApiOptions {
  /** Default 127.0.0.1. Any other than a loopback address needs a token. */
  readonly host?: string;
  /** Default 8787; 0 picks a free port (tests). */
  readonly port?: number;
  /** The bearer token (see loadApiToken). On loopback without one, a random token is generated. */
  readonly token?: string;
  /** Origins allowed to call the API from a browser; none by default. */
  readonly cors?: readonly string[];
  readonly logger?: Logger;
  /** Metrics to export; created when absent. */
  readonly metrics?: ServiceMetrics;
  /** `serve --workers`: every worker's figures from the shared database, in /metrics (see MetricsOptions). */
  readonly workerFigures?: MetricsOptions['workers'];
  /** Feed the metrics from facade.onCycle/onAlert (default true; false when the caller feeds them). */
  readonly feedMetrics?: boolean;
  readonly sseHeartbeatMs?: number;
  /** The clock dashboard sessions are issued and expired by (ms since the epoch); default Date.now. */
  readonly now?: () => number;
  /** Dashboard session lifetime in seconds (cookie Max-Age and the server's limit); default 12 hours. */
  readonly sessionMaxAgeS?: number;
}

export interface ApiServer {
  readonly app: FastifyInstance;
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  /** The token in force; `generated` when none was configured (loopback only). Never log it. */
  readonly token: string;
  readonly generatedToken: boolean;
  readonly metrics: ServiceMetrics;
  close(): Promise<void>;
}

/** Builds the server without listening (for inject-style use); createApi also listens. */
export async function buildApi(
  facade: ServiceFacade,
  options: ApiOptions = {},
): Promise<{
  app: FastifyInstance;
  token: string;
  generatedToken: boolean;
  metrics: ServiceMetrics;
  detach: () => void;
}> {
  const host = options.host ?? '127.0.0.1';
  const configured = options.token?.trim();
  checkApiExposure(host, configured);
  const generatedToken = configured === undefined || configured === '';
  const token = generatedToken ? generateToken() : configured;

  const metrics =
    options.metrics ??
    new ServiceMetrics({
      views: () => Promise.all(facade.portfolioIds().map((id) => facade.portfolio(id))),
      workers: options.workerFigures,
      solver: () => facade.solverStatus?.() ?? null,
    });
  const history = new HistoryStore(facade);
  const offs = [
    facade.onCycle((e) => {
      const note = async () => {
        await history.record(e);
        if (options.feedMetrics !== false) metrics.observeCycle(e, await facade.portfolio(e.portfolioId));
      };
      note().catch((err: unknown) =>
        options.logger?.warn({ err, portfolio: e.portfolioId }, 'api: could not record a cycle event'),
      );
    }),
    facade.onAlert((e) => {
      if (options.feedMetrics !== false) metrics.observeAlert(e);
    }),
  ];

  const app = Fastify({
    ...(options.logger === undefined
      ? { logger: false }
      : { loggerInstance: options.logger.child({ component: 'api' }) as FastifyBaseLogger }),
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    bodyLimit: 64 * 1024,
    forceCloseConnections: true,
  });
  // Responses are JSON.stringify of the route's value: schemas document them, they never filter them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation !== undefined) {
      const v = err.validation[0];
      const params = (v?.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
      const path = `${err.validationContext ?? 'body'}${(v?.instancePath ?? '').replaceAll('/', '.')}`;
      const sub = params.missingProperty ?? params.additionalProperty;
      // A field name is echoed: masked like a logged URL (`?token%3D…` makes the token a query key).
      const field = redactText((sub === undefined ? path : `${path}.${sub}`).replace(/^body\.?/, '') || 'body');
      const what = params.additionalProperty !== undefined ? 'is not a known field' : (v?.message ?? 'is invalid');
      return reply.code(400).send({ error: 'invalid_input', message: `${field}: ${what}`, field });
    }
    const { status, body } = toHttpError(err);
    if (status >= 500) req.log.error({ err }, 'api: request failed');
    return reply.code(status).send(body);
  });

  // Fastify's own 404 logs and answers the raw URL, query included (`Route GET:/x?token=… not found`):
  // this one names the path only, in the API's error shape.
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      error: 'not_found',
      message: `no route ${req.method} ${redactUrl(req.url.split('?')[0] ?? '')}`,
    }),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Ballast service API', version: (await facade.status()).version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  // Routes opt in (config.rateLimit): sign-in attempts are limited per address (POST /session).
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new RateLimitedError(Math.ceil(ctx.ttl / 1000)),
  });
  const auth = authenticator(token, { now: options.now, sessionMaxAgeS: options.sessionMaxAgeS });
  registerSecurity(app, { auth, cors: options.cors ?? [] });
  const ctx: RouteContext = { facade, metrics, history };
  registerReadRoutes(app, ctx);
  registerWriteRoutes(app, ctx);
  registerEvents(app, ctx, options.sseHeartbeatMs ?? 15_000);
  registerDashboard(app, { auth });
  app.get('/openapi.json', { schema: { summary: 'This OpenAPI 3 document', tags: ['service'] } }, async () =>
    app.swagger(),
  );
  app.addHook('onClose', async () => {
    for (const off of offs) off();
  });
  return {
    app,
    token,
    generatedToken,
    metrics,
    detach: () => {
      for (const off of offs) off();
    },
  };
}

export async function createApi(facade: ServiceFacade, options: ApiOptions = {}): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  const built = await buildApi(facade, options);
  try {
    await built.app.listen({ host, port: options.port ?? 8787 });
  } catch (e) {
    await built.app.close();
    throw e;
  }
  const addr = built.app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : (options.port ?? 8787);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    app: built.app,
    url: `http://${shownHost}:${port}`,
    port,
    token: built.token,
    generatedToken: built.generatedToken,
    metrics: built.metrics,
    close: () => built.app.close(),
  };
}
