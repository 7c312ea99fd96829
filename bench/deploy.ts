/**
 * Deploy speed against the local Hetzner Cloud API (no cloud account, no
 * network): the example fleet through `cdktf deploy` (what `npm run deploy`
 * runs), a no-change re-run, and how a generated fleet scales when its stacks
 * are applied in parallel (`tofu apply` per stack, all at once).
 *
 * The local API answers at once (actions complete on the first read), so the
 * numbers measure the toolchain (cdktf, synth, tofu, provider), not Hetzner:
 * on the real API each server create adds its action wait (typically 10-30 s).
 * Needs the toolchain (`npm run tools`).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DUMMY_TOKEN } from '../lib/hetzner';
import { startHcloudApi } from '../local-cloud';
import { cdktfProject, REPO_ROOT } from '../test-support/cdktf-project';
import { ok } from '../local-cloud/client';
import { runTofu, serializedInit, tofuProblem } from '../test-support/tofu-async';
import { generateFleet } from './fleet-generator';
import { stackName } from '../lib/naming';

// scripts/tools-env.js is what scripts/run.js users get; make sure tofu is found even without `. scripts/tools-env.sh`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../scripts/tools-env.js');

const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq7Bj0mZSP0kH0m2g5Yb0r7sGm4o2d1tY8Jb8rCq8f1 platform-admin';
const SIZES = (process.env.BENCH_DEPLOY_SIZES ?? '1,2,4,8,16').split(',').map(Number);
const LATENCY_SIZES = (process.env.BENCH_DEPLOY_LATENCY_SIZES ?? '1,4,8').split(',').map(Number);
const LATENCY_MS = Number(process.env.BENCH_DEPLOY_LATENCY_MS ?? 100);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function prerequisites(url: string): Promise<void> {
  await ok(url, 'POST', '/zones', { name: 'tenants.example.com', mode: 'primary' });
  await ok(url, 'POST', '/ssh_keys', { name: 'platform-admin', public_key: SSH_KEY });
}

async function exampleFleet(lines: string[]): Promise<void> {
  const api = await startHcloudApi({ log: () => undefined });
  const proj = cdktfProject(api.url, 'bench-deploy-');
  try {
    await prerequisites(api.url);
    for (const f of fs.readdirSync(path.join(REPO_ROOT, 'tenants'))) if (f.endsWith('.yaml')) proj.copyTenant(f);
    const ids = fs.readdirSync(proj.tenantsDir).filter((f) => !f.startsWith('_')).map((f) => stackName(f.replace(/\.yaml$/, '')));
    const first = await proj.cdktf(['deploy', ...ids, '--auto-approve', '--skip-provider-lock']);
    if (first.code !== 0) throw new Error(`cdktf deploy failed:\n${first.stdout.slice(-3000)}\n${first.stderr.slice(-2000)}`);
    const resources = api.state.servers.length + api.state.networks.length + api.state.firewalls.length + api.state.volumes.length + api.state.rrsets.length;
    lines.push(`example fleet (${ids.length} tenants, ${api.state.servers.length} servers, ${resources} servers/networks/firewalls/volumes/records): cdktf deploy ${seconds(first.ms)} wall, ${api.requests.length} API calls`);
    const mark = api.requests.length;
    const again = await proj.cdktf(['deploy', ...ids, '--auto-approve', '--skip-provider-lock']);
    if (again.code !== 0) throw new Error(`second cdktf deploy failed:\n${again.stdout.slice(-3000)}`);
    lines.push(`example fleet, no-change re-run: cdktf deploy ${seconds(again.ms)} wall, ${api.requests.length - mark} API calls (refresh only)`);
  } finally {
    await api.stop();
    proj.remove();
  }
}

async function scaling(lines: string[], sizes: readonly number[], latencyMs = 0): Promise<void> {
  const root = REPO_ROOT;
  for (const n of sizes) {
    const api = await startHcloudApi({ log: () => undefined, latencyMs });
    const tenants = generateFleet(n, root);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `bench-deploy-${n}-`));
    try {
      await prerequisites(api.url);
      const env = { HCLOUD_ENDPOINT: api.url, HCLOUD_TOKEN: DUMMY_TOKEN };
      const outdir = path.join(work, 'cdktf.out');
      const synthStart = Date.now();
      const synth = await new Promise<number | null>((resolve) => {
        const c = spawn(process.execPath, [path.join(root, 'scripts', 'run.js'), 'main.ts'], {
          cwd: work,
          env: { ...process.env, TENANTS_DIR: tenants, CDKTF_OUTDIR: outdir },
          stdio: 'ignore',
        });
        c.on('close', resolve);
      });
      if (synth !== 0) throw new Error(`synth of ${n} tenants failed`);
      const synthMs = Date.now() - synthStart;
      const stacks = fs.readdirSync(path.join(outdir, 'stacks')).map((s) => path.join(outdir, 'stacks', s));
      const initStart = Date.now();
      for (const dir of stacks) {
        const r = await serializedInit(dir, ['init', '-input=false', '-no-color'], { env });
        if (r.code !== 0) throw new Error(`tofu init failed in ${dir}:\n${r.stderr}`);
      }
      const initMs = Date.now() - initStart;
      const applyStart = Date.now();
      const results = await Promise.all(stacks.map((dir) => runTofu(dir, ['apply', '-auto-approve', '-input=false', '-no-color'], { env })));
      const applyMs = Date.now() - applyStart;
      const failed = results.filter((r) => r.code !== 0).length;
      const slowest = Math.max(...results.map((r) => r.ms));
      lines.push(
        `${String(n).padStart(3)} tenants in parallel${latencyMs ? ` (API latency ${latencyMs} ms)` : ''}: apply ${seconds(applyMs)} wall (${(applyMs / n / 1000).toFixed(2)} s per tenant, slowest stack ${seconds(slowest)}), ` +
          `${api.state.servers.length} servers, ${api.requests.length} API calls; synth ${seconds(synthMs)}, init ${seconds(initMs)} (serial)${failed ? `; ${failed} FAILED` : ''}`,
      );
    } finally {
      await api.stop();
      fs.rmSync(work, { recursive: true, force: true });
      fs.rmSync(tenants, { recursive: true, force: true });
    }
  }
}

export async function benchDeploy(): Promise<string[]> {
  const problem = tofuProblem();
  if (problem) return [`skipped: ${problem}`];
  const lines: string[] = [`machine: ${os.cpus().length} CPUs; local API on 127.0.0.1, actions complete at once`];
  await exampleFleet(lines);
  await scaling(lines, SIZES);
  // With a remote API's latency per call, parallel stacks hide the waiting that a single stack cannot.
  await scaling(lines, LATENCY_SIZES, LATENCY_MS);
  return lines;
}
