/**
 * The drift check (`npm run drift`) against the local Hetzner Cloud API
 * stand-in (local-cloud/, started in-process), with the real OpenTofu and
 * hcloud provider: a tenant deployed with `cdktf deploy` as `npm run deploy`
 * does, then a label and a firewall rule changed through the API behind
 * OpenTofu's back, as someone in the Hetzner console would.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadFleet } from '../../app/tenant-files';
import type { DriftResult } from '../../drift/result';
import { startHcloudApi, type HcloudApi } from '../../local-cloud';
import { ok } from '../../local-cloud/client';
import { toolchain } from '../../review/toolchain';
import { cdktfProject, REPO_ROOT, type CdktfProject } from '../../test-support/cdktf-project';
import { createPlatformPrerequisites } from '../../test-support/platform-prerequisites';
import { finished } from '../../test-support/process';
import { tofuProblem } from '../../test-support/tofu-async';

jest.setTimeout(300_000);

let api: HcloudApi;
let proj: CdktfProject;

/** `npm run drift -- <args>` in the project: exit code, the report and the JSON result. */
async function drift(args: string[] = [], env: Record<string, string> = {}) {
  const json = path.join(proj.dir, 'drift.json');
  fs.rmSync(json, { force: true });
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'cli/drift.ts', '--quiet', '--json', json, ...args], {
    cwd: proj.dir,
    env: { ...toolchain(process.env).env, ...proj.env, HCLOUD_POLL_INTERVAL: '50ms', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = await finished(child);
  const md = path.join(proj.dir, 'drift.md');
  return {
    code: r.code,
    stderr: r.stderr,
    md: fs.existsSync(md) ? fs.readFileSync(md, 'utf8') : '',
    result: fs.existsSync(json) ? (JSON.parse(fs.readFileSync(json, 'utf8')) as DriftResult) : undefined,
  };
}

beforeAll(async () => {
  const problem = tofuProblem();
  if (problem) throw new Error(problem);
  api = await startHcloudApi({ log: (l) => process.stderr.write(`[hcloud-api] ${l}\n`) });
  proj = cdktfProject(api.url, 'drift-');
  for (const f of ['_platform.yaml', 'acme.yaml', 'globex.yaml']) proj.copyTenant(f);
  await createPlatformPrerequisites(api.url, loadFleet(proj.tenantsDir).fleet!.platform);
  const deployed = await proj.cdktf(['deploy', 'tenant-globex', '--auto-approve', '--skip-provider-lock']);
  if (deployed.code !== 0) throw new Error(`cdktf deploy: ${deployed.stdout.slice(-4000)}\n${deployed.stderr.slice(-2000)}`);
});

afterAll(async () => {
  await api?.stop();
  proj?.remove();
});

test('right after a deploy: no drift (exit 0); a tenant never deployed is listed as such, not checked', async () => {
  const r = await drift();
  expect(r.code).toBe(0);
  expect(r.result!.tenants.map((t) => [t.tenant, t.status, t.resources.length])).toEqual([['acme', 'not-deployed', 0], ['globex', 'clean', 0]]);
  expect(r.result!.tenants[1].managed).toBeGreaterThan(5);
  expect(r.md).toContain('## Drift: 1 deployed tenant checked — ✅ no drift');
  expect(r.md).toContain('Not deployed (no state): `acme`.');
});

test('a label and a firewall rule changed through the API: both reported, attribute by attribute (exit 1), and nothing changed', async () => {
  const server = api.state.servers.find((s) => s.name === 'tenant-globex-web-1')!;
  await ok(api.url, 'PUT', `/servers/${server.id}`, { labels: { ...server.labels, environment: 'production' } });
  const fw = api.state.firewalls.find((f) => f.name === 'tenant-globex-fw')!;
  const rules = (await ok(api.url, 'GET', `/firewalls/${fw.id}`)).firewall.rules as { port: string | null; source_ips: string[] }[];
  const ssh = rules.find((x) => x.port === '22')!;
  expect(ssh.source_ips).toEqual(['198.51.100.0/28']);
  await ok(api.url, 'POST', `/firewalls/${fw.id}/actions/set_rules`, { rules: rules.map((x) => (x === ssh ? { ...x, source_ips: ['0.0.0.0/0'] } : x)) });

  const mark = api.requests.length;
  const r = await drift(['globex']);
  expect(r.code).toBe(1);
  const [globex] = r.result!.tenants;
  expect(globex.status).toBe('drift');
  expect(globex.resources.map((x) => [x.address, x.kind])).toEqual([['hcloud_firewall.firewall', 'changed'], ['hcloud_server.server_web_1', 'changed']]);
  expect(globex.resources[1].attributes).toEqual([{ path: 'labels.environment', before: '"staging"', after: '"production"' }]);
  expect(globex.resources[0].attributes).toEqual([{
    path: 'rule',
    before: '{"direction":"in","port":"22","protocol":"tcp","source_ips":["198.51.100.0/28"]}',
    after: '{"direction":"in","port":"22","protocol":"tcp","source_ips":["0.0.0.0/0"]}',
  }]);
  expect(r.md).toContain('## Drift: 1 deployed tenant checked — ❌ 1 tenant drifted');
  expect(r.md).toContain('- `hcloud_server.server_web_1`: changed outside OpenTofu\n  - `labels.environment`: `"staging"` → `"production"`');
  expect(r.md).toContain('- `hcloud_firewall.firewall`: changed outside OpenTofu\n  - `rule`: `{"direction":"in","port":"22","protocol":"tcp","source_ips":["198.51.100.0/28"]}` → `{"direction":"in","port":"22","protocol":"tcp","source_ips":["0.0.0.0/0"]}`');
  // A refresh-only plan reads; it never writes to the API.
  expect(api.requests.slice(mark).filter((q) => q.method !== 'GET')).toEqual([]);
  expect(api.unknownRoutes).toEqual([]);
});

test('a resource deleted outside OpenTofu is reported as deleted', async () => {
  const rrset = api.state.rrsets.find((x) => x.labels.tenant_id === 'globex' && x.type === 'AAAA')!;
  const zone = api.state.zones.find((z) => z.id === rrset.zone)!;
  await ok(api.url, 'DELETE', `/zones/${zone.id}/rrsets/${rrset.name}/${rrset.type}`);
  const r = await drift(['tenant-globex']);
  expect(r.code).toBe(1);
  expect(r.result!.tenants[0].resources).toContainEqual({ address: 'hcloud_zone_rrset.dns_globex_aaaa', type: 'hcloud_zone_rrset', kind: 'deleted', attributes: [] });
  expect(r.md).toContain('- `hcloud_zone_rrset.dns_globex_aaaa`: **deleted outside OpenTofu**');
});

test('fails if it cannot check: without a token (exit 2, named), and for an unknown tenant (exit 2, nothing written)', async () => {
  const noToken = await drift(['globex'], { HCLOUD_TOKEN: '' });
  expect(noToken.code).toBe(2);
  expect(noToken.result!.tenants[0]).toMatchObject({ tenant: 'globex', status: 'error', error: expect.stringContaining('no API token: set HCLOUD_TOKEN') });
  expect(noToken.md).toContain('### Could not check');

  fs.rmSync(path.join(proj.dir, 'drift.md'));
  const unknown = await drift(['globexx']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('drift: no tenant file for "globexx"; tenants: acme, globex');
  expect(fs.existsSync(path.join(proj.dir, 'drift.md'))).toBe(false);
});
