/**
 * A world for the backup tests and the benchmark, on the local cloud's real
 * servers: the platform's Storage Box (a real SFTP server), tenants deployed
 * with the real OpenTofu and hcloud provider from their stacks (each with its
 * backup subaccount and its firewall's SFTP rule), their secrets (real sops
 * and age, a temporary secrets root and key directory), and an inventory in
 * the shape roles/tenant_backup expects: the tenant host on the control node
 * (group tenants) and its data server (group tenant_<id>, the stack's
 * ansible_vars as group variables).
 *
 * The tenants' servers are configured as in production, by the real
 * playbooks/site.yml (configure.yml: baseline, data plane, database, bucket,
 * collection), with the backups left out (`--skip-tags backup`), so that the
 * tests configure them with backup.yml or tenant.yml themselves. The pinned
 * binaries come from a mirror copied onto each data server
 * (test-support/dataplane-mirror.ts; Qdrant is its STAND-IN). After the
 * baseline, root may no longer log in: the lab runs commands as the deploy
 * user with sudo, through the jump host for an offline tenant.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument, stringify } from 'yaml';
import { loadFleet, PLATFORM_FILE } from '../app/tenant-files';
import { synthFleet } from '../app/synth';
import { ok } from '../local-cloud/client';
import { createStorageBox } from '../local-cloud/resources/storage-boxes';
import type { AnsibleTenantVars } from '../lib/ansible-vars';
import { tenantInventory } from '../lib/ansible-inventory';
import { DUMMY_TOKEN } from '../lib/hetzner';
import { ageKeyFileName, inventoryHost, secretsFileName, stackName } from '../lib/naming';
import { shellWord } from '../lib/shell-quote';
import { ssh, sshArgs, SshResult, SshTarget } from '../verify/probe/ssh';
import { decryptWith } from './ansible-fixture';
import { run, runOk, tempDir, toolsEnv } from './ansible-proc';
import { PlaybookRun, REPO_ROOT, runPlaybook } from './ansible-run';
import { buildDataplaneMirror, dataplaneBinaryVars } from './dataplane-binaries';
import { MachineCloud, startMachineCloud } from './local-cloud-machines';
import { runTofu, serializedInit, TofuResult } from './tofu-async';

export const BOX_ID = 123456;
export const BOX_ADDRESS = '203.0.113.50';
/** The platform's webhook: a listener on each data server itself (the lab's servers reach nothing else on HTTP). */
export const WEBHOOK_PORT = 8099;
/** Where the lab copies the mirror of the pinned binaries on each data server. */
const MIRROR_ON_SERVER = '/opt/mirror';

/** mc on a data server as the data plane's administrator (alias `root`; the credentials from MinIO's own environment file, never on a command line). */
export const ADMIN_MC = 'set -a; . /etc/default/minio; set +a; a="${MINIO_OPTS#--address }"; export MC_CONFIG_DIR=/root/.mc MC_HOST_root="http://$MINIO_ROOT_USER:$MINIO_ROOT_PASSWORD@${a%% *}"; mc --quiet';

export interface LabTenant {
  readonly id: string;
  readonly seq: number;
  /** @default online */
  readonly mode?: 'online' | 'offline';
  /** A Qdrant collection (the STAND-IN runs on the data server). @default false */
  readonly qdrant?: boolean;
}

