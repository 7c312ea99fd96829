/**
 * The tenant data plane on the local cloud's real servers: `npm run deploy`
 * with `POST_APPLY=ansible` of two online tenants (alpha and bravo, each a
 * data server holding the volume and an app server), with the real OpenTofu
 * and hcloud provider against the local Hetzner Cloud API stand-in with
 * machines, so the REAL playbooks/tenant.yml runs against booted Debian 12
 * servers through the inventory lib/ansible-inventory.ts builds from the
 * stack outputs. PostgreSQL 15, MinIO (the binary `npm run tools` built),
 * sshd, nftables, fail2ban, systemd, sops and age are the real ones; Qdrant
 * is the Qdrant STAND-IN (test-support/qdrant-standin-server.ts), named as
 * such below. Then the offline tenant (initech) gets its data plane through
 * its jump host.
 *
 * Clients run inside the servers' network namespaces (psql, mc, curl of this
 * host, `ip netns exec`), so their packets come from the server's addresses.
 * Credentials are read from each tenant's SOPS file with that tenant's age
 * key and never printed. The cloud runs under a unique instance name and is
 * removed in afterAll, also when a test fails.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadFleet } from '../../app/tenant-files';
import { ok } from '../../local-cloud/client';
import { controlAddressFor } from '../../local-cloud/network/address-plan';
import { cloudNames } from '../../local-cloud/network/names';
import { decryptWith, findLeaks } from '../../test-support/ansible-fixture';
import { run, RunResult, toolsEnv, waitFor } from '../../test-support/ansible-proc';
import { changedTasks, failures, parseRecap, Recap } from '../../test-support/ansible-run';
import { CdktfProject, cdktfProject, REPO_ROOT } from '../../test-support/cdktf-project';
import { DataplaneProject, prepareDataplaneProject } from '../../test-support/dataplane-project';
import { arrived, machinesProblem, MachineCloud, startMachineCloud } from '../../test-support/local-cloud-machines';
import { mcHost } from '../../test-support/minio';
import { psql } from '../../test-support/postgres';
import { tofuProblem } from '../../test-support/tofu-async';

jest.setTimeout(30 * 60_000);

/** A tenant with a data server (first group: it holds the volume) and an app server. */
const tenantFile = (id: string, seq: number) => `# Written by tenant-dataplane-local-cloud.test.ts
id: ${id}
seq: ${seq}
environment: staging
mode: online
location: nbg1
servers:
  - { name: data, role: database }
  - { name: app, role: worker }
volume: { size_gb: 10, format: ext4 }
firewall:
  ingress:
    - { port: 443, from: [gateway] }
    - { port: 22, from: [management] }
storage:
  host: data
  postgres: true
  minio: true
  qdrant: { vector_size: 4, distance: Cosine }
`;

const A = 'alpha';
const B = 'bravo';
/** The offline example tenant (tenants/initech.yaml): three gpu servers with no public interface and a jump host; MinIO and Qdrant, no PostgreSQL. */
const OFFLINE = 'initech';
const OFFLINE_SERVERS = ['tenant-initech-gpu-1', 'tenant-initech-gpu-2', 'tenant-initech-gpu-3', 'tenant-initech-jump-1'];
/** The data plane's ports: PostgreSQL, MinIO S3 and console, Qdrant REST and gRPC. */
const STORE_PORTS = [5432, 9000, 9001, 6333, 6334];
/** Sources in the outside world: inside `management` (198.51.100.0/28), the `gateway` and a stranger. */
const MANAGER = '198.51.100.2';
const GATEWAY = '203.0.113.10';
const STRANGER = '198.18.0.201';

type Secrets = Record<string, string>;

/**
 * The runs in Ansible's log file (ANSIBLE_LOG_PATH), one text per process:
 * cdktf folds and trims what the post-apply steps print, the log keeps it all.
 * Lines are `<date> p=<pid> u=<user> n=ansible | <text>`.
 */
function ansibleLogRuns(file: string): string[] {
  const runs = new Map<string, string[]>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\S+ \S+ p=(\d+) u=\S+ n=\S+ \| (.*)$/.exec(line);
    if (m) runs.set(m[1], [...(runs.get(m[1]) ?? []), m[2]]);
  }
  return [...runs.values()].map((lines) => lines.join('\n'));
}

