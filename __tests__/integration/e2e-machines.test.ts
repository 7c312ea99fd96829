/**
 * End to end on real servers: `cdktf deploy` of two example tenants (the real
 * OpenTofu and hcloud provider) against the local Hetzner Cloud API stand-in
 * with machines, so every server is a booted Debian machine; then
 * `npm run verify -- --probe` sends real packets from inside them. Isolation
 * is broken on purpose three ways and the probes must name it; a firewall
 * change applied through a plan must change which packets pass; destroying
 * one tenant must leave the other's machines untouched. The cloud runs under
 * a unique instance name and is removed in afterAll, also when a test fails.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadFleet } from '../../app/tenant-files';
import { DUMMY_TOKEN } from '../../local-cloud';
import { ok } from '../../local-cloud/client';
import { controlAddressFor } from '../../local-cloud/network/address-plan';
import { CdktfProject, cdktfProject, REPO_ROOT } from '../../test-support/cdktf-project';
import { arrived, machinesProblem, MachineCloud, startMachineCloud } from '../../test-support/local-cloud-machines';
import { finished } from '../../test-support/process';
import { TofuResult, tofuProblem } from '../../test-support/tofu-async';

jest.setTimeout(600_000);

function expectOk(r: TofuResult, what: string): void {
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code ?? r.signal}\n--- stdout ---\n${r.stdout.slice(-6000)}\n--- stderr ---\n${r.stderr.slice(-3000)}`);
}

describe('end to end on real servers: cdktf deploy onto machines of the local cloud, probed with packets', () => {
  let c: MachineCloud;
  let proj: CdktfProject;
  const deploy = (...ids: string[]) => proj.cdktf(['deploy', ...ids.map((id) => `tenant-${id}`), '--auto-approve', '--skip-provider-lock']);
  const servers = () => c.api.state.servers;
  const byName = (name: string) => servers().find((s) => s.name === name)!;
  const publicIp = (name: string) => c.api.state.primary_ips.find((p) => p.id === byName(name).ipv4)!.ip;
  const probe = () =>
    finished(
      spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'cli/verify.ts', '--probe'], {
        cwd: REPO_ROOT,
        env: { ...process.env, HCLOUD_ENDPOINT: c.api.url, HCLOUD_TOKEN: DUMMY_TOKEN, TENANTS_DIR: proj.tenantsDir, HCLOUD_SSH_KEY_FILE: c.key.privateKey, PROBE_OUTSIDE_NETNS: c.world },
      }),
    );
  const id = (kind: 'firewalls' | 'networks', name: string) => (kind === 'firewalls' ? c.api.state.firewalls : c.api.state.networks).find((x) => x.name === name)!.id;

  beforeAll(async () => {
    const problem = tofuProblem() ?? machinesProblem();
    if (problem) throw new Error(problem);
    const platform = loadFleet(path.join(REPO_ROOT, 'tenants')).fleet!.platform;
    c = await startMachineCloud({ controlIpv4: controlAddressFor(platform.sources) });
    proj = cdktfProject(c.api.url, 'cdktf-machines-');
    for (const f of ['_platform.yaml', 'acme.yaml', 'globex.yaml']) proj.copyTenant(f);
    await ok(c.api.url, 'POST', '/zones', { name: platform.dns.zone, mode: 'primary', ttl: platform.dns.ttl });
    for (const name of platform.ssh_keys) await ok(c.api.url, 'POST', '/ssh_keys', { name, public_key: c.key.publicKey });
  });
  afterAll(async () => {
    await c?.stop();
    proj?.remove();
  });

  test('deploys acme and globex onto booted servers: each answers SSH with its name and private IP; acme\'s volume is mounted', async () => {
    expectOk(await deploy('acme', 'globex'), 'cdktf deploy acme globex');
    expect(servers().map((s) => s.name).sort()).toEqual(['tenant-acme-app-1', 'tenant-acme-app-2', 'tenant-acme-db-1', 'tenant-globex-web-1']);
    for (const s of servers()) {
      const out = await c.sshOk(publicIp(s.name), 'hostname; ip -4 -o addr show enp7s0 | awk "{print \\$4}"');
      expect(out.trim().split('\n')).toEqual([s.name, `${s.private_net[0].ip}/16`]);
    }
    const vol = c.api.state.volumes.find((v) => v.labels.tenant_id === 'acme')!;
    expect((await c.sshOk(publicIp('tenant-acme-app-1'), `findmnt -n -o FSTYPE /mnt/HC_Volume_${vol.id}`)).trim()).toBe('ext4');
  });

  test('npm run verify -- --probe passes: own networks reachable, the other tenant unreachable, egress only to the allow-lists, only declared ports open', async () => {
    const r = await probe();
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/acme\s+\d+\s+\d+\s+0\s+ok/);
    expect(r.stdout).toMatch(/PASS: every probe behaved as isolation requires\./);
  });

  test('fails if a firewall gets an extra outbound rule: --probe exits 1 naming tenant, server, port and destination', async () => {
    const fw = c.api.state.firewalls.find((f) => f.name === 'tenant-globex-fw')!;
    const rules = structuredClone(fw.rules);
    await ok(c.api.url, 'POST', `/firewalls/${fw.id}/actions/set_rules`, { rules: [...rules, { direction: 'out', protocol: 'tcp', port: '8081', destination_ips: ['0.0.0.0/0'] }] });
    try {
      const r = await probe();
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/globex\s+probe-egress\s+tenant-globex-web-1 sends tcp\/8081 to 198\.51\.100\.250: not in the egress allow-list/);
    } finally {
      await ok(c.api.url, 'POST', `/firewalls/${fw.id}/actions/set_rules`, { rules });
    }
  });

  test('fails if a tenant\'s firewall is removed from its servers: --probe names the open ports and the escaped egress', async () => {
    const fw = id('firewalls', 'tenant-acme-fw');
    const selector = { type: 'label_selector', label_selector: { selector: 'tenant_id=acme' } };
    await ok(c.api.url, 'POST', `/firewalls/${fw}/actions/remove_from_resources`, { remove_from: [selector] });
    try {
      const r = await probe();
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/acme\s+probe-inbound\s+tenant-acme-app-1 accepts tcp\/8081 from 203\.0\.113\.10: no ingress rule opens tcp\/8081/);
      expect(r.stdout).toMatch(/acme\s+probe-egress\s+tenant-acme-db-1 sends tcp\/443 to 203\.0\.113\.250: not in the egress allow-list/);
    } finally {
      await ok(c.api.url, 'POST', `/firewalls/${fw}/actions/apply_to_resources`, { apply_to: [selector] });
    }
  });

  test('fails if a server is attached to another tenant\'s network: --probe names both sides', async () => {
    const intruder = byName('tenant-acme-app-1');
    const net = id('networks', 'tenant-globex-net');
    await ok(c.api.url, 'POST', `/servers/${intruder.id}/actions/attach_to_network`, { network: net });
    try {
      const ip = byName('tenant-acme-app-1').private_net.find((p) => p.network === net)!.ip;
      const r = await probe();
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`globex\\s+probe-cross-tenant\\s+tenant-globex-web-1 reaches tenant acme: ${ip.replace(/\./g, '\\.')} \\(tenant-acme-app-1\\) tcp/22`));
      expect(r.stdout).toMatch(/acme\s+probe-cross-tenant\s+tenant-acme-app-1 reaches tenant globex: 10\.13\.1\.10 \(tenant-globex-web-1\) tcp\/22/);
    } finally {
      await ok(c.api.url, 'POST', `/servers/${intruder.id}/actions/detach_from_network`, { network: net });
    }
    const after = await probe();
    expect([after.code, after.stdout]).toEqual([0, expect.stringMatching(/PASS: every probe behaved/)]);
  });

  test('a firewall change applied through a plan changes which packets pass', async () => {
    const web = publicIp('tenant-globex-web-1');
    // 203.0.113.10 is the platform's `gateway` source.
    expect(arrived(await c.reach({ outside: '203.0.113.10' }, 'tcp', web, 8080))).toBe(false);
    const file = path.join(proj.tenantsDir, 'globex.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('    - { port: 22, from: [management] }', '    - { port: 22, from: [management] }\n    - { port: 8080, from: [gateway], description: admin UI }'));
    expectOk(await deploy('globex'), 'cdktf deploy globex with port 8080 open to the gateway');
    expect(arrived(await c.reach({ outside: '203.0.113.10' }, 'tcp', web, 8080))).toBe(true);
    expect(arrived(await c.reach({ outside: '203.0.113.99' }, 'tcp', web, 8080))).toBe(false);
  });

  test('cdktf destroy of one tenant removes its machines and nothing of the other\'s', async () => {
    const acme = servers().filter((s) => s.labels.tenant_id === 'acme');
    const bootIds = async () => Promise.all(acme.map((s) => c.sshOk(publicIp(s.name), 'cat /proc/sys/kernel/random/boot_id')));
    const before = await bootIds();
    const globex = servers().filter((s) => s.labels.tenant_id === 'globex').map((s) => s.id);
    const globexNet = id('networks', 'tenant-globex-net');
    expectOk(await proj.cdktf(['destroy', 'tenant-globex', '--auto-approve', '--skip-provider-lock']), 'cdktf destroy globex');
    for (const sid of globex) {
      expect(fs.existsSync(`/run/netns/lc-${c.name}-srv-${sid}`)).toBe(false);
      expect(fs.existsSync(path.join(c.dataDir, 'servers', String(sid)))).toBe(false);
    }
    expect(fs.existsSync(`/run/netns/lc-${c.name}-net-${globexNet}`)).toBe(false);
    expect(await bootIds()).toEqual(before);
    proj.removeTenant('globex.yaml');
    const r = await probe();
    expect([r.code, r.stdout]).toEqual([0, expect.stringMatching(/PASS: every probe behaved/)]);
  });
});
