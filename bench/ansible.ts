/**
 * Benchmark: wall time of the after-apply playbooks, the first run (which
 * creates everything) against a second run (which must change nothing and
 * should take a small fraction of the first):
 *
 * - playbooks/site.yml for two tenants on the shared stores (PostgreSQL 15
 *   and MinIO on 127.0.0.1, the Qdrant stand-in, real sops and age);
 * - playbooks/tenant.yml for one tenant on a real Debian 12 server
 *   (systemd-nspawn, test-support/server-lab.ts): baseline, volume, the
 *   tenant's own PostgreSQL, MinIO and Qdrant STAND-IN, then its database,
 *   bucket and collection. Needs root and systemd-nspawn; skipped otherwise.
 *
 * Needs the toolchain (scripts/install-tools.sh).
 *
 * Ansible's cost is per task and per host (a worker fork, a module run), so
 * the numbers move with the machine's load: the load average is printed too.
 */
import * as os from 'os';
import { startAnsiblePlatform } from '../test-support/ansible-platform';
import { which } from '../test-support/ansible-proc';
import { PlaybookRun } from '../test-support/ansible-run';
import { defaultRootfs, rootfsProblem } from '../local-cloud/machines/rootfs';
import { createServerLab, MANAGEMENT_CIDR } from '../test-support/server-lab';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function summary(r: PlaybookRun): string {
  const hosts = Object.entries(r.recap);
  const changed = hosts.map(([h, c]) => `${h.replace(/^tenant-/, '')} ${c.changed}`).join(', ');
  const tasks = hosts.length ? Math.max(...hosts.map(([, c]) => c.ok + c.skipped + c.failed)) : 0;
  return `${seconds(r.durationMs)} (exit ${r.code}; changed: ${changed}; ${tasks} tasks per tenant)`;
}

export async function benchAnsible(): Promise<string[]> {
  return [...(await benchSharedStores()), ...(await benchServer())];
}

async function benchSharedStores(): Promise<string[]> {
  const p = await startAnsiblePlatform({ jwtRbac: true });
  try {
    const load = () => os.loadavg()[0].toFixed(1);
    const loadBefore = load();
    const first = await p.play('playbooks/site.yml');
    const second = await p.play('playbooks/site.yml');
    const lines = [
      `site.yml, 2 tenants, first run (creates everything):  ${summary(first)}`,
      `site.yml, 2 tenants, second run (no change):          ${summary(second)}`,
      `second / first: ${(second.durationMs / first.durationMs).toFixed(2)}; load average ${loadBefore} before, ${load()} after, ${os.cpus().length} cores`,
    ];
    if (first.code !== 0 || second.code !== 0) lines.push('a run FAILED: see `npx jest --selectProjects integration __tests__/integration/ansible` for details');
    return lines;
  } finally {
    await p.stop();
  }
}

async function benchServer(): Promise<string[]> {
  const rootfs = rootfsProblem(defaultRootfs());
  if (process.getuid?.() !== 0 || !which('systemd-nspawn') || rootfs) {
    return [`tenant.yml on a real server: skipped (needs root, systemd-nspawn and the root filesystem of npm run tools${rootfs ? `: ${rootfs}` : ''})`];
  }
  const load = () => os.loadavg()[0].toFixed(1);
  const lab = await createServerLab({
    id: 'bench',
    seq: 231,
    serverGroup: 'db',
    postgres: true,
    minio: true,
    qdrant: { vector_size: 4, distance: 'Cosine' },
    volume: { size_gb: 10, format: 'ext4' },
    ingress: [{ port: 22, from: [MANAGEMENT_CIDR] }],
  });
  try {
    const loadBefore = load();
    const play = () => lab.play('playbooks/tenant.yml', { extraVars: { tenant: 'bench' } });
    const first = await play();
    const second = await play();
    const third = await play();
    const lines = [
      `tenant.yml, 1 tenant on a real server, first run (baseline, volume, data plane, stores): ${summary(first)}`,
      `tenant.yml, same server, second run (no change):                                     ${summary(second)}`,
      `tenant.yml, same server, third run (no change):                                      ${summary(third)}`,
      `second / first: ${(second.durationMs / first.durationMs).toFixed(2)}; load average ${loadBefore} before, ${load()} after, ${os.cpus().length} cores`,
    ];
    if (first.code !== 0 || second.code !== 0) lines.push('a run FAILED: see `npx jest --selectProjects integration __tests__/integration/ansible-servers` for details');
    return lines;
  } finally {
    await lab.cleanup();
  }
}
