/**
 * The planning edge of the review: many synthesized stacks planned several
 * at a time. The first `tofu init` runs alone and primes the plugin cache;
 * the others reuse its lock file and only read the cache.
 */
import type { PlanJson } from '../lib/plan-json';
import { summarizePlan } from './plan-summary';
import { runPool } from './pool';
import { stackEnv } from './stack-env';
import { initStack, planStack, shareLockFile } from './tofu';

/** One stack to plan. */
export interface PlanJob {
  readonly tenant: string;
  readonly stackDir: string;
  /** The parsed `cdk.tf.json` (which variables it needs). */
  readonly stack: unknown;
  /** A `-destroy` plan (offboarding). */
  readonly destroy: boolean;
}

export interface PlannedStack {
  readonly plan?: PlanJson;
  readonly error?: string;
  /** Planned without refreshing state (some token was the dummy, or refresh was turned off). */
  readonly offline: boolean;
}

export interface PlanStacksOptions {
  /** Plans at most this many at a time. */
  readonly parallel: number;
  /** Environment of tofu (tokens, TF_CLI_CONFIG_FILE, PATH). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The tofu binary. @default tofu on PATH */
  readonly tofuBin?: string;
  /** Refresh state against the API. @default only when every token the stack needs is set */
  readonly refresh?: boolean;
  /** Refresh-only plans (the drift check). @default false */
  readonly refreshOnly?: boolean;
  /** The plan file in each stack directory. @default review.tfplan */
  readonly planFile?: string;
  /** Progress lines. @default silent */
  readonly log?: (line: string) => void;
  /** What progress lines start with. @default plan-review */
  readonly command?: string;
}

/** Plans every job; one result per tenant, failures included. */
export async function planStacks(jobs: readonly PlanJob[], o: PlanStacksOptions): Promise<Map<string, PlannedStack>> {
  const log = o.log ?? (() => undefined);
  const command = o.command ?? 'plan-review';
  const plans = new Map<string, PlannedStack>();
  if (jobs.length === 0) return plans;
  const envOf = (j: PlanJob) => stackEnv(j.stack, o.env);
  const t0 = Date.now();
  log(`${command}: planning ${jobs.length} stack(s), ${Math.min(o.parallel, jobs.length)} at a time`);
  try {
    await initStack(jobs[0].stackDir, { bin: o.tofuBin, env: envOf(jobs[0]).env });
    for (const j of jobs.slice(1)) shareLockFile(jobs[0].stackDir, j.stackDir);
  } catch {
    // Its own plan below reports the failure.
  }
  let done = 0;
  const settled = await runPool(jobs, o.parallel, async (j) => {
    const { env: e, offline } = envOf(j);
    const refresh = o.refresh ?? !offline;
    try {
      const p = await planStack(j.stackDir, { bin: o.tofuBin, env: e, destroy: j.destroy, refresh, refreshOnly: o.refreshOnly, planFile: o.planFile });
      const c = summarizePlan(p.plan).counts;
      log(`[${++done}/${jobs.length}] tenant-${j.tenant}${j.destroy ? ' (destroy)' : ''}: +${c.create} ~${c.update} ±${c.replace} -${c.destroy} in ${(p.ms / 1000).toFixed(1)} s`);
      return { plan: p.plan, offline: !refresh };
    } catch (err) {
      log(`[${++done}/${jobs.length}] tenant-${j.tenant}: FAILED`);
      throw err;
    }
  });
  settled.forEach((s, i) => plans.set(jobs[i].tenant, s.ok ? s.value : { error: s.error.message, offline: false }));
  log(`${command}: planned ${jobs.length} stack(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return plans;
}
