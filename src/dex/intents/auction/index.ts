/** The batch auction's pure math (issue #25 item 1). */
export * from './auction.ts';
export * from './clear.ts';
export * from './execute.ts';
