/**
 * The OpenTofu edge: init, plan and `show -json` of one synthesized stack, in
 * the stack's directory, with the backend the stack configures (local state
 * file or S3). No decision is taken here.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { PlanJson } from '../lib/plan-json';

export interface TofuRun {
  /** The tofu binary. @default tofu on PATH */
  readonly bin?: string;
  /** Environment of every tofu process (HCLOUD_TOKEN, TF_CLI_CONFIG_FILE, TF_VAR_*). */
  readonly env: NodeJS.ProcessEnv;
}

export interface PlanOptions extends TofuRun {
  /** A `-destroy` plan (offboarding). */
  readonly destroy?: boolean;
  /** Refresh state against the API first. @default true */
  readonly refresh?: boolean;
  /** Only refresh: a plan that proposes no change but records drift (`-refresh-only`). @default false */
  readonly refreshOnly?: boolean;
  /** The plan file, in the stack directory. @default review.tfplan */
  readonly planFile?: string;
}

export interface StackPlan {
  readonly plan: PlanJson;
  /** Wall time of init + plan + show, in ms. */
  readonly ms: number;
}

/** Runs tofu; rejects with the command, exit status and the end of its output. */
export function tofu(dir: string, args: readonly string[], run: TofuRun): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(run.bin ?? 'tofu', args, { cwd: dir, env: run.env, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const out = `${stderr}\n${stdout}`.trim().split('\n').slice(-25).join('\n');
        reject(new Error(`tofu ${args[0]} failed in ${dir} (${(err as { code?: unknown }).code ?? err.message}):\n${out}`));
      } else resolve(stdout);
    });
  });
}

/** `tofu init`, offline when TF_CLI_CONFIG_FILE points at the filesystem mirror. */
export async function initStack(dir: string, run: TofuRun): Promise<void> {
  await tofu(dir, ['init', '-input=false', '-no-color'], run);
}

/** init + plan -out + show -json. The plan file stays beside the stack (`review.tfplan`). */
export async function planStack(dir: string, options: PlanOptions): Promise<StackPlan> {
  const start = Date.now();
  const planFile = options.planFile ?? 'review.tfplan';
  await initStack(dir, options);
  const args = ['plan', '-input=false', '-no-color', '-lock-timeout=60s', `-out=${planFile}`];
  if (options.destroy) args.push('-destroy');
  if (options.refreshOnly) args.push('-refresh-only');
  if (options.refresh === false) args.push('-refresh=false');
  await tofu(dir, args, options);
  const json = await tofu(dir, ['show', '-json', '-no-color', planFile], options);
  return { plan: JSON.parse(json) as PlanJson, ms: Date.now() - start };
}

/**
 * Gives a freshly synthesized stack the provider lock file of an initialized
 * one, so that its `tofu init` links the provider from the plugin cache
 * instead of writing it there: OpenTofu's plugin cache is not safe for
 * concurrent writers (opentofu/opentofu#1483).
 */
export function shareLockFile(fromDir: string, toDir: string): void {
  const src = path.join(fromDir, '.terraform.lock.hcl');
  const dst = path.join(toDir, '.terraform.lock.hcl');
  if (fs.existsSync(src) && !fs.existsSync(dst)) fs.copyFileSync(src, dst);
}
