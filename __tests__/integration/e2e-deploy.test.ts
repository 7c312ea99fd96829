/**
 * End to end, as an engineer runs it: `cdktf deploy` / `cdktf destroy` (the
 * project's app, `--skip-provider-lock` as in `npm run deploy`) of the example
 * tenants with the real OpenTofu and hcloud provider against the local
 * Hetzner Cloud API. Each run happens in a throw-away project directory (see
 * test-support/cdktf-project.ts) so that the repo's cdktf.out/ and
 * state/ are never touched.
 *
 * The platform prerequisites outside the tenant stacks (the DNS zone of
 * _platform.yaml and its SSH keys) are created through the API first, as an
 * operator would once per project.
 */
import * as fs from 'fs';
import * as path from 'path';
import { firewallRules } from '../../lib/firewall-rules';
import { tenantLabels, tenantSelector } from '../../lib/labels';
import { firewallName, networkName, stackName, volumeName } from '../../lib/naming';
import { loadFleet } from '../../app/tenant-files';
import type { Fleet } from '../../lib/tenant/model';
import { DUMMY_TOKEN, HcloudApi, RequestLogEntry, startHcloudApi } from '../../local-cloud';
import { ansibleInventory } from '../../test-support/ansible-inventory-list';
import { CdktfProject, cdktfProject, descendants, E2E_API_OPTIONS, killTree, REPO_ROOT } from '../../test-support/cdktf-project';
import { ok } from '../../local-cloud/client';
import { createPlatformPrerequisites } from '../../test-support/platform-prerequisites';
import type { ApiState } from '../../local-cloud/state';
import { TofuResult, tofuProblem } from '../../test-support/tofu-async';
import { HcloudClient, readSnapshot, verifySnapshot } from '../../verify';

jest.setTimeout(600_000);

