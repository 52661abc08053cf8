import { type TriggerConfig, triggerSchema } from '../../core/config/trigger-schema.ts';
import { BallastError, type Next } from '../../core/errors.ts';
import type { PlanMode } from '../../core/planner/context.ts';
import type { StrategySpec, TargetRule } from './types.ts';

/** Lookback (bars) of the trailing covariance behind dynamic targets, unless the name gives one. */
export const DEFAULT_LOOKBACK = 90;

export const STRATEGY_HELP = `Strategies (repeat --strategy; names are kept as typed):
  hodl                          buy at bar 0, never rebalance
  calendar:day|week|month|quarter
  band:<abs>                    e.g. band:0.05 (|w−t| > 5 points)
  relband:<rel>                 e.g. relband:0.25 (|w−t|/t > 25%)
  hybrid:<period>:<band>        e.g. hybrid:month:0.05 (calendar bar AND band breach)
  vol:<base>[:<exponent>]       volatility-adaptive band, e.g. vol:0.05:-1 (default exponent −1)
  costaware[:<gamma>[:<horizon>]]  trade when ½γH(w−t)ᵀΣ(w−t)V > cost (defaults 1, 30)
  optband[@ewma|garch|har|hmm][:kappa=K,fixed=F,refit=R,lambda=L,warmup=W,bars=B]
                                bands h = (3cs²/(2κ))^(1/3) on forecast volatility (docs/bands.md),
                                e.g. optband, optband@garch:kappa=2; trades to the band edge unless +full
Suffixes:
  +edge | +auto | +full         rebalance to the band edge / whichever of full and edge has the
                                larger benefit − cost / to the target (default full, optband edge);
                                band, relband, hybrid, vol, optband only
Dynamic targets (prefix, recomputed at each rebalance from the trailing window):
  ew@<trigger> | invvol@<trigger> | erc@<trigger> | minvar@<trigger>   e.g. erc@calendar:month
  <rule>/<lookback>@<trigger>  e.g. minvar/60@calendar:month (default lookback ${DEFAULT_LOOKBACK} bars)
  file@<trigger>                weights from --weights FILE (date,asset,weight)`;

export class StrategyError extends BallastError {
  static override readonly next: Next = 'fix-usage';
  override readonly name = 'StrategyError';
}

const num = (name: string, s: string | undefined, what: string): number => {
  const x = s === undefined ? Number.NaN : Number(s);
  if (!Number.isFinite(x))
    throw new StrategyError(`strategy ${JSON.stringify(name)}: ${what} ${JSON.stringify(s ?? '')} is not a number`);
  return x;
};

/** Parameters each trigger name takes after its kind (`hybrid:month:0.05` → 2); more is an error. */
const MAX_PARAMS: Readonly<Record<string, number>> = {
  hodl: 0,
  calendar: 1,
  band: 1,
  relband: 1,
  hybrid: 2,
  vol: 2,
  voladaptive: 2,
  costaware: 2,
  optband: 1,
};

/** optband's `key=value` parameters → its config fields. */
const OPTBAND_KEYS: Readonly<Record<string, string>> = {
  kappa: 'kappa',
  fixed: 'fixedCost',
  refit: 'refitEvery',
  lambda: 'lambda',
  warmup: 'warmup',
  bars: 'barsPerYear',
};

function optbandRaw(name: string, kind: string, params: string | undefined): Record<string, unknown> {
  const [, vol, ...more] = kind.split('@');
  if (more.length > 0 || (vol !== undefined && !['ewma', 'garch', 'har', 'hmm'].includes(vol)))
    throw new StrategyError(
      `strategy ${JSON.stringify(name)}: unknown volatility model ${JSON.stringify(kind.slice(8))} (ewma, garch, har, hmm)`,
    );
  const raw: Record<string, unknown> = { type: 'optband', ...(vol !== undefined ? { vol } : {}) };
  for (const kv of params === undefined ? [] : params.split(',')) {
    const [k, v, ...rest] = kv.split('=');
    const field = OPTBAND_KEYS[k ?? ''];
    if (field === undefined || rest.length > 0)
      throw new StrategyError(
        `strategy ${JSON.stringify(name)}: unknown optband parameter ${JSON.stringify(kv)} (${Object.keys(OPTBAND_KEYS).join(', ')}, as key=value)`,
      );
    if (field in raw) throw new StrategyError(`strategy ${JSON.stringify(name)}: ${k} is given twice`);
    raw[field] = num(name, v, k!);
  }
  return raw;
}

