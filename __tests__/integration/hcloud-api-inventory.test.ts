/**
 * The hetzner.hcloud Ansible inventory plugin (Debian's collection, through
 * python3-hcloud) reads the local API: it lists servers by label selector and
 * groups them by their tenant_id label. Runs with the python-compat shim
 * (test-support/ansible-inventory-list.ts) for Debian's mismatched hcloud-python.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DUMMY_TOKEN, HcloudApi, startHcloudApi } from '../../local-cloud';
import { ansibleInventory } from '../../test-support/ansible-inventory-list';
import { ok } from '../../local-cloud/client';

jest.setTimeout(120_000);

describe('the hetzner.hcloud inventory plugin against the local API', () => {
  let api: HcloudApi;
  let dir: string;

  beforeAll(async () => {
    api = await startHcloudApi();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hcloud-inventory-'));
    for (const [tenant, seq, count] of [['alpha', 40, 2], ['bravo', 41, 1]] as const) {
      const net = (await ok(api.url, 'POST', '/networks', {
        name: `tenant-${tenant}-net`,
        ip_range: `10.${seq}.0.0/16`,
        subnets: [{ type: 'cloud', ip_range: `10.${seq}.1.0/24`, network_zone: 'eu-central' }],
        labels: { tenant_id: tenant, managed_by: 'hetzner-tenants' },
      })).network;
      for (let n = 1; n <= count; n++) {
        await ok(api.url, 'POST', '/servers', {
          name: `tenant-${tenant}-app-${n}`,
          server_type: 'cx22',
          image: 'ubuntu-24.04',
          location: 'nbg1',
          networks: [net.id],
          labels: { tenant_id: tenant, managed_by: 'hetzner-tenants', role: 'worker' },
        });
      }
    }
    // Not managed by the platform: the selector must leave it out.
    await ok(api.url, 'POST', '/servers', { name: 'bastion', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1' });
  });

  afterAll(async () => {
    await api?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('lists the platform hosts grouped by tenant, with their private addresses', async () => {
    const file = path.join(dir, 'hcloud.yml');
    fs.writeFileSync(
      file,
      ['plugin: hetzner.hcloud.hcloud', 'label_selector: managed_by=hetzner-tenants', 'keyed_groups:', '  - key: labels.tenant_id', '    prefix: tenant', ''].join('\n'),
    );
    const r = await ansibleInventory(file, { HCLOUD_ENDPOINT: api.url, HCLOUD_TOKEN: DUMMY_TOKEN });
    if (!r.inventory) throw new Error(`ansible-inventory failed (${r.code}):\n${r.stderr}`);
    const inv = r.inventory;
    expect(inv.tenant_alpha.hosts.sort()).toEqual(['tenant-alpha-app-1', 'tenant-alpha-app-2']);
    expect(inv.tenant_bravo.hosts).toEqual(['tenant-bravo-app-1']);
    const vars = inv._meta.hostvars['tenant-alpha-app-1'];
    expect(vars.labels.tenant_id).toBe('alpha');
    expect(vars.server_type).toBe('cx22');
    expect(vars.location).toBe('nbg1');
    expect(vars.private_networks).toEqual([expect.objectContaining({ name: 'tenant-alpha-net', ip: '10.40.1.1' })]);
    expect(vars.ansible_host).toMatch(/^100\.64\./);
    expect(Object.keys(inv._meta.hostvars)).not.toContain('bastion');
    expect(api.unknownRoutes).toEqual([]);
  });
});
