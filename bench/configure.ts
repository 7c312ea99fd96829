/**
 * Benchmark (BENCH=configure): `ansible-playbook playbooks/site.yml` on real
 * servers, the first run (baseline, volume, the data plane with PostgreSQL,
 * MinIO and the Qdrant STAND-IN, then the tenant's database, bucket and
 * collection) against the run after it, which must change nothing and should
 * take a small fraction of the first. Two fleets, each in its own lab
 * (test-support/fleet-lab.ts: every server a systemd-nspawn Debian 12 from
 * the toolchain's root filesystem, reached over SSH):
 *
 * - the example fleet (tenants/*.yaml): every server of every tenant, the
 *   offline tenant's through its jump host;
 * - 10 generated tenants, one data server each with a volume and all three stores.
 *
 * BENCH_FLEET=example (or ten) runs one of the two.
 * Each run starts with no SSH connection open (a fresh ControlPath
 * directory), as a scheduled or CI run would. Needs root, systemd-nspawn
 * and `npm run tools`. Ansible's cost is per task and host, so the numbers
 * move with the machine's load: the load average is printed too.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FixtureTenant } from '../test-support/ansible-fixture';
import { which } from '../test-support/ansible-proc';
import { failures, PlaybookRun, REPO_ROOT } from '../test-support/ansible-run';
import { createFleetLab, FleetLab } from '../test-support/fleet-lab';
import { defaultRootfs, rootfsProblem } from '../local-cloud/machines/rootfs';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * CPU seconds used so far by this process's finished children (cutime and
 * cstime of /proc/self/stat): the control node's share of a playbook run,
 * which moves much less with the machine's load than the wall time does.
 */
function childCpuSeconds(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
const load = () => os.loadavg()[0].toFixed(1);

/** The 10 generated tenants: one data server each (group db), a volume, PostgreSQL, MinIO and a collection. */
const TEN: FixtureTenant[] = Array.from({ length: 10 }, (_, i) => ({
  id: `bench${String(i + 1).padStart(2, '0')}`,
  seq: 101 + i,
  serverGroup: 'db',
  postgres: true,
  minio: true,
  qdrant: { vector_size: 4, distance: 'Cosine' },
  volume: { size_gb: 10, format: 'ext4' },
}));

/** "host ok/skipped" for every host, tenant hosts (on the control node) first. */
function tasksPerHost(r: PlaybookRun): string {
  return Object.entries(r.recap)
    .sort(([a], [b]) => a.split('-').length - b.split('-').length || a.localeCompare(b))
    .map(([h, c]) => `${h.replace(/^tenant-/, '')} ${c.ok}/${c.skipped}`)
    .join(', ');
}

function changedHosts(r: PlaybookRun): string {
  const hosts = Object.entries(r.recap).filter(([, c]) => c.changed > 0).map(([h, c]) => `${h} ${c.changed}`);
  return hosts.length ? `changed: ${hosts.join(', ')}` : 'changed nothing';
}

async function measure(what: string, lab: FleetLab): Promise<string[]> {
  const loadBefore = load();
  // A fresh ControlPath directory per run: no connection left open by the run before.
  const cpu: number[] = [];
  const run = async (n: number) => {
    const cp = path.join(lab.world.workDir, `cp-${n}`);
    fs.mkdirSync(cp, { recursive: true });
    const before = childCpuSeconds();
    const r = await lab.play('playbooks/site.yml', { env: { ANSIBLE_SSH_CONTROL_PATH_DIR: cp }, timeoutMs: 1_800_000 });
    cpu.push(childCpuSeconds() - before);
    return r;
  };
  const first = await run(1);
  const second = first.code === 0 ? await run(2) : undefined;
  const lines = [
    `${what}: ${Object.keys(first.recap).length} hosts (${lab.servers.length} servers)`,
    `  first run:     ${seconds(first.durationMs)} (exit ${first.code}; control node CPU ${cpu[0].toFixed(1)} s)`,
  ];
  if (second) {
    lines.push(
      `  no-change run: ${seconds(second.durationMs)} (exit ${second.code}; control node CPU ${cpu[1].toFixed(1)} s; ${changedHosts(second)})`,
      `  no-change / first: ${(second.durationMs / first.durationMs).toFixed(2)}; load average ${loadBefore} before, ${load()} after, ${os.cpus().length} cores`,
      `  tasks per host in the no-change run (ok/skipped): ${tasksPerHost(second)}`,
    );
  }
  for (const r of [first, second]) {
    if (!r || r.code === 0) continue;
    // The whole output (tasks that touch secrets carry no_log) outlives the lab, for reading.
    const log = path.join(os.tmpdir(), `bench-configure-${Date.now()}.log`);
    fs.writeFileSync(log, r.output, { mode: 0o600 });
    lines.push(`  a run FAILED (whole output: ${log}):\n${failures(r.output)}`);
  }
  return lines;
}

async function inLab(what: string, spec: Parameters<typeof createFleetLab>[0]): Promise<string[]> {
  const lab = await createFleetLab(spec);
  try {
    return await measure(what, lab);
  } finally {
    await lab.cleanup();
  }
}

export async function benchConfigure(): Promise<string[]> {
  const rootfs = rootfsProblem(defaultRootfs());
  if (process.getuid?.() !== 0 || !which('systemd-nspawn') || rootfs) {
    return [`skipped: needs root, systemd-nspawn and the root filesystem of npm run tools${rootfs ? `: ${rootfs}` : ''}`];
  }
  const only = process.env.BENCH_FLEET?.split(',');
  const lines: string[] = [];
  if (!only || only.includes('example')) {
    const dir = path.join(REPO_ROOT, 'tenants');
    const files = Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('_')).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
    lines.push(...(await inLab(`site.yml, example fleet (${Object.keys(files).map((f) => f.replace(/\.yaml$/, '')).join(', ')}; every server)`, { tenantFiles: files })));
  }
  if (!only || only.includes('ten')) {
    lines.push(...(await inLab('site.yml, 10 generated tenants (one data server each: volume, PostgreSQL, MinIO, Qdrant STAND-IN)', { fixtures: TEN })));
  }
  return lines;
}
