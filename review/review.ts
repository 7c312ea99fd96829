/**
 * The plan review, end to end: the tenants whose synthesized stack differs
 * between the base and here (plus tenants added and removed), those stacks
 * planned several at a time, each plan judged, and the policy applied. This
 * file only wires the steps together; each step has its own file:
 * git.ts (revisions), load-fleet.ts (tenant files), synth-stacks.ts and
 * base-stacks.ts (synthesis here and at the base), affected.ts (the
 * decision), plan-stacks.ts (tofu), judge.ts (summary, cost, risks,
 * isolation, policy).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tenantFilesIn } from '../app/tenant-files';
import { secretsFile } from '../lib/naming';
import type { Fleet, Tenant } from '../lib/tenant/model';
import { affectedTenants, type AffectedTenant, type StackSet } from './affected';
import { baseStacks } from './base-stacks';
import { sharedChanges, tenantIdOfPath, tenantsByChangedFiles } from './changed-files';
import { changedPaths, filesAt, resolveBase } from './git';
import type { Finding } from '../isolation/finding';
import { PLAN_RULES, type PlanInput } from '../isolation/plan';
import type { Rule } from '../isolation/rule';
import { judgeTenant, reviewViolations } from './judge';
import { loadBaseTenants, loadCurrentFleet, loadError } from './load-fleet';
import { planStacks, type PlanJob } from './plan-stacks';
import type { PriceTable } from './prices';
import type { ReviewResult, TenantReview } from './result';
import { withRootRelativeState, withStateRelativeTo } from './stack-diff';
import { synthStacks } from './synth-stacks';

export interface ReviewOptions {
  /** Project root (where package.json and tenants/ are); may be a subdirectory of the git repository. */
  readonly projectDir: string;
  /** Compare with the merge base of this ref and HEAD. @default main, else origin/main */
  readonly base?: string;
  /** Tenants directory relative to the project. @default tenants */
  readonly tenantsDir?: string;
  /** Plans run at most this many at a time. @default the number of CPUs */
  readonly parallel?: number;
  /** Where the stacks here are synthesized (every tenant's, to compare them with the base). @default <project>/cdktf.out/review */
  readonly outdir?: string;
  readonly prices: PriceTable;
  /** Environment of tofu (tokens, TF_CLI_CONFIG_FILE, PATH). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The tofu binary. @default tofu on PATH */
  readonly tofuBin?: string;
  /** Refresh state against the API. @default only when every token the stack needs is set */
  readonly refresh?: boolean;
  /**
   * Isolation rules run on each plan. The synth-time rules are not among them:
   * a stack that synthesized has passed them, and one that did not reports
   * their findings from the synth. @default PLAN_RULES (isolation/plan/)
   */
  readonly planRules?: readonly Rule<PlanInput>[];
  /** Progress lines (stderr in the CLI). @default silent */
  readonly log?: (line: string) => void;
}

/** The toolchain pins: a change there changes what a plan does without changing any stack. */
const TOOLCHAIN_PINS = 'scripts/tool-versions.sh';

const byId = (a: { tenant: string }, b: { tenant: string }) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0);

/** What the review knows about one affected tenant before it is planned. */
interface Pending {
  tenant?: Tenant;
  stack?: unknown;
  error?: string;
  synthFindings: Finding[];
}

