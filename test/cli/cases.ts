/** The bad-input table of issue #16: every bad case, and the near-misses that must succeed. */
import type { BadCase } from './case-kit.ts';
import { COMPUTE } from './cases-compute.ts';
import { NEAR } from './cases-near.ts';
import { OPS } from './cases-ops.ts';

export type { BadCase, Ctx, NearMiss } from './case-kit.ts';
export const BAD: readonly BadCase[] = [...COMPUTE, ...OPS];
export { NEAR };
