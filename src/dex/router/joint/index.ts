/** Joint routing of a whole rebalance as one convex problem (issue #18; docs/dex-routing.md). */
export { type Market, type MarketPool, prepareMarket } from './market.ts';
export { routeJoint } from './route-joint.ts';
export * from './types.ts';