export interface BackupLab {
  readonly cloud: MachineCloud;
  readonly root: string;
  readonly secretsRoot: string;
  readonly keyDir: string;
  readonly inventory: string;
  readonly workDir: string;
  /** The Storage Box main account (u<id>) and its password. */
  readonly box: { readonly user: string; readonly password: string; readonly host: string };
  /** Everything a playbook, a tool or tofu printed, for the leak check. */
  readonly transcript: string[];
  stackDir(id: string): string;
  /** The stack's ansible_vars output (after apply). */
  vars(id: string): AnsibleTenantVars & { tenant_backup: NonNullable<AnsibleTenantVars['tenant_backup']> };
  /** The address of the tenant's data server (an offline tenant's is private, reached through its jump host). */
  serverIp(id: string): string;
  /** Runs a command on the tenant's data server as root (with sudo once the baseline closed root's login; `input` on stdin). */
  sh(id: string, command: string, input?: string, timeoutMs?: number): Promise<SshResult>;
  shOk(id: string, command: string, input?: string, timeoutMs?: number): Promise<string>;
  /** Copies a local file or directory to the tenant's data server (scp -r, into a directory the login user may write). */
  copyTo(id: string, local: string, remote: string): Promise<void>;
  playbook(playbook: string, extraVars?: Record<string, unknown>, env?: Record<string, string>): Promise<PlaybookRun>;
  /** The tenant's decrypted SOPS file. */
  secrets(id: string): Promise<Record<string, string>>;
  /** The backup subaccount's password, from the stack (tofu output). */
  subaccountPassword(id: string): Promise<string>;
  stop(): Promise<void>;
}

function tenantYaml(t: LabTenant): string {
  return [
    `id: ${t.id}`,
    `seq: ${t.seq}`,
    'environment: development',
    `mode: ${t.mode ?? 'online'}`,
    'servers:',
    '  - name: data',
    // The data plane keeps its data on the volume, as in production (MinIO cannot use the server's overlay root).
    'volume:',
    '  size_gb: 10',
    'firewall:',
    '  ingress:',
    '    - { port: 22, from: [management] }',
    'storage:',
    '  postgres: true',
    '  minio: true',
    ...(t.qdrant ? ['  qdrant: { vector_size: 4, distance: Cosine }'] : []),
    '',
  ].join('\n');
}