function timing(what: string, ms: number): void {
  process.stderr.write(`[tenant-dataplane-local-cloud] ${what}: ${(ms / 1000).toFixed(1)} s\n`);
}

describe('tenant data planes on the local cloud\'s real servers after POST_APPLY=ansible deploy (Qdrant: STAND-IN)', () => {
  let c: MachineCloud;
  let proj: CdktfProject;
  let dp: DataplaneProject;
  let work: string;
  let keyFile: string;
  const outputs: Record<string, string> = {};
  const secrets: Record<string, Secrets> = {};
  const recaps: Record<string, Record<string, Recap>> = {};

  const byName = (name: string) => {
    const s = c.api.state.servers.find((x) => x.name === name);
    if (!s) throw new Error(`no server ${name}`);
    return s;
  };
  const publicIp = (name: string) => c.api.state.primary_ips.find((p) => p.id === byName(name).ipv4)!.ip;
  const privateIp = (name: string) => byName(name).private_net[0].ip;
  /** The tenant's data server: the first server of its first group (which holds the volume). */
  const data = (id: string) => (id === OFFLINE ? `tenant-${OFFLINE}-gpu-1` : `tenant-${id}-data-1`);
  const app = (id: string) => `tenant-${id}-app-1`;
  const netns = (name: string) => cloudNames(c.name).server(byName(name).id);
  /** A command of this host run in a server's network namespace: its packets leave from the server's addresses. */
  const inServerNet = (name: string, cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) =>
    run('ip', ['netns', 'exec', netns(name), cmd, ...args], { env: opts.env ?? toolsEnv(), input: opts.input, timeoutMs: 60_000 });
  /** True when a TCP connection from inside `from` to address:port is accepted within 3 s. */
  const connects = async (from: string, address: string, port: number) => (await inServerNet(from, 'nc', ['-z', '-w', '3', address, String(port)])).code === 0;
  /** psql from inside `from` to `tenant`'s PostgreSQL with the given credentials. */
  const sqlFrom = (from: string, tenant: string, user: string, password: string, sql: string) =>
    psql({ host: privateIp(data(tenant)), port: 5432, user, password, database: `tenant_${tenant}`, sql, netns: netns(from) });
  const sqlAs = (from: string, tenant: string, sql: string) => sqlFrom(from, tenant, `tenant_${tenant}_user`, secrets[tenant].postgres_password, sql);
  /** mc from inside `from` against `tenant`'s MinIO, as `as` (access key tenant-<as>, its secret key). */
  const mcFrom = (from: string, tenant: string, as: string, args: readonly string[], input?: string) =>
    inServerNet(from, 'mc', ['--json', ...args], {
      input,
      env: { ...toolsEnv(), MC_CONFIG_DIR: path.join(work, `mc-${from}`), MC_HOST_t: mcHost(`http://${privateIp(data(tenant))}:9000`, { accessKey: `tenant-${as}`, secretKey: secrets[as].minio_secret_key }) },
    });
  /** The HTTP status of a GET of `tenant`'s collection in its Qdrant STAND-IN, from inside `from`, with `apiKey` (passed on stdin as a curl config, never on a command line). */
  const qdrantStatus = async (from: string, tenant: string, apiKey: string) =>
    (await inServerNet(from, 'curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', '-K', '-', `http://${privateIp(data(tenant))}:6333/collections/tenant_${tenant}`], { input: `header = "api-key: ${apiKey}"\n` })).stdout;
  /** ssh from the control node as `user` to a server's public address. */
  const sshAs = (name: string, user: string, command: string, extra: readonly string[] = []) =>
    run('ssh', ['-i', keyFile, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=5', '-o', 'IdentitiesOnly=yes', ...extra, `${user}@${publicIp(name)}`, command], { timeoutMs: 30_000 });
  const asDeploy = async (name: string, command: string) => {
    const r = await sshAs(name, 'deploy', command);
    if (r.code !== 0) throw new Error(`ssh deploy@${name} ${command}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const readSecrets = async (id: string) => (await decryptWith(dp.secretsFile(id), dp.ageKeyFile(id), work)).data ?? {};
  /** ansible-playbook playbooks/tenant.yml for one tenant, as the post-apply step runs it (same directory, inventory and environment). */
  const tenantPlaybook = (id: string) =>
    run('ansible-playbook', ['playbooks/tenant.yml', '-e', `tenant=${id}`], { cwd: dp.ansibleDir, env: { ...toolsEnv(), ...proj.env, ...dp.env }, timeoutMs: 20 * 60_000 });

  /**
   * `POST_APPLY=ansible npm run deploy` of `ids`; returns the Ansible runs from its log (one per tenant).
   * Throws with the failures, the deploy's output kept for the leak check.
   */
  const deployWithAnsible = async (ids: readonly string[], what: string) => {
    const log = path.join(work, `deploy-${ids.join('-')}-ansible.log`);
    const started = Date.now();
    const r = await proj.deploy([...ids.map((id) => `tenant-${id}`), '--auto-approve'], { env: { POST_APPLY: 'ansible', ANSIBLE_LOG_PATH: log, ...dp.env } });
    timing(what, Date.now() - started);
    const runs = fs.existsSync(log) ? ansibleLogRuns(log) : [];
    outputs[`deploy-${ids.join('-')}`] = r.stdout + r.stderr;
    runs.forEach((text, i) => (outputs[`deploy-${ids.join('-')}-ansible-${i}`] = text));
    if (r.code !== 0) throw new Error(`${what}: exit ${r.code}\n${runs.map((t) => failures(t)).join('\n')}\n--- stdout ---\n${r.stdout.slice(-6000)}\n--- stderr ---\n${r.stderr.slice(-3000)}`);
    return runs;
  };
  /** The PLAY RECAP of the run (of `runs`) that configured `id`'s data server. */
  const recapOf = (runs: readonly string[], id: string) => parseRecap(runs.find((t) => new RegExp(`^${data(id)}\\s*: ok=`, 'm').test(t)) ?? '');

  beforeAll(async () => {
    const problem = tofuProblem() ?? machinesProblem();
    if (problem) throw new Error(problem);
    const platform = loadFleet(path.join(REPO_ROOT, 'tenants')).fleet!.platform;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-dataplane-'));
    c = await startMachineCloud({ controlIpv4: controlAddressFor(platform.sources) });
    keyFile = path.join(work, 'id_ed25519');
    fs.copyFileSync(c.key.privateKey, keyFile);
    fs.chmodSync(keyFile, 0o600);
    proj = cdktfProject(c.api.url, 'cdktf-dataplane-');
    proj.copyTenant('_platform.yaml');
    proj.writeTenant(`${A}.yaml`, tenantFile(A, 41));
    proj.writeTenant(`${B}.yaml`, tenantFile(B, 42));
    dp = await prepareDataplaneProject(proj.dir, work, keyFile);
    await ok(c.api.url, 'POST', '/zones', { name: platform.dns.zone, mode: 'primary', ttl: platform.dns.ttl });
    for (const name of platform.ssh_keys) await ok(c.api.url, 'POST', '/ssh_keys', { name, public_key: c.key.publicKey });
  }, 10 * 60_000);

  afterAll(async () => {
    await c?.stop();
    proj?.remove();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('POST_APPLY=ansible npm run deploy runs the real tenant.yml: every host ok, each tenant\'s SOPS file holds its store credentials', async () => {
    const runs = await deployWithAnsible([A, B], 'deploy of two tenants with POST_APPLY=ansible (apply + tenant.yml)');
    expect(runs).toHaveLength(2);
    for (const id of [A, B]) {
      recaps[id] = recapOf(runs, id);
      expect({ id, hosts: Object.keys(recaps[id]).sort() }).toEqual({ id, hosts: ['localhost', app(id), data(id), `tenant-${id}`].sort() });
      for (const [host, rc] of Object.entries(recaps[id])) expect({ host, failed: rc.failed, unreachable: rc.unreachable }).toEqual({ host, failed: 0, unreachable: 0 });
      expect(recaps[id][data(id)].changed).toBeGreaterThan(10);
      secrets[id] = await readSecrets(id);
      expect(Object.keys(secrets[id]).sort()).toEqual(['minio_root_password', 'minio_secret_key', 'postgres_admin_password', 'postgres_password', 'qdrant_api_key']);
    }
    expect(secrets[A].postgres_password).not.toBe(secrets[B].postgres_password);
  });

  test('from A\'s app server, A\'s PostgreSQL, MinIO and Qdrant STAND-IN answer with A\'s credentials', async () => {
    const who = await sqlAs(app(A), A, 'SELECT current_user');
    expect({ code: who.code, out: who.stdout.trim() }).toEqual({ code: 0, out: `tenant_${A}_user` });
    const put = await mcFrom(app(A), A, A, ['pipe', `t/tenant-${A}-bucket/hello.txt`], 'hello from the app server');
    expect({ code: put.code, err: put.stderr }).toEqual({ code: 0, err: '' });
    const cat = await mcFrom(app(A), A, A, ['cat', `t/tenant-${A}-bucket/hello.txt`]);
    expect(cat.stdout).toBe('hello from the app server');
    expect(await qdrantStatus(app(A), A, secrets[A].qdrant_api_key)).toBe('200');
  });

  test('from B\'s servers, A\'s data plane is unreachable: no route into A\'s network, and A\'s public address drops the store ports', async () => {
    for (const from of [app(B), data(B)]) {
      for (const port of STORE_PORTS) {
        expect({ from, to: 'private', port, connects: await connects(from, privateIp(data(A)), port) }).toEqual({ from, to: 'private', port, connects: false });
        expect({ from, to: 'public', port, connects: await connects(from, publicIp(data(A)), port) }).toEqual({ from, to: 'public', port, connects: false });
      }
      // B's servers have no route into A's network: only their own network is on a private link.
      const route = await inServerNet(from, 'ip', ['-4', 'route', 'get', privateIp(data(A))]);
      expect(route.stdout).not.toMatch(/dev enp/);
    }
    // The probe can pass: B's app server reaches B's own stores.
    expect(await connects(app(B), privateIp(data(B)), 5432)).toBe(true);
  });

  test('fails if B\'s credentials are used against A\'s stores: PostgreSQL, MinIO and the Qdrant STAND-IN refuse them', async () => {
    const bUser = await sqlFrom(app(A), A, `tenant_${B}_user`, secrets[B].postgres_password, 'SELECT 1');
    expect(bUser.code).not.toBe(0);
    expect(bUser.stderr).toMatch(/password authentication failed|no pg_hba\.conf entry/);
    const bPassword = await sqlFrom(app(A), A, `tenant_${A}_user`, secrets[B].postgres_password, 'SELECT 1');
    expect(bPassword.code).not.toBe(0);
    expect(bPassword.stderr).toMatch(/password authentication failed/);
    const bKey = await mcFrom(app(A), A, B, ['ls', `t/tenant-${A}-bucket`]);
    expect(bKey.code).not.toBe(0);
    expect(bKey.stdout + bKey.stderr).toMatch(/InvalidAccessKeyId|Access Key Id you provided does not exist|Access Denied/);
    expect(await qdrantStatus(app(A), A, secrets[B].qdrant_api_key)).toBe('403');
  });

  test('from outside, nothing but the declared ports answers (22 from management, 443 from the gateway)', async () => {
    const ports = [22, 443, 80, 8080, ...STORE_PORTS];
    for (const server of [data(A), app(A)]) {
      const passed: string[] = [];
      for (const source of [MANAGER, GATEWAY, STRANGER]) {
        for (const port of ports) if (arrived(await c.reach({ outside: source }, 'tcp', publicIp(server), port))) passed.push(`${source}->${port}`);
      }
      expect({ server, passed }).toEqual({ server, passed: [`${MANAGER}->22`, `${GATEWAY}->443`] });
    }
  });

  test('refuses root and password logins; deploy logs in with the platform key and uses sudo', async () => {
    for (const server of [data(A), app(A)]) {
      const root = await sshAs(server, 'root', 'true');
      expect({ server, code: root.code, denied: /Permission denied/.test(root.stderr) }).toEqual({ server, code: 255, denied: true });
      const password = await sshAs(server, 'deploy', 'true', ['-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password,keyboard-interactive']);
      expect({ server, methods: /Permission denied \(([^)]*)\)/.exec(password.stderr)?.[1] }).toEqual({ server, methods: 'publickey' });
      expect((await asDeploy(server, 'sudo -n id -un')).trim()).toBe('root');
    }
  });

  test('fail2ban bans a source after repeated failed logins, and the control node still gets in', async () => {
    const server = app(A);
    const target = publicIp(server);
    const fromManager = () => run('ip', ['netns', 'exec', c.world, 'ssh', '-b', MANAGER, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=3', `intruder@${target}`, 'true'], { timeoutMs: 15_000 });
    // A banned source is rejected (fail2ban's nftables action), so only an accepted connection counts here.
    const sshOpen = async () => (await c.reach({ outside: MANAGER }, 'tcp', target, 22)) === 'open';
    expect(await sshOpen()).toBe(true);
    try {
      for (let i = 0; i < 8; i++) await fromManager();
      await waitFor('fail2ban to ban the source', async () => (await asDeploy(server, 'sudo -n fail2ban-client status sshd')).includes(MANAGER), 60_000, 500);
      await waitFor('the ban to shut the source out of sshd', async () => !(await sshOpen()), 15_000, 500);
      expect((await asDeploy(server, 'sudo -n nft list table inet f2b-table'))).toContain(MANAGER);
      expect((await asDeploy(server, 'true'))).toBe('');
    } finally {
      await sshAs(server, 'deploy', `sudo -n fail2ban-client set sshd unbanip ${MANAGER}`);
    }
    expect(await sshOpen()).toBe(true);
  });

  test('PostgreSQL data lives on the volume and survives a reboot through the API; the host firewall is back up', async () => {
    const write = await sqlAs(app(A), A, "CREATE TABLE IF NOT EXISTS reboot_check (v text); INSERT INTO reboot_check VALUES ('before reboot')");
    expect({ code: write.code, err: write.stderr }).toMatchObject({ code: 0 });
    const vol = c.api.state.volumes.find((v) => v.labels.tenant_id === A)!;
    // The data directory, the mount it is on, the volume's device numbers, those of that mount, the fstab line.
    const onVolume = async () =>
      (await asDeploy(data(A), `d=$(sudo -n -u postgres psql -XAtc 'SHOW data_directory'); echo "$d"; sudo -n findmnt -n -o TARGET --target "$d"; stat -L -c '%Hr:%Lr' /dev/disk/by-id/scsi-0HC_Volume_${vol.id}; sudo -n stat -c '%Hd:%Ld' "$d"; grep ' /srv/tenant-data ' /etc/fstab`)).trim().split('\n');
    const before = await onVolume();
    expect(before[0]).toBe('/srv/tenant-data/postgresql/15/main');
    expect(before[1]).toBe('/srv/tenant-data');
    expect(before[2]).toBe(before[3]); // the mount at /srv/tenant-data is the volume's device
    expect(before[4]).toBe(`/dev/disk/by-id/scsi-0HC_Volume_${vol.id} /srv/tenant-data ext4 discard,nofail,defaults 0 2`);
    const bootId = (await asDeploy(data(A), 'cat /proc/sys/kernel/random/boot_id')).trim();

    const started = Date.now();
    await ok(c.api.url, 'POST', `/servers/${byName(data(A)).id}/actions/reboot`, {});
    await waitFor('PostgreSQL after the reboot', async () => (await sqlAs(app(A), A, 'SELECT 1')).code === 0, 120_000, 1000);
    timing('reboot of the data server until PostgreSQL answers', Date.now() - started);
    expect((await asDeploy(data(A), 'cat /proc/sys/kernel/random/boot_id')).trim()).not.toBe(bootId);
    const read = await sqlAs(app(A), A, 'SELECT v FROM reboot_check');
    expect(read.stdout.trim()).toBe('before reboot');
    const after = await onVolume();
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[2]).toBe(after[3]);
    expect(after[4]).toBe(before[4]);
    // Every service back, on its port, and the host firewall still closed from outside.
    await waitFor('MinIO and the Qdrant STAND-IN after the reboot', async () => (await connects(app(A), privateIp(data(A)), 9000)) && (await connects(app(A), privateIp(data(A)), 6333)), 60_000, 1000);
    expect((await mcFrom(app(A), A, A, ['cat', `t/tenant-${A}-bucket/hello.txt`])).stdout).toBe('hello from the app server');
    expect(await qdrantStatus(app(A), A, secrets[A].qdrant_api_key)).toBe('200');
    expect((await asDeploy(data(A), 'sudo -n nft list table inet tenant_baseline'))).toMatch(/policy drop/);
    for (const port of STORE_PORTS) expect({ port, arrived: arrived(await c.reach({ outside: MANAGER }, 'tcp', publicIp(data(A)), port)) }).toEqual({ port, arrived: false });
  });

  test('a second run of the whole playbook (after the reboot) changes nothing on any host, and no password in the SOPS files changes', async () => {
    for (const id of [A, B]) {
      const started = Date.now();
      const r: RunResult = await tenantPlaybook(id);
      timing(`second run of tenant.yml for ${id}`, Date.now() - started);
      outputs[`second-${id}`] = r.stdout + r.stderr;
      const recap = parseRecap(r.stdout);
      expect({ id, code: r.code, failures: r.code ? failures(r.stdout) : '' }).toEqual({ id, code: 0, failures: '' });
      expect(Object.keys(recap).sort()).toEqual(['localhost', app(id), data(id), `tenant-${id}`].sort());
      for (const [host, rc] of Object.entries(recap)) {
        expect({ host, changed: rc.changed, failed: rc.failed, tasks: rc.changed ? changedTasks(r.stdout) : [] }).toEqual({ host, changed: 0, failed: 0, tasks: [] });
      }
      expect(await readSecrets(id)).toEqual(secrets[id]);
    }
  });

  test('the offline tenant (initech) gets its data plane through its jump host: MinIO and the Qdrant STAND-IN answer inside its network; its servers have no default route', async () => {
    proj.copyTenant(`${OFFLINE}.yaml`);
    const runs = await deployWithAnsible([OFFLINE], 'deploy of the offline tenant with POST_APPLY=ansible (apply + tenant.yml through the jump host)');
    const recap = recapOf(runs, OFFLINE);
    expect(Object.keys(recap).sort()).toEqual(['localhost', ...OFFLINE_SERVERS, `tenant-${OFFLINE}`].sort());
    for (const [host, rc] of Object.entries(recap)) expect({ host, failed: rc.failed, unreachable: rc.unreachable }).toEqual({ host, failed: 0, unreachable: 0 });
    secrets[OFFLINE] = await readSecrets(OFFLINE);
    expect(Object.keys(secrets[OFFLINE]).sort()).toEqual(['minio_root_password', 'minio_secret_key', 'qdrant_api_key']);

    // From another server of its network, with its own credentials.
    const peer = 'tenant-initech-gpu-2';
    const put = await mcFrom(peer, OFFLINE, OFFLINE, ['pipe', `t/tenant-${OFFLINE}-bucket/offline.txt`], 'kept offline');
    expect({ code: put.code, err: put.stderr }).toEqual({ code: 0, err: '' });
    expect((await mcFrom(peer, OFFLINE, OFFLINE, ['cat', `t/tenant-${OFFLINE}-bucket/offline.txt`])).stdout).toBe('kept offline');
    expect(await qdrantStatus(peer, OFFLINE, secrets[OFFLINE].qdrant_api_key)).toBe('200');
    expect(await qdrantStatus(peer, OFFLINE, secrets[A].qdrant_api_key)).toBe('403');
    // No default route on the gpu servers (the data server included), and no way in from another tenant.
    for (const name of OFFLINE_SERVERS.filter((n) => !n.endsWith('jump-1'))) {
      const routes = await inServerNet(name, 'sh', ['-c', 'echo "v4:[$(ip -4 route show default)] v6:[$(ip -6 route show default)]"']);
      expect({ name, routes: routes.stdout.trim() }).toEqual({ name, routes: 'v4:[] v6:[]' });
    }
    for (const port of [9000, 6333]) expect({ port, connects: await connects(app(A), privateIp(data(OFFLINE)), port) }).toEqual({ port, connects: false });
    // The second run changes nothing here either.
    const again = await tenantPlaybook(OFFLINE);
    outputs['offline-second'] = again.stdout + again.stderr;
    expect({ code: again.code, failures: again.code ? failures(again.stdout) : '' }).toEqual({ code: 0, failures: '' });
    for (const [host, rc] of Object.entries(parseRecap(again.stdout))) {
      expect({ host, changed: rc.changed, tasks: rc.changed ? changedTasks(again.stdout) : [] }).toEqual({ host, changed: 0, tasks: [] });
    }
    expect(await readSecrets(OFFLINE)).toEqual(secrets[OFFLINE]);
  });

  test('never prints a secret', () => {
    for (const id of [A, B, OFFLINE]) expect(findLeaks(secrets[id] ?? {}, outputs)).toEqual([]);
  });
});