export async function runReview(o: ReviewOptions): Promise<ReviewResult> {
  const log = o.log ?? (() => undefined);
  const env = o.env ?? process.env;
  const tenantsDir = o.tenantsDir ?? 'tenants';
  const absTenants = path.join(o.projectDir, tenantsDir);
  const outdir = o.outdir ?? path.join(o.projectDir, 'cdktf.out', 'review');
  const parallel = o.parallel ?? os.cpus().length;
  const planRules = o.planRules ?? PLAN_RULES;

  // 1. The revisions, and what the changed files say (context for the reasons).
  const base = resolveBase(o.projectDir, o.base);
  const changes = changedPaths(o.projectDir, base.commit);
  const idsOf = (names: readonly string[]) =>
    names.map((n) => tenantIdOfPath(`${tenantsDir}/${n}`, tenantsDir)).filter((id): id is string => id !== undefined);
  const before = idsOf(filesAt(o.projectDir, base.commit, tenantsDir));
  const after = fs.existsSync(absTenants) ? idsOf(tenantFilesIn(absTenants).map((f) => path.basename(f))) : [];
  const fileHints = tenantsByChangedFiles({ changes, before, after, tenantsDir });
  log(`plan-review: base ${base.name} (${base.commit.slice(0, 12)}), ${changes.length} changed path(s)`);

  const pending = new Map<string, Pending>();
  const headStacks = new Map<string, { stackDir: string; json: unknown }>();
  let fleet: Fleet | undefined;
  let affected: { tenants: readonly AffectedTenant[]; unchanged: readonly string[] } = { tenants: [], unchanged: [] };
  let baseSet: StackSet = { ok: true, stacks: new Map() };
  let planAll: string | undefined;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-review-base-'));
  try {
    if (changes.length > 0) {
      // 2. Every stack here: the tenant files that load, synthesized by this code.
      const current = loadCurrentFleet(absTenants, o.projectDir);
      fleet = current.fleet;
      for (const id of after) {
        const error = loadError(current, id);
        pending.set(id, { tenant: fleet?.tenants.find((t) => t.id === id), error, synthFindings: [] });
      }
      const toSynth = after.filter((id) => pending.get(id)!.error === undefined);
      if (fleet && toSynth.length) {
        const t0 = Date.now();
        for (const s of synthStacks(fleet, toSynth, { outdir, projectRoot: o.projectDir })) {
          if (s.ok) headStacks.set(s.tenant, { stackDir: s.stackDir, json: s.stack });
          else Object.assign(pending.get(s.tenant)!, { error: s.error, synthFindings: [...s.findings] });
        }
        log(`plan-review: synthesized ${toSynth.length} stack(s) here in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }

      // 3. Every stack at the base, synthesized by the base's own code.
      const t0 = Date.now();
      const b = baseStacks({ projectDir: o.projectDir, commit: base.commit, tenantsDir, scratch });
      baseSet = b.ok
        ? { ok: true, stacks: new Map([...b.stacks].map(([id, st]) => [id, withRootRelativeState(st.json, st.stackDir, b.projectDir)])) }
        : { ok: false, error: b.error };
      log(b.ok
        ? `plan-review: synthesized ${b.stacks.size} stack(s) at the base in ${((Date.now() - t0) / 1000).toFixed(1)} s`
        : `plan-review: the base does not synthesize, every tenant is planned: ${b.error.split('\n')[0]}`);

      // 4. Which tenants: the stacks that differ, plus added and removed tenants.
      const head = new Map([...headStacks].map(([id, st]) => [id, withRootRelativeState(st.json, st.stackDir, o.projectDir)]));
      if (changes.some((c) => c.path === TOOLCHAIN_PINS || c.oldPath === TOOLCHAIN_PINS)) {
        planAll = `OpenTofu/provider versions changed (${TOOLCHAIN_PINS}): the same stack may plan differently`;
      }
      affected = affectedTenants({ baseIds: before, headIds: after, base: baseSet, head, fileHints, planAll });
      if (!baseSet.ok) planAll = `the base revision does not synthesize: ${baseSet.error.split('\n')[0]}`;
      log(`plan-review: ${affected.tenants.length} tenant(s) affected, ${affected.unchanged.length} stack(s) unchanged`);

      // 5. Removed tenant files: their stacks as the base made them, planned with -destroy.
      const removed = affected.tenants.filter((a) => a.kind === 'removed').map((a) => a.tenant);
      if (removed.length > 0) {
        const baseFleet = loadBaseTenants({ projectDir: o.projectDir, commit: base.commit, tenantsDir, scratch: `${outdir}.offboarding-src` }, removed);
        for (const id of removed) pending.set(id, { tenant: baseFleet.fleet?.tenants.find((t) => t.id === id), error: baseFleet.error, synthFindings: [] });
        if (b.ok) {
          fs.rmSync(`${outdir}.offboarding`, { recursive: true, force: true });
          for (const id of removed) {
            const st = b.stacks.get(id);
            if (!st) continue;
            const stackDir = path.join(`${outdir}.offboarding`, 'stacks', `tenant-${id}`);
            fs.mkdirSync(stackDir, { recursive: true });
            const json = withStateRelativeTo(st.json, st.stackDir, b.projectDir, stackDir, o.projectDir);
            fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), `${JSON.stringify(json, null, 2)}\n`);
            headStacks.set(id, { stackDir, json });
          }
        } else if (baseFleet.fleet) {
          // The base does not synthesize by itself: its tenant files, with this code.
          for (const s of synthStacks(baseFleet.fleet, removed, { outdir: `${outdir}.offboarding`, projectRoot: o.projectDir })) {
            if (s.ok) headStacks.set(s.tenant, { stackDir: s.stackDir, json: s.stack });
            else Object.assign(pending.get(s.tenant)!, { error: s.error, synthFindings: [...s.findings] });
          }
        }
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  // 6. Plan, several at a time.
  const jobs: PlanJob[] = [];
  for (const a of affected.tenants) {
    const p = pending.get(a.tenant)!;
    const st = headStacks.get(a.tenant);
    if (p.error === undefined && st) {
      p.stack = st.json;
      jobs.push({ tenant: a.tenant, stackDir: st.stackDir, stack: st.json, destroy: a.kind === 'removed' });
    }
  }
  jobs.sort(byId);
  const plans = await planStacks(jobs, { parallel, env, tofuBin: o.tofuBin, refresh: o.refresh, log });

  // 7. Judge each plan.
  const ctx = {
    fleet: fleet?.tenants ?? [],
    prices: o.prices,
    planRules,
    projectDir: o.projectDir,
    hasSecretsFile: (tenant: string) => fs.existsSync(path.join(o.projectDir, secretsFile(tenant))),
  };
  const tenants: TenantReview[] = [];
  for (const a of affected.tenants) {
    const p = pending.get(a.tenant)!;
    tenants.push(await judgeTenant({ affected: a, ...p, planned: plans.get(a.tenant) }, ctx));
  }

  const compared = after.filter((id) => before.includes(id)).length;
  return {
    base: base.name,
    tenants,
    violations: reviewViolations(tenants),
    sharedChanges: sharedChanges(changes, tenantsDir),
    comparison: {
      compared: changes.length > 0 ? compared : 0,
      unchanged: affected.unchanged.length,
      ...(planAll ? { planAll } : {}),
    },
    prices: { date: o.prices.date, approximate: o.prices.approximate, currency: o.prices.currency, basis: o.prices.basis },
    offline: [...plans.values()].some((p) => p.offline),
  };
}
