/**
 * `npm run verify` (cli/verify.ts, run as a process) against live resources:
 * the example fleet (tenants/) deployed with the real tofu + provider to the
 * local API passes; then deliberately broken deployments fail, each with the
 * rule that names what was broken, and a scoped run still passes for the
 * tenants that were not touched.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { finished, parseJsonOrUndefined } from '../../test-support/process';
import { loadFleet } from '../../app/tenant-files';
import type { Fleet } from '../../lib/tenant/model';
import { DUMMY_TOKEN, HcloudApi, startHcloudApi } from '../../local-cloud';
import { ok } from '../../local-cloud/client';
import { tenantConfig, Tweaks } from '../../test-support/tenant-config';
import { expectExit, TofuWorkspace, tofuProblem, tofuWorkspace } from '../../test-support/tofu-async';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TENANTS_DIR = path.join(ROOT, 'tenants');

interface VerifyRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json?: any;
}

function runVerify(api: HcloudApi, args: string[]): Promise<VerifyRun> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/run.js'), 'cli/verify.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, HCLOUD_ENDPOINT: api.url, HCLOUD_TOKEN: DUMMY_TOKEN, TENANTS_DIR },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return finished(child).then(({ code, stdout, stderr }) => ({
    code, stdout, stderr, json: args.includes('--json') ? parseJsonOrUndefined(stdout) : undefined,
  }));
}

describe('npm run verify against the example fleet on the local API', () => {
  let api: HcloudApi;
  let fleet: Fleet;
  const ws = new Map<string, TofuWorkspace>();

  beforeAll(async () => {
    const problem = tofuProblem();
    if (problem) throw new Error(problem);
    const loaded = loadFleet(TENANTS_DIR);
    if (!loaded.fleet) throw new Error(`tenants/ does not load: ${JSON.stringify(loaded.diagnostics)}`);
    fleet = loaded.fleet;
    api = await startHcloudApi();
    // What the platform provides outside the tenant stacks: the DNS zone.
    await ok(api.url, 'POST', '/zones', { name: fleet.platform.dns.zone, mode: 'primary', labels: { managed_by: fleet.platform.managed_by } });
    await Promise.all(
      fleet.tenants.map(async (t) => {
        const w = tofuWorkspace(api.url, `verify-${t.id}-`);
        ws.set(t.id, w);
        w.write(tenantConfig(t, fleet.platform));
        expectExit(await w.init(), 0, `init ${t.id}`);
        expectExit(await w.apply(), 0, `apply ${t.id}`);
      }),
    );
  });

  afterAll(async () => {
    await api?.stop();
    for (const w of ws.values()) w.remove();
  });

  async function redeploy(tenantId: string, tweaks: Tweaks): Promise<void> {
    const t = fleet.tenants.find((x) => x.id === tenantId)!;
    const w = ws.get(tenantId)!;
    w.write(tenantConfig(t, fleet.platform, tweaks));
    expectExit(await w.apply(), 0, `apply ${tenantId}`);
  }

  test('a good deployment passes: exit 0, every tenant ok', async () => {
    const r = await runVerify(api, ['--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json.ok).toBe(true);
    expect(r.json.findings).toEqual([]);
    expect(r.json.tenants.map((t: any) => [t.id, t.servers, t.violations])).toEqual([
      ['acme', 3, 0],
      ['globex', 1, 0],
      ['initech', 3, 0],
    ]);
    const table = await runVerify(api, []);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^acme\s+3\s+1\s+1\s+\d+\s+ok$/m);
    expect(table.stdout).toContain('PASS: no isolation violation.');
  });

  test('a broken deployment fails: every violation is reported under its tenant, with exit 1', async () => {
    // acme: a firewall rule opening all egress, and a volume without tenant_id.
    await redeploy('acme', { extraEgress: [{ protocol: 'tcp', port: 'any', destination_ips: ['0.0.0.0/0'] }], unlabelledVolume: true });
    // globex: the firewall selects by environment, so it no longer covers globex but does cover acme's production servers.
    await redeploy('globex', { firewallSelector: 'environment=production' });
    // Out of band: an unlabelled server in initech's network, and leftovers of a tenant with no file.
    const initechNet = api.state.networks.find((n) => n.name === 'tenant-initech-net')!;
    await ok(api.url, 'POST', '/servers', { name: 'intruder', server_type: 'cx22', image: 'ubuntu-24.04', location: 'hel1', networks: [initechNet.id] });
    await ok(api.url, 'POST', '/volumes', { name: 'tenant-oldco-data', size: 10, location: 'fsn1', labels: { tenant_id: 'oldco', managed_by: fleet.platform.managed_by } });

    const r = await runVerify(api, ['--json']);
    expect(r.code).toBe(1);
    const got = r.json.findings.map((f: any) => `${f.tenant} ${f.rule} ${f.resource}`);
    expect(got).toEqual(
      expect.arrayContaining([
        '- missing-tenant-label volume tenant-acme-data (#400001)',
        expect.stringMatching(/^acme egress-beyond-allow-list firewall tenant-acme-fw/),
        expect.stringMatching(/^acme foreign-firewall server tenant-acme-app-1/),
        expect.stringMatching(/^acme foreign-firewall server tenant-acme-db-1/),
        expect.stringMatching(/^globex firewall-selector firewall tenant-globex-fw/),
        expect.stringMatching(/^globex firewall-not-covering server tenant-globex-web-1/),
        expect.stringMatching(/^globex egress-open server tenant-globex-web-1/),
        expect.stringMatching(/^initech foreign-network server intruder/),
        'oldco orphan volume tenant-oldco-data (#400003)',
      ]),
    );
    const egressFinding = r.json.findings.find((f: any) => f.rule === 'egress-beyond-allow-list' && f.resource.startsWith('firewall tenant-acme-fw'));
    expect(egressFinding.message).toContain('allows tcp/any out to 0.0.0.0/0');

    const table = await runVerify(api, []);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^globex\s+\S+.*violation/m);
    expect(table.stdout).toMatch(/^\(no tenant file\)/m);
    expect(table.stdout).toContain('foreign-network: A tenant network is the tenant\'s private segment');
    expect(table.stdout).toMatch(/FAIL: \d+ isolation violations\./);
  });

  test('a scoped run checks only the named tenants: initech alone still fails, exit codes say so', async () => {
    const initech = await runVerify(api, ['initech', '--json']);
    expect(initech.code).toBe(1);
    expect(initech.json.findings.map((f: any) => f.rule)).toEqual(['foreign-network']);
    expect(initech.json.tenants.map((t: any) => t.id)).toEqual(['initech']);
  });

  test('repairing the deployments makes it pass again', async () => {
    await redeploy('acme', {});
    await redeploy('globex', {});
    const intruder = api.state.servers.find((s) => s.name === 'intruder')!;
    await ok(api.url, 'DELETE', `/servers/${intruder.id}`);
    const orphan = api.state.volumes.find((v) => v.name === 'tenant-oldco-data')!;
    await ok(api.url, 'DELETE', `/volumes/${orphan.id}`);
    const r = await runVerify(api, ['--json']);
    expect(r.json.findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  test('usage errors exit 2: an unknown tenant, a missing token', async () => {
    const unknown = await runVerify(api, ['acm']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown tenant "acm"; did you mean "acme"?');
    const noToken = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'scripts/run.js'), 'cli/verify.ts'], {
        cwd: ROOT,
        env: { ...process.env, HCLOUD_TOKEN: '', HCLOUD_ENDPOINT: api.url, TENANTS_DIR },
        stdio: 'ignore',
      });
      child.on('close', resolve);
    });
    expect(noToken).toBe(2);
  });
});
