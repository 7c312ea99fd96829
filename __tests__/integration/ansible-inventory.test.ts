/**
 * The two inventories of ansible/:
 * - inventory/hcloud.yml, the hetzner.hcloud dynamic inventory, read by the
 *   real plugin against the local Hetzner API (local-cloud/) through
 *   HCLOUD_ENDPOINT: servers are grouped by their tenant_id, role and
 *   environment labels, and unmanaged servers are left out;
 * - the local tenants inventory built from `ansible_vars`
 *   (test-support/ansible-inventory.ts), for the repository's example tenants.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ansibleVars } from '../../lib/ansible-vars';
import { loadFleet } from '../../app/tenant-files';
import { DUMMY_TOKEN, HcloudApi, startHcloudApi } from '../../local-cloud';
import { ansibleInventory } from '../../test-support/ansible-inventory-list';
import { ok } from '../../local-cloud/client';
import { localInventory, writeInventory } from '../../test-support/ansible-inventory';
import { run, tempDir } from '../../test-support/ansible-proc';
import { ANSIBLE_DIR, ansibleEnv, REPO_ROOT } from '../../test-support/ansible-run';

jest.setTimeout(5 * 60_000);

let dir: string;
beforeAll(() => {
  dir = tempDir('tp-ansible-inventory');
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('inventory/hcloud.yml against the local Hetzner API', () => {
  let api: HcloudApi;

  beforeAll(async () => {
    api = await startHcloudApi();
    const net = (await ok(api.url, 'POST', '/networks', {
      name: 'tenant-acme-net',
      ip_range: '10.12.0.0/16',
      subnets: [{ type: 'cloud', ip_range: '10.12.1.0/24', network_zone: 'eu-central' }],
      labels: { tenant_id: 'acme', managed_by: 'hetzner-tenants' },
    })).network;
    const server = (name: string, role: string, extra: Record<string, unknown> = {}) =>
      ok(api.url, 'POST', '/servers', {
        name,
        server_type: 'cx22',
        image: 'ubuntu-24.04',
        location: 'nbg1',
        networks: [net.id],
        labels: { tenant_id: 'acme', managed_by: 'hetzner-tenants', role, environment: 'production' },
        ...extra,
      });
    await server('tenant-acme-app-1', 'worker');
    await server('tenant-acme-app-2', 'worker');
    // An offline server: no public address, so ansible_host is its private one.
    await server('tenant-acme-db-1', 'database', { public_net: { enable_ipv4: false, enable_ipv6: false } });
    await ok(api.url, 'POST', '/servers', { name: 'bastion', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1' });
  });

  afterAll(async () => {
    await api?.stop();
  });

  test('groups the managed servers by tenant_id, role and environment labels, honouring HCLOUD_ENDPOINT', async () => {
    const r = await ansibleInventory(path.join(ANSIBLE_DIR, 'inventory', 'hcloud.yml'), { HCLOUD_ENDPOINT: api.url, HCLOUD_TOKEN: DUMMY_TOKEN });
    if (!r.inventory) throw new Error(`ansible-inventory failed (${r.code}):\n${r.stderr}`);
    const inv = r.inventory;
    expect(inv.tenant_acme.hosts.sort()).toEqual(['tenant-acme-app-1', 'tenant-acme-app-2', 'tenant-acme-db-1']);
    expect(inv.role_worker.hosts.sort()).toEqual(['tenant-acme-app-1', 'tenant-acme-app-2']);
    expect(inv.role_database.hosts).toEqual(['tenant-acme-db-1']);
    expect(inv.env_production.hosts.sort()).toEqual(['tenant-acme-app-1', 'tenant-acme-app-2', 'tenant-acme-db-1']);
    expect(Object.keys(inv._meta.hostvars)).not.toContain('bastion');
    const vars = inv._meta.hostvars;
    expect(vars['tenant-acme-app-1'].ansible_host).toBe(vars['tenant-acme-app-1'].ipv4);
    expect(vars['tenant-acme-db-1'].ipv4).toBeUndefined();
    expect(vars['tenant-acme-db-1'].ansible_host).toBe(vars['tenant-acme-db-1'].private_networks[0].ip);
    expect(vars['tenant-acme-db-1'].ansible_host).toMatch(/^10\.12\.1\./);
  });
});

describe('the local tenants inventory built from ansible_vars', () => {
  test("has one host per example tenant whose variables are exactly that tenant's ansible_vars", async () => {
    const { fleet, diagnostics } = loadFleet(path.join(REPO_ROOT, 'tenants'));
    if (!fleet) throw new Error(diagnostics.map((d) => d.message).join('\n'));
    const vars = fleet.tenants.map((t) => ansibleVars(t, fleet.platform));
    const file = writeInventory(path.join(dir, 'tenants.yml'), localInventory(vars, { secretsRoot: path.join(dir, 'secrets'), stores: {} }));
    const r = await run('ansible-inventory', ['-i', file, '--list'], { cwd: ANSIBLE_DIR, env: ansibleEnv(path.join(dir, 'work')) });
    expect(r.stderr).not.toMatch(/ERROR|Unable to parse/);
    const inv = JSON.parse(r.stdout);
    expect(inv.tenants.hosts.sort()).toEqual(fleet.tenants.map((t) => `tenant-${t.id}`).sort());
    for (const v of vars) {
      const host = inv._meta.hostvars[`tenant-${v.tenant_id}`];
      for (const [k, value] of Object.entries(v)) expect({ [k]: host[k] }).toEqual({ [k]: value });
      expect(host.ansible_connection).toBe('local');
      expect(host.tenant_secrets_root).toBe(path.join(dir, 'secrets'));
    }
    expect(inv._meta.hostvars['tenant-acme'].tenant_qdrant).toEqual({ enabled: true, collection: 'tenant_acme', vector_size: 768, distance: 'Cosine' });
  });
});
