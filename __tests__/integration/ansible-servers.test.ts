/**
 * The server roles (baseline, tenant_volume, tenant_dataplane) and the store
 * roles through playbooks/tenant.yml, on a REAL Debian 12 server: systemd
 * boots in a systemd-nspawn container from a debootstrapped rootfs, in
 * network namespaces this test makes (test-support/server-lab.ts), and
 * Ansible reaches it over SSH from a control namespace, as root first, as
 * Hetzner hands a server over. PostgreSQL 15, MinIO, sshd, nftables,
 * fail2ban and systemd are the real ones.
 *
 * Qdrant is NOT real here: Qdrant cannot run on this machine, so the role
 * installs the Qdrant STAND-IN (test-support/qdrant-standin-server.ts) in its
 * place, and the tests name it as such.
 *
 * The volume the data plane uses is a directory bound at /mnt/HC_Volume_<id>
 * (the local cloud's fallback form): systemd ignores fstab entries for block
 * devices inside a container, so a block-device volume could not come back
 * after the reboot test. The block-device path (format only when empty, a
 * foreign filesystem stops the run) is tested on loop devices; a block-device
 * volume across a reboot is tested on the local cloud, which mounts fstab's
 * volume lines at boot (tenant-dataplane-local-cloud.test.ts).
 *
 * Needs root, systemd-nspawn and the toolchain with the local cloud's root
 * filesystem (npm run tools), which carries every package the roles install.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decryptWith, findLeaks } from '../../test-support/ansible-fixture';
import { run, toolsEnv, waitFor } from '../../test-support/ansible-proc';
import { changedTasks, failures, flat, PlaybookRun } from '../../test-support/ansible-run';
import { mcHost } from '../../test-support/minio';
import { psql } from '../../test-support/postgres';
import { createServerLab, MANAGEMENT_CIDR, OUTSIDER_IP, ServerLab, VOLUMES } from '../../test-support/server-lab';

jest.setTimeout(30 * 60_000);

const TENANT = 'zeta';
let lab: ServerLab;
let first: PlaybookRun;
let second: PlaybookRun;
let secretsAfterFirst: Record<string, string> = {};
let secretsAfterSecond: Record<string, string> = {};
const outputs: Record<string, string> = {};
/** What the server did before Ansible touched it. */
const before: { rootLogin?: number; methods?: string } = {};

function explain(r: PlaybookRun): string {
  return `exit ${r.code}\n${failures(r.output)}\nchanged:\n${changedTasks(r.output).join('\n')}`;
}

const tenantPlay = (extraVars: Record<string, unknown> = {}, tags?: string[]) =>
  lab.play('playbooks/tenant.yml', { extraVars: { tenant: TENANT, ...extraVars }, tags });

/** The authentication methods sshd offers, from the "Permission denied (...)" of a login that cannot succeed. */
async function offeredMethods(): Promise<string> {
  const r = await lab.ssh(lab.control, 'nobody', 'true', ['-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password,keyboard-interactive']);
  return /Permission denied \(([^)]*)\)/.exec(r.stderr)?.[1] ?? r.stderr.trim();
}

/** TCP connect from a lab namespace: true when something accepted within 3 s. */
async function connects(from: { exec: ServerLab['control']['exec'] }, port: number): Promise<boolean> {
  return (await from.exec('nc', ['-z', '-w', '3', lab.serverIp, String(port)], { timeoutMs: 10_000 })).code === 0;
}