async function tofuIn(dir: string, args: string[], env: Record<string, string>, transcript: string[]): Promise<TofuResult> {
  const r = await (args[0] === 'init' ? serializedInit(dir, args, { env }) : runTofu(dir, args, { env }));
  transcript.push(r.stdout, r.stderr);
  if (r.code !== 0) throw new Error(`tofu ${args.join(' ')} in ${dir} exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  return r;
}

export async function startBackupLab(tenants: readonly LabTenant[], opts: { onProgress?: (line: string) => void } = {}): Promise<BackupLab> {
  const progress = opts.onProgress ?? (() => undefined);
  const root = tempDir('backup-lab');
  const tenantsDir = path.join(root, 'tenants');
  const secretsRoot = path.join(root, 'secrets');
  const keyDir = path.join(root, 'age-keys');
  const workDir = path.join(root, 'work');
  const transcript: string[] = [];
  let cloud: MachineCloud | undefined;
  try {
    for (const d of [tenantsDir, workDir, keyDir]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.cpSync(path.join(REPO_ROOT, 'secrets'), secretsRoot, { recursive: true });
    fs.mkdirSync(path.join(secretsRoot, 'tenants'), { recursive: true });
    const recoveryKeyFile = path.join(root, 'recovery-key.txt');
    await runOk('age-keygen', ['-o', recoveryKeyFile], { env: toolsEnv() });
    const recovery = (await runOk('age-keygen', ['-y', recoveryKeyFile], { env: toolsEnv() })).stdout.trim();

    const platform = parseDocument(fs.readFileSync(path.join(REPO_ROOT, 'tenants', PLATFORM_FILE), 'utf8'));
    platform.setIn(['secrets', 'recovery_recipient'], recovery);
    platform.setIn(['secrets', 'age_key_dir'], keyDir);
    platform.setIn(['backup'], { storage_box_id: BOX_ID, addresses: [BOX_ADDRESS], archive_days: 90, webhook: `http://127.0.0.1:${WEBHOOK_PORT}/alert` });
    fs.writeFileSync(path.join(tenantsDir, PLATFORM_FILE), platform.toString());
    for (const t of tenants) fs.writeFileSync(path.join(tenantsDir, `${t.id}.yaml`), tenantYaml(t));
    const { fleet, diagnostics } = loadFleet(tenantsDir);
    if (!fleet) throw new Error(diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join('\n'));

    progress('starting the local cloud');
    cloud = await startMachineCloud({ controlIpv4: '198.51.100.1' });
    const c = cloud;
    const boxPassword = `Lab-${randomBytes(18).toString('base64url')}-1`;
    await c.api.seed((store) => {
      createStorageBox(store, { id: BOX_ID, name: 'platform-backups', storageBoxType: 'bx11', location: 'nbg1', password: boxPassword, address: BOX_ADDRESS, accessSettings: { ssh_enabled: true } });
    });
    await ok(c.api.url, 'POST', '/ssh_keys', { name: 'platform-admin', public_key: c.key.publicKey });
    await ok(c.api.url, 'POST', '/zones', { name: fleet.platform.dns.zone, mode: 'primary', ttl: fleet.platform.dns.ttl });

    progress('deploying the tenants with OpenTofu');
    synthFleet(fleet, { outdir: path.join(root, 'cdktf.out'), projectRoot: root, postApply: false, warn: () => undefined });
    const env = { ...(toolsEnv() as Record<string, string>), HCLOUD_ENDPOINT: c.api.url, HETZNER_ENDPOINT: c.api.url, HCLOUD_TOKEN: DUMMY_TOKEN, HCLOUD_POLL_INTERVAL: '50ms' };
    const stackDir = (id: string) => path.join(root, 'cdktf.out', 'stacks', stackName(id));
    for (const t of tenants) await tofuIn(stackDir(t.id), ['init', '-input=false', '-no-color'], env, transcript);
    await Promise.all(tenants.map((t) => tofuIn(stackDir(t.id), ['apply', '-auto-approve', '-input=false', '-no-color'], env, transcript)));
    const outputs = new Map<string, any>();
    for (const t of tenants) outputs.set(t.id, JSON.parse((await tofuIn(stackDir(t.id), ['output', '-json'], env, []).then((r) => r.stdout))));
    const vars = (id: string) => outputs.get(id).ansible_vars.value as ReturnType<BackupLab['vars']>;
    const serverIpv4: Record<string, string> = Object.assign({}, ...tenants.map((t) => outputs.get(t.id).server_ipv4.value));
    // The data server: directly, or through the jump host (its private address).
    const target = (id: string, user: string): SshTarget => {
      const v = vars(id);
      const jump = v.tenant_jump_host ? serverIpv4[v.tenant_jump_host] : undefined;
      const host = jump ? v.tenant_servers.find((s) => s.name === v.tenant_data_server)!.private_ip : serverIpv4[v.tenant_data_server];
      return { host, keyFile: c.key.privateKey, user, jump };
    };
    const serverIp = (id: string) => target(id, 'root').host;

    progress('building the mirror of the pinned binaries');
    const mirror = path.join(root, 'mirror');
    fs.mkdirSync(mirror);
    const mirrorVars = dataplaneBinaryVars(`file://${MIRROR_ON_SERVER}`, await buildDataplaneMirror(mirror));

    const inventory = path.join(root, 'inventory.yml');
    const doc = tenantInventory(tenants.map((t) => vars(t.id)), {
      serverIpv4,
      sshKeyFile: c.key.privateKey,
      hostVars: { ansible_connection: 'local', ansible_python_interpreter: '{{ ansible_playbook_python }}' },
      serverVars: {
        ansible_python_interpreter: '/usr/bin/python3',
        // The harness points ANSIBLE_REMOTE_TEMP at the control node's scratch directory; a server keeps its own.
        ansible_remote_tmp: '~/.ansible/tmp',
        ...mirrorVars,
        // Two CPUs shared by several labs: give the services time to come up.
        tenant_dataplane_start_timeout: 180,
        // The lab's timers must not fire during a test run.
        tenant_backup_on_calendar: '2099-01-01 03:00:00',
        tenant_backup_check_on_calendar: '2099-01-01 05:00:00',
      },
    });
    for (const t of tenants) Object.assign(doc.all.children.tenants.hosts![inventoryHost(t.id)] as object, { tenant_backup_stack_dir: stackDir(t.id) });
    fs.writeFileSync(inventory, `# Generated by test-support/backup-lab.ts\n${stringify({ all: { vars: { tenant_secrets_root: secretsRoot }, ...doc.all } })}`);

    // A local cloud hands out the same addresses again: no host key is checked or recorded.
    const ansibleEnv = { SOPS_AGE_KEY_DIR: keyDir, ANSIBLE_HOST_KEY_CHECKING: 'False' };
    // Root logs in until the baseline hands over to the deploy user.
    let user = 'root';
    const lab: BackupLab = {
      cloud: c,
      root,
      secretsRoot,
      keyDir,
      inventory,
      workDir,
      box: { user: `u${BOX_ID}`, password: boxPassword, host: BOX_ADDRESS },
      transcript,
      stackDir,
      vars,
      serverIp,
      sh: async (id, command, input = '', timeoutMs = 300_000) => {
        const r = await ssh(target(id, user), user === 'root' ? command : `sudo -n bash -c ${shellWord(command)}`, input, timeoutMs);
        transcript.push(r.stdout, r.stderr);
        return r;
      },
      async shOk(id, command, input = '', timeoutMs = 300_000) {
        const r = await lab.sh(id, command, input, timeoutMs);
        if (r.code !== 0) throw new Error(`on ${id}'s server: ${command.slice(0, 200)}: exit ${r.code}: ${r.stderr.slice(-2000)}`);
        return r.stdout;
      },
      async copyTo(id, local, remote) {
        const args = sshArgs(target(id, user));
        const r = await run('scp', ['-q', '-r', ...args.slice(0, -1), local, `${args[args.length - 1]}:${remote}`], { timeoutMs: 300_000 });
        if (r.code !== 0) throw new Error(`scp ${local} to ${id}: ${r.stderr}`);
      },
      async playbook(playbook, extraVars = {}, extraEnv = {}) {
        const r = await runPlaybook({ playbook, inventory, workDir, extraVars, env: { ...ansibleEnv, ...extraEnv } });
        transcript.push(r.output);
        return r;
      },
      async secrets(id) {
        const d = await decryptWith(path.join(secretsRoot, secretsFileName(id)), path.join(keyDir, ageKeyFileName(id)), workDir);
        if (!d.data) throw new Error(`cannot decrypt tenant ${id}'s secrets: ${d.stderr}`);
        return d.data;
      },
      subaccountPassword: async (id) => (await tofuIn(stackDir(id), ['output', '-raw', 'backup_password'], env, [])).stdout,
      async stop() {
        try {
          await c.stop();
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
        }
      },
    };

    progress('copying the mirror onto the data servers');
    await Promise.all(tenants.map((t) => lab.copyTo(t.id, mirror, MIRROR_ON_SERVER)));
    // The local cloud's root filesystem does not start PostgreSQL at boot (scripts/build-rootfs.sh), while
    // Debian's package starts its empty cluster on a real server; tenant_dataplane refuses a package
    // cluster it cannot read, so the lab starts it as the package would have.
    await Promise.all(tenants.map((t) => lab.shOk(t.id, 'systemctl start postgresql && for i in $(seq 100); do pg_isready -q && exit 0; sleep 0.1; done; exit 1')));
    progress('configuring the tenants with site.yml, backups left out');
    const site = await runPlaybook({ playbook: 'playbooks/site.yml', inventory, workDir, skipTags: ['backup'], env: ansibleEnv, timeoutMs: 1_200_000 });
    transcript.push(site.output);
    // The baseline ran first: from now on root may not log in.
    user = 'deploy';
    if (site.code !== 0) {
      // What the data servers say about their services, to see why one did not come up.
      const why = await Promise.all(tenants.map((t) => lab.sh(t.id, 'ip -br addr; systemctl --no-pager --failed; journalctl --no-pager -o cat -n 25 -u minio -u qdrant -u postgresql@15-main')));
      transcript.push(...why.map((w) => w.stdout));
      throw new Error(`${why.map((w, i) => `${tenants[i].id}: ${w.stdout}`).join('\n')}\nsite.yml --skip-tags backup failed:\n${site.output.split('\n').filter((l) => /fatal|FAILED|^\s+msg/.test(l)).join('\n')}\n${site.output.slice(-3000)}`);
    }
    return lab;
  } catch (e) {
    await cloud?.stop().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
}
