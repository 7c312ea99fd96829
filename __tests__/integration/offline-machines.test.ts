/**
 * Offline mode on real servers: `cdktf deploy` of the offline example tenant
 * (tenants/initech.yaml) with the real OpenTofu and hcloud provider against
 * the local Hetzner Cloud API stand-in with machines. Only its jump host has
 * a public interface: the gpu servers have no public address and no default
 * route, cannot reach the outside world's listener even with the firewall
 * taken off, and Ansible reaches every one of them through the jump host with
 * the inventory lib/ansible-inventory.ts builds from the stack's outputs. The
 * jump host admits SSH from the management sources only and sends nowhere.
 * Then `POST_APPLY=ansible` deploy runs the post-apply step against the
 * servers (with a stand-in playbook, named as such, in the project copy).
 * The cloud runs under a unique instance name and is removed in afterAll,
 * also when a test fails.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadFleet } from '../../app/tenant-files';
import { tenantInventory } from '../../lib/ansible-inventory';
import { ok } from '../../local-cloud/client';
import { controlAddressFor } from '../../local-cloud/network/address-plan';
import { DUMMY_TOKEN } from '../../local-cloud';
import { run } from '../../test-support/ansible-proc';
import { finished } from '../../test-support/process';
import { ANSIBLE_DIR, ansibleEnv } from '../../test-support/ansible-run';
import { CdktfProject, cdktfProject, REPO_ROOT } from '../../test-support/cdktf-project';
import { arrived, machinesProblem, MachineCloud, startMachineCloud } from '../../test-support/local-cloud-machines';
import { TofuResult, tofuProblem } from '../../test-support/tofu-async';
import { ssh } from '../../verify/probe/ssh';

jest.setTimeout(600_000);

const GPU = ['tenant-initech-gpu-1', 'tenant-initech-gpu-2', 'tenant-initech-gpu-3'];
const JUMP = 'tenant-initech-jump-1';
/** A public address of the outside world (the local cloud's listener answers for it). */
const OUTSIDE = { address: '203.0.113.250', port: 443 };
/** Connects to the outside world's listener and prints what it says (or why it could not). */
const TO_OUTSIDE = `timeout 3 bash -c 'exec 3<>/dev/tcp/${OUTSIDE.address}/${OUTSIDE.port} && head -1 <&3' 2>&1; echo "exit=$?"`;

