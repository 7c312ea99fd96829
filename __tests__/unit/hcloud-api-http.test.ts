/**
 * The local Hetzner Cloud API over HTTP, in process (no external tool): error
 * format and codes, pagination, label_selector filtering, firewall selectors
 * resolved to servers, protection, actions polling, faults, unknown routes.
 */
import { HcloudApi, startHcloudApi } from '../../local-cloud';
import { call, ok } from '../../local-cloud/client';

describe('the local Hetzner Cloud API', () => {
  let api: HcloudApi;
  const logged: string[] = [];

  beforeEach(async () => {
    logged.length = 0;
    api = await startHcloudApi({ log: (l) => logged.push(l) });
  });
  afterEach(async () => {
    await api.stop();
  });

  const net = (name: string, labels: Record<string, string> = {}, range = '10.1.0.0/16') =>
    ok(api.url, 'POST', '/networks', { name, ip_range: range, labels, subnets: [{ type: 'cloud', ip_range: range.replace('.0.0/16', '.1.0/24'), network_zone: 'eu-central' }] }).then((b) => b.network);
  const server = (name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    ok(api.url, 'POST', '/servers', { name, server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', labels, ...extra }).then((b) => b.server);

  describe('errors use Hetzner\'s format and codes', () => {
    test('a request without a bearer token is unauthorized (401)', async () => {
      const r = await call(api.url, 'GET', '/servers', undefined, '');
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String), details: {} } });
    });

    test('an unknown id is not_found (404)', async () => {
      const r = await call(api.url, 'GET', '/servers/123');
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    });

    test('a bad field is invalid_input (400) naming the field', async () => {
      const r = await call(api.url, 'POST', '/networks', { name: 'n', ip_range: '8.8.0.0/16' });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_input');
      expect(r.body.error.details.fields[0].name).toBe('ip_range');
    });

    test('a duplicate name is uniqueness_error (409)', async () => {
      await server('web-1');
      const r = await call(api.url, 'POST', '/servers', { name: 'web-1', server_type: 'cx22', image: 'ubuntu-24.04' });
      expect(r.status).toBe(409);
      expect(r.body.error).toEqual({ code: 'uniqueness_error', message: expect.stringContaining('web-1'), details: { fields: [{ name: 'name' }] } });
      expect(api.state.servers).toHaveLength(1);
    });

    test('deleting a delete-protected server is refused with protected (423)', async () => {
      const s = await server('db-1');
      await ok(api.url, 'POST', `/servers/${s.id}/actions/change_protection`, { delete: true, rebuild: true });
      const r = await call(api.url, 'DELETE', `/servers/${s.id}`);
      expect(r.status).toBe(423);
      expect(r.body.error.code).toBe('protected');
      expect(api.state.servers).toHaveLength(1);
    });

    test('invalid JSON is json_error (400)', async () => {
      const res = await fetch(`${api.url}/servers`, { method: 'POST', headers: { Authorization: 'Bearer x' }, body: '{nope' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.code).toBe('json_error');
    });

    test('a failed request changes nothing (requests are atomic)', async () => {
      const n = await net('n1');
      await server('a', {}, { networks: [n.id] });
      // The second network does not exist: nothing of this server may remain.
      const r = await call(api.url, 'POST', '/servers', { name: 'b', server_type: 'cx22', image: 'ubuntu-24.04', networks: [n.id, 999] });
      expect(r.status).toBe(400);
      expect(api.state.servers.map((s) => s.name)).toEqual(['a']);
      expect(api.state.primary_ips).toHaveLength(2);
    });

    test('an unknown route answers 404 with the path and is logged loudly', async () => {
      const r = await call(api.url, 'GET', '/load_balancers');
      expect(r.status).toBe(404);
      expect(r.body.error.message).toContain('/v1/load_balancers');
      expect(api.unknownRoutes).toEqual(['GET /load_balancers']);
      expect(logged.join('\n')).toContain('UNKNOWN ROUTE GET /v1/load_balancers');
    });
  });

  describe('refuses what Hetzner refuses, with Hetzner\'s codes', () => {
    const refused = async (method: string, path: string, body?: unknown) => {
      const r = await call(api.url, method, path, body);
      return { status: r.status, code: r.body?.error?.code, field: r.body?.error?.details?.fields?.[0]?.name };
    };

    test('fails if a zone is a subdomain (Hetzner DNS has no subzones) or an rrset name ends with the zone name', async () => {
      expect(await refused('POST', '/zones', { name: 'tenants.example.com', mode: 'primary' })).toEqual({ status: 400, code: 'invalid_input', field: 'name' });
      await ok(api.url, 'POST', '/zones', { name: 'example.com', mode: 'primary' });
      expect(await refused('POST', '/zones/example.com/rrsets', { name: 'acme.example.com', type: 'A', records: [{ value: '192.0.2.1' }] })).toEqual({ status: 400, code: 'invalid_input', field: 'name' });
      await ok(api.url, 'POST', '/zones/example.com/rrsets', { name: 'acme.tenants', type: 'A', records: [{ value: '192.0.2.1' }] });
      await ok(api.url, 'POST', '/zones', { name: 'example.org', mode: 'secondary', primary_nameservers: [{ address: '198.51.100.53' }] });
      expect(await refused('POST', '/zones/example.org/rrsets', { name: 'www', type: 'A', records: [{ value: '192.0.2.1' }] })).toMatchObject({ status: 422, code: 'incorrect_zone_mode' });
      expect(api.state.zones.map((z) => z.name)).toEqual(['example.com', 'example.org']);
    });

    test('fails if a server name is not an RFC 1123 hostname, at create and at rename', async () => {
      expect(await refused('POST', '/servers', { name: 'my_server', server_type: 'cx22', image: 'ubuntu-24.04' })).toEqual({ status: 400, code: 'invalid_input', field: 'name' });
      const s = await server('web-1');
      expect(await refused('PUT', `/servers/${s.id}`, { name: 'web_1' })).toEqual({ status: 400, code: 'invalid_input', field: 'name' });
      expect(api.state.servers.map((x) => x.name)).toEqual(['web-1']);
    });

    test('fails if a request sends the removed datacenter field; it is not answered either', async () => {
      expect(await refused('POST', '/servers', { name: 'dc', server_type: 'cx22', image: 'ubuntu-24.04', datacenter: 'nbg1-dc3' })).toEqual({ status: 400, code: 'invalid_input', field: 'datacenter' });
      expect(await refused('POST', '/primary_ips', { name: 'ip', type: 'ipv4', datacenter: 'nbg1-dc3' })).toEqual({ status: 400, code: 'invalid_input', field: 'datacenter' });
      const s = await server('web-1');
      expect(s).not.toHaveProperty('datacenter');
      expect(s.location.name).toBe('nbg1');
      expect((await ok(api.url, 'GET', `/primary_ips/${s.public_net.ipv4.id}`)).primary_ip).not.toHaveProperty('datacenter');
    });

    test('fails if a firewall is applied to a server without a public interface, or to one server twice', async () => {
      const n = await net('n');
      const priv = await server('private-1', {}, { networks: [n.id], public_net: { enable_ipv4: false, enable_ipv6: false } });
      const pub = await server('public-1');
      const fw = (await ok(api.url, 'POST', '/firewalls', { name: 'fw' })).firewall;
      expect(await refused('POST', `/firewalls/${fw.id}/actions/apply_to_resources`, { apply_to: [{ type: 'server', server: { id: priv.id } }] })).toMatchObject({ status: 422, code: 'private_net_only_server' });
      expect(await refused('POST', '/firewalls', { name: 'fw2', apply_to: [{ type: 'server', server: { id: pub.id } }, { type: 'server', server: { id: pub.id } }] })).toMatchObject({ status: 422, code: 'server_already_added' });
      expect(await refused('POST', '/servers', { name: 'private-2', server_type: 'cx22', image: 'ubuntu-24.04', networks: [n.id], public_net: { enable_ipv4: false, enable_ipv6: false }, firewalls: [{ firewall: fw.id }] })).toMatchObject({ status: 422, code: 'private_net_only_server' });
      expect(api.state.firewalls.map((f) => [f.name, f.apply_to])).toEqual([['fw', []]]);
      expect(api.state.servers.map((x) => x.name)).toEqual(['private-1', 'public-1']);
    });

    test('fails if a network would hold a 101st server', async () => {
      const n = await net('big', {}, '10.7.0.0/16');
      for (let i = 1; i <= 100; i++) await server(`s-${i}`, {}, { networks: [n.id] });
      expect(await refused('POST', '/servers', { name: 's-101', server_type: 'cx22', image: 'ubuntu-24.04', networks: [n.id] })).toMatchObject({ status: 403, code: 'resource_limit_exceeded' });
      const lone = await server('lone');
      expect(await refused('POST', `/servers/${lone.id}/actions/attach_to_network`, { network: n.id })).toMatchObject({ status: 403, code: 'resource_limit_exceeded' });
      expect((await ok(api.url, 'GET', `/networks/${n.id}`)).network.servers).toHaveLength(100);
    });

    test('fails if an assigned primary IP is deleted (must_be_unassigned, since 2026-05-01)', async () => {
      const s = await server('web-1');
      expect(await refused('DELETE', `/primary_ips/${s.public_net.ipv4.id}`)).toMatchObject({ status: 422, code: 'must_be_unassigned' });
      expect(api.state.primary_ips).toHaveLength(2);
    });
  });

  test('every family shares get, update (name and labels) and delete with delete protection', async () => {
    const n = await net('n1', { a: '1' });
    const v = (await ok(api.url, 'POST', '/volumes', { name: 'v1', size: 10, location: 'nbg1' })).volume;
    const pg = (await ok(api.url, 'POST', '/placement_groups', { name: 'pg1', type: 'spread' })).placement_group;
    for (const [path, key, id] of [['networks', 'network', n.id], ['volumes', 'volume', v.id], ['placement_groups', 'placement_group', pg.id]] as const) {
      const renamed = (await ok(api.url, 'PUT', `/${path}/${id}`, { name: `${key.replace('_', '-')}-new`, labels: { b: '2' } }))[key];
      expect([renamed.name, renamed.labels]).toEqual([`${key.replace('_', '-')}-new`, { b: '2' }]);
      expect((await ok(api.url, 'GET', `/${path}/${id}`))[key].name).toBe(`${key.replace('_', '-')}-new`);
      expect((await call(api.url, 'PUT', `/${path}/${id}`, { name: 'has space' })).body.error.code).toBe('invalid_input');
    }
    await ok(api.url, 'POST', `/volumes/${v.id}/actions/change_protection`, { delete: true });
    expect((await call(api.url, 'DELETE', `/volumes/${v.id}`)).body.error.code).toBe('protected');
    expect((await call(api.url, 'DELETE', `/networks/${n.id}`)).status).toBe(204);
    expect((await call(api.url, 'GET', `/networks/${n.id}`)).body.error.code).toBe('not_found');
    expect(api.state.volumes).toHaveLength(1);
  });

  test('lists paginate with Hetzner\'s meta block', async () => {
    for (let i = 1; i <= 7; i++) await ok(api.url, 'POST', '/placement_groups', { name: `pg-${i}`, type: 'spread' });
    const page = (await ok(api.url, 'GET', '/placement_groups?per_page=3&page=2'));
    expect(page.placement_groups.map((g: any) => g.name)).toEqual(['pg-4', 'pg-5', 'pg-6']);
    expect(page.meta.pagination).toEqual({ page: 2, per_page: 3, previous_page: 1, next_page: 3, last_page: 3, total_entries: 7 });
    const last = await ok(api.url, 'GET', '/placement_groups?per_page=3&page=3');
    expect(last.meta.pagination.next_page).toBeNull();
    const sorted = await ok(api.url, 'GET', '/placement_groups?sort=name:desc&per_page=2');
    expect(sorted.placement_groups.map((g: any) => g.name)).toEqual(['pg-7', 'pg-6']);
  });

  test('label_selector filters lists; a malformed selector is invalid_input', async () => {
    await server('a-1', { tenant_id: 'a', role: 'web' });
    await server('a-2', { tenant_id: 'a', role: 'db' });
    await server('b-1', { tenant_id: 'b' });
    const names = async (sel: string) => (await ok(api.url, 'GET', `/servers?label_selector=${encodeURIComponent(sel)}`)).servers.map((s: any) => s.name);
    expect(await names('tenant_id=a')).toEqual(['a-1', 'a-2']);
    expect(await names('tenant_id=a,role!=db')).toEqual(['a-1']);
    expect(await names('!role')).toEqual(['b-1']);
    expect(await names('tenant_id in (a,b),role notin (web)')).toEqual(['a-2', 'b-1']);
    const bad = await call(api.url, 'GET', '/servers?label_selector=tenant_id%20in%20(a');
    expect(bad.body.error.code).toBe('invalid_input');
  });

  test('ssh keys can be looked up by name, as the provider does', async () => {
    await ok(api.url, 'POST', '/ssh_keys', { name: 'platform-admin', public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq7Bj0mZSP0kH0m2g5Yb0r7sGm4o2d1tY8Jb8rCq8f1 a@b' });
    const r = await ok(api.url, 'GET', '/ssh_keys?name=platform-admin');
    expect(r.ssh_keys).toHaveLength(1);
    expect(r.ssh_keys[0].fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect((await ok(api.url, 'GET', '/ssh_keys?name=nobody')).ssh_keys).toEqual([]);
  });

  test('a firewall applied by label selector covers exactly the servers whose labels match, now and later', async () => {
    const a1 = await server('a-1', { tenant_id: 'a' });
    await server('b-1', { tenant_id: 'b' });
    const fw = (await ok(api.url, 'POST', '/firewalls', { name: 'tenant-a-fw', apply_to: [{ type: 'label_selector', label_selector: { selector: 'tenant_id=a' } }] })).firewall;
    expect(fw.applied_to[0].applied_to_resources).toEqual([{ type: 'server', server: { id: a1.id } }]);
    const a2 = await server('a-2', { tenant_id: 'a' });
    expect((await ok(api.url, 'GET', `/servers/${a2.id}`)).server.public_net.firewalls).toEqual([{ id: fw.id, status: 'applied' }]);
    // Relabelling a server moves it out of the firewall.
    await ok(api.url, 'PUT', `/servers/${a1.id}`, { labels: { tenant_id: 'b' } });
    const again = (await ok(api.url, 'GET', `/firewalls/${fw.id}`)).firewall;
    expect(again.applied_to[0].applied_to_resources).toEqual([{ type: 'server', server: { id: a2.id } }]);
    // A label-selected server cannot be removed on its own.
    const r = await call(api.url, 'POST', `/firewalls/${fw.id}/actions/remove_from_resources`, { remove_from: [{ type: 'server', server: { id: a2.id } }] });
    expect(r.body.error.code).toBe('firewall_managed_by_label_selector');
    // A firewall still applied cannot be deleted.
    expect((await call(api.url, 'DELETE', `/firewalls/${fw.id}`)).body.error.code).toBe('resource_in_use');
  });

  test('firewall rules are validated like the API does: host bits, ports, limits', async () => {
    const rule = (r: Record<string, unknown>) => call(api.url, 'POST', '/firewalls', { name: `fw-${Math.random().toString(36).slice(2, 8)}`, rules: [r] });
    expect((await rule({ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['10.1.1.5/24'] })).body.error.message).toContain('did you mean "10.1.1.0/24"');
    expect((await rule({ direction: 'in', protocol: 'tcp', source_ips: ['0.0.0.0/0'] })).body.error.details.fields[0].name).toBe('rules[0].port');
    expect((await rule({ direction: 'in', protocol: 'icmp', port: '1', source_ips: ['0.0.0.0/0'] })).status).toBe(400);
    expect((await rule({ direction: 'out', protocol: 'tcp', port: '80-85', destination_ips: ['::/0'] })).status).toBe(201);
    const tooMany = Array.from({ length: 51 }, () => ({ direction: 'in', protocol: 'icmp', source_ips: ['0.0.0.0/0'] }));
    expect((await call(api.url, 'POST', '/firewalls', { name: 'big', rules: tooMany })).status).toBe(400);
  });

  test('network attach allocates free addresses in the server\'s zone and refuses taken ones', async () => {
    const n = await net('n', {}, '10.5.0.0/16');
    const s1 = await server('s1', {}, { networks: [n.id] });
    expect(s1.private_net[0].ip).toBe('10.5.1.1');
    const s2 = await server('s2');
    const taken = await call(api.url, 'POST', `/servers/${s2.id}/actions/attach_to_network`, { network: n.id, ip: '10.5.1.1' });
    expect(taken.body.error.code).toBe('ip_not_available');
    await ok(api.url, 'POST', `/servers/${s2.id}/actions/attach_to_network`, { network: n.id, ip: '10.5.1.20' });
    expect((await call(api.url, 'POST', `/servers/${s2.id}/actions/attach_to_network`, { network: n.id })).body.error.code).toBe('server_already_attached');
    const ash = await server('s3', {}, { location: 'ash' });
    expect((await call(api.url, 'POST', `/servers/${ash.id}/actions/attach_to_network`, { network: n.id })).body.error.code).toBe('no_subnet_available');
    expect((await ok(api.url, 'GET', `/networks/${n.id}`)).network.servers).toEqual([s1.id, s2.id]);
  });

  test('change_type needs the server off', async () => {
    const s = await server('s');
    expect((await call(api.url, 'POST', `/servers/${s.id}/actions/change_type`, { server_type: 'cx32', upgrade_disk: true })).body.error.code).toBe('server_not_stopped');
    await ok(api.url, 'POST', `/servers/${s.id}/actions/poweroff`);
    await ok(api.url, 'POST', `/servers/${s.id}/actions/change_type`, { server_type: 'cx32', upgrade_disk: true });
    expect((await ok(api.url, 'GET', `/servers/${s.id}`)).server.server_type.name).toBe('cx32');
  });

  test('deleting a server deletes its auto-delete primary IPs and detaches its volumes', async () => {
    const s = await server('s');
    const vol = (await ok(api.url, 'POST', '/volumes', { name: 'v', size: 10, server: s.id })).volume;
    expect(api.state.primary_ips.map((p) => p.assignee_id)).toEqual([s.id, s.id]);
    await ok(api.url, 'DELETE', `/servers/${s.id}`);
    expect(api.state.primary_ips).toEqual([]);
    expect((await ok(api.url, 'GET', `/volumes/${vol.id}`)).volume.server).toBeNull();
  });

  test('DNS zones and rrsets are addressed by name; rrset change protection is enforced', async () => {
    await ok(api.url, 'POST', '/zones', { name: 'example.com', mode: 'primary', ttl: 300 });
    const rr = (await ok(api.url, 'POST', '/zones/example.com/rrsets', { name: 'www', type: 'A', records: [{ value: '192.0.2.1' }] })).rrset;
    expect(rr).toMatchObject({ id: 'www/A', name: 'www', type: 'A', records: [{ value: '192.0.2.1' }] });
    expect((await call(api.url, 'POST', '/zones/example.com/rrsets', { name: 'www', type: 'A', records: [{ value: '192.0.2.2' }] })).body.error.code).toBe('uniqueness_error');
    expect((await call(api.url, 'POST', '/zones/example.com/rrsets', { name: 'www', type: 'CNAME', records: [{ value: 'x.example.com.' }] })).status).toBe(400);
    expect((await call(api.url, 'POST', '/zones/example.com/rrsets', { name: 'v4', type: 'A', records: [{ value: 'not-an-ip' }] })).status).toBe(400);
    await ok(api.url, 'POST', '/zones/example.com/rrsets/www/A/actions/change_protection', { change: true });
    expect((await call(api.url, 'DELETE', '/zones/example.com/rrsets/www/A')).body.error.code).toBe('protected');
    const list = await ok(api.url, 'GET', '/zones/example.com/rrsets?type=A');
    expect(list.rrsets.map((r: any) => r.id)).toEqual(['www/A']);
    const zone = (await ok(api.url, 'GET', '/zones/example.com')).zone;
    expect(zone.record_count).toBe(1 + 3 + 1); // SOA + 3 NS + www
  });

  test('actions report running for the configured number of polls, then success', async () => {
    await api.stop();
    api = await startHcloudApi({ actionPolls: 2, log: () => undefined });
    const s = await ok(api.url, 'POST', '/servers', { name: 's', server_type: 'cx22', image: 'ubuntu-24.04' });
    expect(s.action.status).toBe('running');
    const poll = async () => (await ok(api.url, 'GET', `/actions?id=${s.action.id}`)).actions[0].status;
    expect([await poll(), await poll(), await poll()]).toEqual(['running', 'running', 'success']);
    expect((await ok(api.url, 'GET', `/servers/${s.server.id}/actions`)).actions.map((a: any) => a.command)).toEqual(['create_server', 'start_server']);
  });

  test('faults: 429 is rate_limit_exceeded with rate-limit headers; 423 is locked and 409 conflict, with their codes; a "before" fault changes nothing; an "after" fault loses the answer only', async () => {
    api.faults.add({ method: 'GET', path: '/servers', status: 429, nth: 1 });
    const limited = await fetch(`${api.url}/servers`, { headers: { Authorization: 'Bearer x' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(((await limited.json()) as any).error.code).toBe('rate_limit_exceeded');

    api.faults.add({ method: 'POST', path: '/networks', status: 500, nth: 1 });
    const refused = await call(api.url, 'POST', '/networks', { name: 'n', ip_range: '10.9.0.0/16' });
    expect(refused.status).toBe(500);
    expect(refused.body.error.code).toBe('server_error');
    expect(api.state.networks).toEqual([]);

    api.faults.add({ method: 'POST', path: '/servers/*/actions/poweron', status: 423, nth: 1 });
    api.faults.add({ method: 'PUT', path: '/networks/*', status: 409, nth: 1 });
    expect(await call(api.url, 'POST', '/servers/100001/actions/poweron')).toEqual({ status: 423, body: { error: { code: 'locked', message: expect.stringContaining('locked'), details: {} } } });
    expect(await call(api.url, 'PUT', '/networks/200001', { labels: {} })).toEqual({ status: 409, body: { error: { code: 'conflict', message: expect.stringContaining('please retry'), details: {} } } });

    api.faults.add({ method: 'POST', path: '/ssh_keys', status: 503, nth: 1, when: 'after' });
    const lost = await call(api.url, 'POST', '/ssh_keys', { name: 'k', public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq7Bj0mZSP0kH0m2g5Yb0r7sGm4o2d1tY8Jb8rCq8f1' });
    expect(lost.status).toBe(503);
    expect(api.state.ssh_keys.map((k) => k.name)).toEqual(['k']);
    expect(api.faults.injected.map((f) => f.status)).toEqual([429, 500, 423, 409, 503]);
  });
});
