import type { z } from 'zod';
import { InputError, type InputIssue, joinPath } from '../errors.ts';
import { type PortfolioConfig, portfolioSchema } from './schema.ts';

/** Weights must sum to 1 within this tolerance. */
export const WEIGHT_SUM_TOLERANCE = 1e-9;

/** zod issues → our one-line-per-problem issues, with messages that say what was expected. */
/**
 * A union none of whose branches matched: when exactly one branch got past the value's shape (its issues
 * lie inside the value, not a type or literal mismatch at its root), its issues are the useful ones
 * (`venue: { type: intents }` without `book` says `venue.book: …`, not `venue: Invalid input`).
 */
function unionBranch(i: z.core.$ZodIssue): z.core.$ZodIssue[] | null {
  if (i.code !== 'invalid_union' || 'discriminator' in i || !Array.isArray(i.errors)) return null;
  const deep = i.errors.filter((b) => b.length > 0 && b.some((x) => x.path.length > 0));
  if (deep.length !== 1) return null;
  return deep[0]!.map((x) => ({ ...x, path: [...i.path, ...x.path] }));
}

export function zodIssues(error: z.ZodError): InputIssue[] {
  const issues = error.issues.flatMap((i) => unionBranch(i) ?? [i]);
  return issues.map((i) => {
    const path = joinPath(i.path);
    if (i.code === 'unrecognized_keys') {
      const keys = i.keys.join(', ');
      return {
        path,
        message: `unknown field${i.keys.length > 1 ? 's' : ''} ${keys} (not part of the schema; see \`ballast schema\`)`,
      };
    }
    if (i.code === 'invalid_union' && 'discriminator' in i) {
      return { path, message: `${i.message}` };
    }
    return { path, message: i.message.replace(/^Invalid input: /, '') };
  });
}

/** Checks that need more than one field: sums, references to assets, incompatible options. */
export function portfolioIssues(p: PortfolioConfig): InputIssue[] {
  const issues: InputIssue[] = [];
  const targets = Object.keys(p.target);
  if (targets.length === 0) issues.push({ path: 'target', message: 'no assets, expected at least one weight' });
  const sum = targets.reduce((s, a) => s + p.target[a]!, 0);
  if (targets.length > 0 && Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
    issues.push({ path: 'target', message: `weights sum to ${+sum.toPrecision(12)}, expected 1` });
  }
  const universe = new Set([...targets, p.quote]);
  const known = (where: string, assets: Iterable<string>) => {
    for (const a of assets) {
      if (!universe.has(a))
        issues.push({
          path: `${where}.${a}`,
          message: `unknown asset ${a}: expected one of the target assets or the quote (${[...universe].join(', ')})`,
        });
    }
  };
  const t = p.trigger;
  if (t && 'bands' in t && t.bands) known('trigger.bands', Object.keys(t.bands));
  known('costs.assets', Object.keys(p.costs.assets));
  known('constraints.assets', Object.keys(p.constraints.assets));
  if (p.costs.assets[p.quote]) {
    issues.push({
      path: `costs.assets.${p.quote}`,
      message: `the quote ${p.quote} is never traded, so it has no costs`,
    });
  }
  p.ignore.forEach((a, k) => {
    if (universe.has(a))
      issues.push({
        path: `ignore[${k}]`,
        message: `${a} is ${a === p.quote ? 'the quote' : 'in the target'}; an ignored asset must be outside the portfolio`,
      });
  });
  if (t?.type === 'relband') {
    for (const a of targets) {
      if (p.target[a] === 0)
        issues.push({
          path: `target.${a}`,
          message: `weight 0 with a relband trigger: relative drift needs a nonzero target`,
        });
    }
  }
  return issues;
}

/**
 * Validates a parsed portfolio document (from YAML or JSON). Throws InputError naming `source`, each
 * field path and what was expected; returns the config with every default filled in.
 */
export function parsePortfolio(doc: unknown, source: string): PortfolioConfig {
  const r = portfolioSchema.safeParse(doc);
  if (!r.success) throw new InputError(source, zodIssues(r.error));
  const issues = portfolioIssues(r.data);
  if (issues.length > 0) throw new InputError(source, issues);
  return r.data;
}
