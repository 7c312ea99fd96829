/**
 * The drift check, end to end: each deployed tenant's stack synthesized with
 * this code, a refresh-only plan of it against the live API (several at a
 * time, with the plan review's pool and tofu helpers), and what changed
 * outside OpenTofu read from each plan. The decisions are in
 * `resource-drift.ts`; this file wires the edges.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tenantFilesIn } from '../app/tenant-files';
import { loadCurrentFleet, loadError, relativize } from '../review/load-fleet';
import { planStacks, type PlanJob } from '../review/plan-stacks';
import { stackEnv } from '../review/stack-env';
import { synthStacks } from '../review/synth-stacks';
import { managedResourceCount, resourceDrift } from './resource-drift';
import type { DriftResult, TenantDrift } from './result';

export interface DriftOptions {
  /** Project root (state/ is under it). */
  readonly projectDir: string;
  /** Only these tenant ids. @default every tenant file */
  readonly tenants?: readonly string[];
  /** The tenants directory. @default <projectDir>/tenants */
  readonly tenantsDir?: string;
  /** Where the stacks are synthesized. @default <projectDir>/cdktf.out/drift */
  readonly outdir?: string;
  /** Plans at most this many at a time. @default the number of CPUs */
  readonly parallel?: number;
  /** Environment of tofu: HCLOUD_TOKEN (and a bring-your-own-project tenant's variable) must be set. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The tofu binary. @default tofu on PATH */
  readonly tofuBin?: string;
  /** Progress lines. @default silent */
  readonly log?: (line: string) => void;
}

/** The local state file a stack uses, or undefined for a remote backend. */
function localStateFile(stack: unknown, stackDir: string): string | undefined {
  const p = (stack as { terraform?: { backend?: { local?: { path?: unknown } } } })?.terraform?.backend?.local?.path;
  return typeof p === 'string' ? path.resolve(stackDir, p) : undefined;
}

/** Throws naming every requested id that has no tenant file. */
function checkRequested(requested: readonly string[], known: readonly string[]): void {
  const unknown = requested.filter((id) => !known.includes(id));
  if (unknown.length) {
    throw new Error(`no tenant file for ${unknown.map((u) => `"${u}"`).join(', ')}; tenants: ${known.join(', ') || '(none)'}`);
  }
}

export async function checkDrift(o: DriftOptions): Promise<DriftResult> {
  const log = o.log ?? (() => undefined);
  const env = o.env ?? process.env;
  const dir = o.tenantsDir ?? path.join(o.projectDir, 'tenants');
  const outdir = o.outdir ?? path.join(o.projectDir, 'cdktf.out', 'drift');
  const known = fs.existsSync(dir) ? tenantFilesIn(dir).map((f) => path.basename(f).replace(/\.ya?ml$/, '')).sort() : [];
  const ids = o.tenants ? [...new Set(o.tenants.map((t) => t.replace(/^tenant-/, '')))].sort() : known;
  checkRequested(ids, known);

  const results = new Map<string, TenantDrift>();
  const fail = (tenant: string, error: string) => results.set(tenant, { tenant, status: 'error', managed: 0, resources: [], error: relativize(error, o.projectDir) });

  // 1. The stacks, as this code synthesizes them (what the next deploy would apply to).
  const current = loadCurrentFleet(dir, o.projectDir);
  const loadable: string[] = [];
  for (const id of ids) {
    const error = loadError(current, id);
    if (error) fail(id, error);
    else loadable.push(id);
  }
  const jobs: PlanJob[] = [];
  if (current.fleet && loadable.length) {
    for (const s of synthStacks(current.fleet, loadable, { outdir, projectRoot: o.projectDir })) {
      if (!s.ok) { fail(s.tenant, s.error); continue; }
      const state = localStateFile(s.stack, s.stackDir);
      if (state && !fs.existsSync(state)) {
        results.set(s.tenant, { tenant: s.tenant, status: 'not-deployed', managed: 0, resources: [] });
        continue;
      }
      // A refresh needs the real token: with the dummy, the plan would only fail.
      const missing = stackEnv(s.stack, env).offline;
      if (missing) { fail(s.tenant, 'no API token: set HCLOUD_TOKEN (and the hcloud_token_env variable of a bring-your-own-project tenant)'); continue; }
      jobs.push({ tenant: s.tenant, stackDir: s.stackDir, stack: s.stack, destroy: false });
    }
  }

  // 2. A refresh-only plan per deployed tenant, several at a time.
  const plans = await planStacks(jobs, {
    parallel: o.parallel ?? os.cpus().length,
    env,
    tofuBin: o.tofuBin,
    refresh: true,
    refreshOnly: true,
    planFile: 'drift.tfplan',
    log,
    command: 'drift',
  });
  for (const j of jobs) {
    const p = plans.get(j.tenant);
    if (!p?.plan) { fail(j.tenant, p?.error ?? 'not planned'); continue; }
    const resources = resourceDrift(p.plan);
    const managed = managedResourceCount(p.plan);
    const status = resources.length ? 'drift' : managed === 0 ? 'not-deployed' : 'clean';
    results.set(j.tenant, { tenant: j.tenant, status, managed, resources });
  }
  return { tenants: ids.map((id) => results.get(id)!) };
}