function expectOk(r: TofuResult, what: string): void {
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code ?? r.signal}\n--- stdout ---\n${r.stdout.slice(-6000)}\n--- stderr ---\n${r.stderr.slice(-3000)}`);
}

/** The platform's resources that belong to one tenant, as the API holds them (for before/after comparisons). */
function tenantRecords(state: ApiState, id: string) {
  const mine = <T extends { labels: Record<string, string> }>(xs: T[]) => xs.filter((x) => x.labels.tenant_id === id);
  const servers = mine(state.servers);
  const serverIds = new Set(servers.map((s) => s.id));
  return {
    servers,
    networks: mine(state.networks),
    firewalls: mine(state.firewalls),
    volumes: mine(state.volumes),
    rrsets: mine(state.rrsets),
    primaryIps: state.primary_ips.filter((p) => p.assignee_id !== null && serverIds.has(p.assignee_id)),
  };
}

function idsOf(records: ReturnType<typeof tenantRecords>): number[] {
  return [...records.servers, ...records.networks, ...records.firewalls, ...records.volumes, ...records.primaryIps].map((r) => r.id);
}

/** Mutating calls (not GET) made since `mark` whose path names one of `ids`. */
function mutationsOf(api: HcloudApi, mark: number, ids: number[]): string[] {
  return api.requests
    .slice(mark)
    .filter((r) => r.method !== 'GET' && ids.some((id) => r.path.split('/').includes(String(id))))
    .map((r) => `${r.method} ${r.path}`);
}

describe('end to end: cdktf deploy and destroy of the example tenants against the local Hetzner Cloud API', () => {
  let api: HcloudApi;
  let proj: CdktfProject;
  const fleet = (): Fleet => {
    const r = loadFleet(proj.tenantsDir);
    if (!r.fleet) throw new Error(`tenant files do not load: ${JSON.stringify(r.diagnostics)}`);
    return r.fleet;
  };
  const deploy = (...ids: string[]) => proj.cdktf(['deploy', ...ids.map(stackName), '--auto-approve', '--skip-provider-lock']);
  const destroy = (...ids: string[]) => proj.cdktf(['destroy', ...ids.map(stackName), '--auto-approve', '--skip-provider-lock']);
  const verifyLive = async () => {
    const f = fleet();
    const client = new HcloudClient({ endpoint: api.url, token: DUMMY_TOKEN });
    const snapshot = await readSnapshot(client, { managedBy: f.platform.managed_by, tenantIds: f.tenants.map((t) => t.id), zone: f.platform.dns.zone });
    return verifySnapshot({ snapshot, tenants: f.tenants, managedBy: f.platform.managed_by });
  };

  beforeAll(async () => {
    const problem = tofuProblem();
    if (problem) throw new Error(problem);
    api = await startHcloudApi({ ...E2E_API_OPTIONS, log: (l) => process.stderr.write(`[hcloud-api] ${l}\n`) });
    proj = cdktfProject(api.url);
    for (const f of ['_platform.yaml', 'acme.yaml', 'globex.yaml']) proj.copyTenant(f);
    await createPlatformPrerequisites(api.url, fleet().platform);
  });

  afterAll(async () => {
    await api?.stop();
    proj?.remove();
  });

  test('deploys two example tenants: every resource exists with the right labels, each firewall covers exactly its tenant\'s servers', async () => {
    expectOk(await deploy('acme', 'globex'), 'cdktf deploy acme globex');
    const f = fleet();
    for (const t of f.tenants) {
      const live = tenantRecords(api.state, t.id);
      const identity = { tenantId: t.id, environment: t.environment, managedBy: f.platform.managed_by };
      expect(live.servers.map((s) => s.name).sort()).toEqual(t.servers.map((s) => s.name).sort());
      for (const spec of t.servers) {
        const s = live.servers.find((x) => x.name === spec.name)!;
        expect(s.labels).toEqual(tenantLabels({ ...identity, role: spec.role }));
        expect(s.private_net.map((p) => p.ip)).toEqual([spec.privateIp]);
        expect([s.server_type, s.location, s.status]).toEqual([spec.serverType, t.location, 'running']);
        expect(s.protection.delete).toBe(t.environment === 'production');
      }
      expect(live.networks.map((n) => [n.name, n.ip_range, n.labels])).toEqual([[networkName(t.id), t.networkCidr, tenantLabels(identity)]]);
      expect(live.firewalls.map((x) => x.name)).toEqual([firewallName(t.id)]);
      const fw = (await ok(api.url, 'GET', `/firewalls/${live.firewalls[0].id}`)).firewall;
      expect(fw.rules).toHaveLength(firewallRules(t).length);
      expect(fw.applied_to).toHaveLength(1);
      expect(fw.applied_to[0].label_selector.selector).toBe(tenantSelector(t.id));
      expect(fw.applied_to[0].applied_to_resources.map((r: any) => r.server.id).sort()).toEqual(live.servers.map((s) => s.id).sort());
      if (t.volume) {
        expect(live.volumes.map((v) => [v.name, v.size, v.format, v.server])).toEqual([
          [volumeName(t.id), t.volume.sizeGb, t.volume.format, live.servers.find((s) => s.name === t.servers[0].name)!.id],
        ]);
      }
      for (const d of t.dnsRecords) {
        const a = live.rrsets.find((r) => r.name === d.name && r.type === 'A');
        expect(a?.records.map((r) => r.value)).toEqual([api.state.primary_ips.find((p) => p.assignee_id === live.servers.find((s) => s.name === d.server)!.id && p.type === 'ipv4')!.ip]);
      }
    }
    const v = await verifyLive();
    expect(v.findings).toEqual([]);
  });

  test('the dynamic inventory (ansible/inventory/hcloud.yml) lists the hosts grouped by tenant', async () => {
    const r = await ansibleInventory(path.join(REPO_ROOT, 'ansible', 'inventory', 'hcloud.yml'), { HCLOUD_ENDPOINT: api.url, HCLOUD_TOKEN: DUMMY_TOKEN });
    if (!r.inventory) throw new Error(`ansible-inventory failed (${r.code}):\n${r.stderr}`);
    for (const t of fleet().tenants) {
      expect([...r.inventory[`tenant_${t.id}`].hosts].sort()).toEqual(t.servers.map((s) => s.name).sort());
      expect(r.inventory[`env_${t.environment}`].hosts).toEqual(expect.arrayContaining(t.servers.map((s) => s.name)));
    }
    const app1 = r.inventory._meta.hostvars['tenant-acme-app-1'];
    expect(app1.ansible_host).toBe(api.state.primary_ips.find((p) => p.assignee_id === api.state.servers.find((s) => s.name === 'tenant-acme-app-1')!.id && p.type === 'ipv4')!.ip);
    expect(app1.private_networks).toEqual([expect.objectContaining({ name: 'tenant-acme-net', ip: '10.12.1.10' })]);
  });

  test('changing one tenant file plans and applies changes to that tenant only', async () => {
    const file = path.join(proj.tenantsDir, 'globex.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('count: 1', 'count: 2').replace('    - { port: 22, from: [management] }', '    - { port: 22, from: [management] }\n    - { port: 8080, from: [gateway], description: admin UI }'));
    expectOk(await proj.synth(), 'synth');
    for (const id of ['acme', 'globex']) expectOk(await proj.tofu(id, ['init']), `tofu init ${id}`);
    const acmePlan = await proj.tofu('acme', ['plan', '-detailed-exitcode']);
    const globexPlan = await proj.tofu('globex', ['plan', '-detailed-exitcode']);
    expect([acmePlan.code, globexPlan.code]).toEqual([0, 2]);
    expect(globexPlan.stdout).toMatch(/Plan: 1 to add, 1 to change, 0 to destroy/);

    const acmeBefore = tenantRecords(api.state, 'acme');
    const mark = api.requests.length;
    expectOk(await deploy('acme', 'globex'), 'cdktf deploy after the change');
    expect(tenantRecords(api.state, 'acme')).toEqual(acmeBefore);
    expect(mutationsOf(api, mark, idsOf(acmeBefore))).toEqual([]);
    const globex = tenantRecords(api.state, 'globex');
    expect(globex.servers.map((s) => s.name).sort()).toEqual(['tenant-globex-web-1', 'tenant-globex-web-2']);
    expect(globex.firewalls[0].rules.some((r) => r.port === '8080')).toBe(true);
    expect((await verifyLive()).findings).toEqual([]);
  });

  test('faults: with 500s, 429s, 409 conflicts and 423 locks on the way, re-running the deploy converges with no duplicate and no orphan', async () => {
    proj.copyTenant('initech.yaml');
    api.faults.clear(11);
    // The provider retries locked volume attachments and network attachments; its client retries conflicts.
    api.faults.add({ method: 'POST', path: '/volumes/*/actions/attach', status: 423, nth: 1 });
    api.faults.add({ method: 'POST', path: '/servers/*/actions/attach_to_network', status: 423, nth: 1 });
    api.faults.add({ method: 'POST', status: 500, probability: 0.3, times: 4 });
    api.faults.add({ status: 409, probability: 0.05, times: 3 });
    api.faults.add({ status: 429, probability: 0.1, times: 6 });
    const runs: (number | null)[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await deploy('acme', 'globex', 'initech');
      runs.push(r.code);
      if (r.code === 0) break;
    }
    api.faults.clear();
    expect(runs[runs.length - 1]).toBe(0);
    expect(runs.length).toBeGreaterThan(1); // at least one run failed on an injected 500
    expect(api.faults.injected.filter((x) => x.status === 500).length).toBeGreaterThan(0);
    // Both locked attachments were answered 423 once and retried by the provider.
    expect(api.faults.injected.filter((x) => x.status === 423).map((x) => x.path.replace(/\d+/, '{id}')).sort()).toEqual(['/servers/{id}/actions/attach_to_network', '/volumes/{id}/actions/attach']);

    const f = fleet();
    for (const t of f.tenants) {
      const live = tenantRecords(api.state, t.id);
      expect(live.servers.map((s) => s.name).sort()).toEqual(t.servers.map((s) => s.name).sort());
      expect(live.networks).toHaveLength(1);
      expect(live.firewalls).toHaveLength(1);
      expect(live.volumes).toHaveLength(t.volume ? 1 : 0);
      // No orphan: everything the API holds for the tenant is in its stack's state.
      expectOk(await proj.tofu(t.id, ['init']), `init ${t.id}`);
      const shown = await proj.tofu(t.id, ['show', '-json']);
      const managed = new Set<string>((JSON.parse(shown.stdout).values?.root_module?.resources ?? []).map((r: any) => String(r.values.id)));
      expect(idsOf({ ...live, primaryIps: [] }).map(String).filter((id) => !managed.has(id))).toEqual([]);
      const plan = await proj.tofu(t.id, ['plan', '-detailed-exitcode']);
      expect([t.id, plan.code]).toEqual([t.id, 0]);
    }
    expect((await verifyLive()).findings).toEqual([]);
  });

  test('cdktf destroy of one tenant removes all of its resources and nothing of the others', async () => {
    const others = { acme: tenantRecords(api.state, 'acme'), initech: tenantRecords(api.state, 'initech') };
    const primaryIpsBefore = api.state.primary_ips.length;
    const globexIps = tenantRecords(api.state, 'globex').primaryIps.length;
    const mark = api.requests.length;
    expectOk(await destroy('globex'), 'cdktf destroy globex');
    const gone = tenantRecords(api.state, 'globex');
    expect([gone.servers, gone.networks, gone.firewalls, gone.volumes, gone.rrsets]).toEqual([[], [], [], [], []]);
    expect(api.state.primary_ips).toHaveLength(primaryIpsBefore - globexIps);
    expect({ acme: tenantRecords(api.state, 'acme'), initech: tenantRecords(api.state, 'initech') }).toEqual(others);
    expect(mutationsOf(api, mark, [...idsOf(others.acme), ...idsOf(others.initech)])).toEqual([]);
    expect((await verifyLive()).findings).toEqual([]);
  });

  test('offboarding a production tenant as the README says: destroy is refused (delete protection); allow_destroy: true and a deploy lift it; then the destroy removes the tenant and nothing of the others', async () => {
    const refused = await destroy('acme');
    expect(refused.code).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/protected/);
    const left = tenantRecords(api.state, 'acme');
    expect(left.servers.map((s) => s.name).sort()).toEqual(['tenant-acme-app-1', 'tenant-acme-app-2', 'tenant-acme-db-1']);
    expect(left.networks).toHaveLength(1);
    expect(left.volumes).toHaveLength(1);
    // Servers are ordered after the firewall, so the refused destroy stops before it: the servers
    // stay covered (the DNS records and the volume attachment, which depend on the servers, are gone).
    expect(left.firewalls.map((f) => f.name)).toEqual(['tenant-acme-fw']);
    expect((await verifyLive()).findings).toEqual([]);

    // First reviewed change: `allow_destroy: true` in the tenant file, deployed. It lifts Hetzner's
    // protection in place (same servers, network and volume), restores what the refused destroy
    // removed, and touches no other tenant.
    const file = path.join(proj.tenantsDir, 'acme.yaml');
    fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}allow_destroy: true\n`);
    const initech = tenantRecords(api.state, 'initech');
    const mark = api.requests.length;
    expectOk(await deploy('acme'), 'cdktf deploy acme with allow_destroy: true');
    const lifted = tenantRecords(api.state, 'acme');
    const ids = (xs: { id: number }[]) => xs.map((x) => x.id).sort();
    expect([ids(lifted.servers), ids(lifted.networks), ids(lifted.volumes), ids(lifted.firewalls)])
      .toEqual([ids(left.servers), ids(left.networks), ids(left.volumes), ids(left.firewalls)]);
    for (const s of lifted.servers) {
      expect([s.name, s.protection]).toEqual([s.name, { delete: false, rebuild: false }]);
      expect(s.backup_window).not.toBeNull(); // still production: backups stay on
    }
    expect(lifted.networks.map((n) => n.protection.delete)).toEqual([false]);
    expect(lifted.volumes.map((v) => [v.protection.delete, v.server])).toEqual([[false, lifted.servers.find((s) => s.name === 'tenant-acme-app-1')!.id]]);
    expect(lifted.rrsets.map((r) => `${r.name} ${r.type}`).sort()).toEqual(['acme.tenants A', 'acme.tenants AAAA', 'db.acme.tenants A', 'db.acme.tenants AAAA']);
    expect(tenantRecords(api.state, 'initech')).toEqual(initech);
    expect((await verifyLive()).findings).toEqual([]);

    // Second change: the stack is destroyed, then the tenant file removed.
    const primaryIpsBefore = api.state.primary_ips.length;
    const acmeIps = lifted.primaryIps.length;
    expectOk(await destroy('acme'), 'cdktf destroy acme after allow_destroy: true');
    const gone = tenantRecords(api.state, 'acme');
    expect([gone.servers, gone.networks, gone.firewalls, gone.volumes, gone.rrsets]).toEqual([[], [], [], [], []]);
    expect(api.state.primary_ips).toHaveLength(primaryIpsBefore - acmeIps);
    expect(tenantRecords(api.state, 'initech')).toEqual(initech);
    expect(mutationsOf(api, mark, idsOf(initech))).toEqual([]);
    proj.removeTenant('acme.yaml');
    // Nothing of acme is left for a tenant file to own: the verifier finds no orphan.
    expect(fleet().tenants.map((t) => t.id)).not.toContain('acme');
    expect((await verifyLive()).findings).toEqual([]);
  });

  test('every call made by the provider and the inventory hit an implemented route', () => {
    expect(api.unknownRoutes).toEqual([]);
  });
});

