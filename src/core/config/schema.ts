import { z } from 'zod';
import { triggerSchema } from './trigger-schema.ts';

const nonneg = z.number().finite().nonnegative();

export const assetCostSchema = z.strictObject({
  /** Per-bar volatility of the asset (e.g. 0.03 for 3% daily). */
  sigma: nonneg.optional(),
  /** Average daily traded value, in the quote. */
  adv: z.number().finite().positive().optional(),
  /** Overrides of the portfolio-wide fee and half-spread for this asset. */
  feeBps: nonneg.optional(),
  halfSpreadBps: nonneg.optional(),
});

export const costsSchema = z.strictObject({
  feeBps: nonneg.default(0),
  halfSpreadBps: nonneg.default(0),
  /** Coefficient of the square-root impact law: cost(q) = impact·σ·√(q/ADV)·q. */
  impact: nonneg.default(0),
  fixedPerOrder: nonneg.default(0),
  assets: z.record(z.string(), assetCostSchema).default({}),
});

export const assetConstraintSchema = z.strictObject({
  minNotional: nonneg.optional(),
  lotStep: nonneg.optional(),
  /** Quantity that is never sold or spent (it still counts in value). */
  reserve: nonneg.optional(),
});

export const constraintsSchema = z.strictObject({
  /** Largest Σ|notional| of one plan as a fraction of portfolio value. */
  maxTurnover: z.number().finite().positive().optional(),
  assets: z.record(z.string(), assetConstraintSchema).default({}),
});

export const portfolioShape = {
  quote: z.string().min(1),
  target: z.record(z.string().min(1), z.number().finite().min(0).max(1)),
  trigger: triggerSchema.optional(),
  costs: costsSchema.default({ feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} }),
  constraints: constraintsSchema.default({ assets: {} }),
  ignore: z.array(z.string().min(1)).default([]),
};

/** The portfolio file: strict (unknown fields are errors); later issues extend it with `.extend()`. */
export const portfolioSchema = z.strictObject(portfolioShape);

export type PortfolioInput = z.input<typeof portfolioSchema>;
export type PortfolioConfig = z.output<typeof portfolioSchema>;
export type CostsConfig = z.output<typeof costsSchema>;
export type ConstraintsConfig = z.output<typeof constraintsSchema>;
