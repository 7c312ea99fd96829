/**
 * Benchmark: wall time of the whole after-apply playbook (playbooks/site.yml)
 * for two tenants against local servers (PostgreSQL 15 and MinIO on
 * 127.0.0.1, the Qdrant stand-in, real sops and age): the first run, which
 * creates everything, and a second run, which must change nothing and should
 * take well under the first. Needs the toolchain (scripts/install-tools.sh);
 * no network namespaces, so no root.
 *
 * Ansible's cost is per task and per host (a worker fork, a module run), so
 * the numbers move with the machine's load: the load average is printed too.
 */
import * as os from 'os';
import { startAnsiblePlatform } from '../test-support/ansible-platform';
import { PlaybookRun } from '../test-support/ansible-run';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function summary(r: PlaybookRun): string {
  const hosts = Object.entries(r.recap);
  const changed = hosts.map(([h, c]) => `${h.replace(/^tenant-/, '')} ${c.changed}`).join(', ');
  const tasks = hosts.length ? Math.max(...hosts.map(([, c]) => c.ok + c.skipped + c.failed)) : 0;
  return `${seconds(r.durationMs)} (exit ${r.code}; changed: ${changed}; ${tasks} tasks per tenant)`;
}

export async function benchAnsible(): Promise<string[]> {
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
