/** Set Protocol v2 on the local chain, for the side-by-side comparison of issue #21 item 4 (docs/benchmarks.md). */
export * from './abis.ts';
export * from './artifacts.ts';
export * from './create.ts';
export * from './deploy.ts';
export * from './index-rebalance.ts';
export * from './issue.ts';
export * from './targets.ts';
