import { startHcloudApi, HcloudApi } from '../../local-cloud';
import { ok } from '../../local-cloud/client';
import { desiredWorld } from '../../local-cloud/machines/desired';
import { seedFiles, USER_DATA_FILE } from '../../local-cloud/machines/seed';

describe('what the machine layer makes of an API state (pure)', () => {
  let api: HcloudApi;
  beforeAll(async () => {
    api = await startHcloudApi();
    await ok(api.url, 'POST', '/ssh_keys', { name: 'admin', public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq7Bj0mZSP0kH0m2g5Yb0r7sGm4o2d1tY8Jb8rCq8f1 admin' });
    const net = (await ok(api.url, 'POST', '/networks', { name: 'n', ip_range: '10.12.0.0/16', subnets: [{ type: 'cloud', ip_range: '10.12.1.0/24', network_zone: 'eu-central' }] })).network;
    await ok(api.url, 'POST', '/firewalls', {
      name: 'by-label',
      rules: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.0/28'] }],
      apply_to: [{ type: 'label_selector', label_selector: { selector: 'tenant_id=acme' } }],
    });
    await ok(api.url, 'POST', '/servers', { name: 'a1', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', ssh_keys: ['admin'], labels: { tenant_id: 'acme' }, networks: [net.id], user_data: '#!/bin/sh\ntrue\n' });
    await ok(api.url, 'POST', '/servers', { name: 'b1', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', labels: { tenant_id: 'globex' }, start_after_create: false, public_net: { enable_ipv6: false } });
    await ok(api.url, 'POST', '/volumes', { name: 'v', size: 10, format: 'xfs', location: 'nbg1' });
  });
  afterAll(() => api?.stop());

  test('a server gets its private IP with the network prefix, its keys, its user_data, and the firewalls its labels select', () => {
    const w = desiredWorld(api.state);
    const a1 = w.servers.find((s) => s.name === 'a1')!;
    expect(a1.privateNets.map((p) => p.address)).toEqual([`${api.state.servers[0].private_net[0].ip}/16`]);
    expect(a1.sshKeys).toEqual([expect.stringMatching(/^ssh-ed25519 /)]);
    expect([a1.running, a1.userData, a1.ipv4, a1.ipv6Net]).toEqual([true, '#!/bin/sh\ntrue\n', expect.stringMatching(/^100\.64\./), expect.stringMatching(/^2001:db8:/)]);
    expect(a1.firewall).toContain('ip saddr 198.51.100.0/28 tcp dport 22 accept');
    expect(w.networks).toEqual([{ id: api.state.networks[0].id, gateway: '10.12.0.1/16' }]);
  });

  test('a server no firewall selects is open, an off server is not running, a volume keeps its format', () => {
    const w = desiredWorld(api.state);
    const b1 = w.servers.find((s) => s.name === 'b1')!;
    expect([b1.running, b1.ipv6Net, b1.sshKeys]).toEqual([false, undefined, []]);
    expect(b1.firewall).toContain('accept comment "no firewall applied: open"');
    expect(w.volumes.map((v) => [v.sizeGb, v.format, v.serverId])).toEqual([[10, 'xfs', null]]);
  });

  test('a firewall applied to a server directly covers it too', async () => {
    const b1 = api.state.servers.find((s) => s.name === 'b1')!;
    const fw = api.state.firewalls[0];
    await ok(api.url, 'POST', `/firewalls/${fw.id}/actions/apply_to_resources`, { apply_to: [{ type: 'server', server: { id: b1.id } }] });
    expect(desiredWorld(api.state).servers.find((s) => s.name === 'b1')!.firewall).toContain(`firewall ${fw.id} rule 0`);
  });
});

describe('seeding a server root (pure)', () => {
  const files = seedFiles({ name: 'tenant-acme-app-1', machineId: 'a'.repeat(32), sshKeys: ['ssh-ed25519 AAAA one', 'ssh-ed25519 BBBB two\n'], userData: '#!/bin/sh\necho hi\n' });
  const content = (p: string) => (files.find((f) => f.path === p) as { content: string }).content;

  test('hostname is the server name; root gets exactly the requested keys; user_data is stored for the run-once unit', () => {
    expect(content('/etc/hostname')).toBe('tenant-acme-app-1\n');
    expect(content('/root/.ssh/authorized_keys')).toBe('ssh-ed25519 AAAA one\nssh-ed25519 BBBB two\n');
    expect(content(USER_DATA_FILE)).toBe('#!/bin/sh\necho hi\n');
    expect(files).toContainEqual({ path: '/etc/systemd/system/multi-user.target.wants/local-cloud-user-data.service', symlinkTo: '/etc/systemd/system/local-cloud-user-data.service' });
  });

  test('fails if the machine id is not 32 hex digits', () => {
    expect(() => seedFiles({ name: 'x', machineId: 'nope', sshKeys: [], userData: '' })).toThrow('machine id "nope" must be 32 hex digits');
  });
});
