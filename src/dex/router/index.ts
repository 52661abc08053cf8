export type { BaselineOptions, BaselineRoute, BaselineSplit } from './baseline.ts';
export { baselineRoute } from './baseline.ts';
export { InsufficientLiquidityError, NoRouteError, RouteRequestError } from './errors.ts';
export { formatRoute, formatUnits } from './format.ts';
export type { GainOptions, GainRow } from './gain.ts';
export { gainOverBaseline, pairLiquidity } from './gain.ts';
export { gasUnitCost, route } from './route.ts';
export type { Certificate, Route, RouteLeg, RouteRequest } from './types.ts';
