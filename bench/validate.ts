/**
 * Benchmark: validate a fleet of 1000 generated tenant files with `loadFleet`
 * (read, parse, schema, rules, fleet-wide checks). Target: under 2 s.
 *
 * A fleet holds at most 254 tenants (seq 1..254 -> 10.<seq>.0.0/16), so two
 * shapes are timed: 1000 files in one directory (746 of them repeat a seq, so
 * the error path, with its positions, is timed too) and 4 valid fleets of 250.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadFleet, PLATFORM_FILE } from '../app/tenant-files';
import { serverTypeFor } from '../lib/tenant/catalogue-rules';
import { LOCATIONS } from '../lib/hetzner';
import { ENVIRONMENTS } from '../lib/tenant/schema';

const FILES = 1000;
const RUNS = 5;
const TARGET_MS = 2000;

const PLATFORM = `managed_by: hetzner-tenants
dns:
  zone: example.com
  suffix: tenants
sources:
  gateway: [203.0.113.10, 203.0.113.11]
  management: [198.51.100.0/28]
  monitoring: [2001:db8:100::/48]
quotas:
  max_servers_per_tenant: 20
  max_volume_gb_per_tenant: 2000
`;

/** A realistic tenant file: two server groups, a volume, DNS, six firewall rules, storage. */
function tenantYaml(id: string, seq: number, i: number): string {
  // Outside the EU only some types are offered (lib/hetzner-catalogue.json).
  const location = LOCATIONS[i % LOCATIONS.length];
  return `# Generated tenant ${i}.
id: ${id}
seq: ${seq}
environment: ${ENVIRONMENTS[i % ENVIRONMENTS.length]}
mode: online
location: ${LOCATIONS[i % LOCATIONS.length]}
servers:
  - name: app
    role: worker
    type: ${serverTypeFor(location, 'cx22')}
    count: ${1 + (i % 3)}
  - name: db
    role: database
    type: ${serverTypeFor(location, 'cx32')}
volume:
  size_gb: ${10 + (i % 500)}
  format: ${i % 2 ? 'xfs' : 'ext4'}
dns:
  records:
    - name: ${id}
      target: app
    - name: db.${id}
      target: db
firewall:
  ingress:
    - { port: 443, from: [gateway] }
    - { port: 22, from: [management] }
    - { port: 9100, from: [monitoring], description: node exporter }
    - { port: "8000-8010", from: [10.${seq}.0.0/16, 192.0.2.${i % 250}] }
  egress:
    - { port: 443, to: [198.51.100.0/24], description: model API }
    - { port: 53, protocol: udp, to: [185.12.64.1, 185.12.64.2] }
storage:
  postgres: true
  minio: ${i % 2 === 0}
  qdrant: { vector_size: 768, distance: Cosine }
`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Timing {
  /** Wall-clock milliseconds of each run. */
  readonly wall: number[];
  /** CPU milliseconds (user + system) of each run: less sensitive to other processes on the machine. */
  readonly cpu: number[];
}

function time(runs: number, fn: () => void): Timing {
  fn(); // warm-up: file cache and JIT
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    fn();
    wall.push(Number(process.hrtime.bigint() - t) / 1e6);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

const ms = (n: number) => `${Math.round(n)} ms`;

export async function benchValidate(): Promise<string[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-validate-'));
  try {
    // Shape 1: one directory of 1000 files.
    const one = path.join(root, 'one');
    fs.mkdirSync(one);
    fs.writeFileSync(path.join(one, PLATFORM_FILE), PLATFORM);
    let bytes = 0;
    for (let i = 0; i < FILES; i++) {
      const id = `t${String(i).padStart(4, '0')}`;
      const text = tenantYaml(id, (i % 254) + 1, i);
      bytes += text.length;
      fs.writeFileSync(path.join(one, `${id}.yaml`), text);
    }
    // Shape 2: four valid fleets of 250.
    const fleets = [0, 1, 2, 3].map((f) => path.join(root, `fleet-${f}`));
    fleets.forEach((dir, f) => {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, PLATFORM_FILE), PLATFORM);
      for (let k = 0; k < FILES / 4; k++) {
        const i = f * (FILES / 4) + k;
        const id = `t${String(i).padStart(4, '0')}`;
        fs.writeFileSync(path.join(dir, `${id}.yaml`), tenantYaml(id, k + 1, i));
      }
    });

    let oneErrors = 0;
    const oneTimes = time(RUNS, () => {
      const r = loadFleet(one);
      oneErrors = r.diagnostics.filter((d) => d.severity === 'error').length;
    });
    let validTenants = 0;
    let validProblems = 0;
    const fleetTimes = time(RUNS, () => {
      validTenants = 0;
      validProblems = 0;
      for (const dir of fleets) {
        const r = loadFleet(dir);
        validTenants += r.fleet?.tenants.length ?? 0;
        validProblems += r.diagnostics.length;
      }
    });

    const describe = (t: Timing) =>
      `median ${ms(median(t.wall))} (min ${ms(Math.min(...t.wall))}, max ${ms(Math.max(...t.wall))}), CPU median ${ms(median(t.cpu))}`;
    const worst = Math.max(median(oneTimes.wall), median(fleetTimes.wall));
    return [
      `validate: ${FILES} generated tenant files (${(bytes / 1024).toFixed(0)} KiB), loadFleet, ${RUNS} runs after a warm-up ` +
        `(${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)})`,
      `  one directory of ${FILES} files (${oneErrors} duplicate-seq errors reported): ${describe(oneTimes)}`,
      `  4 valid fleets of ${FILES / 4} files (${validTenants} tenants loaded, ${validProblems} diagnostics): ${describe(fleetTimes)}`,
      `  target < ${TARGET_MS} ms: ${worst < TARGET_MS ? 'met' : 'MISSED'}`,
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
