/** Control routes: pause/resume, target changes, cash flows, review-then-execute plans. */
import type { FastifyInstance } from 'fastify';
import { PlanRefusedError } from '../review.ts';
import { type RouteContext, requirePortfolio } from './context.ts';
import { ApiError, notFound } from './errors.ts';
import { schemas } from './schemas.ts';
import { validateCashFlow, validateTarget } from './validate.ts';

type IdReq<B = unknown> = { Params: { id: string }; Body: B };

export function registerWriteRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { facade } = ctx;

  app.post<IdReq<{ reason?: string } | null>>('/portfolios/:id/pause', { schema: schemas.pause }, async (req) => {
    await requirePortfolio(facade, req.params.id);
    await facade.pause(req.params.id, req.body?.reason?.trim() || 'paused through the API');
    return facade.portfolio(req.params.id);
  });
  app.post<IdReq>('/portfolios/:id/resume', { schema: schemas.resume }, async (req) => {
    await requirePortfolio(facade, req.params.id);
    await facade.resume(req.params.id);
    return facade.portfolio(req.params.id);
  });

  app.put<IdReq<{ target: unknown }>>('/portfolios/:id/target', { schema: schemas.target }, async (req) => {
    const view = await requirePortfolio(facade, req.params.id);
    const target = validateTarget(req.body.target, view);
    const version = await facade.setTarget(req.params.id, target);
    return { version, portfolio: await facade.portfolio(req.params.id) };
  });

  for (const [path, kind] of [
    ['deposits', 'deposit'],
    ['withdrawals', 'withdrawal'],
  ] as const) {
    app.post<IdReq>(`/portfolios/:id/${path}`, { schema: schemas.cashFlow(kind) }, async (req, reply) => {
      const view = await requirePortfolio(facade, req.params.id);
      const key = req.headers['idempotency-key'];
      const r = validateCashFlow(req.body, view, typeof key === 'string' ? key : undefined);
      const flow = await facade.cashFlow(req.params.id, kind, r.asset, r.quantity, r.externalId);
      reply.code(201);
      return flow;
    });
  }

  app.post<IdReq>('/portfolios/:id/plan', { schema: schemas.plan }, async (req, reply) => {
    await requirePortfolio(facade, req.params.id);
    const plan = await facade.createPlan(req.params.id).catch((e: unknown) => {
      if (e instanceof PlanRefusedError) throw new ApiError(409, 'plan_refused', e.message);
      throw e;
    });
    reply.code(201);
    return plan;
  });

  app.post<IdReq<{ hash?: string } | null>>('/plans/:id/execute', { schema: schemas.execute }, async (req) => {
    const stored = await facade.store.plans.find(req.params.id);
    if (stored === undefined) throw notFound('plan', req.params.id);
    const hash = req.body?.hash;
    if (hash !== undefined && hash !== stored.hash)
      throw new ApiError(
        409,
        'plan_changed',
        `plan ${stored.id} has hash ${stored.hash}, not ${hash}; review it again`,
      );
    const r = await facade.executePlan(req.params.id);
    if (!r.executed) {
      const expired = r.plan.state === 'expired';
      if (r.conflict === true) throw new ApiError(409, 'plan_claimed', r.reason);
      throw new ApiError(expired ? 410 : 409, expired ? 'plan_expired' : 'plan_refused', r.reason);
    }
    return r;
  });
}
