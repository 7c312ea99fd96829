/**
 * A Storage Box on the local cloud is a real SFTP server (sshd, internal-sftp
 * on ports 22 and 23, one chrooted account per main account and subaccount,
 * password logins), made and changed through the local Hetzner API
 * (stand-in). Every packet stays inside namespaces this test makes; the cloud
 * is stopped in afterAll and nothing of it may be left.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { call, ok } from '../../local-cloud/client';
import { createStorageBox } from '../../local-cloud/resources/storage-boxes';
import { REPO_ROOT } from '../../test-support/cdktf-project';
import { leftovers, machinesProblem, MachineCloud, NOTHING_LEFT, arrived, startMachineCloud, uniqueInstance } from '../../test-support/local-cloud-machines';
import { finished } from '../../test-support/process';
import { sftp } from '../../test-support/sftp';

jest.setTimeout(300_000);

const MAIN = 'Platform-Box-2026-test';
const ACME = 'Acme.Backup-1-test';
const GLOBEX = 'Globex.Backup-2-test';
const PLATFORM_ADDRESS = '203.0.113.50';

describe('local cloud Storage Box: a real SFTP server per box (API: local stand-in)', () => {
  let c: MachineCloud;
  let box: any;
  let acme: any;
  let globex: any;
  const as = (user: string, password: string, port = 23) => ({ host: box.server, user, password, port });

  beforeAll(async () => {
    const problem = machinesProblem();
    if (problem) throw new Error(problem);
    c = await startMachineCloud({ controlIpv4: '198.51.100.1' });
    box = (await ok(c.api.url, 'POST', '/storage_boxes', { name: 'backups', storage_box_type: 'bx11', location: 'fsn1', password: MAIN, access_settings: { ssh_enabled: true } })).storage_box;
    const sub = async (home: string, password: string) => {
      const { subaccount } = await ok(c.api.url, 'POST', `/storage_boxes/${box.id}/subaccounts`, { home_directory: home, password, access_settings: { ssh_enabled: true } });
      return (await ok(c.api.url, 'GET', `/storage_boxes/${box.id}/subaccounts/${subaccount.id}`)).subaccount;
    };
    acme = await sub('tenants/acme', ACME);
    globex = await sub('tenants/globex', GLOBEX);
  });
  afterAll(async () => {
    await c?.stop();
  });

  test('a subaccount logs in with its password on port 23 (and 22), starts in its own directory and writes there', async () => {
    const r = await sftp(as(acme.username, ACME), ['pwd', 'put /etc/hostname hello.txt', 'mkdir restic', 'ls -1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Remote working directory: /home');
    expect(r.stdout.split('\n').map((l) => l.trim())).toEqual(expect.arrayContaining(['hello.txt', 'restic']));
    expect((await sftp(as(acme.username, ACME, 22), ['ls -1'])).stdout).toContain('hello.txt');
  });

  test("a subaccount sees nothing of another subaccount's directory or of the box", async () => {
    const r = await sftp(as(globex.username, GLOBEX), ['ls -1 /', '-ls ../acme', '-get /home/../acme/hello.txt /dev/null', '-cd /srv', 'ls -1a']);
    // stdout echoes each command after `sftp>`; the rest is what the server answered.
    expect(r.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('sftp>'))).toEqual(['/home', '.', '..']);
    expect(r.stderr.split('\n').filter(Boolean).map((l) => l.replace(/\r$/, ''))).toEqual([
      'Can\'t ls: "/home/../acme" not found',
      'File "/home/../acme/hello.txt" not found.',
      'stat remote: No such file or directory',
    ]);
  });

  test('the main account sees the whole box: every subaccount directory', async () => {
    const r = await sftp(as(box.username, MAIN), ['ls -1 tenants', 'ls -1 tenants/acme']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tenants\/acme\n[\s\S]*tenants\/globex/);
    expect(r.stdout).toContain('hello.txt');
  });

  test('fails if the password is wrong; a reset password replaces the old one at once', async () => {
    expect((await sftp(as(acme.username, 'Wrong-Password-1'), ['ls'])).code).not.toBe(0);
    await ok(c.api.url, 'POST', `/storage_boxes/${box.id}/subaccounts/${acme.id}/actions/reset_subaccount_password`, { password: 'Acme.Rotated-2-test' });
    expect((await sftp(as(acme.username, ACME), ['ls'])).code).not.toBe(0);
    expect((await sftp(as(acme.username, 'Acme.Rotated-2-test'), ['ls'])).code).toBe(0);
  });

  test('read-only and SSH-off access settings are enforced', async () => {
    await ok(c.api.url, 'POST', `/storage_boxes/${box.id}/subaccounts/${globex.id}/actions/update_access_settings`, { readonly: true });
    const ro = await sftp(as(globex.username, GLOBEX), ['put /etc/hostname x.txt']);
    expect(ro.code).not.toBe(0);
    expect(ro.stderr).toMatch(/Permission denied|read-only|Failure/i);
    await ok(c.api.url, 'POST', `/storage_boxes/${box.id}/subaccounts/${globex.id}/actions/update_access_settings`, { readonly: false, ssh_enabled: false });
    expect((await sftp(as(globex.username, GLOBEX), ['ls'])).code).not.toBe(0);
    await ok(c.api.url, 'POST', `/storage_boxes/${box.id}/subaccounts/${globex.id}/actions/update_access_settings`, { ssh_enabled: true });
    expect((await sftp(as(globex.username, GLOBEX), ['put /etc/hostname x.txt'])).code).toBe(0);
  });

  test('a deleted subaccount cannot log in; its directory stays on the box, as on Hetzner', async () => {
    await ok(c.api.url, 'DELETE', `/storage_boxes/${box.id}/subaccounts/${globex.id}`);
    expect((await sftp(as(globex.username, GLOBEX), ['ls'])).code).not.toBe(0);
    expect((await sftp(as(box.username, MAIN), ['ls -1 tenants/globex'])).stdout).toContain('x.txt');
  });

  test('a box at an address the platform names is reachable from the control node, and from a server only through its firewall (TCP 23 out)', async () => {
    await c.api.seed((store) => {
      createStorageBox(store, { id: 123456, name: 'platform', storageBoxType: 'bx11', location: 'fsn1', password: MAIN, address: PLATFORM_ADDRESS, accessSettings: { ssh_enabled: true } });
    });
    expect((await sftp({ host: PLATFORM_ADDRESS, user: 'u123456', password: MAIN }, ['pwd'])).stdout).toContain('/home');
    await ok(c.api.url, 'POST', '/ssh_keys', { name: 'admin', public_key: c.key.publicKey });
    await ok(c.api.url, 'POST', '/firewalls', {
      name: 'with-backup',
      rules: [
        { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.1/32'] },
        { direction: 'out', protocol: 'tcp', port: '23', destination_ips: [`${PLATFORM_ADDRESS}/32`] },
      ],
      apply_to: [{ type: 'label_selector', label_selector: { selector: 'backup=yes' } }],
    });
    await ok(c.api.url, 'POST', '/firewalls', {
      name: 'without',
      rules: [
        { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.1/32'] },
        { direction: 'out', protocol: 'tcp', port: '443', destination_ips: ['198.51.100.0/24'] },
      ],
      apply_to: [{ type: 'label_selector', label_selector: { selector: 'backup=no' } }],
    });
    const server = async (name: string, backup: string) =>
      (await ok(c.api.url, 'POST', '/servers', { name, server_type: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', ssh_keys: ['admin'], labels: { backup } })).server.public_net.ipv4.ip;
    const [yes, no] = await Promise.all([server('s-yes', 'yes'), server('s-no', 'no')]);
    expect(await c.reach({ server: yes }, 'tcp', PLATFORM_ADDRESS, 23)).toBe('open');
    expect(arrived(await c.reach({ server: yes }, 'tcp', PLATFORM_ADDRESS, 22))).toBe(false);
    expect(arrived(await c.reach({ server: no }, 'tcp', PLATFORM_ADDRESS, 23))).toBe(false);
    // Every other outside address is still the outside world's (the box took only its own).
    expect(execFileSync('ip', ['-n', c.world, 'route', 'get', '203.0.113.51'], { encoding: 'utf8' })).toMatch(/^local /);
  });

  test('fails if a seeded box would take an id that exists: nothing changes', async () => {
    const before = c.api.state.storage_boxes.length;
    await expect(c.api.seed((store) => void createStorageBox(store, { id: 123456, name: 'again', storageBoxType: 'bx11', location: 'fsn1', password: MAIN }))).rejects.toThrow(/already exists/);
    expect(c.api.state.storage_boxes).toHaveLength(before);
  });

  test('deleting a box removes its server and its files; stopping the cloud leaves nothing', async () => {
    expect((await call(c.api.url, 'DELETE', `/storage_boxes/${box.id}`)).status).toBe(200);
    expect((await sftp(as(box.username, MAIN), ['ls'], 8000)).code).not.toBe(0);
    const { name, dataDir } = c;
    await c.stop();
    c = undefined as unknown as MachineCloud;
    expect(leftovers(name, dataDir)).toEqual(NOTHING_LEFT);
    expect(execFileSync('ip', ['route', 'show', `${PLATFORM_ADDRESS}/32`], { encoding: 'utf8' }).trim()).toBe('');
  });
});

describe('npm run local-cloud -- up with a backup block in the platform file', () => {
  const name = uniqueInstance();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-home-'));
  const tenants = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-tenants-'));
  const cli = (...args: string[]) =>
    finished(spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), 'local-cloud/cli.ts', ...args, '--name', name], { cwd: REPO_ROOT, env: { ...process.env, LOCAL_CLOUD_HOME: home } }));
  afterAll(async () => {
    await cli('down');
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(tenants, { recursive: true, force: true });
  });

  test('creates the platform\'s Storage Box with the id and address the file names and exports its main account, the password read from a 0600 file', async () => {
    fs.copyFileSync(path.join(REPO_ROOT, 'tenants', '_platform.yaml'), path.join(tenants, '_platform.yaml'));
    fs.appendFileSync(path.join(tenants, '_platform.yaml'), `\nbackup:\n  storage_box_id: 4242\n  addresses: [${PLATFORM_ADDRESS}]\n`);
    const up = await cli('up', '--tenants', tenants);
    expect(up.code).toBe(0);
    const exported = Object.fromEntries([...up.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect([exported.PLATFORM_STORAGE_BOX_HOST, exported.PLATFORM_STORAGE_BOX_USER]).toEqual([PLATFORM_ADDRESS, 'u4242']);
    const file = /^"\$\(cat '([^']+)'\)"$/.exec(exported.PLATFORM_STORAGE_BOX_PASSWORD)?.[1];
    expect(file).toBeDefined();
    expect((fs.statSync(file!).mode & 0o777).toString(8)).toBe('600');
    const box = (await ok(exported.HETZNER_ENDPOINT, 'GET', '/storage_boxes/4242')).storage_box;
    expect([box.username, box.server, box.access_settings.ssh_enabled]).toEqual(['u4242', PLATFORM_ADDRESS, true]);
    const login = await sftp({ host: PLATFORM_ADDRESS, user: 'u4242', password: fs.readFileSync(file!, 'utf8') }, ['pwd']);
    expect(login.stdout).toContain('Remote working directory: /home');
    expect((await cli('down')).code).toBe(0);
    expect(leftovers(name, path.join(home, name, 'machines'))).toEqual(NOTHING_LEFT);
  });
});