function parseTrigger(name: string, body: string): TriggerConfig | 'hodl' {
  const [kind, a, b, ...extra] = body.split(':');
  const max = MAX_PARAMS[kind?.startsWith('optband@') ? 'optband' : (kind ?? '')];
  if (max !== undefined && (extra.length > 0 || (max < 2 && b !== undefined) || (max < 1 && a !== undefined)))
    throw new StrategyError(
      `strategy ${JSON.stringify(name)}: too many ":" parameters for ${kind} (it takes ${max}); see \`ballast backtest --help\``,
    );
  let raw: unknown;
  switch (kind) {
    case 'hodl':
      return 'hodl';
    case 'calendar':
      raw = { type: 'calendar', period: a };
      break;
    case 'band':
    case 'relband':
      raw = { type: kind, band: num(name, a, 'band') };
      break;
    case 'hybrid':
      raw = { type: 'hybrid', period: a, band: num(name, b, 'band') };
      break;
    case 'vol':
    case 'voladaptive':
      raw = {
        type: 'voladaptive',
        base: num(name, a, 'base band'),
        ...(b !== undefined ? { exponent: num(name, b, 'exponent') } : {}),
      };
      break;
    case 'costaware':
      raw = {
        type: 'costaware',
        ...(a !== undefined ? { riskAversion: num(name, a, 'risk aversion') } : {}),
        ...(b !== undefined ? { horizon: num(name, b, 'horizon') } : {}),
      };
      break;
    default:
      if (kind === 'optband' || kind?.startsWith('optband@')) {
        raw = optbandRaw(name, kind, a);
        break;
      }
      throw new StrategyError(`unknown strategy ${JSON.stringify(name)}; see \`ballast backtest --help\``);
  }
  const r = triggerSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new StrategyError(
      `strategy ${JSON.stringify(name)}: ${i.path.join('.')}: ${i.message.replace(/^Invalid input: /, '')}`,
    );
  }
  return r.data;
}

/** Parses a strategy name as documented in STRATEGY_HELP. `file@…` needs `weights` (a parsed schedule). */
export function parseStrategy(name: string, weights?: TargetRule & { kind: 'file' }): StrategySpec {
  let body = name.trim();
  let mode: PlanMode | undefined;
  const plus = body.lastIndexOf('+');
  if (plus > 0) {
    const m = body.slice(plus + 1);
    if (m !== 'edge' && m !== 'auto' && m !== 'full')
      throw new StrategyError(`strategy ${JSON.stringify(name)}: unknown mode +${m} (edge, auto)`);
    mode = m;
    body = body.slice(0, plus);
  }
  let targets: TargetRule = { kind: 'fixed' };
  const at = body.indexOf('@');
  // `optband@garch` names a forecaster, not a target rule: only a target rule's name opens a prefix.
  if (at >= 0 && !body.startsWith('optband@')) {
    const [rule, lb] = body.slice(0, at).split('/');
    body = body.slice(at + 1);
    const lookback = lb === undefined ? DEFAULT_LOOKBACK : num(name, lb, 'lookback');
    if (rule === 'file') {
      if (!weights) throw new StrategyError(`strategy ${JSON.stringify(name)} needs --weights FILE`);
      targets = weights;
    } else if (rule === 'ew' || rule === 'invvol' || rule === 'erc' || rule === 'minvar') {
      targets = { kind: rule === 'ew' ? 'equal' : rule, lookback: Math.max(2, Math.floor(lookback)) };
    } else {
      throw new StrategyError(
        `strategy ${JSON.stringify(name)}: unknown target rule ${JSON.stringify(rule)} (ew, invvol, erc, minvar, file)`,
      );
    }
  }
  const trigger = parseTrigger(name, body);
  // optband's width is optimal for trading to the band's edge (docs/bands.md); +full asks for the target.
  if (mode === undefined) mode = trigger !== 'hodl' && trigger.type === 'optband' ? 'edge' : 'full';
  if (trigger !== 'hodl' && trigger.type === 'optband' && targets.kind !== 'fixed')
    throw new StrategyError(
      `strategy ${JSON.stringify(name)}: optband takes the fixed target (its variance rates are for that target)`,
    );
  // Without a band there is no edge: the plan would silently be `full` under a `+edge` label.
  if (mode !== 'full' && (trigger === 'hodl' || trigger.type === 'calendar' || trigger.type === 'costaware'))
    throw new StrategyError(
      `strategy ${JSON.stringify(name)}: +${mode} needs a band (band, relband, hybrid, vol, optband); ${trigger === 'hodl' ? 'hodl' : trigger.type} has none`,
    );
  if (trigger === 'hodl' && targets.kind !== 'fixed')
    throw new StrategyError(`strategy ${JSON.stringify(name)}: hodl never rebalances, so it takes no dynamic target`);
  return { name, trigger, mode, targets };
}