describe('end to end: a deploy killed mid-way', () => {
  let api: HcloudApi;
  let proj: CdktfProject;
  const hooks: ((e: RequestLogEntry) => void)[] = [];
  const deployGlobex = (onSpawn?: (c: import('child_process').ChildProcess) => void) =>
    proj.cdktf(['deploy', 'tenant-globex', '--auto-approve', '--skip-provider-lock'], { onSpawn });
  const scaleGlobex = (n: number) => {
    const file = path.join(proj.tenantsDir, 'globex.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/count: \d+/, `count: ${n}`));
  };
  const globexServers = () => api.state.servers.filter((s) => s.labels.tenant_id === 'globex').map((s) => s.name).sort();
  /** Runs a deploy and kills it (per `kill`) in the instant the API creates the first new server. */
  async function killedDeploy(kill: (child: import('child_process').ChildProcess) => number[]): Promise<number[]> {
    let child: import('child_process').ChildProcess | undefined;
    let killed: number[] = [];
    hooks.push((e) => {
      if (killed.length === 0 && child && e.method === 'POST' && e.path === '/servers') killed = kill(child);
    });
    const r = await deployGlobex((c) => (child = c));
    hooks.length = 0;
    expect(r.code).not.toBe(0);
    return killed;
  }

  beforeAll(async () => {
    const problem = tofuProblem();
    if (problem) throw new Error(problem);
    // cdktf runs tofu on a pseudo-terminal; when cdktf is killed the terminal hangs up.
    // Through scripts/tofu-session.sh tofu ignores the hangup and finishes its apply, even
    // with actions that take polls (without it, tofu died with cdktf and left the new
    // server untracked under load: seen 2026-12-01).
    api = await startHcloudApi({ ...E2E_API_OPTIONS, onRequest: (e) => hooks.forEach((h) => h(e)), log: (l) => process.stderr.write(`[hcloud-api] ${l}\n`) });
    proj = cdktfProject(api.url, 'cdktf-kill-');
    proj.copyTenant('_platform.yaml');
    proj.copyTenant('globex.yaml');
    const f = loadFleet(proj.tenantsDir).fleet!;
    await createPlatformPrerequisites(api.url, f.platform);
    expectOk(await deployGlobex(), 'first deploy');
  });

  afterAll(async () => {
    await api?.stop();
    proj?.remove();
  });

  test('killing the deploy command (cdktf, SIGKILL) mid-apply: tofu runs in a session of its own and finishes; the next deploy has nothing left to do', async () => {
    scaleGlobex(3);
    let orphaned: number[] = [];
    await killedDeploy((child) => {
      orphaned = descendants(child.pid!);
      process.kill(child.pid!, 'SIGKILL');
      return [child.pid!];
    });
    // Wait for the tofu run that outlived cdktf.
    for (let i = 0; i < 600 && orphaned.some((p) => fs.existsSync(`/proc/${p}`)); i++) await new Promise((r) => setTimeout(r, 100));
    const next = await deployGlobex();
    expectOk(next, 'deploy after the kill');
    expect(next.stdout).toMatch(/No changes|0 added, 0 changed, 0 destroyed/);
    expect(globexServers()).toEqual(['tenant-globex-web-1', 'tenant-globex-web-2', 'tenant-globex-web-3']);
  });

  test('killing the whole process tree (SIGKILL: lost runner, OOM) while servers are created: they are left untracked, and the next `npm run deploy` adopts them (name and tenant labels match) and converges, with no duplicate and none replaced', async () => {
    scaleGlobex(5);
    const killed = await killedDeploy((child) => killTree(child, 'SIGKILL'));
    expect(killed.length).toBeGreaterThan(1); // cdktf and tofu (and the provider)
    const before = api.state.servers.filter((s) => s.labels.tenant_id === 'globex');
    expect(before.length).toBeGreaterThan(3); // the API created servers tofu never recorded

    const next = await proj.deploy(['tenant-globex', '--auto-approve']);
    expectOk(next, 'npm run deploy after the kill');
    const out = `${next.stdout}${next.stderr}`;
    expect(out).not.toMatch(/uniqueness_error/);
    const adopted = [...out.matchAll(/adopt: tenant-globex: adopted (hcloud_server\.server_web_\d) \((tenant-globex-web-\d)\)/g)].map((m) => m[2]).sort();
    expect(adopted.length).toBeGreaterThan(0);
    expect(adopted.every((name) => before.some((s) => s.name === name))).toBe(true);

    // Converged: exactly the five servers, each once; the ones the killed run made are the same servers (adopted, not replaced).
    expect(globexServers()).toEqual(['tenant-globex-web-1', 'tenant-globex-web-2', 'tenant-globex-web-3', 'tenant-globex-web-4', 'tenant-globex-web-5']);
    const after = api.state.servers.filter((s) => s.labels.tenant_id === 'globex');
    for (const s of before) expect(after.find((x) => x.name === s.name)?.id).toBe(s.id);
    expectOk(await proj.synth(), 'synth');
    expectOk(await proj.tofu('globex', ['init']), 'tofu init');
    const plan = await proj.tofu('globex', ['plan', '-detailed-exitcode']);
    expect([plan.code, plan.stdout]).toEqual([0, expect.stringMatching(/No changes/)]);
  });

  test('fails if a server with an expected name is another tenant\'s: `npm run deploy` refuses to adopt it, names it, and deploys nothing', async () => {
    const server = api.state.servers.find((s) => s.name === 'tenant-globex-web-5')!;
    // Someone else's resource under the name the stack expects, outside globex's state.
    expectOk(await proj.tofu('globex', ['state', 'rm', 'hcloud_server.server_web_5']), 'state rm');
    await ok(api.url, 'PUT', `/servers/${server.id}`, { labels: { ...server.labels, tenant_id: 'acme' } });
    const mark = api.requests.length;
    const r = await proj.deploy(['tenant-globex', '--auto-approve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('adopt: tenant-globex: hcloud_server.server_web_5: a server named tenant-globex-web-5 exists with tenant_id=acme, managed_by=hetzner-tenants, not tenant_id=globex, managed_by=hetzner-tenants: not this tenant\'s, not adopted; rename or remove it');
    expect(api.requests.slice(mark).filter((q) => q.method !== 'GET')).toEqual([]);
    expect(api.state.servers.find((s) => s.id === server.id)!.labels.tenant_id).toBe('acme');
  });
});
