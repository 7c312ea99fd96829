/**
 * The verifier's thin HTTP shell against the in-process local API: it reads
 * by label selector, follows pagination, fetches by id the unlabelled servers
 * a tenant network lists and the unlabelled firewalls a tenant server carries,
 * and retries 429 and 5xx answers.
 */
import { HcloudApi, startHcloudApi } from '../../local-cloud';
import { ok } from '../../local-cloud/client';
import { HcloudApiError, HcloudClient, readSnapshot } from '../../verify';

describe('readSnapshot', () => {
  let api: HcloudApi;
  let client: HcloudClient;
  beforeEach(async () => {
    api = await startHcloudApi({ log: () => undefined });
    client = new HcloudClient({ endpoint: api.url, token: 'x', backoffMs: 1 });
  });
  afterEach(async () => {
    await api.stop();
  });

  const labels = (tenant: string) => ({ tenant_id: tenant, managed_by: 'hetzner-tenants' });

  test('reads platform resources by selector, and intruders by id', async () => {
    const net = (await ok(api.url, 'POST', '/networks', { name: 'tenant-a-net', ip_range: '10.1.0.0/16', labels: labels('a'), subnets: [{ type: 'cloud', ip_range: '10.1.1.0/24', network_zone: 'eu-central' }] })).network;
    const rogueFw = (await ok(api.url, 'POST', '/firewalls', { name: 'hand-made', rules: [{ direction: 'out', protocol: 'tcp', port: 'any', destination_ips: ['0.0.0.0/0'] }] })).firewall;
    await ok(api.url, 'POST', '/servers', { name: 'tenant-a-app-1', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', labels: labels('a'), networks: [net.id], firewalls: [{ firewall: rogueFw.id }] });
    await ok(api.url, 'POST', '/servers', { name: 'intruder', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', networks: [net.id] });
    await ok(api.url, 'POST', '/servers', { name: 'unrelated', server_type: 'cx22', image: 'ubuntu-24.04', labels: { owner: 'someone-else' } });
    await ok(api.url, 'POST', '/volumes', { name: 'tenant-b-data', size: 10, location: 'nbg1', labels: labels('b') });
    // The platform zone is a registered domain; tenant records carry the platform suffix (Hetzner DNS has no subzones).
    await ok(api.url, 'POST', '/zones', { name: 'example.com', mode: 'primary' });
    await ok(api.url, 'POST', '/zones/example.com/rrsets', { name: 'a.tenants', type: 'A', records: [{ value: '192.0.2.1' }], labels: labels('a') });

    const snap = await readSnapshot(client, { managedBy: 'hetzner-tenants', tenantIds: ['a', 'b'], zone: 'example.com' });
    expect(snap.servers.map((s) => s.name).sort()).toEqual(['intruder', 'tenant-a-app-1']);
    expect(snap.firewalls.map((f) => f.name)).toEqual(['hand-made']);
    expect(snap.networks.map((n) => n.name)).toEqual(['tenant-a-net']);
    expect(snap.others.map((o) => `${o.kind} ${o.name}`).sort()).toEqual(['rrset a.tenants/A in example.com', 'volume tenant-b-data']);
    expect(api.requests.filter((r) => r.method === 'GET' && r.path === '/servers').every((r) => r.query.includes('label_selector'))).toBe(true);
  });

  test('reads resources with no labels at all (no selector finds them), but not the primary IPs Hetzner made for a server', async () => {
    await ok(api.url, 'POST', '/servers', { name: 'hand-made', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1' });
    await ok(api.url, 'POST', '/volumes', { name: 'scratch', size: 10, location: 'nbg1' });
    await ok(api.url, 'POST', '/primary_ips', { name: 'spare-ip', type: 'ipv4', assignee_type: 'server', location: 'nbg1', auto_delete: false });
    await ok(api.url, 'POST', '/volumes', { name: 'someone-elses', size: 10, location: 'nbg1', labels: { owner: 'someone-else' } });
    expect(api.state.primary_ips.filter((p) => p.assignee_id !== null)).not.toHaveLength(0);

    const snap = await readSnapshot(client, { managedBy: 'hetzner-tenants', tenantIds: ['a'] });
    expect(snap.servers.map((x) => x.name)).toEqual(['hand-made']);
    expect(snap.others.map((o) => `${o.kind} ${o.name}`).sort()).toEqual(['primary_ip spare-ip', 'volume scratch']);
  });

  test('a missing platform zone is no error: its rrsets are simply not checked', async () => {
    const snap = await readSnapshot(client, { managedBy: 'hetzner-tenants', tenantIds: [], zone: 'nowhere.example' });
    expect(snap.others).toEqual([]);
  });

  test('follows pagination past 50 items', async () => {
    for (let i = 1; i <= 55; i++) await ok(api.url, 'POST', '/placement_groups', { name: `pg-${i}`, type: 'spread', labels: labels('a') });
    const snap = await readSnapshot(client, { managedBy: 'hetzner-tenants', tenantIds: ['a'] });
    expect(snap.others.filter((o) => o.kind === 'placement_group')).toHaveLength(55);
  });

  test('retries 429 and 500, and fails with the API error code when retries run out', async () => {
    api.faults.add({ path: '/servers', status: 429, nth: 1 });
    api.faults.add({ path: '/networks', status: 500, nth: [1, 2] });
    await readSnapshot(client, { managedBy: 'hetzner-tenants', tenantIds: [] });
    expect(api.faults.injected).toHaveLength(3);

    api.faults.add({ path: '/firewalls', status: 500 });
    const impatient = new HcloudClient({ endpoint: api.url, token: 'x', retries: 1, backoffMs: 1 });
    await expect(readSnapshot(impatient, { managedBy: 'hetzner-tenants', tenantIds: [] })).rejects.toThrow(HcloudApiError);
    await expect(impatient.get('/firewalls')).rejects.toThrow('500 server_error');
  });
});