/** A command on the server as deploy with sudo; its standard input is `input`. */
async function onServer(command: string, input?: string) {
  return lab.control.exec('ssh', ['-i', lab.keyFile, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR', '-o', 'IdentitiesOnly=yes', `deploy@${lab.serverIp}`, command], { input, timeoutMs: 60_000 });
}

const tenantPsql = (sql: string) =>
  psql({ host: lab.serverIp, port: 5432, user: `tenant_${TENANT}_user`, password: secretsAfterFirst.postgres_password, database: `tenant_${TENANT}`, sql, netns: lab.peer.name });

beforeAll(async () => {
  lab = await createServerLab({
    id: TENANT,
    seq: 230,
    serverGroup: 'db',
    postgres: true,
    minio: true,
    qdrant: { vector_size: 4, distance: 'Cosine' },
    volume: { size_gb: 10, format: 'ext4' },
    ingress: [{ port: 22, from: [MANAGEMENT_CIDR] }, { port: 8443, from: [MANAGEMENT_CIDR] }],
  });
  before.rootLogin = (await lab.ssh(lab.control, 'root', 'true')).code;
  before.methods = await offeredMethods();
  first = await tenantPlay();
  outputs.first = first.output;
  secretsAfterFirst = (await decryptWith(lab.world.secretsFile(TENANT), lab.world.keyFile(TENANT), lab.world.workDir)).data ?? {};
  second = await tenantPlay();
  outputs.second = second.output;
  secretsAfterSecond = (await decryptWith(lab.world.secretsFile(TENANT), lab.world.keyFile(TENANT), lab.world.workDir)).data ?? {};
}, 40 * 60_000);

afterAll(async () => {
  await lab?.cleanup();
});

describe('tenant.yml on a real Debian 12 server (Qdrant: STAND-IN)', () => {
  it('configures the server on the first run: baseline, volume, data plane, then the database, bucket and collection', () => {
    expect({ code: first.code, explain: first.code ? explain(first) : '' }).toEqual({ code: 0, explain: '' });
    expect(first.recap[lab.serverName]).toMatchObject({ failed: 0, unreachable: 0 });
    expect(first.recap[lab.serverName].changed).toBeGreaterThan(10);
    expect(Object.keys(secretsAfterFirst).sort()).toEqual(
      ['minio_root_password', 'minio_secret_key', 'postgres_admin_password', 'postgres_password', 'qdrant_api_key'],
    );
  });

  it('changes nothing on a second run (changed=0 on every host) and regenerates no secret', () => {
    expect(second.code).toBe(0);
    for (const [host, r] of Object.entries(second.recap)) expect({ host, changed: r.changed, failed: r.failed, explain: r.changed ? explain(second) : '' }).toEqual({ host, changed: 0, failed: 0, explain: '' });
    expect(Object.keys(second.recap)).toEqual(expect.arrayContaining([lab.serverName, `tenant-${TENANT}`]));
    expect(secretsAfterSecond).toEqual(secretsAfterFirst);
  });

  it('refuses root and password logins afterwards; deploy logs in with the platform key and uses sudo', async () => {
    expect(before.rootLogin).toBe(0);
    expect(before.methods).toMatch(/password/);
    const root = await lab.ssh(lab.control, 'root', 'true');
    expect(root.code).not.toBe(0);
    expect(root.stderr).toMatch(/Permission denied/);
    expect(await offeredMethods()).toBe('publickey');
    const deploy = await lab.ssh(lab.control, 'deploy', 'sudo -n id -un');
    expect({ code: deploy.code, out: deploy.stdout.trim() }).toEqual({ code: 0, out: 'root' });
    const sshd = await onServer('sudo -n sshd -T -C user=deploy,host=x,addr=10.250.0.1 | grep -E "^(permitrootlogin|passwordauthentication|kbdinteractiveauthentication|allowusers) "');
    expect(sshd.stdout.trim().split('\n').sort()).toEqual(['allowusers deploy', 'kbdinteractiveauthentication no', 'passwordauthentication no', 'permitrootlogin no']);
  });

  it('runs the host firewall: a declared port passes, an undeclared one is dropped, the tenant network reaches the stores', async () => {
    const listener = await onServer(`sudo -n systemd-run --unit=lab-listener python3 -m http.server 8443 --bind ${lab.serverIp}`);
    expect(listener.code).toBe(0);
    await waitFor('the test listener on 8443', async () => (await onServer('ss -Hltn "sport = :8443"')).stdout.includes('8443'));
    expect(await connects(lab.outsider, 8443)).toBe(true);
    // MinIO and PostgreSQL listen on the private address, but no rule admits the outsider.
    expect(await connects(lab.outsider, 9000)).toBe(false);
    expect(await connects(lab.outsider, 5432)).toBe(false);
    expect(await connects(lab.peer, 9000)).toBe(true);
    expect(await connects(lab.peer, 5432)).toBe(true);
    const rules = await onServer('sudo -n nft list table inet tenant_baseline');
    expect(rules.stdout).toMatch(/policy drop/);
    expect(rules.stdout).toContain(`ip saddr ${MANAGEMENT_CIDR} tcp dport 8443 accept`);
  });

  it('keeps PostgreSQL, MinIO and the Qdrant STAND-IN on the private address (and loopback), never on all addresses', async () => {
    const listening = (await onServer('sudo -n ss -Hltn')).stdout;
    const local = (port: number) => listening.split('\n').map((l) => l.trim().split(/\s+/)[3]).filter((a) => a?.endsWith(`:${port}`));
    const loopback = /^(127\.0\.0\.1|\[::1\]):/;
    for (const port of [5432, 9000, 6333]) {
      // MinIO also listens on loopback for its own use.
      expect({ port, addresses: local(port).filter((a) => !loopback.test(a)) }).toEqual({ port, addresses: [`${lab.serverIp}:${port}`] });
    }
    const unit = await onServer('systemctl show -p Description qdrant.service');
    expect(unit.stdout).toMatch(/Qdrant STAND-IN/);
  });

  it("admits the tenant's role from the tenant network only (pg_hba), and keeps the data on the volume", async () => {
    const fromPeer = await tenantPsql('SELECT current_user');
    expect({ code: fromPeer.code, out: fromPeer.stdout.trim(), err: fromPeer.stderr }).toMatchObject({ code: 0, out: `tenant_${TENANT}_user` });
    const fromLoopback = await onServer(
      `read -r PGPASSWORD; export PGPASSWORD; psql -X -At -h 127.0.0.1 -U tenant_${TENANT}_user -d tenant_${TENANT} -c 'SELECT 1'`,
      `${secretsAfterFirst.postgres_password}\n`,
    );
    expect(fromLoopback.code).not.toBe(0);
    expect(fromLoopback.stderr).toMatch(/pg_hba\.conf rejects connection/);
    const dataDir = await onServer(`sudo -n -u postgres psql -XAtc 'SHOW data_directory'`);
    expect(dataDir.stdout.trim()).toBe('/srv/tenant-data/postgresql/15/main');
    expect(fs.existsSync(path.join(lab.volumeDir, 'postgresql/15/main/PG_VERSION'))).toBe(true);
    const mount = await onServer('findmnt -n -o TARGET /srv/tenant-data; grep " /srv/tenant-data " /etc/fstab');
    expect(mount.stdout).toContain(`/mnt/HC_Volume_${VOLUMES.directory} /srv/tenant-data none bind`);
  });

  it("serves the tenant's bucket from MinIO and its collection from the Qdrant STAND-IN, with the tenant's credentials", async () => {
    const env = { ...toolsEnv(), MC_HOST_t: mcHost(`http://${lab.serverIp}:9000`, { accessKey: `tenant-${TENANT}`, secretKey: secretsAfterFirst.minio_secret_key }), MC_CONFIG_DIR: path.join(lab.world.workDir, 'mc-test') };
    const put = await lab.peer.exec('mc', ['--json', 'pipe', `t/tenant-${TENANT}-bucket/hello.txt`], { env, input: 'hello' });
    expect({ code: put.code, out: put.stdout }).toMatchObject({ code: 0 });
    const other = await lab.peer.exec('mc', ['--json', 'ls', 't/'], { env });
    expect(other.stdout).toContain(`tenant-${TENANT}-bucket`);
    const qdrant = await lab.peer.exec('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `api-key: ${secretsAfterFirst.qdrant_api_key}`, `http://${lab.serverIp}:6333/collections/tenant_${TENANT}`]);
    expect(qdrant.stdout).toBe('200');
    const wrongKey = await lab.peer.exec('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'api-key: wrong', `http://${lab.serverIp}:6333/collections/tenant_${TENANT}`]);
    expect(wrongKey.stdout).toBe('403');
  });

  it('takes security updates only, automatically, and never reboots for them', async () => {
    const r = await onServer('sudo -n unattended-upgrade --dry-run --debug 2>&1 | grep "Allowed origins are"; apt-config dump | grep -E "Automatic-Reboot|Periodic::Unattended-Upgrade "');
    const origins = /Allowed origins are: (.*)/.exec(r.stdout)?.[1].split(', ') ?? [];
    expect(origins.length).toBeGreaterThan(0);
    for (const o of origins) expect(o).toMatch(/label=Debian-Security/);
    expect(r.stdout).toContain('Unattended-Upgrade::Automatic-Reboot "false";');
    expect(r.stdout).toContain('APT::Periodic::Unattended-Upgrade "1";');
  });

  it('fail2ban bans a source after repeated failed logins, and Ansible still gets in', async () => {
    expect(await connects(lab.outsider, 22)).toBe(true);
    for (let i = 0; i < 8; i++) await lab.ssh(lab.outsider, 'intruder', 'true');
    await waitFor('fail2ban to ban the outsider', async () => (await onServer('sudo -n fail2ban-client status sshd')).stdout.includes(OUTSIDER_IP), 60_000, 500);
    // The ban is listed a moment before its nftables rule is in place.
    await waitFor('the ban to shut the outsider out of sshd', async () => !(await connects(lab.outsider, 22)), 15_000, 500);
    expect(await connects(lab.outsider, 22)).toBe(false);
    expect((await onServer('sudo -n nft list table inet f2b-table')).stdout).toContain(OUTSIDER_IP);
    expect((await lab.ssh(lab.control, 'deploy', 'true')).code).toBe(0);
  });

  it('keeps PostgreSQL data on the volume across a reboot of the server, with the host firewall back up', async () => {
    const write = await tenantPsql("CREATE TABLE IF NOT EXISTS reboot_check (v text); INSERT INTO reboot_check VALUES ('before reboot')");
    expect({ code: write.code, err: write.stderr }).toMatchObject({ code: 0 });
    await lab.server.reboot(() => onServer('sudo -n systemctl reboot'));
    await waitFor('PostgreSQL after the reboot', async () => (await tenantPsql('SELECT 1')).code === 0, 90_000, 1000);
    const read = await tenantPsql('SELECT v FROM reboot_check');
    expect(read.stdout.trim()).toBe('before reboot');
    expect((await onServer(`sudo -n -u postgres psql -XAtc 'SHOW data_directory'`)).stdout.trim()).toBe('/srv/tenant-data/postgresql/15/main');
    expect(await connects(lab.outsider, 8443)).toBe(false);
    expect(await connects(lab.peer, 9000)).toBe(true);
  });

  it('fails if the volume holds a foreign filesystem: nothing is formatted and the run names the tenant, the server and the step', async () => {
    const r = await tenantPlay({ tenant_volume_id: VOLUMES.foreign, tenant_volume_mount_path: '/srv/vol-foreign' }, ['volume']);
    outputs.foreign = r.output;
    expect(r.code).not.toBe(0);
    expect(flat(r.output)).toMatch(
      new RegExp(`tenant ${TENANT}: server ${lab.serverName}: tenant_volume: \\(volume\\) /dev/disk/by-id/scsi-0HC_Volume_${VOLUMES.foreign} holds a xfs filesystem`),
    );
    expect(changedTasks(r.output)).toEqual([]);
    const blkid = await run('blkid', ['-p', '-o', 'export', lab.foreignImage]);
    expect(blkid.stdout).toMatch(/TYPE=xfs/);
    expect(blkid.stdout).toMatch(/LABEL=foreign/);
  });

  it('formats an empty volume once, mounts it by id and in fstab, and never formats it again', async () => {
    const extra = { tenant_volume_id: VOLUMES.empty, tenant_volume_mount_path: '/srv/vol-empty' };
    const once = await tenantPlay(extra, ['volume']);
    outputs.empty = once.output;
    expect({ code: once.code, explain: once.code ? explain(once) : '' }).toEqual({ code: 0, explain: '' });
    const uuid = (await run('blkid', ['-p', '-o', 'value', '-s', 'UUID', lab.emptyImage])).stdout.trim();
    expect(uuid).not.toBe('');
    expect((await onServer(`grep " /srv/vol-empty " /etc/fstab; sudo -n touch /srv/vol-empty/marker`)).stdout).toContain(
      `/dev/disk/by-id/scsi-0HC_Volume_${VOLUMES.empty} /srv/vol-empty ext4 discard,nofail,defaults 0 2`,
    );
    const again = await tenantPlay(extra, ['volume']);
    expect(again.recap[lab.serverName]).toMatchObject({ changed: 0, failed: 0 });
    expect((await run('blkid', ['-p', '-o', 'value', '-s', 'UUID', lab.emptyImage])).stdout.trim()).toBe(uuid);
    expect((await onServer('test -e /srv/vol-empty/marker && echo kept')).stdout.trim()).toBe('kept');
  });

  it('fails if the volume is missing: the run names the tenant, the server and the step, and changes nothing', async () => {
    const r = await tenantPlay({ tenant_volume_id: 999, tenant_volume_mount_path: '/srv/vol-missing' }, ['volume']);
    outputs.missing = r.output;
    expect(r.code).not.toBe(0);
    expect(flat(r.output)).toContain(`tenant ${TENANT}: server ${lab.serverName}: tenant_volume: (volume) no volume 999 on this server`);
    expect(changedTasks(r.output)).toEqual([]);
  });

  it('fails if the server is unreachable: the run names the tenant, the server and the step, and changes nothing', async () => {
    // An address in the server's subnet that nothing holds: no login as deploy, none as root.
    const nobody = lab.serverIp.replace(/\.\d+$/, '.250');
    const r = await tenantPlay({ ansible_host: nobody, ansible_timeout: 5 });
    outputs.unreachable = r.output;
    expect(r.code).not.toBe(0);
    expect(flat(r.output)).toContain(`tenant ${TENANT}: server ${lab.serverName}: baseline (login): cannot log in as deploy`);
    expect(flat(r.output)).toContain('Nothing was changed.');
    expect(changedTasks(r.output)).toEqual([]);
    // The data plane's play never started on it.
    expect(r.output).not.toMatch(/TASK \[tenant_volume/);
  });

  it('fails if a data service does not come up: the run stops naming the tenant, the server and the service', async () => {
    // MinIO refuses to start with a root user shorter than 3 characters.
    const r = await tenantPlay({ tenant_dataplane_minio_root_user: 'x', tenant_dataplane_start_timeout: 10 });
    outputs.broken = r.output;
    expect(r.code).not.toBe(0);
    expect(flat(r.output)).toMatch(new RegExp(`tenant ${TENANT}: server ${lab.serverName}: tenant_dataplane \\(minio\\): http://${lab.serverIp.replace(/\./g, '\\.')}:9000/minio/health/live does not answer 200`));
    // The run stopped there: the store roles did not run against the broken service.
    expect(r.output).not.toMatch(/TASK \[tenant_minio : Ask MinIO for its status/);
  });

  it('never prints a secret', () => {
    expect(findLeaks(secretsAfterFirst, outputs)).toEqual([]);
  });
});
