/**
 * Benchmark of the plan review on a generated fleet (100 tenants of
 * bench/fleet-generator.ts by default, BENCH_REVIEW_TENANTS overrides) in a
 * copy of the project in a temporary git repository
 * (test-support/project-repo.ts), with the real OpenTofu, offline. Each run
 * is the command a user runs, `node scripts/run.js cli/plan-review.ts`, in
 * the copy, so the code under review is the copy's own; wall time includes
 * synthesizing every stack at the base and here:
 *   1. a change to one tenant file: one stack planned, not all;
 *   2. a refactor of shared code (lib/labels.ts) that changes no stack:
 *      0 planned (target: under 10 s for 100 tenants);
 *   3. a change to lib/labels.ts that changes every stack: all planned, with
 *      --parallel 1 and with the default (CPU count).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ReviewResult } from '../review/result';
import { toolchain } from '../review/toolchain';
import { finished } from '../test-support/process';
import { projectRepo } from '../test-support/project-repo';
import { benchTenantYaml } from './fleet-generator';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function benchPlanReview(): Promise<string[]> {
  const tenants = Number(process.env.BENCH_REVIEW_TENANTS ?? 100);
  const cpus = os.cpus().length;
  const tools = toolchain({ ...process.env, HCLOUD_TOKEN: undefined });
  const extraTenants: Record<string, string> = {};
  for (let i = 1; i <= tenants; i++) extraTenants[`t${String(i).padStart(4, '0')}.yaml`] = benchTenantYaml(i);
  const repo = projectRepo({ prefix: 'bench-review-', tenants: [], extraTenants });
  let run = 0;
  const review = async (parallel: number): Promise<{ ms: number; r: ReviewResult; planned: number }> => {
    const json = path.join(repo.dir, `bench-${run++}.json`);
    const child = spawn(process.execPath, ['scripts/run.js', 'cli/plan-review.ts', '--quiet', '--json', json, '--parallel', String(parallel), '--outdir', path.join(repo.dir, 'cdktf.out', `bench-${run}`)], {
      cwd: repo.dir,
      env: { ...tools.env, HCLOUD_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = await finished(child);
    if (!fs.existsSync(json)) throw new Error(`bench: plan-review wrote nothing (exit ${done.code}):\n${done.stderr.slice(-3000)}`);
    const r = JSON.parse(fs.readFileSync(json, 'utf8')) as ReviewResult;
    const failed = r.tenants.filter((t) => t.error !== undefined);
    if (failed.length) throw new Error(`bench: ${failed.length} stack(s) failed, e.g. ${failed[0].tenant}: ${failed[0].error}`);
    return { ms: done.ms, r, planned: r.tenants.filter((t) => t.summary).length };
  };
  const labels = path.join(repo.dir, 'lib', 'labels.ts');
  const original = fs.readFileSync(labels, 'utf8');
  const edit = (from: string, to: string) => {
    const text = fs.readFileSync(labels, 'utf8');
    if (!text.includes(from)) throw new Error(`bench: lib/labels.ts no longer contains ${JSON.stringify(from)}`);
    fs.writeFileSync(labels, text.split(from).join(to));
  };
  const lines: string[] = [];
  try {
    // 1. One tenant changes.
    const changed = `tenants/t${String(Math.ceil(tenants / 2)).padStart(4, '0')}.yaml`;
    const file = path.join(repo.dir, changed);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('size_gb: 50', 'size_gb: 60'));
    const one = await review(cpus);
    lines.push(`plan-review: fleet of ${tenants}, one tenant file changed: ${one.planned} stack planned, ${seconds(one.ms)} wall (synth base + here, init + plan + show)`);
    repo.git('checkout', '-q', '--', changed);

    // 2. Shared code refactored, no stack changes.
    edit('const labels: Record<string, string>', 'const identity: Record<string, string>');
    edit('labels.role = input.role;\n  return labels;', 'identity.role = input.role;\n  return identity;');
    const same = await review(cpus);
    lines.push(`plan-review: shared code refactored (lib/labels.ts), no output change: ${same.planned} stacks planned of ${same.r.comparison.compared} compared, ${seconds(same.ms)} wall (target < 10 s)`);
    fs.writeFileSync(labels, original);

    // 3. Shared code changes every stack: sequential, then parallel.
    edit('    managed_by: input.managedBy,\n', '    managed_by: input.managedBy,\n    cost_center: `tenant-${input.tenantId}`,\n');
    const seq = await review(1);
    const par = await review(cpus);
    const perStack = seq.ms / Math.max(1, seq.planned);
    lines.push(`plan-review: shared code changes every stack (lib/labels.ts), ${seq.planned} stacks, --parallel 1: ${seconds(seq.ms)} wall (${seconds(perStack)} per stack)`);
    lines.push(`plan-review: shared code changes every stack, ${par.planned} stacks, --parallel ${cpus} (default, ${cpus} CPUs): ${seconds(par.ms)} wall; speedup ${(seq.ms / par.ms).toFixed(2)}x`);
    lines.push(`plan-review: the no-output refactor vs planning all ${tenants}: ${(par.ms / same.ms).toFixed(1)}x less wall time`);
  } finally {
    repo.remove();
  }
  return lines;
}

// `node scripts/run.js bench/plan-review.ts` runs it alone.
if (process.argv[1]?.endsWith(path.join('bench', 'plan-review.ts'))) {
  benchPlanReview().then((lines) => lines.forEach((l) => console.log(l)), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
