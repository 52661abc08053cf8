/**
 * JSON schemas of the routes: they validate requests (strictly: no type coercion, no silently dropped
 * fields) and are the source of the OpenAPI document. Responses are documented, not used to serialize
 * (the server sends JSON.stringify of what the route returns, so a field missing here is never dropped).
 */
import type {} from '@fastify/swagger';
import type { FastifySchema } from 'fastify';

const num = { type: 'number' } as const;
const nullableNum = { type: ['number', 'null'] } as const;
const weights = { type: 'object', additionalProperties: { type: 'number' } } as const;
const open = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: true,
});

export const errorSchema = open({ error: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } }, [
  'error',
  'message',
]);
const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema };

export const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['id'],
} as const;
export const limitQuery = {
  type: 'object',
  properties: { limit: { type: 'string', pattern: '^[0-9]{1,5}$', description: 'most recent N (default 100)' } },
  additionalProperties: false,
} as const;

export const portfolioView = open(
  {
    id: { type: 'string' },
    quote: { type: 'string' },
    venue: { type: 'string' },
    mode: { type: 'string', enum: ['dry-run', 'live'] },
    paused: { type: 'boolean' },
    pauseReason: { type: ['string', 'null'] },
    value: { ...nullableNum, description: 'in the quote, at the last cycle’s validated prices' },
    weights,
    target: weights,
    drift: { ...weights, description: 'current − target weight per asset' },
    bands: { type: ['object', 'null'], additionalProperties: { type: 'number' } },
    targetSource: open(
      {
        active: { type: 'string', enum: ['file', 'database'] },
        file: weights,
        database: { type: ['object', 'null'] },
      },
      ['active', 'file', 'database'],
    ),
    lastCycleAt: nullableNum,
    twr: nullableNum,
    hodlValue: nullableNum,
    guardsOff: { type: 'array', items: { type: 'string' } },
    consecutiveFailures: num,
  },
  ['id', 'value', 'weights', 'target', 'drift', 'targetSource'],
);

export const reviewPlan = open(
  {
    id: { type: 'string' },
    hash: { type: 'string', description: 'SHA-256 of the plan’s canonical JSON' },
    expiresAt: { ...num, description: 'ms since the epoch; execute before this' },
    plan: { type: 'object' },
    prices: weights,
  },
  ['id', 'hash', 'expiresAt', 'plan'],
);

const list = (description: string) => ({ type: 'array', description, items: { type: 'object' } });

type RouteDoc = FastifySchema & { summary: string; tags: string[]; response: Record<string, unknown> };

const doc = (tags: string, summary: string, ok: unknown, extra: Partial<RouteDoc> = {}): RouteDoc => ({
  summary,
  tags: [tags],
  response: { 200: ok, ...errors },
  ...extra,
});

export const schemas = {
  health: doc('service', 'Liveness (no authentication; reveals nothing)', open({ status: { type: 'string' } }), {
    security: [] as { [key: string]: string[] }[],
  }),
  status: doc('service', 'Service status: start time, version, journal, each portfolio’s last decision', {
    type: 'object',
  }),
  portfolios: doc('portfolios', 'Every portfolio', { type: 'array', items: portfolioView }),
  portfolio: doc(
    'portfolios',
    'One portfolio: value, current and target weights, drift, target source',
    portfolioView,
    {
      params: idParams,
    },
  ),
  cycles: doc('journal', 'Cycles, most recent first, each with decision, reason and skipped trades', list('cycles'), {
    params: idParams,
    querystring: limitQuery,
  }),
  orders: doc('journal', 'Order intents, most recent first', list('orders'), {
    params: idParams,
    querystring: limitQuery,
  }),
  fills: doc('journal', 'Fills, most recent first', list('fills'), { params: idParams, querystring: limitQuery }),
  cashFlows: doc('journal', 'Deposits and withdrawals, oldest first', list('cash flows'), { params: idParams }),
  alerts: doc('journal', 'Alerts and their webhook delivery, most recent first', list('alerts'), {
    params: idParams,
    querystring: limitQuery,
  }),
  history: doc('portfolios', 'Value, HODL value and drift per cycle (dashboard charts)', list('points'), {
    params: idParams,
  }),
  pause: doc('control', 'Pause: no cycle trades until resumed', portfolioView, {
    params: idParams,
    body: {
      type: ['object', 'null'],
      properties: { reason: { type: 'string', maxLength: 500 } },
      additionalProperties: false,
    },
  }),
  resume: doc('control', 'Resume (also clears a kill-switch pause)', portfolioView, { params: idParams }),
  target: doc(
    'control',
    'New target weights, stored as a new target version (the database wins over the file)',
    {
      type: 'object',
    },
    {
      params: idParams,
      body: {
        type: 'object',
        properties: { target: { type: 'object', additionalProperties: { type: 'number' } } },
        required: ['target'],
        additionalProperties: false,
      },
    },
  ),
  cashFlow: (kind: string) =>
    doc(
      'control',
      `Record a ${kind} (idempotent per externalId or Idempotency-Key header)`,
      { type: 'object' },
      {
        params: idParams,
        body: {
          type: 'object',
          properties: {
            asset: { type: 'string', minLength: 1 },
            quantity: { type: 'number', exclusiveMinimum: 0 },
            externalId: { type: 'string' },
          },
          required: ['asset', 'quantity'],
          additionalProperties: false,
        },
      },
    ),
  plan: doc('plans', 'Plan for review: id, hash and expiry; nothing is traded', reviewPlan, { params: idParams }),
  basket: doc(
    'portfolios',
    "A basket portfolio's on-chain view: NAV per share at the basket's validated feeds, weights vs targets, profile, pending change, last rebalances (null for other venues)",
    open({ basket: { type: ['object', 'null'] } }),
    { params: idParams },
  ),
  lending: doc(
    'portfolios',
    "A lending position's last reading: LTV, health factor and its floor, collateral and debt values in the debt asset, the loan its rebalance would take (null for other venues, or before the first reading)",
    open({ lending: { type: ['object', 'null'] } }),
    { params: idParams },
  ),
  pendingPlan: doc(
    'plans',
    'The pending plan awaiting approval (404 when none)',
    { type: 'object' },
    { params: idParams },
  ),
  execute: doc(
    'plans',
    'Execute exactly this plan; refused (409, or 410 when expired) if it expired, was decided, or prices moved',
    open({ executed: { type: 'boolean' }, reason: { type: 'string' }, plan: { type: 'object' } }),
    {
      params: idParams,
      body: {
        type: ['object', 'null'],
        properties: { hash: { type: 'string', description: 'optional: refuse unless the plan still has this hash' } },
        additionalProperties: false,
      },
      response: { 200: { type: 'object' }, 409: errorSchema, 410: errorSchema, 404: errorSchema, 401: errorSchema },
    },
  ),
  events: doc(
    'live',
    'Server-sent events: `cycle` and `alert` (text/event-stream)',
    { type: 'string' },
    {
      querystring: {
        type: 'object',
        properties: { portfolio: { type: 'string' } },
        additionalProperties: false,
      },
    },
  ),
  metrics: doc('service', 'Prometheus metrics (text exposition format)', { type: 'string' }),
  dashboard: doc(
    'dashboard',
    'The dashboard page (HTML); `?token=` opens a session cookie',
    { type: 'string' },
    {
      querystring: { type: 'object', properties: { token: { type: 'string' } }, additionalProperties: false },
    },
  ),
};
