import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { checkConfigFees } from '../../core/config/fee-limit.ts';
import { parsePortfolio } from '../../core/config/parse.ts';
import { type CycleDecision, decideCycle } from '../../core/cycle-decision.ts';
import { compilePortfolio, type Decision, decideAndPlan } from '../../core/decide.ts';
import type { PlanMode } from '../../core/planner/context.ts';
import { makeSnapshot } from '../../core/snapshot.ts';
import { parseTime, readAssetMap, readDocument, UsageError } from '../io.ts';
import { fmtNum, fmtPct, fmtQty, table } from '../table.ts';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');

interface PlanOpts {
  config?: string;
  balances?: string;
  prices?: string;
  mode: string;
  last?: string;
  now?: string;
  json?: boolean;
  example?: boolean;
  allowHighFees?: boolean;
}

/** The JSON shape of `ballast plan --json` (exactly these keys). */
export function planJson(d: Decision, verdict: CycleDecision, trigger?: string) {
  const notes = d.plan.notes.length > 0 ? `; ${d.plan.notes.join('; ')}` : '';
  return {
    rebalance: verdict.kind === 'execute',
    reason: verdictReason(d, verdict, trigger) + notes,
    /** The planner mode the plan was made in: `auto` says which of full and edge it chose. */
    mode: d.plan.mode,
    trades: d.plan.trades.map((t) => ({
      asset: t.asset,
      side: t.side,
      quantity: t.quantity,
      notional: t.notional,
      cost: t.cost,
    })),
    skipped: d.plan.skipped.map((s) => ({ asset: s.asset, reason: s.reason })),
    before: d.plan.before,
    after: d.plan.after,
    cost: d.plan.cost,
  };
}

export function runPlan(o: PlanOpts): { text: string; json: ReturnType<typeof planJson> } {
  const files = o.example
    ? {
        config: join(examples, 'portfolio.yaml'),
        balances: join(examples, 'balances.json'),
        prices: join(examples, 'prices.json'),
      }
    : { config: o.config, balances: o.balances, prices: o.prices };
  for (const k of ['config', 'balances', 'prices'] as const) {
    if (!files[k]) throw new UsageError(`missing --${k} (or use --example for the bundled example)`);
  }
  if (!['full', 'edge', 'auto'].includes(o.mode))
    throw new UsageError(`--mode: expected full, edge or auto, got ${JSON.stringify(o.mode)}`);
  const config = parsePortfolio(readDocument(files.config!), files.config!);
  checkConfigFees(config.costs, files.config!, o.allowHighFees === true);
  const compiled = compilePortfolio(config);
  const snap = makeSnapshot(compiled.ctx.u, config.ignore, readAssetMap(files.balances!), readAssetMap(files.prices!), {
    balances: files.balances!,
    prices: files.prices!,
  });
  const needsDates = config.trigger?.type === 'calendar' || config.trigger?.type === 'hybrid';
  if (needsDates && (o.last === undefined || o.now === undefined)) {
    throw new UsageError(
      `the ${config.trigger!.type} trigger needs --last DATE (the previous rebalance check) and --now DATE`,
    );
  }
  const now = o.now === undefined ? Number.NaN : parseTime(o.now, '--now');
  const last = o.last === undefined ? Number.NaN : parseTime(o.last, '--last');
  compiled.trigger.observe(snap.prices);
  const d = decideAndPlan(compiled, snap, o.mode as PlanMode, now, last);
  const verdict = offlineVerdict(d);
  const json = planJson(d, verdict, config.trigger?.type);
  return {
    text: render(
      d,
      verdict,
      verdictReason(d, verdict, config.trigger?.type),
      compiled.ctx.u.target,
      compiled.ctx.u.assets,
      config.quote,
    ),
    json,
  };
}

/**
 * REBALANCE is said plainly only when the plan's cost-aware benefit (`planBenefit`: the drop of the
 * tracking loss the `costaware` trigger weighs) exceeds its estimated cost; otherwise the reason says so,
 * and why it still rebalances (issue #16).
 */
