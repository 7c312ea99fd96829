/**
 * The plan review, end to end: affected tenants from git, their stacks
 * synthesized and planned several at a time, each plan summarized, priced,
 * checked for data loss and isolation, and the policy applied. The decisions
 * are the pure functions of this folder; this file only wires the edges
 * (git, the loader, synth, tofu) to them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatDiagnostic, type Diagnostic } from '../lib/diagnostics';
import { loadFleet, PLATFORM_FILE, tenantFilesIn } from '../app/tenant-files';
import type { Fleet, Tenant } from '../lib/tenant/model';
import { stackName } from '../lib/naming';
import { affectedTenants, sharedChanges, tenantIdOfPath, type AffectedTenant } from './affected';
import { constructIsolationCheck } from '../isolation/plan/construct-isolation';
import { planCost } from './cost';
import { dataLossRisks } from './data-loss';
import { changedPaths, fileAt, filesAt, resolveBase } from './git';
import { runIsolationChecks, type IsolationCheck, type IsolationFinding } from '../isolation/plan/isolation';
import { foreignTenantRangeCheck } from '../isolation/plan/plan-isolation';
import type { PlanJson } from './plan-json';
import { summarizePlan } from './plan-summary';
import { policyViolations } from './policy';
import { runPool } from './pool';
import type { PriceTable } from './prices';
import type { ReviewResult, TenantReview } from './result';
import { stackEnv } from './stack-env';
import { synthStacks, type SynthOutcome } from './synth-stacks';
import { initStack, planStack, shareLockFile } from './tofu';

/** The isolation checks the review runs unless told otherwise. */
export const DEFAULT_ISOLATION_CHECKS: readonly IsolationCheck[] = [constructIsolationCheck, foreignTenantRangeCheck];

export interface ReviewOptions {
  /** Project root (where package.json and tenants/ are); may be a subdirectory of the git repository. */
  readonly projectDir: string;
  /** Compare with the merge base of this ref and HEAD. @default main, else origin/main */
  readonly base?: string;
  /** Tenants directory relative to the project. @default tenants */
  readonly tenantsDir?: string;
  /** Plans run at most this many at a time. @default the number of CPUs */
  readonly parallel?: number;
  /** Where the affected stacks are synthesized. @default <project>/cdktf.out/review */
  readonly outdir?: string;
  readonly prices: PriceTable;
  /** Environment of tofu (tokens, TF_CLI_CONFIG_FILE, PATH). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The tofu binary. @default tofu on PATH */
  readonly tofuBin?: string;
  /** Refresh state against the API. @default only when every token the stack needs is set */
  readonly refresh?: boolean;
  readonly isolationChecks?: readonly IsolationCheck[];
  /** Progress lines (stderr in the CLI). @default silent */
  readonly log?: (line: string) => void;
}

interface PlanJob {
  readonly tenant: string;
  readonly stackDir: string;
  readonly stack: unknown;
  readonly destroy: boolean;
}

const byId = (a: { tenant: string }, b: { tenant: string }) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0);

/** Error diagnostics per file, formatted `file:line:col: path: message` with the file relative to `root`. */
function errorsByFile(diags: readonly Diagnostic[], root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of diags) {
    if (d.severity !== 'error') continue;
    out.set(d.file, [...(out.get(d.file) ?? []), formatDiagnostic({ ...d, file: path.relative(root, d.file) || d.file })]);
  }
  return out;
}

/** Messages name paths relative to the project, so that the review reads the same on every machine. */
function relativize(text: string, root: string): string {
  return text.split(`${path.resolve(root)}${path.sep}`).join('');
}

/**
 * The current fleet, keeping every tenant file that loads: an invalid file
 * costs its own tenant its plan, not the whole review.
 */
function loadCurrentFleet(dir: string, root: string): { fleet?: Fleet; errors: Map<string, string>; platformError?: string } {
  const full = loadFleet(dir);
  if (full.fleet) return { fleet: full.fleet, errors: new Map() };
  const byFile = errorsByFile(full.diagnostics, root);
  const platformFile = path.join(dir, PLATFORM_FILE);
  if (byFile.has(platformFile)) return { errors: new Map(), platformError: byFile.get(platformFile)!.join('\n') };
  const errors = new Map<string, string>();
  for (const [file, lines] of byFile) {
    const id = path.basename(file).replace(/\.ya?ml$/, '');
    errors.set(id, lines.join('\n'));
  }
  const valid = tenantFilesIn(dir).filter((f) => !byFile.has(f));
  const rest = loadFleet(dir, valid);
  return { fleet: rest.fleet, errors };
}