function expectOk(r: TofuResult, what: string): void {
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code ?? r.signal}\n--- stdout ---\n${r.stdout.slice(-6000)}\n--- stderr ---\n${r.stderr.slice(-3000)}`);
}

describe('an offline tenant on real servers: only its jump host has a public interface', () => {
  let c: MachineCloud;
  let proj: CdktfProject;
  let work: string;
  /** The control node's key, copied to a path that needs quoting (a space and a quote). */
  let keyFile: string;
  const servers = () => c.api.state.servers.filter((s) => s.labels.tenant_id === 'initech');
  const byName = (name: string) => c.api.state.servers.find((s) => s.name === name)!;
  const jumpIp = () => c.api.state.primary_ips.find((p) => p.id === byName(JUMP).ipv4)!.ip;
  const privateIp = (name: string) => byName(name).private_net[0].ip;
  /** Runs `command` on a server: the jump host directly, any other through it. */
  const onServer = async (name: string, command: string) => {
    const r = await ssh(name === JUMP ? { host: jumpIp(), keyFile } : { host: privateIp(name), keyFile, jump: jumpIp() }, command);
    if (r.code !== 0) throw new Error(`ssh ${name} ${command}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  /** Which of the tenant's addresses ssh has host keys for in the user's known_hosts (ssh reads the passwd home, not $HOME). */
  const recordedHostKeys = async () => {
    const file = path.join(os.userInfo().homedir, '.ssh', 'known_hosts');
    if (!fs.existsSync(file)) return [];
    const found: string[] = [];
    for (const address of [jumpIp(), ...GPU.map(privateIp)]) if ((await run('ssh-keygen', ['-F', address, '-f', file])).code === 0) found.push(address);
    return found;
  };
  const outputs = async () => {
    const r = await proj.tofu('initech', ['output', '-json']);
    expectOk(r, 'tofu output');
    const out = JSON.parse(r.stdout);
    return { vars: out.ansible_vars.value, ipv4: out.server_ipv4.value as Record<string, string> };
  };

  beforeAll(async () => {
    const problem = tofuProblem() ?? machinesProblem();
    if (problem) throw new Error(problem);
    const platform = loadFleet(path.join(REPO_ROOT, 'tenants')).fleet!.platform;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'offline-machines-'));
    c = await startMachineCloud({ controlIpv4: controlAddressFor(platform.sources) });
    keyFile = path.join(work, "control key's dir", 'id_ed25519');
    fs.mkdirSync(path.dirname(keyFile));
    fs.copyFileSync(c.key.privateKey, keyFile);
    fs.chmodSync(keyFile, 0o600);
    proj = cdktfProject(c.api.url, 'cdktf-offline-');
    for (const f of ['_platform.yaml', 'initech.yaml']) proj.copyTenant(f);
    await ok(c.api.url, 'POST', '/zones', { name: platform.dns.zone, mode: 'primary', ttl: platform.dns.ttl });
    for (const name of platform.ssh_keys) await ok(c.api.url, 'POST', '/ssh_keys', { name, public_key: c.key.publicKey });
  });
  afterAll(async () => {
    await c?.stop();
    proj?.remove();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('deploys initech: the gpu servers have no public address and no default route; the firewall covers the jump host only', async () => {
    expectOk(await proj.cdktf(['deploy', 'tenant-initech', '--auto-approve', '--skip-provider-lock']), 'cdktf deploy initech');
    expect(servers().map((s) => s.name).sort()).toEqual([...GPU, JUMP]);
    for (const name of GPU) expect({ name, ipv4: byName(name).ipv4, ipv6: byName(name).ipv6 }).toEqual({ name, ipv4: null, ipv6: null });
    expect(byName(JUMP).ipv4).not.toBeNull();
    const fw = c.api.state.firewalls.find((f) => f.name === 'tenant-initech-fw')!;
    expect(fw.apply_to).toEqual([{ type: 'label_selector', label_selector: { selector: 'tenant_id=initech,role=jump' } }]);
    const covered = (await ok(c.api.url, 'GET', `/firewalls/${fw.id}`)).firewall.applied_to[0].applied_to_resources.map((r: any) => r.server.id);
    expect(covered).toEqual([byName(JUMP).id]);

    for (const name of GPU) {
      // Every address but loopback and link-local: the private one only.
      const out = await onServer(name, 'hostname; ip -o addr show scope global | awk \'{print $2, $4}\'; echo "v4 default: [$(ip -4 route show default)]"; echo "v6 default: [$(ip -6 route show default)]"');
      expect(out.trim().split('\n')).toEqual([name, `enp7s0 ${privateIp(name)}/16`, 'v4 default: []', 'v6 default: []']);
    }
    // The jump host: a public interface with a default route, and its private address.
    const jump = await onServer(JUMP, 'hostname; ip -4 -o addr show | awk \'$2 != "lo" {print $2, $4}\'; ip -4 route show default');
    expect(jump).toContain(`eth0 ${jumpIp()}/32`);
    expect(jump).toContain(`enp7s0 ${privateIp(JUMP)}/16`);
    expect(jump).toMatch(/^default via /m);
  });

  test('the data plane cannot reach the outside world, even with the firewall taken off; the jump host is stopped by its firewall', async () => {
    for (const name of GPU) expect(await onServer(name, TO_OUTSIDE)).toMatch(/Network is unreachable[\s\S]*exit=1/);
    expect(await onServer(JUMP, TO_OUTSIDE)).toMatch(/exit=124/); // dropped: the connection times out
    const fw = c.api.state.firewalls.find((f) => f.name === 'tenant-initech-fw')!;
    const selector = { type: 'label_selector', label_selector: { selector: 'tenant_id=initech,role=jump' } };
    await ok(c.api.url, 'POST', `/firewalls/${fw.id}/actions/remove_from_resources`, { remove_from: [selector] });
    try {
      // The listener answers (so the probe can pass), yet the gpu servers still have no route to it.
      expect(await onServer(JUMP, TO_OUTSIDE)).toMatch(/^outside world\nexit=0/);
      for (const name of GPU) expect(await onServer(name, TO_OUTSIDE)).toMatch(/Network is unreachable[\s\S]*exit=1/);
    } finally {
      await ok(c.api.url, 'POST', `/firewalls/${fw.id}/actions/apply_to_resources`, { apply_to: [selector] });
    }
    expect(await onServer(JUMP, TO_OUTSIDE)).toMatch(/exit=124/);
  });

  test('npm run verify -- --probe passes: the live rules hold, and the gpu servers, probed through the jump host, send nowhere', async () => {
    const r = await finished(
      spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'cli/verify.ts', '--probe'], {
        cwd: REPO_ROOT,
        env: { ...process.env, HCLOUD_ENDPOINT: c.api.url, HCLOUD_TOKEN: DUMMY_TOKEN, TENANTS_DIR: proj.tenantsDir, HCLOUD_SSH_KEY_FILE: keyFile, PROBE_OUTSIDE_NETNS: c.world },
      }),
    );
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^initech\s+(\d+)\s+\1\s+0\s+ok$/m);
    expect(r.stdout).not.toMatch(/cannot SSH in/);
    expect(r.stdout).toMatch(/PASS: every probe behaved as isolation requires\./);
  });

  test('the jump host admits SSH from the management sources only', async () => {
    // 198.51.100.0/28 is the platform's `management` source; 203.0.113.10 its `gateway`.
    expect(arrived(await c.reach({ outside: '198.51.100.2' }, 'tcp', jumpIp(), 22))).toBe(true);
    for (const outsider of ['203.0.113.10', '198.51.100.16', '198.18.0.201']) {
      expect({ outsider, arrived: arrived(await c.reach({ outside: outsider }, 'tcp', jumpIp(), 22)) }).toEqual({ outsider, arrived: false });
    }
    expect(arrived(await c.reach({ outside: '198.51.100.2' }, 'tcp', jumpIp(), 8000))).toBe(false);
  });

  test('Ansible reaches every server with the inventory built from the stack outputs: the gpu servers through the jump host', async () => {
    const { vars, ipv4 } = await outputs();
    const inventory = tenantInventory([vars], { serverIpv4: ipv4, sshKeyFile: keyFile });
    const file = path.join(work, 'inventory.yml');
    fs.writeFileSync(file, stringify(inventory));
    // Host keys unchecked and unrecorded: every local cloud hands out the same addresses again.
    const env = ansibleEnv(path.join(work, 'ansible'), { ANSIBLE_HOST_KEY_CHECKING: 'False' });
    const ping = await run('ansible', ['-i', file, 'tenant_initech', '-m', 'ansible.builtin.ping', '-o'], { cwd: ANSIBLE_DIR, env });
    expect({ code: ping.code, err: ping.stderr }).toEqual({ code: 0, err: expect.any(String) });
    for (const name of [...GPU, JUMP]) expect(ping.stdout).toMatch(new RegExp(`^${name} \\| SUCCESS => .*"ping": "pong"`, 'm'));
    // Where each connection came from: the gpu servers see the jump host's private address.
    const from = await run('ansible', ['-i', file, 'tenant_initech', '-m', 'ansible.builtin.command', '-a', 'printenv SSH_CONNECTION', '-o'], { cwd: ANSIBLE_DIR, env });
    expect(from.code).toBe(0);
    for (const name of GPU) expect(from.stdout).toMatch(new RegExp(`^${name} \\| CHANGED \\| rc=0 \\| \\(stdout\\) ${privateIp(JUMP).replace(/\./g, '\\.')} `, 'm'));
    expect(from.stdout).toMatch(new RegExp(`^${JUMP} \\| CHANGED \\| rc=0 \\| \\(stdout\\) 198\\.51\\.100\\.1 `, 'm'));
    // Groups by role and environment, and the control host beside them.
    const graph = await run('ansible-inventory', ['-i', file, '--graph'], { cwd: ANSIBLE_DIR, env });
    expect(graph.stdout).toMatch(/@role_inference:\n([\s|]+--tenant-initech-gpu-\d\n){3}/);
    expect(graph.stdout).toMatch(/@role_jump:\n[\s|]+--tenant-initech-jump-1\n/);
    expect(graph.stdout).toMatch(/@env_development:\n([\s|]+--tenant-initech-(gpu-\d|jump-1)\n){4}/);
    expect(graph.stdout).toMatch(/@tenants:\n[\s|]+--tenant-initech\n/);
    // With host key checking off, nothing was recorded in the (passwd) home's known_hosts.
    expect(await recordedHostKeys()).toEqual([]);
  });

  test('npm run -s inventory prints the same inventory from the deployed stack, and Ansible reaches every server with it (key from HCLOUD_SSH_KEY_FILE)', async () => {
    const cli = await finished(spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'cli/inventory.ts', 'initech'], { cwd: proj.dir, env: { ...process.env, TENANTS_DIR: proj.tenantsDir } }));
    expect([cli.code, cli.stderr]).toEqual([0, '']);
    const { vars, ipv4 } = await outputs();
    expect(JSON.parse(cli.stdout)).toEqual(tenantInventory([vars], { serverIpv4: ipv4, user: 'root' }));
    const file = path.join(work, 'cli-inventory.yml');
    fs.writeFileSync(file, cli.stdout);
    const env = ansibleEnv(path.join(work, 'ansible-cli'), { ANSIBLE_HOST_KEY_CHECKING: 'False', HCLOUD_SSH_KEY_FILE: keyFile });
    const ping = await run('ansible', ['-i', file, 'tenant_initech', '-m', 'ansible.builtin.ping', '-o'], { cwd: ANSIBLE_DIR, env });
    expect(ping.code).toBe(0);
    for (const name of [...GPU, JUMP]) expect(ping.stdout).toMatch(new RegExp(`^${name} \\| SUCCESS => .*"ping": "pong"`, 'm'));
  });

  test('fails if the jump host is left out: the gpu servers cannot be reached from the control node', async () => {
    const r = await ssh({ host: privateIp(GPU[0]), keyFile }, 'hostname');
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Network is unreachable|No route to host|timed out/);
  });

  test('POST_APPLY=ansible deploy writes the inventory and runs playbooks/tenant.yml against the servers, with the key from HCLOUD_SSH_KEY_FILE', async () => {
    // The project copy's ansible/: the repository's ansible.cfg and a stand-in playbooks/tenant.yml that pings the tenant's servers.
    const ansibleDir = path.join(proj.dir, 'ansible');
    fs.mkdirSync(path.join(ansibleDir, 'inventory'), { recursive: true });
    fs.mkdirSync(path.join(ansibleDir, 'playbooks'));
    fs.copyFileSync(path.join(ANSIBLE_DIR, 'ansible.cfg'), path.join(ansibleDir, 'ansible.cfg'));
    const result = path.join(work, 'post-apply-result.json');
    fs.writeFileSync(path.join(ansibleDir, 'playbooks', 'tenant.yml'), [
      '# Stand-in for the real playbooks/tenant.yml (test): reach every server of the tenant, record from where.',
      '- name: Reach the tenant servers',
      '  hosts: "tenant_{{ tenant }}"',
      '  gather_facts: false',
      '  tasks:',
      '    - name: Read where the connection came from',
      '      ansible.builtin.command: printenv SSH_CONNECTION',
      '      register: conn',
      '      changed_when: false',
      '- name: Record it',
      '  hosts: localhost',
      '  gather_facts: false',
      '  tasks:',
      '    - name: Write the result',
      '      ansible.builtin.copy:',
      `        dest: ${JSON.stringify(result)}`,
      `        content: "{{ dict(groups['tenant_' ~ tenant] | zip(groups['tenant_' ~ tenant] | map('extract', hostvars, ['conn', 'stdout']))) | to_json }}"`,
      '',
    ].join('\n'));
    const home = path.join(work, 'post-apply-home');
    fs.mkdirSync(home);
    const r = await proj.cdktf(['deploy', 'tenant-initech', '--auto-approve', '--skip-provider-lock'], {
      env: { POST_APPLY: 'ansible', HCLOUD_SSH_KEY_FILE: keyFile, HOME: home, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False' },
    });
    expectOk(r, 'cdktf deploy initech with POST_APPLY=ansible');
    const conn: Record<string, string> = JSON.parse(fs.readFileSync(result, 'utf8'));
    expect(Object.keys(conn).sort()).toEqual([...GPU, JUMP]);
    for (const name of GPU) expect(conn[name].split(' ')[0]).toBe(privateIp(JUMP));
    expect(conn[JUMP].split(' ')[0]).toBe('198.51.100.1');
    // The inventory it wrote is the one function's, with the addresses the apply made.
    const written = JSON.parse(fs.readFileSync(path.join(ansibleDir, 'inventory', 'tenant-initech.yml'), 'utf8'));
    const { vars, ipv4 } = await outputs();
    expect(written).toEqual(tenantInventory([vars], { serverIpv4: ipv4 }));
    expect(written.all.children.tenant_servers.children.tenant_initech.hosts[JUMP].ansible_host).toBe(jumpIp());
    expect(await recordedHostKeys()).toEqual([]);
  });
});
