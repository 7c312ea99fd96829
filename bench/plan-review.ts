/**
 * Benchmark of the plan review on a generated fleet (100 tenants of
 * bench/fleet-generator.ts by default, BENCH_REVIEW_TENANTS overrides) in a
 * temporary git repository, with the real OpenTofu, offline:
 *   1. a change to one tenant file: the review must plan one stack, not all;
 *   2. a change to shared code: every stack, with --parallel 1 and with the
 *      default (CPU count), and the speedup of running plans in parallel.
 * Each run synthesizes into a fresh directory, so every plan includes its init.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { shippedPriceTable } from '../review/prices';
import type { ReviewResult } from '../review/result';
import { runReview } from '../review/review';
import { toolchain } from '../review/toolchain';
import { benchTenantYaml } from './fleet-generator';

function makeFleetRepo(root: string, tenants: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-review-'));
  fs.mkdirSync(path.join(dir, 'tenants'));
  fs.mkdirSync(path.join(dir, 'constructs'));
  fs.copyFileSync(path.join(root, 'tenants', '_platform.yaml'), path.join(dir, 'tenants', '_platform.yaml'));
  for (let i = 1; i <= tenants; i++) fs.writeFileSync(path.join(dir, 'tenants', `t${String(i).padStart(4, '0')}.yaml`), benchTenantYaml(i));
  fs.writeFileSync(path.join(dir, 'constructs', 'tenant-stack.ts'), '// stand-in for shared code\n');
  fs.writeFileSync(path.join(dir, '.gitignore'), 'state/\ncdktf.out/\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-q', '-m', 'fleet');
  git('checkout', '-q', '-b', 'pr');
  return dir;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function benchPlanReview(): Promise<string[]> {
  const root = process.cwd();
  const tenants = Number(process.env.BENCH_REVIEW_TENANTS ?? 100);
  const cpus = os.cpus().length;
  const tools = toolchain({ ...process.env, HCLOUD_TOKEN: undefined });
  const prices = shippedPriceTable();
  const repo = makeFleetRepo(root, tenants);
  let run = 0;
  const review = async (parallel: number): Promise<{ ms: number; r: ReviewResult }> => {
    const t0 = Date.now();
    const r = await runReview({
      projectDir: repo, prices, env: tools.env, tofuBin: tools.tofu, parallel,
      outdir: path.join(repo, 'cdktf.out', `bench-${run++}`),
    });
    const failed = r.tenants.filter((t) => t.error !== undefined);
    if (failed.length) throw new Error(`bench: ${failed.length} stack(s) failed, e.g. ${failed[0].tenant}: ${failed[0].error}`);
    return { ms: Date.now() - t0, r };
  };
  const lines: string[] = [];
  try {
    // 1. One tenant changes.
    const changed = `tenants/t${String(Math.ceil(tenants / 2)).padStart(4, '0')}.yaml`;
    const file = path.join(repo, changed);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('size_gb: 50', 'size_gb: 60'));
    const one = await review(cpus);
    lines.push(`plan-review: fleet of ${tenants}, one tenant file changed: ${one.r.tenants.length} stack planned, ${seconds(one.ms)} wall (synth + init + plan + show)`);
    execFileSync('git', ['checkout', '-q', '--', changed], { cwd: repo });

    // 2. Shared code changes: every stack, sequential, then parallel.
    fs.appendFileSync(path.join(repo, 'constructs', 'tenant-stack.ts'), '// changed\n');
    const seq = await review(1);
    const par = await review(cpus);
    const perStack = seq.ms / Math.max(1, seq.r.tenants.length);
    lines.push(`plan-review: shared code changed, ${seq.r.tenants.length} stacks, --parallel 1: ${seconds(seq.ms)} wall (${seconds(perStack)} per stack)`);
    lines.push(`plan-review: shared code changed, ${par.r.tenants.length} stacks, --parallel ${cpus} (default, ${cpus} CPUs): ${seconds(par.ms)} wall; speedup ${(seq.ms / par.ms).toFixed(2)}x`);
    lines.push(`plan-review: one changed tenant vs all ${tenants}: ${(par.ms / one.ms).toFixed(1)}x less wall time for the one-tenant change`);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
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
