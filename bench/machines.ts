/**
 * Real servers of the local cloud (local-cloud/machines): how long one server
 * takes from the create call to SSH answering, how much memory an idle server
 * uses, and the example fleet deployed onto real servers (`cdktf deploy`) and
 * probed (`npm run verify -- --probe`). BENCH=rootfs also times a fresh build
 * of the root filesystem (debootstrap from the Debian mirror, about a minute;
 * never part of the default run). Needs root and `npm run tools`.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadFleet } from '../app/tenant-files';
import { DUMMY_TOKEN } from '../local-cloud';
import { ok } from '../local-cloud/client';
import { controlAddressFor } from '../local-cloud/network/address-plan';
import { cdktfProject, REPO_ROOT } from '../test-support/cdktf-project';
import { machinesProblem, MachineCloud, startMachineCloud } from '../test-support/local-cloud-machines';
import { finished } from '../test-support/process';
import { tofuProblem } from '../test-support/tofu-async';

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../scripts/tools-env.js');

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Memory (kB) of a process and everything below it: `Pss` (shared pages split among users) or `Rss` (counted fully). */
function memoryKb(pid: number, field: 'Pss' | 'Rss'): number {
  let total = 0;
  const walk = (p: number) => {
    try {
      total += Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      const children = fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      children.forEach(walk);
    } catch {
      // ended meanwhile
    }
  };
  walk(pid);
  return total;
}

async function oneServer(c: MachineCloud, name: string): Promise<{ ms: number; id: number; ip: string }> {
  const started = Date.now();
  const s = (await ok(c.api.url, 'POST', '/servers', { name, server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', ssh_keys: ['admin'] })).server;
  await c.sshOk(s.public_net.ipv4.ip, 'true');
  return { ms: Date.now() - started, id: s.id, ip: s.public_net.ipv4.ip };
}

async function bootAndMemory(lines: string[]): Promise<void> {
  const c = await startMachineCloud();
  try {
    await ok(c.api.url, 'POST', '/ssh_keys', { name: 'admin', public_key: c.key.publicKey });
    const boots: number[] = [];
    const ids: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const r = await oneServer(c, `bench-${i}`);
      boots.push(r.ms);
      ids.push(r.id);
    }
    lines.push(`one server, create call to SSH answering: median ${seconds(median(boots))} (${boots.map(seconds).join(', ')}; target < 5 s)`);
    await sleep(10_000);
    const pids = ids.map((id) => Number(fs.readFileSync(path.join(c.dataDir, 'servers', String(id), 'nspawn.pid'), 'utf8')));
    const pss = pids.map((pid) => memoryKb(pid, 'Pss') / 1024);
    const rss = pids.map((pid) => memoryKb(pid, 'Rss') / 1024);
    lines.push(
      `memory of an idle server (systemd-nspawn and everything in the machine): PSS median ${median(pss).toFixed(0)} MB, RSS median ${median(rss).toFixed(0)} MB ` +
        `(PSS ${pss.map((m) => m.toFixed(0)).join(', ')} MB; target < 100 MB)`,
    );
  } finally {
    await c.stop();
  }
}

async function fleet(lines: string[]): Promise<void> {
  const platform = loadFleet(path.join(REPO_ROOT, 'tenants')).fleet!.platform;
  const started = Date.now();
  const c = await startMachineCloud({ controlIpv4: controlAddressFor(platform.sources) });
  const proj = cdktfProject(c.api.url, 'bench-machines-');
  try {
    await ok(c.api.url, 'POST', '/zones', { name: platform.dns.zone, mode: 'primary' });
    for (const name of platform.ssh_keys) await ok(c.api.url, 'POST', '/ssh_keys', { name, public_key: c.key.publicKey });
    for (const f of fs.readdirSync(path.join(REPO_ROOT, 'tenants'))) if (f.endsWith('.yaml')) proj.copyTenant(f);
    const ids = fs.readdirSync(proj.tenantsDir).filter((f) => !f.startsWith('_')).map((f) => `tenant-${f.replace(/\.yaml$/, '')}`);
    const deployed = await proj.cdktf(['deploy', ...ids, '--auto-approve', '--skip-provider-lock']);
    if (deployed.code !== 0) throw new Error(`cdktf deploy failed:\n${deployed.stdout.slice(-3000)}\n${deployed.stderr.slice(-2000)}`);
    const probeStarted = Date.now();
    const probe = await finished(
      spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'cli/verify.ts', '--probe'], {
        cwd: REPO_ROOT,
        env: { ...process.env, HCLOUD_ENDPOINT: c.api.url, HCLOUD_TOKEN: DUMMY_TOKEN, TENANTS_DIR: proj.tenantsDir, HCLOUD_SSH_KEY_FILE: c.key.privateKey, PROBE_OUTSIDE_NETNS: c.world },
      }),
    );
    const probes = [...probe.stdout.matchAll(/^\w+\s+(\d+)\s+\d+\s+\d+\s+/gm)].reduce((n, m) => n + Number(m[1]), 0);
    lines.push(
      `example fleet (${ids.length} tenants, ${c.api.state.servers.length} real servers): cloud up to deployed ${seconds(probeStarted - started)} (cdktf deploy ${seconds(deployed.ms)}), ` +
        `probed (${probes} probes, exit ${probe.code}) in ${seconds(Date.now() - probeStarted)}; total ${seconds(Date.now() - started)} (target < 90 s)`,
    );
  } finally {
    await c.stop();
    proj.remove();
  }
}

async function rootfsBuild(lines: string[]): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rootfs-'));
  try {
    const r = await finished(spawn('bash', [path.join(REPO_ROOT, 'scripts', 'build-rootfs.sh')], { env: { ...process.env, TENANT_TOOLS_DIR: dir } }));
    if (r.code !== 0) throw new Error(`build-rootfs.sh failed:\n${r.stderr.slice(-2000)}`);
    const size = (await finished(spawn('du', ['-sm', dir]))).stdout.split('\t')[0];
    lines.push(`root filesystem build (debootstrap minbase from the Debian mirror, customized, renamed into place): ${seconds(r.ms)}, ${size} MB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchMachines(): Promise<string[]> {
  const problem = tofuProblem() ?? machinesProblem();
  if (problem) return [`skipped: ${problem}`];
  const lines: string[] = [];
  await bootAndMemory(lines);
  await fleet(lines);
  return lines;
}

export async function benchRootfs(): Promise<string[]> {
  if (process.getuid?.() !== 0) return ['skipped: debootstrap needs root'];
  const lines: string[] = [];
  await rootfsBuild(lines);
  return lines;
}
