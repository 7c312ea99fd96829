/** Generates a fleet of N valid tenant files (plus the example platform file) for benchmarks. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { serverTypeFor } from '../lib/tenant/catalogue-rules';
import { LOCATIONS } from '../lib/hetzner';
import { ENVIRONMENTS } from '../lib/tenant/schema';

/** Tenant file text for bench tenant number i (1-based); seq wraps at 254 via ids only when n <= 254. */
export function benchTenantYaml(i: number): string {
  const id = `t${String(i).padStart(4, '0')}`;
  const offline = i % 4 === 0;
  // Outside the EU only some types are offered (lib/hetzner-catalogue.json).
  const location = LOCATIONS[i % LOCATIONS.length];
  return [
    `id: ${id}`,
    `seq: ${((i - 1) % 254) + 1}`,
    `environment: ${ENVIRONMENTS[i % ENVIRONMENTS.length]}`,
    `mode: ${offline ? 'offline' : 'online'}`,
    `location: ${location}`,
    'servers:',
    `  - { name: app, role: worker, type: ${serverTypeFor(location, 'cx22')}, count: 2 }`,
    `  - { name: db, role: database, type: ${serverTypeFor(location, 'cx32')} }`,
    ...(offline ? [`  - { name: jump, role: jump, type: ${serverTypeFor(location, 'cx22')} }`] : []),
    'volume: { size_gb: 50, format: ext4 }',
    // Offline: only the (added) jump host is public, so no DNS record and SSH-only ingress.
    ...(offline ? [] : ['dns:', `  records: [{ name: ${id}, target: app }]`]),
    'firewall:',
    '  ingress:',
    ...(offline ? [] : ['    - { port: 443, from: [gateway] }']),
    '    - { port: 22, from: [management] }',
    ...(offline ? [] : ['  egress:', '    - { port: 443, to: [198.51.100.0/24] }']),
    'storage: { postgres: true, minio: true }',
    '',
  ].join('\n');
}

/**
 * Writes N tenants into a new temp dir with the repo's platform file. Fleets
 * over 254 tenants reuse seq values, which the fleet check rejects, so such
 * fleets are split into shards of at most 254 tenants by the caller.
 */
export function generateFleet(n: number, repoRoot: string, first = 1): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-fleet-${n}-`));
  fs.copyFileSync(path.join(repoRoot, 'tenants', '_platform.yaml'), path.join(dir, '_platform.yaml'));
  for (let i = first; i < first + n; i++) {
    fs.writeFileSync(path.join(dir, `t${String(i).padStart(4, '0')}.yaml`), benchTenantYaml(i));
  }
  return dir;
}
