/** Seeded synthetic markets (correlated GBM and GARCH(1,1)) in the data layer's columnar form. */
export { CorrelationError, type CorrelationSpec, cholesky, correlationMatrix } from './cholesky.ts';
export { type GarchOptions, garchOmega, generateGarch } from './garch.ts';
export { type GbmOptions, generateGbm } from './gbm.ts';
export { type MarketShape, SyntheticParamError } from './params.ts';
export { SeedError, Xoshiro128 } from './prng.ts';
export { autocorrelation, correlation, logReturns, mean, variance } from './stats.ts';
