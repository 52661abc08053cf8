/** Read-only routes: status, portfolios and what the journal holds about each. */
import type { FastifyInstance } from 'fastify';
import { limitOf, type RouteContext, requirePortfolio } from './context.ts';
import { schemas } from './schemas.ts';

type IdReq = { Params: { id: string }; Querystring: { limit?: string } };

export function registerReadRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { facade } = ctx;
  const journal = facade.store;

  app.get('/health', { schema: schemas.health, config: { public: true } }, async () => ({ status: 'ok' }));
  app.get('/status', { schema: schemas.status }, async () => facade.status());
  app.get('/portfolios', { schema: schemas.portfolios }, async () =>
    Promise.all(facade.portfolioIds().map((id) => facade.portfolio(id))),
  );
  app.get<IdReq>(
    '/portfolios/:id',
    { schema: schemas.portfolio },
    async (req) => await requirePortfolio(facade, req.params.id),
  );

  app.get<IdReq>('/portfolios/:id/cycles', { schema: schemas.cycles }, async (req) => {
    const id = req.params.id;
    await requirePortfolio(facade, id);
    const cycles = await journal.cycles.list(id, limitOf(req.query));
    const skipped = await journal.cycles.skipped(id);
    return cycles.map((c) => ({ ...c, skipped: skipped.filter((s) => s.cycle === c.cycle) }));
  });
  app.get<IdReq>('/portfolios/:id/orders', { schema: schemas.orders }, async (req) => {
    await requirePortfolio(facade, req.params.id);
    return await journal.orders.list(req.params.id, { limit: limitOf(req.query) });
  });
  app.get<IdReq>('/portfolios/:id/fills', { schema: schemas.fills }, async (req) => {
    await requirePortfolio(facade, req.params.id);
    return (await journal.orders.portfolioFills(req.params.id)).slice(-limitOf(req.query)).reverse();
  });
  app.get<IdReq>('/portfolios/:id/cash-flows', { schema: schemas.cashFlows }, async (req) => {
    await requirePortfolio(facade, req.params.id);
    return await journal.cashFlows.list(req.params.id);
  });
  app.get<IdReq>('/portfolios/:id/alerts', { schema: schemas.alerts }, async (req) => {
    await requirePortfolio(facade, req.params.id);
    return await journal.alerts.list({ portfolioId: req.params.id, limit: limitOf(req.query) });
  });
  app.get<IdReq>('/portfolios/:id/history', { schema: schemas.history }, async (req) => {
    await requirePortfolio(facade, req.params.id);
    return ctx.history.get(req.params.id);
  });
  app.get<IdReq>('/portfolios/:id/basket', { schema: schemas.basket }, async (req) => {
    await requirePortfolio(facade, req.params.id);
    return { basket: (await facade.basket?.(req.params.id)) ?? null };
  });
  app.get<IdReq>('/portfolios/:id/lending', { schema: schemas.lending }, async (req) => {
    await requirePortfolio(facade, req.params.id);
    return { lending: (await facade.lending?.(req.params.id)) ?? null };
  });
  app.get<IdReq>('/portfolios/:id/plan', { schema: schemas.pendingPlan }, async (req) => {
    await requirePortfolio(facade, req.params.id);
    return { pending: (await journal.plans.pending(req.params.id)) ?? null };
  });

  app.get('/metrics', { schema: schemas.metrics }, async (_req, reply) => {
    reply.header('content-type', ctx.metrics.contentType);
    return ctx.metrics.text();
  });
}
