/**
 * The dashboard: GET / serves the page to an authenticated browser. Sign-in choice: the token is given
 * once (`/?token=…` link, or the sign-in form, which POSTs it to /session) and exchanged for an HttpOnly
 * SameSite=Strict cookie, then the browser is redirected to a clean `/`. Why a cookie rather than a
 * token in sessionStorage: EventSource (live updates) cannot send an Authorization header; an HttpOnly
 * cookie is out of reach of page scripts (an XSS cannot read it); SameSite=Strict keeps other sites
 * from riding on it (no CSRF on the POST routes); and the redirect drops the token from the address bar.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../api/auth.ts';
import { schemas } from '../api/schemas.ts';
import '../api/security.ts';
import { CLIENT_JS } from './client.ts';
import { dashboardPage, signInPage } from './page.ts';

let echarts: Buffer | null = null;
function echartsSource(): Buffer {
  echarts ??= readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'));
  return echarts;
}

/** Sign-in attempts (POST /session) one address may make per minute before 429 rate_limited. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

const isHttps = (req: FastifyRequest) => req.protocol === 'https';

function signIn(reply: FastifyReply, message: string | null): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  return reply
    .code(401)
    .header('content-type', 'text/html; charset=utf-8')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'`,
    )
    .send(signInPage(nonce, message));
}

function openSession(auth: Authenticator, req: FastifyRequest, reply: FastifyReply, portfolio?: string): FastifyReply {
  const to = portfolio === undefined ? '/' : `/?portfolio=${encodeURIComponent(portfolio)}`;
  return reply
    .code(303)
    .header('set-cookie', auth.sessionCookie(isHttps(req)))
    .header('location', to)
    .send();
}

export function registerDashboard(app: FastifyInstance, o: { auth: Authenticator }): void {
  app.get<{ Querystring: { token?: string; portfolio?: string } }>(
    '/',
    {
      schema: {
        ...schemas.dashboard,
        querystring: {
          type: 'object',
          properties: { token: { type: 'string' }, portfolio: { type: 'string' } },
          additionalProperties: false,
        },
      },
      config: { selfAuth: true },
    },
    async (req, reply) => {
      const { token, portfolio } = req.query;
      if (token !== undefined) {
        if (o.auth.isToken(token)) return openSession(o.auth, req, reply, portfolio);
        return signIn(reply, 'That token is not right.');
      }
      if (!o.auth.check(req.headers)) return signIn(reply, null);
      const nonce = randomBytes(16).toString('base64');
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header(
          'content-security-policy',
          `default-src 'none'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
        )
        .send(dashboardPage(nonce));
    },
  );

  app.post<{ Body: { token?: string } }>(
    '/session',
    {
      schema: { summary: 'Sign in to the dashboard: form field `token` → session cookie', tags: ['dashboard'] },
      // Guessing the token is limited: 10 attempts a minute per address, then 429 rate_limited.
      config: { selfAuth: true, rateLimit: { max: SIGN_IN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const token = req.body?.token;
      if (typeof token === 'string' && o.auth.isToken(token.trim())) return openSession(o.auth, req, reply);
      return signIn(reply, 'That token is not right.');
    },
  );

  app.get(
    '/assets/echarts.min.js',
    { schema: { summary: 'echarts (the chart library)', tags: ['dashboard'] } },
    async (_req, reply) =>
      reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'private, max-age=86400')
        .send(echartsSource()),
  );
  app.get(
    '/assets/dashboard.js',
    { schema: { summary: 'The dashboard script', tags: ['dashboard'] } },
    async (_req, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').send(CLIENT_JS),
  );
}
