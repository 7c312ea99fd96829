/**
 * Synthesizes a fleet into an output directory, all or nothing: stacks are
 * written into a sibling temp directory, which replaces the old output only
 * when every stack synthesized and passed its isolation rules. A failure
 * leaves the previous output untouched.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from '../constructs/cdk';
import { TenantStack } from '../constructs/tenant-stack';
import type { Fleet } from '../lib/tenant/model';
import { stackName } from '../lib/naming';

export interface SynthOptions {
  /** Output directory. @default CDKTF_OUTDIR or ./cdktf.out */
  readonly outdir?: string;
  /** Only these tenant ids (the plan review's affected tenants). @default all */
  readonly only?: readonly string[];
  /** Add the post-apply Ansible step. @default POST_APPLY=ansible or platform post_apply */
  readonly postApply?: boolean;
  /** Project root (state dir, ansible/). @default process.cwd() */
  readonly projectRoot?: string;
}

export interface StackSummary {
  readonly stack: string;
  readonly tenant: string;
  readonly environment: string;
  readonly location: string;
  readonly resources: number;
}

function countResources(file: string): number {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { resource?: Record<string, object> };
  return Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

/** Keeps each stack's `tofu init` result (.terraform, lock file) across synths. */
function carryOverInitState(from: string, to: string) {
  const stacks = path.join(from, 'stacks');
  if (!fs.existsSync(stacks)) return;
  for (const stack of fs.readdirSync(stacks)) {
    const target = path.join(to, 'stacks', stack);
    if (!fs.existsSync(target)) continue;
    for (const entry of ['.terraform', '.terraform.lock.hcl']) {
      const src = path.join(stacks, stack, entry);
      if (fs.existsSync(src)) fs.renameSync(src, path.join(target, entry));
    }
  }
}

export function synthFleet(fleet: Fleet, options: SynthOptions = {}): StackSummary[] {
  const outdir = path.resolve(options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  const postApply = options.postApply ?? (process.env.POST_APPLY ? process.env.POST_APPLY === 'ansible' : fleet.platform.post_apply === 'ansible');
  const only = options.only ? new Set(options.only) : undefined;
  const tenants = fleet.tenants.filter((t) => !only || only.has(t.id));

  // Same depth as the final directory, so relative paths computed from it hold.
  const staging = `${outdir}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging, skipBackendValidation: false });
    for (const tenant of tenants) {
      new TenantStack(app, { tenant, platform: fleet.platform, postApply, projectRoot: options.projectRoot });
    }
    app.synth();
    // Stack paths were computed against the staging dir; point them at the final one.
    const manifest = path.join(staging, 'manifest.json');
    if (fs.existsSync(manifest)) {
      fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').split(staging).join(outdir));
    }
    carryOverInitState(outdir, staging);
    const old = `${outdir}.old-${process.pid}`;
    if (fs.existsSync(outdir)) fs.renameSync(outdir, old);
    fs.renameSync(staging, outdir);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return tenants.map((t) => ({
    stack: stackName(t.id),
    tenant: t.id,
    environment: t.environment,
    location: t.location,
    resources: countResources(path.join(outdir, 'stacks', stackName(t.id), 'cdk.tf.json')),
  }));
}
