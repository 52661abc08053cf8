/** The forecasters by name, with the refit schedule `ballast vol evaluate` uses. */
import { ewmaModel } from './ewma.ts';
import { garchModel } from './garch.ts';
import { harModel } from './har.ts';
import { hmmModel } from './hmm.ts';
import { RollingForecaster, varianceKernel } from './online.ts';
import type { ForecastModelName, OnlineModel, RefitSchedule, VarianceKernel } from './types.ts';

export const MODEL_NAMES: readonly ForecastModelName[] = ['ewma', 'garch', 'har', 'hmm'];

/** GARCH, HAR and the HMM refit every 20 returns on an expanding window; EWMA is fitted once. */
export const DEFAULT_SCHEDULE: RefitSchedule = { refitEvery: 20, window: 0 };

export function onlineModel(name: ForecastModelName, lambda?: number): OnlineModel<unknown> {
  switch (name) {
    case 'ewma':
      return ewmaModel(lambda) as OnlineModel<unknown>;
    case 'garch':
      return garchModel as OnlineModel<unknown>;
    case 'har':
      return harModel as OnlineModel<unknown>;
    case 'hmm':
      return hmmModel as OnlineModel<unknown>;
  }
}

/** EWMA never refits (its seed is the first 30 returns); the others follow `schedule`. */
export function scheduleFor(name: ForecastModelName, schedule: RefitSchedule = DEFAULT_SCHEDULE): RefitSchedule {
  return name === 'ewma' ? { refitEvery: 0, window: 0 } : schedule;
}

export function forecaster(
  name: ForecastModelName,
  schedule?: RefitSchedule,
  firstFit?: number,
): RollingForecaster<unknown> {
  const model = onlineModel(name);
  return new RollingForecaster(model, scheduleFor(name, schedule), Math.max(firstFit ?? 0, model.minReturns));
}

export function kernelFor(name: ForecastModelName, n: number, schedule?: RefitSchedule): VarianceKernel {
  return varianceKernel(onlineModel(name), n, scheduleFor(name, schedule));
}