function verdictReason(d: Decision, verdict: CycleDecision, trigger: string | undefined): string {
  if (verdict.kind !== 'execute' || d.benefit > d.plan.cost) return verdict.reason;
  const why =
    trigger === undefined
      ? 'no trigger is set, so a plan on demand rebalances'
      : `the ${trigger} trigger fired${trigger === 'costaware' ? '' : ' (a costaware trigger weighs the two)'}`;
  return `${verdict.reason}; the estimated benefit ${d.benefit.toFixed(2)} is not above the estimated cost ${d.plan.cost.toFixed(2)}: it rebalances because ${why}`;
}

/**
 * The core's cycle decision (issue #13) for an offline plan: no journal, so nothing paused, no unknown
 * leg, no order resting at a venue, no cooldown, live. The verdict is the one the service would reach on the same snapshot; it says
 * REBALANCE only when there is something to send (a trigger that fires on a plan whose every trade is
 * skipped holds). The plan itself is always shown, for review.
 */
function offlineVerdict(d: Decision): CycleDecision {
  return decideCycle({
    now: 0,
    state: { paused: false, pauseReason: null, lastRebalanceAt: null, unknownLegs: false, restingLegs: [] },
    policy: { mode: 'live', cooldownMs: 0 },
    trigger: { rebalance: d.decision.rebalance, reason: d.decision.reason, inflow: false },
    plan: () => d.plan,
    approved: false,
  });
}

function render(
  d: Decision,
  verdict: CycleDecision,
  reason: string,
  target: Float64Array,
  assets: readonly string[],
  quote: string,
): string {
  const trades = new Map(d.plan.trades.map((t) => [t.asset, t]));
  const rows = assets.map((a, i) => {
    const t = trades.get(a);
    const w = d.plan.before[a] ?? 0;
    return [
      a,
      fmtPct(w),
      fmtPct(target[i]!),
      fmtPct(w - target[i]!),
      t?.side ?? '',
      fmtQty(t?.quantity ?? 0),
      t ? fmtNum(t.notional) : '',
      t ? fmtNum(t.cost) : '',
    ];
  });
  const out = [
    `${verdict.kind === 'execute' ? 'REBALANCE' : 'hold'}: ${reason}`,
    '',
    table(['asset', 'weight', 'target', 'drift', 'side', 'quantity', `notional (${quote})`, 'est. cost'], rows),
    '',
    `value ${fmtNum(d.plan.value)} ${quote}; ${d.plan.trades.length} trade(s), turnover ${fmtNum(d.plan.trades.reduce((s, t) => s + t.notional, 0))}, est. cost ${fmtNum(d.plan.cost)}; value after ${fmtNum(d.plan.valueAfter)} (mode ${d.plan.mode})`,
  ];
  for (const n of d.plan.notes) out.push(`note: ${n}`);
  for (const s of d.plan.skipped) out.push(`skipped ${s.asset}: ${s.reason}`);
  return out.join('\n');
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('plan the trades that bring a portfolio back to its target')
    .option('--config <file>', 'portfolio file (YAML or JSON)')
    .option('--balances <file>', 'balances JSON: { "BTC": 1.25, "USDT": 1500 } (quantities)')
    .option('--prices <file>', 'prices JSON: { "BTC": 60000 } (in the quote)')
    .option('--mode <mode>', 'full | edge | auto', 'full')
    .option('--last <date>', 'time of the previous check (calendar triggers)')
    .option('--now <date>', 'time of this check (calendar triggers)')
    .option('--json', 'print one JSON object')
    .option('--example', 'use the bundled example portfolio, balances and prices')
    .option(
      '--allow-high-fees',
      'accept config fees above 1,000 bps (10%) per trade (refused otherwise: likely a typo)',
    )
    .action((o: PlanOpts) => {
      const r = runPlan(o);
      process.stdout.write(o.json ? `${JSON.stringify(r.json)}\n` : `${r.text}\n`);
    });
}