/** The removed tenants as they were at the base, with today's platform file. */
function loadBaseTenants(o: ReviewOptions, commit: string, ids: readonly string[], tenantsDir: string, scratch: string): { fleet?: Fleet; error?: string } {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  fs.copyFileSync(path.join(o.projectDir, tenantsDir, PLATFORM_FILE), path.join(scratch, PLATFORM_FILE));
  const names = filesAt(o.projectDir, commit, tenantsDir);
  for (const id of ids) {
    const name = names.find((n) => n === `${id}.yaml` || n === `${id}.yml`);
    const text = name ? fileAt(o.projectDir, commit, `${tenantsDir}/${name}`) : undefined;
    if (text === undefined) return { error: `${tenantsDir}/${id}.yaml not found at the base revision` };
    fs.writeFileSync(path.join(scratch, name!), text);
  }
  const r = loadFleet(scratch);
  if (r.fleet) return { fleet: r.fleet };
  const lines = r.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic({ ...d, file: `${tenantsDir}/${path.basename(d.file)}` }));
  return { error: `the tenant file as of the base revision does not load:\n${lines.join('\n')}` };
}

export async function runReview(o: ReviewOptions): Promise<ReviewResult> {
  const log = o.log ?? (() => undefined);
  const env = o.env ?? process.env;
  const tenantsDir = o.tenantsDir ?? 'tenants';
  const absTenants = path.join(o.projectDir, tenantsDir);
  const outdir = o.outdir ?? path.join(o.projectDir, 'cdktf.out', 'review');
  const parallel = o.parallel ?? os.cpus().length;
  const checks = o.isolationChecks ?? DEFAULT_ISOLATION_CHECKS;

  // 1. Which tenants, and why.
  const base = resolveBase(o.projectDir, o.base);
  const changes = changedPaths(o.projectDir, base.commit);
  const idsOf = (names: readonly string[]) =>
    names.map((n) => tenantIdOfPath(`${tenantsDir}/${n}`, tenantsDir)).filter((id): id is string => id !== undefined);
  const before = idsOf(filesAt(o.projectDir, base.commit, tenantsDir));
  const after = fs.existsSync(absTenants) ? idsOf(tenantFilesIn(absTenants).map((f) => path.basename(f))) : [];
  const affected = affectedTenants({ changes, before, after, tenantsDir });
  log(`plan-review: base ${base.name} (${base.commit.slice(0, 12)}), ${changes.length} changed path(s), ${affected.length} tenant(s) affected`);

  const reviews = new Map<string, { a: AffectedTenant; tenant?: Tenant; error?: string; synthFindings: IsolationFinding[] }>();
  for (const a of affected) reviews.set(a.tenant, { a, synthFindings: [] });

  // 2. Load and synthesize the tenants that exist now.
  const current = affected.filter((a) => a.kind !== 'removed');
  const jobs: PlanJob[] = [];
  let fleet: Fleet | undefined;
  if (current.length > 0) {
    const loaded = loadCurrentFleet(absTenants, o.projectDir);
    fleet = loaded.fleet;
    const toSynth: string[] = [];
    for (const a of current) {
      const r = reviews.get(a.tenant)!;
      r.tenant = fleet?.tenants.find((t) => t.id === a.tenant);
      if (loaded.platformError) r.error = `the platform file does not load:\n${loaded.platformError}`;
      else if (loaded.errors.has(a.tenant)) r.error = `the tenant file does not load:\n${loaded.errors.get(a.tenant)}`;
      else if (!r.tenant) r.error = 'the tenant file does not load together with the rest of the fleet (see the other errors)';
      else toSynth.push(a.tenant);
    }
    if (fleet && toSynth.length) {
      const t0 = Date.now();
      const outcomes = synthStacks(fleet, toSynth, { outdir, projectRoot: o.projectDir });
      log(`plan-review: synthesized ${toSynth.length} stack(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      collectOutcomes(outcomes, false);
    }
  }

  // 3. Removed tenant files: synthesize them as they were, to plan their destruction.
  const removed = affected.filter((a) => a.kind === 'removed').map((a) => a.tenant);
  if (removed.length > 0) {
    const baseFleet = loadBaseTenants(o, base.commit, removed, tenantsDir, `${outdir}.offboarding-src`);
    for (const id of removed) {
      const r = reviews.get(id)!;
      r.tenant = baseFleet.fleet?.tenants.find((t) => t.id === id);
      if (baseFleet.error) r.error = baseFleet.error;
    }
    if (baseFleet.fleet) collectOutcomes(synthStacks(baseFleet.fleet, removed, { outdir: `${outdir}.offboarding`, projectRoot: o.projectDir }), true);
  }

  function collectOutcomes(outcomes: readonly SynthOutcome[], destroy: boolean) {
    for (const s of outcomes) {
      const r = reviews.get(s.tenant)!;
      if (s.ok) jobs.push({ tenant: s.tenant, stackDir: s.stackDir, stack: s.stack, destroy });
      else {
        r.error = s.error;
        r.synthFindings = [...s.findings];
      }
    }
  }

  // 4. Plan, several at a time. The first init runs alone and primes the
  // plugin cache; the others reuse its lock file and only read the cache.
  jobs.sort(byId);
  const plans = new Map<string, { plan?: PlanJson; error?: string; offline: boolean }>();
  let anyOffline = false;
  if (jobs.length > 0) {
    const envOf = (j: PlanJob) => stackEnv(j.stack, env);
    const t0 = Date.now();
    log(`plan-review: planning ${jobs.length} stack(s), ${Math.min(parallel, jobs.length)} at a time`);
    try {
      await initStack(jobs[0].stackDir, { bin: o.tofuBin, env: envOf(jobs[0]).env });
      for (const j of jobs.slice(1)) shareLockFile(jobs[0].stackDir, j.stackDir);
    } catch {
      // Its own plan below reports the failure.
    }
    let done = 0;
    const settled = await runPool(jobs, parallel, async (j) => {
      const { env: e, offline } = envOf(j);
      const refresh = o.refresh ?? !offline;
      try {
        const p = await planStack(j.stackDir, { bin: o.tofuBin, env: e, destroy: j.destroy, refresh });
        const c = summarizePlan(p.plan).counts;
        log(`[${++done}/${jobs.length}] ${stackName(j.tenant)}${j.destroy ? ' (destroy)' : ''}: +${c.create} ~${c.update} ±${c.replace} -${c.destroy} in ${(p.ms / 1000).toFixed(1)} s`);
        return { plan: p.plan, offline: !refresh };
      } catch (err) {
        log(`[${++done}/${jobs.length}] ${stackName(j.tenant)}: FAILED`);
        throw err;
      }
    });
    settled.forEach((s, i) => {
      if (s.ok) {
        plans.set(jobs[i].tenant, s.value);
        anyOffline ||= s.value.offline;
      } else plans.set(jobs[i].tenant, { error: s.error.message, offline: false });
    });
    log(`plan-review: planned ${jobs.length} stack(s) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  // 5. Judge each plan.
  const fleetAfter = fleet?.tenants ?? [];
  const tenants: TenantReview[] = [];
  for (const { a, tenant, error, synthFindings } of [...reviews.values()].sort((x, y) => byId(x.a, y.a))) {
    const job = jobs.find((j) => j.tenant === a.tenant);
    const planned = plans.get(a.tenant);
    const offboarding = a.kind === 'removed';
    const common = {
      tenant: a.tenant,
      kind: a.kind,
      reasons: a.reasons,
      offboarding,
      environment: tenant?.environment,
      allowDestroy: tenant?.allowDestroy ?? false,
    };
    if (!planned?.plan || !job) {
      tenants.push({ ...common, risks: [], isolation: synthFindings, error: relativize(error ?? planned?.error ?? 'not planned', o.projectDir) });
      continue;
    }
    const summary = summarizePlan(planned.plan);
    const isolation = await runIsolationChecks(checks, {
      tenantId: a.tenant,
      tenant,
      fleet: fleetAfter,
      stack: job.stack,
      plan: planned.plan,
      destroying: offboarding,
    });
    tenants.push({ ...common, summary, cost: planCost(summary, o.prices), risks: dataLossRisks(summary), isolation });
  }

  const violations = policyViolations(tenants.map((t) => ({
    tenant: t.tenant,
    environment: t.environment,
    allowDestroy: t.allowDestroy,
    risks: t.risks,
    isolation: t.isolation,
  })));

  return {
    base: base.name,
    tenants,
    violations,
    sharedChanges: sharedChanges(changes, tenantsDir),
    prices: { date: o.prices.date, approximate: o.prices.approximate, currency: o.prices.currency, basis: o.prices.basis },
    offline: anyOffline,
  };
}
