/**
 * The real OpenTofu and the real hcloud provider (v1.68.0) against the local
 * API: create, read back without drift, update in place, refuse to destroy a
 * protected server, destroy everything. Every call the provider makes must hit
 * an implemented route.
 */
import { HcloudApi, startHcloudApi } from '../../local-cloud';
import { expectExit, TofuWorkspace, tofuProblem, tofuWorkspace } from '../../test-support/tofu-async';

jest.setTimeout(180_000);

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq7Bj0mZSP0kH0m2g5Yb0r7sGm4o2d1tY8Jb8rCq8f1 admin@example';

interface Knobs {
  serverType?: string;
  role?: string;
  protect?: boolean;
  egress443?: string;
  extraRule?: boolean;
  records?: string[];
  volumeGb?: number;
  secondNetwork?: boolean;
}

/** One tenant's worth of every resource type the platform uses. */
function config(k: Knobs = {}): Record<string, unknown> {
  const labels = { tenant_id: 'acme', environment: 'production', managed_by: 'hetzner-tenants' };
  const rules: unknown[] = [
    { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.0/28'], description: 'ssh' },
    { direction: 'out', protocol: 'tcp', port: '443', destination_ips: [k.egress443 ?? '198.51.100.0/24'] },
  ];
  if (k.extraRule) rules.push({ direction: 'out', protocol: 'udp', port: '53', destination_ips: ['185.12.64.1/32', '185.12.64.2/32'] });
  const networks: Record<string, unknown> = { net: { name: 'tenant-acme-net', ip_range: '10.12.0.0/16', labels } };
  const subnets: Record<string, unknown> = { sub: { network_id: '${hcloud_network.net.id}', type: 'cloud', network_zone: 'eu-central', ip_range: '10.12.1.0/24' } };
  if (k.secondNetwork) {
    networks.net2 = { name: 'tenant-acme-net2', ip_range: '10.112.0.0/16', labels };
    subnets.sub2 = { network_id: '${hcloud_network.net2.id}', type: 'cloud', network_zone: 'eu-central', ip_range: '10.112.1.0/24' };
  }
  return {
    hcloud_ssh_key: { admin: { name: 'platform-admin', public_key: KEY } },
    hcloud_network: networks,
    hcloud_network_subnet: subnets,
    hcloud_firewall: {
      fw: { name: 'tenant-acme-fw', labels, rule: rules, apply_to: [{ label_selector: 'tenant_id=acme' }] },
      extra: { name: 'tenant-acme-fw-extra', labels, rule: [{ direction: 'in', protocol: 'icmp', source_ips: ['0.0.0.0/0'] }] },
    },
    hcloud_firewall_attachment: { extra: { firewall_id: '${hcloud_firewall.extra.id}', server_ids: ['${hcloud_server.app.id}'] } },
    hcloud_placement_group: { pg: { name: 'tenant-acme-pg', type: 'spread', labels } },
    hcloud_primary_ip: { ip: { name: 'tenant-acme-ip', type: 'ipv4', location: 'nbg1', auto_delete: false, labels } },
    hcloud_server: {
      app: {
        name: 'tenant-acme-app-1',
        server_type: k.serverType ?? 'cx22',
        image: 'ubuntu-24.04',
        location: 'nbg1',
        ssh_keys: ['${hcloud_ssh_key.admin.name}'],
        labels: { ...labels, role: k.role ?? 'worker' },
        placement_group_id: '${hcloud_placement_group.pg.id}',
        public_net: [{ ipv4_enabled: true, ipv4: '${hcloud_primary_ip.ip.id}', ipv6_enabled: true }],
        network: [k.secondNetwork ? { network_id: '${hcloud_network.net2.id}', ip: '10.112.1.10' } : { network_id: '${hcloud_network.net.id}', ip: '10.12.1.10' }],
        delete_protection: k.protect ?? false,
        rebuild_protection: k.protect ?? false,
        depends_on: k.secondNetwork ? ['hcloud_network_subnet.sub2'] : ['hcloud_network_subnet.sub'],
      },
    },
    hcloud_volume: { data: { name: 'tenant-acme-data', size: k.volumeGb ?? 20, location: 'nbg1', format: 'ext4', labels } },
    hcloud_volume_attachment: { att: { volume_id: '${hcloud_volume.data.id}', server_id: '${hcloud_server.app.id}', automount: false } },
    // Hetzner DNS has no subzones: a registered domain, and the platform suffix in the record name.
    hcloud_zone: { zone: { name: 'example.com', mode: 'primary', ttl: 300, labels: { managed_by: 'hetzner-tenants' } } },
    hcloud_zone_rrset: {
      rec: {
        zone: '${hcloud_zone.zone.name}',
        name: 'acme.tenants',
        type: 'A',
        ttl: 300,
        records: (k.records ?? ['${hcloud_server.app.ipv4_address}']).map((value) => ({ value })),
        labels: { tenant_id: 'acme' },
      },
    },
  };
}

/** The knobs of the update step; later steps keep them so that they change one thing only. */
const UPDATED: Knobs = { serverType: 'cx32', role: 'database', extraRule: true, records: ['192.0.2.7', '192.0.2.8'], volumeGb: 40, secondNetwork: true };

describe('the real hcloud provider against the local Hetzner Cloud API', () => {
  let api: HcloudApi;
  let ws: TofuWorkspace;

  beforeAll(async () => {
    const problem = tofuProblem();
    if (problem) throw new Error(problem);
    api = await startHcloudApi();
    ws = tofuWorkspace(api.url);
    ws.write(config());
    expectExit(await ws.init(), 0, 'tofu init');
  });

  afterAll(async () => {
    await api?.stop();
    ws?.remove();
  });

  const server = () => api.state.servers.find((s) => s.name === 'tenant-acme-app-1')!;
  const get = async (path: string) => (await fetch(`${api.url}${path}`, { headers: { Authorization: `Bearer ${ws.env.HCLOUD_TOKEN}` } })).json() as Promise<any>;

  test('creates every resource type and reads it back without drift', async () => {
    expectExit(await ws.apply(), 0, 'apply');
    const s = api.state;
    expect(s.servers).toHaveLength(1);
    expect(s.networks.map((n) => n.name)).toEqual(['tenant-acme-net']);
    expect(s.volumes[0].server).toBe(server().id);
    expect(s.zones.map((z) => z.name)).toEqual(['example.com']);

    const srv = (await get(`/servers/${server().id}`)).server;
    expect(srv.labels).toEqual({ tenant_id: 'acme', environment: 'production', managed_by: 'hetzner-tenants', role: 'worker' });
    expect(srv.private_net).toEqual([expect.objectContaining({ ip: '10.12.1.10' })]);
    expect(srv.placement_group.name).toBe('tenant-acme-pg');
    expect(srv.public_net.ipv4.id).toBe(s.primary_ips.find((p) => p.name === 'tenant-acme-ip')!.id);
    expect(srv.public_net.ipv6).not.toBeNull();
    // Covered by the label-selected firewall and the one attached directly.
    const fwIds = srv.public_net.firewalls.map((f: any) => f.id).sort();
    expect(fwIds).toEqual(s.firewalls.map((f) => f.id).sort());

    const fw = (await get(`/firewalls/${s.firewalls.find((f) => f.name === 'tenant-acme-fw')!.id}`)).firewall;
    expect(fw.applied_to).toEqual([
      { type: 'label_selector', label_selector: { selector: 'tenant_id=acme' }, applied_to_resources: [{ type: 'server', server: { id: srv.id } }] },
    ]);
    const rrset = (await get('/zones/example.com/rrsets/acme.tenants/A')).rrset;
    expect(rrset.records).toEqual([{ value: srv.public_net.ipv4.ip }]);

    const plan = await ws.plan();
    expectExit(plan, 0, 'plan after apply (drift)');
  });

  test('updates in place: server type (power off, change type, which restarts it), labels, rules, records, volume size, network move', async () => {
    const before = api.requests.length;
    ws.write(config(UPDATED));
    expectExit(await ws.apply(), 0, 'apply update');
    const calls = new Set(api.requests.slice(before).map((r) => r.route));
    const expected = [
        'POST /servers/{id}/actions/poweroff',
        'POST /servers/{id}/actions/change_type',
        'POST /servers/{id}/actions/detach_from_network',
        'POST /servers/{id}/actions/attach_to_network',
        'POST /firewalls/{id}/actions/set_rules',
        'POST /volumes/{id}/actions/resize',
        'POST /zones/{zone}/rrsets/{name}/{type}/actions/set_records',
    ];
    expect(expected.filter((route) => !calls.has(route))).toEqual([]);
    const srv = server();
    expect(srv.server_type).toBe('cx32');
    expect(srv.status).toBe('running');
    expect(srv.labels.role).toBe('database');
    expect(srv.private_net.map((p) => p.ip)).toEqual(['10.112.1.10']);
    expect(api.state.volumes[0].size).toBe(40);
    expect(api.state.firewalls.find((f) => f.name === 'tenant-acme-fw')!.rules).toHaveLength(3);
    expect(api.state.rrsets.find((r) => r.name === 'acme.tenants')!.records.map((r) => r.value)).toEqual(['192.0.2.7', '192.0.2.8']);
    expectExit(await ws.plan(), 0, 'plan after update (drift)');
  });

  test('refuses to destroy a delete-protected server, then destroys everything once unprotected', async () => {
    ws.write(config({ ...UPDATED, protect: true }));
    expectExit(await ws.apply(), 0, 'apply protection');
    expect(server().protection).toEqual({ delete: true, rebuild: true });

    const refused = await ws.destroy();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/protected/);
    expect(api.state.servers).toHaveLength(1);

    ws.write(config({ ...UPDATED, protect: false }));
    expectExit(await ws.apply(), 0, 'apply unprotect');
    expectExit(await ws.destroy(), 0, 'destroy');
    const s = api.state;
    expect({
      servers: s.servers.length,
      networks: s.networks.length,
      firewalls: s.firewalls.length,
      volumes: s.volumes.length,
      primary_ips: s.primary_ips.length,
      ssh_keys: s.ssh_keys.length,
      placement_groups: s.placement_groups.length,
      zones: s.zones.length,
      rrsets: s.rrsets.length,
    }).toEqual({ servers: 0, networks: 0, firewalls: 0, volumes: 0, primary_ips: 0, ssh_keys: 0, placement_groups: 0, zones: 0, rrsets: 0 });
  });

  test('every call the provider made hit an implemented route', () => {
    expect(api.unknownRoutes).toEqual([]);
    expect(api.requests.filter((r) => r.status >= 500)).toEqual([]);
  });
});
