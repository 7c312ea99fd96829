/**
 * `npm run verify` (cli/verify.ts, run as a process) against live resources:
 * the example fleet (tenants/), synthesized and deployed with `cdktf deploy`
 * (the real tofu + provider) to the local Hetzner Cloud API stand-in, passes;
 * then the live resources drift, changed through the API as a console click or
 * a script would change them, and verify fails, each finding naming the rule
 * and what was broken; a scoped run checks only the named tenants; a
 * `cdktf deploy` repairs the drift.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { finished, parseJsonOrUndefined } from '../../test-support/process';
import { loadFleet } from '../../app/tenant-files';
import { stackName } from '../../lib/naming';
import type { Fleet } from '../../lib/tenant/model';
import { DUMMY_TOKEN, HcloudApi, startHcloudApi } from '../../local-cloud';
import { ok } from '../../local-cloud/client';
import { CdktfProject, cdktfProject } from '../../test-support/cdktf-project';
import { createPlatformPrerequisites } from '../../test-support/platform-prerequisites';
import { expectExit, tofuProblem } from '../../test-support/tofu-async';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..', '..');

interface VerifyRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json?: any;
}

function runVerify(api: HcloudApi, proj: CdktfProject, args: string[]): Promise<VerifyRun> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/run.js'), 'cli/verify.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, HCLOUD_ENDPOINT: api.url, HCLOUD_TOKEN: DUMMY_TOKEN, TENANTS_DIR: proj.tenantsDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return finished(child).then(({ code, stdout, stderr }) => ({
    code, stdout, stderr, json: args.includes('--json') ? parseJsonOrUndefined(stdout) : undefined,
  }));
}

describe('npm run verify against the example fleet on the local API', () => {
  let api: HcloudApi;
  let proj: CdktfProject;
  let fleet: Fleet;
  const verify = (args: string[]) => runVerify(api, proj, args);
  const deploy = async (...ids: string[]) => {
    const r = await proj.cdktf(['deploy', ...ids.map(stackName), '--auto-approve', '--skip-provider-lock']);
    expectExit(r, 0, `cdktf deploy ${ids.join(' ')}`);
    return r;
  };
  const byName = <T extends { name: string }>(xs: T[], name: string): T => {
    const found = xs.find((x) => x.name === name);
    if (!found) throw new Error(`${name} does not exist on the local API`);
    return found;
  };

  beforeAll(async () => {
    const problem = tofuProblem();
    if (problem) throw new Error(problem);
    api = await startHcloudApi();
    proj = cdktfProject(api.url, 'verify-live-');
    for (const f of ['_platform.yaml', 'acme.yaml', 'globex.yaml', 'initech.yaml']) proj.copyTenant(f);
    const loaded = loadFleet(proj.tenantsDir);
    if (!loaded.fleet) throw new Error(`tenants/ does not load: ${JSON.stringify(loaded.diagnostics)}`);
    fleet = loaded.fleet;
    expect(fleet.tenants.map((t) => t.id)).toEqual(['acme', 'globex', 'initech']);
    await createPlatformPrerequisites(api.url, fleet.platform);
    // acme first, so that its volume is the API's first one (#400001), as a finding below names it.
    await deploy('acme');
    await deploy('globex', 'initech');
  });

  afterAll(async () => {
    await api?.stop();
    proj?.remove();
  });

  test('a good deployment passes: exit 0, every tenant ok', async () => {
    const r = await verify(['--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json.ok).toBe(true);
    expect(r.json.findings).toEqual([]);
    expect(r.json.tenants.map((t: any) => [t.id, t.servers, t.violations])).toEqual([
      ['acme', 3, 0],
      ['globex', 1, 0],
      ['initech', 4, 0], // three gpu servers and the jump host an offline tenant gets
    ]);
    const table = await verify([]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^acme\s+3\s+1\s+1\s+\d+\s+ok$/m);
    expect(table.stdout).toContain('PASS: no isolation violation.');
  });

  test('a broken deployment fails: every violation is reported under its tenant, with exit 1', async () => {
    // acme: a firewall rule opening all egress, and a volume without tenant_id.
    const acmeFw = byName(api.state.firewalls, 'tenant-acme-fw');
    const { firewall } = await ok(api.url, 'GET', `/firewalls/${acmeFw.id}`);
    await ok(api.url, 'POST', `/firewalls/${acmeFw.id}/actions/set_rules`, {
      rules: [...firewall.rules, { direction: 'out', protocol: 'tcp', port: 'any', destination_ips: ['0.0.0.0/0'] }],
    });
    const acmeVolume = byName(api.state.volumes, 'tenant-acme-data');
    const { tenant_id: _dropped, ...unlabelled } = acmeVolume.labels;
    await ok(api.url, 'PUT', `/volumes/${acmeVolume.id}`, { labels: unlabelled });
    // globex: the firewall selects by environment, so it no longer covers globex but does cover acme's production servers.
    const globexFw = byName(api.state.firewalls, 'tenant-globex-fw');
    await ok(api.url, 'POST', `/firewalls/${globexFw.id}/actions/remove_from_resources`, {
      remove_from: [{ type: 'label_selector', label_selector: { selector: 'tenant_id=globex' } }],
    });
    await ok(api.url, 'POST', `/firewalls/${globexFw.id}/actions/apply_to_resources`, {
      apply_to: [{ type: 'label_selector', label_selector: { selector: 'environment=production' } }],
    });
    // Out of band: an unlabelled server in initech's network, and leftovers of a tenant with no file.
    const initechNet = api.state.networks.find((n) => n.name === 'tenant-initech-net')!;
    await ok(api.url, 'POST', '/servers', { name: 'intruder', server_type: 'cx22', image: 'ubuntu-24.04', location: 'hel1', networks: [initechNet.id] });
    await ok(api.url, 'POST', '/volumes', { name: 'tenant-oldco-data', size: 10, location: 'fsn1', labels: { tenant_id: 'oldco', managed_by: fleet.platform.managed_by } });

    const r = await verify(['--json']);
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

    const table = await verify([]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^globex\s+\S+.*violation/m);
    expect(table.stdout).toMatch(/^\(no tenant file\)/m);
    expect(table.stdout).toContain('foreign-network: A tenant network is the tenant\'s private segment');
    expect(table.stdout).toMatch(/FAIL: \d+ isolation violations\./);
  });

  test('a scoped run checks only the named tenants: initech alone still fails, exit codes say so', async () => {
    const initech = await verify(['initech', '--json']);
    expect(initech.code).toBe(1);
    expect(initech.json.findings.map((f: any) => f.rule)).toEqual(['foreign-network']);
    expect(initech.json.tenants.map((t: any) => t.id)).toEqual(['initech']);
  });

  test('a cdktf deploy repairs the drifted stacks in place, and removing what no stack owns makes it pass again', async () => {
    const ids = (xs: { id: number }[]) => xs.map((x) => x.id).sort();
    const before = { servers: ids(api.state.servers), volumes: ids(api.state.volumes), firewalls: ids(api.state.firewalls) };
    const repaired = await deploy('acme', 'globex');
    // Labels, rules and the selector are updated in place: nothing is replaced or destroyed.
    expect(repaired.stdout).toMatch(/[1-9]\d* changed/);
    expect(repaired.stdout).not.toMatch(/[1-9]\d* (added|destroyed)/);
    expect({ servers: ids(api.state.servers), volumes: ids(api.state.volumes), firewalls: ids(api.state.firewalls) }).toEqual(before);
    expect(byName(api.state.volumes, 'tenant-acme-data').labels.tenant_id).toBe('acme');
    const intruder = api.state.servers.find((s) => s.name === 'intruder')!;
    await ok(api.url, 'DELETE', `/servers/${intruder.id}`);
    const orphan = api.state.volumes.find((v) => v.name === 'tenant-oldco-data')!;
    await ok(api.url, 'DELETE', `/volumes/${orphan.id}`);
    const r = await verify(['--json']);
    expect(r.json.findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  test('usage errors exit 2: an unknown tenant, a missing token', async () => {
    const unknown = await verify(['acm']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown tenant "acm"; did you mean "acme"?');
    const noToken = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'scripts/run.js'), 'cli/verify.ts'], {
        cwd: ROOT,
        env: { ...process.env, HCLOUD_TOKEN: '', HCLOUD_ENDPOINT: api.url, TENANTS_DIR: proj.tenantsDir },
        stdio: 'ignore',
      });
      child.on('close', resolve);
    });
    expect(noToken).toBe(2);
  });
});
