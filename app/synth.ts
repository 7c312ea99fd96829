/**
 * Synthesizes a fleet into an output directory, all or nothing: stacks are
 * written into a sibling temp directory, which replaces the old output only
 * when every stack synthesized and passed its isolation rules. A failure
 * leaves the previous output untouched: when synthFleet throws, nothing was
 * written. One synth at a time per output directory (synth-lock.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from '../constructs/cdk';
import { TenantStack } from '../constructs/tenant-stack';
import { type Finding, isViolation } from '../isolation/finding';
import { IsolationError } from '../isolation/synth';
import type { Fleet } from '../lib/tenant/model';
import { acquireSynthLock, removeLeftovers, removeTree } from './synth-lock';
import { selectionProblem } from '../lib/tenant/selection';
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
  /** Told about a problem after the new output is in place (an old copy that could not be removed). @default prints to stderr */
  readonly warn?: (message: string) => void;
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

/** Moves each stack's `tofu init` result (.terraform, lock file) from `from` into the same stack of `to`. */
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

/**
 * After a failed synth: every stack's isolation findings as one error, or
 * undefined when no stack breaks a rule (the synth failed for another reason).
 * CDKTF stops at the first stack that fails validation; this reports them all.
 */
function isolationErrorOf(stacks: readonly TenantStack[]): IsolationError | undefined {
  let findings: Finding[];
  try {
    findings = stacks.flatMap((s) => [...s.isolationFindings()]);
  } catch {
    return undefined;
  }
  return findings.some(isViolation) ? new IsolationError(findings) : undefined;
}

/** The first directory of the tree at `root` we may not change (its entries cannot be moved or removed), or undefined. */
function unwritableDir(root: string): string | undefined {
  const st = fs.lstatSync(root, { throwIfNoEntry: false });
  if (!st?.isDirectory()) return undefined;
  try {
    fs.accessSync(root, fs.constants.W_OK);
  } catch {
    return root;
  }
  for (const entry of fs.readdirSync(root)) {
    const found = unwritableDir(path.join(root, entry));
    if (found) return found;
  }
  return undefined;
}

/** Replaces `outdir` by `staging`, carrying the init state over; on failure everything is as before. */
function swapIn(staging: string, outdir: string, warn: (message: string) => void) {
  const old = `${outdir}.old-${process.pid}`;
  const hadOutput = fs.existsSync(outdir);
  carryOverInitState(outdir, staging);
  try {
    if (hadOutput) fs.renameSync(outdir, old);
    try {
      fs.renameSync(staging, outdir);
    } catch (e) {
      if (hadOutput) fs.renameSync(old, outdir);
      throw e;
    }
  } catch (e) {
    carryOverInitState(staging, outdir);
    throw e;
  }
  if (!hadOutput) return;
  // The new output is in place: from here on, a problem is a warning, not a failure.
  try {
    removeTree(old);
  } catch (e) {
    warn(`the new output is in ${outdir}, but the previous one could not be removed: ${old} (${(e as Error).message}); the next synth removes it`);
  }
}

/**
 * Synthesizes `fleet` into the output directory. Throws an IsolationError
 * carrying every stack's findings when a stack breaks an isolation rule, and
 * writes nothing then.
 */
export function synthFleet(fleet: Fleet, options: SynthOptions = {}): StackSummary[] {
  const outdir = path.resolve(options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  const postApply = options.postApply ?? (process.env.POST_APPLY ? process.env.POST_APPLY === 'ansible' : fleet.platform.post_apply === 'ansible');
  const warn = options.warn ?? ((m: string) => console.error(`warning: ${m}`));
  // Never an empty or unknown selection: the output would lose every stack for nothing.
  const problem = options.only && selectionProblem(options.only, fleet.tenants.map((t) => t.id));
  if (problem) throw new Error(problem);
  const only = options.only ? new Set(options.only) : undefined;
  const tenants = fleet.tenants.filter((t) => !only || only.has(t.id));

  const lock = acquireSynthLock(outdir);
  try {
    removeLeftovers(outdir);
    const blocked = unwritableDir(outdir);
    if (blocked) throw new Error(`${blocked} is not writable, so ${outdir} cannot be replaced; make it writable (chmod -R u+w ${outdir}) or remove it`);
    // Same depth as the final directory, so relative paths computed from it hold.
    const staging = `${outdir}.staging-${process.pid}`;
    removeTree(staging);
    let summary: StackSummary[];
    try {
      const app = new App({ outdir: staging, skipBackendValidation: false });
      const stacks = tenants.map((tenant) => new TenantStack(app, { tenant, platform: fleet.platform, postApply, projectRoot: options.projectRoot }));
      try {
        app.synth();
      } catch (e) {
        throw isolationErrorOf(stacks) ?? e;
      }
      // Stack paths were computed against the staging dir; point them at the final one.
      const manifest = path.join(staging, 'manifest.json');
      if (fs.existsSync(manifest)) {
        fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').split(staging).join(outdir));
      }
      summary = tenants.map((t) => ({
        stack: stackName(t.id),
        tenant: t.id,
        environment: t.environment,
        location: t.location,
        resources: countResources(path.join(staging, 'stacks', stackName(t.id), 'cdk.tf.json')),
      }));
      swapIn(staging, outdir, warn);
    } catch (e) {
      removeTree(staging);
      throw e;
    }
    return summary;
  } finally {
    lock.release();
  }
}
