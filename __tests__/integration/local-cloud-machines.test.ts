/**
 * The local cloud's machines: real Debian 12 servers (systemd-nspawn, from the
 * rootfs `npm run tools` builds) behind the local Hetzner Cloud API stand-in.
 * Every packet stays inside namespaces this test makes; every cloud is
 * stopped in afterAll (and swept by name), also when a test fails.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { call, ok } from '../../local-cloud/client';
import { leftovers, machinesProblem, MachineCloud, NOTHING_LEFT, arrived, startMachineCloud, uniqueInstance } from '../../test-support/local-cloud-machines';
import { finished } from '../../test-support/process';
import { REPO_ROOT } from '../../test-support/cdktf-project';
import { ssh } from '../../verify/probe/ssh';

jest.setTimeout(300_000);

const server = async (c: MachineCloud, body: Record<string, unknown>) =>
  (await ok(c.api.url, 'POST', '/servers', { server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', ssh_keys: ['admin'], ...body })).server;
const ip4 = (s: any): string => s.public_net.ipv4.ip;

describe('local cloud machines: servers, networks, firewalls, volumes on real Linux (API: local stand-in)', () => {
  let c: MachineCloud;
  let n1: any;
  let n2: any;
  let a1: any;
  let a2: any;
  let b1: any;

  beforeAll(async () => {
    const problem = machinesProblem();
    if (problem) throw new Error(problem);
    c = await startMachineCloud({ controlIpv4: '198.51.100.1' });
    await ok(c.api.url, 'POST', '/ssh_keys', { name: 'admin', public_key: c.key.publicKey });
    const net = async (name: string, range: string) =>
      (await ok(c.api.url, 'POST', '/networks', { name, ip_range: range, subnets: [{ type: 'cloud', ip_range: range.replace('.0.0/16', '.1.0/24'), network_zone: 'eu-central' }] })).network;
    n1 = await net('n1', '10.21.0.0/16');
    n2 = await net('n2', '10.22.0.0/16');
  });
  afterAll(async () => {
    await c?.stop();
  });

  test('a created server boots Debian with systemd, answers SSH with the requested key, has its name as hostname, its private IP, and ran user_data once', async () => {
    a1 = await server(c, { name: 'a1', labels: { role: 'a' }, networks: [n1.id], user_data: '#!/bin/sh\necho ran >> /root/user-data-ran\n' });
    const out = await c.sshOk(ip4(a1), 'hostname; systemctl is-system-running --wait; . /etc/os-release; echo $VERSION_CODENAME; cat /root/user-data-ran; ip -4 -o addr show enp7s0 | awk "{print \\$4}"');
    expect(out.trim().split('\n')).toEqual(['a1', 'running', 'bookworm', 'ran', `${a1.private_net[0].ip}/16`]);
    const other = await ssh({ host: ip4(a1), keyFile: path.join(c.key.dir, 'nope') }, 'true');
    expect(other.code).not.toBe(0); // only the requested key gets in
  });

  test('servers of one network reach each other; servers of different networks cannot reach each other at all', async () => {
    [a2, b1] = await Promise.all([server(c, { name: 'a2', networks: [n1.id] }), server(c, { name: 'b1', networks: [n2.id] })]);
    expect(await c.reach({ server: ip4(a1) }, 'tcp', a2.private_net[0].ip, 22)).toBe('open');
    expect(await c.reach({ server: ip4(a1) }, 'icmp', a2.private_net[0].ip)).toBe('open');
    expect(arrived(await c.reach({ server: ip4(a1) }, 'tcp', b1.private_net[0].ip, 22))).toBe(false);
    expect(arrived(await c.reach({ server: ip4(b1) }, 'tcp', a1.private_net[0].ip, 22))).toBe(false);
    expect(arrived(await c.reach({ server: ip4(b1) }, 'icmp', a1.private_net[0].ip))).toBe(false);
  });

  test('firewalls: inbound default deny except declared sources, outbound open until an outbound rule exists, by label and directly, private traffic never filtered, enforced when the API call returns', async () => {
    // No firewall yet: open both ways.
    expect(await c.reach({ outside: '203.0.113.99' }, 'tcp', ip4(a1), 22)).toBe('open');
    const fw = (
      await ok(c.api.url, 'POST', '/firewalls', {
        name: 'fw-a',
        rules: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.0/28'] }],
        apply_to: [{ type: 'label_selector', label_selector: { selector: 'role=a' } }],
      })
    ).firewall;
    expect(await c.reach({ outside: '203.0.113.99' }, 'tcp', ip4(a1), 22)).toBe('timeout');
    expect(await c.reach({ outside: '198.51.100.9' }, 'tcp', ip4(a1), 22)).toBe('open');
    expect(await c.reach({ outside: '198.51.100.9' }, 'tcp', ip4(a1), 8080)).toBe('timeout'); // undeclared port
    expect(await c.reach({ server: ip4(a1) }, 'tcp', '203.0.113.50', 443)).toBe('open'); // no outbound rule: open

    await ok(c.api.url, 'POST', `/firewalls/${fw.id}/actions/set_rules`, {
      rules: [
        { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.0/28'] },
        { direction: 'out', protocol: 'tcp', port: '443', destination_ips: ['198.51.100.0/24'] },
      ],
    });
    expect(await c.reach({ server: ip4(a1) }, 'tcp', '203.0.113.50', 443)).toBe('timeout');
    expect(await c.reach({ server: ip4(a1) }, 'tcp', '198.51.100.50', 443)).toBe('open');
    expect(await c.reach({ server: ip4(a1) }, 'tcp', a2.private_net[0].ip, 22)).toBe('open'); // private: never filtered

    // a2 has no `role=a`: open until its labels match, then covered at once.
    expect(await c.reach({ outside: '203.0.113.99' }, 'tcp', ip4(a2), 22)).toBe('open');
    await ok(c.api.url, 'PUT', `/servers/${a2.id}`, { labels: { role: 'a' } });
    expect(await c.reach({ outside: '203.0.113.99' }, 'tcp', ip4(a2), 22)).toBe('timeout');

    // Directly applied to b1 as well; removing it opens b1 again.
    await ok(c.api.url, 'POST', `/firewalls/${fw.id}/actions/apply_to_resources`, { apply_to: [{ type: 'server', server: { id: b1.id } }] });
    expect(await c.reach({ outside: '203.0.113.99' }, 'tcp', ip4(b1), 22)).toBe('timeout');
    await ok(c.api.url, 'POST', `/firewalls/${fw.id}/actions/remove_from_resources`, { remove_from: [{ type: 'server', server: { id: b1.id } }] });
    expect(await c.reach({ outside: '203.0.113.99' }, 'tcp', ip4(b1), 22)).toBe('open');
  });

  test("root in a server manages the server's own nftables (host firewall, fail2ban), and cannot open what the Hetzner firewall closes", async () => {
    // a1 is behind fw-a (SSH from 198.51.100.0/28 only, outbound 443 to 198.51.100.0/24 only).
    const own = await c.sshOk(ip4(a1), 'nft flush ruleset && nft add table inet own && nft add chain inet own input "{ type filter hook input priority 0; policy accept; }" && nft list tables');
    expect(own.trim()).toBe('table inet own');
    expect(await c.reach({ outside: '203.0.113.99' }, 'tcp', ip4(a1), 22)).toBe('timeout');
    expect(await c.reach({ server: ip4(a1) }, 'tcp', '203.0.113.50', 443)).toBe('timeout');
    await c.sshOk(ip4(a1), 'nft delete table inet own');
    expect(await c.reach({ server: ip4(a1) }, 'tcp', '198.51.100.50', 443)).toBe('open');
  });

  test('power actions: poweroff stops the machine, poweron boots it, reboot restarts it; rebuild gives a fresh root and runs user_data again', async () => {
    const bootId = async () => (await c.sshOk(ip4(a1), 'cat /proc/sys/kernel/random/boot_id; cat /proc/1/stat | cut -d" " -f22')).trim();
    await c.sshOk(ip4(a1), 'echo kept > /root/marker');
    const first = await bootId();
    await ok(c.api.url, 'POST', `/servers/${a1.id}/actions/poweroff`);
    expect((await c.ssh(ip4(a1), 'true')).code).not.toBe(0);
    await ok(c.api.url, 'POST', `/servers/${a1.id}/actions/poweron`);
    const second = await bootId();
    expect(second).not.toBe(first);
    expect((await c.sshOk(ip4(a1), 'cat /root/marker')).trim()).toBe('kept'); // same disk
    await ok(c.api.url, 'POST', `/servers/${a1.id}/actions/reboot`);
    expect(await bootId()).not.toBe(second);
    await ok(c.api.url, 'POST', `/servers/${a1.id}/actions/rebuild`, { image: 'ubuntu-24.04' });
    const out = await c.sshOk(ip4(a1), 'test -e /root/marker && echo marker || echo fresh; cat /root/user-data-ran');
    expect(out.trim().split('\n')).toEqual(['fresh', 'ran']);
  });

  test('volumes: attached with automount it is /dev/disk/by-id/scsi-0HC_Volume_<id> mounted at /mnt/HC_Volume_<id>; data survives detach, re-attach elsewhere and deletion of the server', async () => {
    const vol = (await ok(c.api.url, 'POST', '/volumes', { name: 'v1', size: 10, format: 'ext4', server: a1.id, automount: true })).volume;
    const dir = `/mnt/HC_Volume_${vol.id}`;
    expect(vol.linux_device).toBe(`/dev/disk/by-id/scsi-0HC_Volume_${vol.id}`);
    const seen = await c.sshOk(ip4(a1), `test -b ${vol.linux_device} && findmnt -n -o FSTYPE ${dir} && echo data > ${dir}/f && sync && cat ${dir}/f`);
    expect(seen.trim().split('\n')).toEqual(['ext4', 'data']);
    await ok(c.api.url, 'POST', `/volumes/${vol.id}/actions/detach`);
    expect((await c.sshOk(ip4(a1), `test -e ${vol.linux_device} && echo there || echo gone`)).trim()).toBe('gone');
    await ok(c.api.url, 'POST', `/volumes/${vol.id}/actions/attach`, { server: b1.id, automount: true });
    expect((await c.sshOk(ip4(b1), `cat ${dir}/f`)).trim()).toBe('data');
    await ok(c.api.url, 'DELETE', `/servers/${b1.id}`);
    expect((await ok(c.api.url, 'GET', `/volumes/${vol.id}`)).volume.server).toBeNull();
    await ok(c.api.url, 'POST', `/volumes/${vol.id}/actions/attach`, { server: a1.id, automount: false });
    expect((await c.sshOk(ip4(a1), `mkdir -p /mnt/v && mount ${vol.linux_device} /mnt/v && cat /mnt/v/f && umount /mnt/v`)).trim()).toBe('data');
  });

  test('deleting a server removes its machine, namespace and disk', async () => {
    await ok(c.api.url, 'DELETE', `/servers/${a2.id}`);
    expect(fs.existsSync(path.join(c.dataDir, 'servers', String(a2.id)))).toBe(false);
    expect(fs.readFileSync('/proc/self/mounts', 'utf8')).not.toContain(`${c.dataDir}/servers/${a2.id}/`);
    expect(fs.existsSync(`/run/netns/lc-${c.name}-srv-${a2.id}`)).toBe(false);
    expect((await c.ssh(ip4(a2), 'true')).code).not.toBe(0);
  });
});

describe('local cloud machines: failures leave nothing half-made', () => {
  test('fails if the root filesystem is missing: the create call answers resource_unavailable naming `npm run tools`, and no server record, namespace or disk remains', async () => {
    const c = await startMachineCloud({ rootfs: '/nonexistent-rootfs' });
    try {
      const r = await call(c.api.url, 'POST', '/servers', { name: 'x1', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1' });
      expect([r.status, r.body.error.code]).toEqual([503, 'resource_unavailable']);
      expect(r.body.error.message).toMatch(/cannot create server x1: the server root filesystem \/nonexistent-rootfs is missing.*npm run tools/);
      expect(c.api.state.servers).toEqual([]);
      expect(c.api.state.primary_ips).toEqual([]);
      expect(fs.readdirSync(path.join(c.dataDir, 'servers'))).toEqual([]);
      expect(leftovers(c.name, c.dataDir).namespaces).toEqual([`lc-${c.name}-world`]);
    } finally {
      await c.stop();
    }
  });

  test('fails if memory is short: the create call answers resource_unavailable with the numbers, and nothing remains', async () => {
    const c = await startMachineCloud({ minFreeMemoryMb: 100_000_000 });
    try {
      const r = await call(c.api.url, 'POST', '/servers', { name: 'x2', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1' });
      expect([r.status, r.body.error.code]).toEqual([503, 'resource_unavailable']);
      expect(r.body.error.message).toMatch(/cannot boot server x2: only \d+ MB of memory available on this host, at least 100000000 MB needed/);
      expect(c.api.state.servers).toEqual([]);
      expect(leftovers(c.name, c.dataDir).namespaces).toEqual([`lc-${c.name}-world`]);
    } finally {
      await c.stop();
    }
  });

  test('stopping the cloud removes every machine, namespace, link, mount, loop device and file it made', async () => {
    const c = await startMachineCloud();
    await ok(c.api.url, 'POST', '/ssh_keys', { name: 'admin', public_key: c.key.publicKey });
    const s = await server(c, { name: 'y1' });
    await ok(c.api.url, 'POST', '/volumes', { name: 'v', size: 10, format: 'xfs', server: s.id, automount: true });
    const before = leftovers(c.name, c.dataDir);
    expect([before.machines.length, before.loops.length, before.mounts.length > 0, before.hostLinks.length]).toEqual([1, 1, true, 1]);
    await c.api.stop();
    expect(leftovers(c.name, c.dataDir)).toEqual(NOTHING_LEFT);
    await c.stop();
  });
});

describe('npm run local-cloud -- up / down', () => {
  const name = uniqueInstance();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-home-'));
  const cli = async (...args: string[]) =>
    finished(spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'local-cloud/cli.ts', ...args, '--name', name], { cwd: REPO_ROOT, env: { ...process.env, LOCAL_CLOUD_HOME: home } }));
  afterAll(async () => {
    await cli('down');
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('up prints the exports (the key logs in to servers created with the platform key names); up again reuses it; down leaves nothing; down again is a no-op', async () => {
    const first = await cli('up', '--tenants', path.join(REPO_ROOT, 'tenants'));
    expect(first.code).toBe(0);
    const env = Object.fromEntries([...first.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(env).sort()).toEqual(['HCLOUD_ENDPOINT', 'HCLOUD_SSH_KEY_FILE', 'HCLOUD_TOKEN', 'HETZNER_ENDPOINT', 'PROBE_OUTSIDE_NETNS']);
    expect(env.HETZNER_ENDPOINT).toBe(env.HCLOUD_ENDPOINT);
    const again = await cli('up');
    expect([again.code, again.stdout]).toEqual([0, first.stdout]);
    expect(again.stderr).toMatch(/already running \(pid \d+\); reusing it/);

    const s = (await ok(env.HCLOUD_ENDPOINT, 'POST', '/servers', { name: 'u1', server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', ssh_keys: ['platform-admin'] })).server;
    const r = await ssh({ host: s.public_net.ipv4.ip, keyFile: env.HCLOUD_SSH_KEY_FILE }, 'hostname');
    expect([r.code, r.stdout.trim()]).toEqual([0, 'u1']);

    const down = await cli('down');
    expect([down.code, down.stderr.trim()]).toEqual([0, `local cloud "${name}" is down`]);
    expect(leftovers(name, path.join(home, name, 'machines'))).toEqual(NOTHING_LEFT);
    expect(fs.existsSync(path.join(home, name))).toBe(false);
    const noop = await cli('down');
    expect([noop.code, noop.stderr.trim()]).toEqual([0, `local cloud "${name}" is not running; nothing to do`]);
  });
});
