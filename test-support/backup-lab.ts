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
 * The tenant's data plane on its data server (roles/tenant_dataplane, another
 * branch) is stood up here by hand as that role would: PostgreSQL 15 from the
 * server's Debian packages (the rootfs carries them), MinIO and mc copied
 * from the toolchain, listening on 127.0.0.1; database, role, bucket and the
 * tenant's MinIO user as tenant_postgres and tenant_minio make them. The
 * passwords come from the tenant's SOPS file and reach the server on stdin
 * (never on a command line of the control node).
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
import { DUMMY_TOKEN } from '../lib/hetzner';
import { ageKeyFileName, secretsFileName, stackName } from '../lib/naming';
import { ssh, sshArgs, SshResult } from '../verify/probe/ssh';
import { decryptWith } from './ansible-fixture';
import { run, runOk, tempDir, toolsEnv } from './ansible-proc';
import { PlaybookRun, REPO_ROOT, runPlaybook } from './ansible-run';
import { MachineCloud, startMachineCloud } from './local-cloud-machines';
import { runTofu, serializedInit, TofuResult } from './tofu-async';

export const BOX_ID = 123456;
export const BOX_ADDRESS = '203.0.113.50';
/** The platform's webhook: a listener on each data server itself (the lab's servers reach nothing else on HTTP). */
export const WEBHOOK_PORT = 8099;

export interface LabTenant {
  readonly id: string;
  readonly seq: number;
  /** @default online */
  readonly mode?: 'online' | 'offline';
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
  /** The public IPv4 of the tenant's data server. */
  serverIp(id: string): string;
  /** Runs a command on the tenant's data server as root (`input` on stdin). */
  sh(id: string, command: string, input?: string, timeoutMs?: number): Promise<SshResult>;
  shOk(id: string, command: string, input?: string, timeoutMs?: number): Promise<string>;
  /** Copies a local file or directory to the tenant's data server (scp -r). */
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
    'firewall:',
    '  ingress:',
    '    - { port: 22, from: [management] }',
    'storage:',
    '  postgres: true',
    '  minio: true',
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
    const vars = (id: string) => outputs.get(id).ansible_vars.value;
    const serverIp = (id: string) => Object.values(outputs.get(id).server_ipv4.value as Record<string, string>)[0];

    const inventory = path.join(root, 'inventory.yml');
    const serverHost = (id: string) => (outputs.get(id).server_names.value as string[])[0];
    const doc = {
      all: {
        vars: { tenant_secrets_root: secretsRoot },
        children: {
          tenants: {
            hosts: Object.fromEntries(
              tenants.map((t) => [`tenant-${t.id}`, { ansible_connection: 'local', ansible_python_interpreter: '{{ ansible_playbook_python }}', ...vars(t.id), tenant_backup_stack_dir: stackDir(t.id) }]),
            ),
          },
          ...Object.fromEntries(
            tenants.map((t) => [
              `tenant_${t.id.replace(/-/g, '_')}`,
              {
                hosts: {
                  [serverHost(t.id)]: {
                    ansible_host: serverIp(t.id),
                    ansible_user: 'root',
                    ansible_ssh_private_key_file: c.key.privateKey,
                    ansible_ssh_common_args: '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes',
                    ansible_python_interpreter: '/usr/bin/python3',
                  },
                },
                vars: {
                  ...vars(t.id),
                  tenant_minio_endpoint: 'http://127.0.0.1:9000',
                  tenant_minio_mc_binary: '/usr/local/bin/mc',
                  tenant_backup_stack_dir: stackDir(t.id),
                  // The lab's timers must not fire during a test run.
                  tenant_backup_on_calendar: '2099-01-01 03:00:00',
                  tenant_backup_check_on_calendar: '2099-01-01 05:00:00',
                },
              },
            ]),
          ),
        },
      },
    };
    fs.writeFileSync(inventory, `# Generated by test-support/backup-lab.ts\n${stringify(doc)}`);

    const target = (id: string) => ({ host: serverIp(id), keyFile: c.key.privateKey });
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
        const r = await ssh(target(id), command, input, timeoutMs);
        transcript.push(r.stdout, r.stderr);
        return r;
      },
      async shOk(id, command, input = '', timeoutMs = 300_000) {
        const r = await lab.sh(id, command, input, timeoutMs);
        if (r.code !== 0) throw new Error(`on ${id}'s server: ${command.slice(0, 200)}: exit ${r.code}: ${r.stderr.slice(-2000)}`);
        return r.stdout;
      },
      async copyTo(id, local, remote) {
        const r = await run('scp', ['-q', '-r', ...sshArgs(target(id)).slice(0, -1), local, `root@${serverIp(id)}:${remote}`], { timeoutMs: 300_000 });
        if (r.code !== 0) throw new Error(`scp ${local} to ${id}: ${r.stderr}`);
      },
      async playbook(playbook, extraVars = {}, extraEnv = {}) {
        const r = await runPlaybook({ playbook, inventory, workDir, extraVars, env: { SOPS_AGE_KEY_DIR: keyDir, ...extraEnv } });
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

    progress('creating the tenants\' secrets');
    for (const t of tenants) {
      const r = await runPlaybook({ playbook: 'playbooks/tenant.yml', inventory, workDir, extraVars: { tenant: t.id }, tags: ['secrets'], env: { SOPS_AGE_KEY_DIR: keyDir } });
      transcript.push(r.output);
      if (r.code !== 0) throw new Error(`tenant.yml --tags secrets for ${t.id} failed:\n${r.output.slice(-3000)}`);
    }
    progress('standing up each data server\'s PostgreSQL and MinIO');
    await Promise.all(tenants.map((t) => standUpDataPlane(lab, t.id)));
    return lab;
  } catch (e) {
    await cloud?.stop().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

/** What tenant_dataplane + tenant_postgres + tenant_minio would make on the data server (see the file comment). */
async function standUpDataPlane(lab: BackupLab, id: string): Promise<void> {
  const v = lab.vars(id);
  const s = await lab.secrets(id);
  const bin = path.join(toolsEnv().TENANT_TOOLS_DIR!, 'bin');
  for (const tool of ['minio', 'mc']) await lab.copyTo(id, path.join(bin, tool), `/usr/local/bin/${tool}`);
  const db = v.tenant_postgres.database;
  const user = v.tenant_postgres.user;
  await lab.shOk(id, 'systemctl start postgresql && for i in $(seq 100); do pg_isready -q && exit 0; sleep 0.1; done; exit 1');
  await lab.shOk(
    id,
    'runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1',
    `CREATE ROLE ${user} LOGIN PASSWORD '${s.postgres_password}';\nCREATE DATABASE ${db} OWNER ${user};\nREVOKE CONNECT ON DATABASE ${db} FROM PUBLIC;\n`,
  );
  const rootPassword = randomBytes(18).toString('hex');
  await lab.shOk(id, 'umask 077; cat > /etc/minio.env', `MINIO_ROOT_USER=admin\nMINIO_ROOT_PASSWORD=${rootPassword}\nMC_HOST_root=http://admin:${rootPassword}@127.0.0.1:9000\n`);
  await lab.shOk(
    id,
    'mkdir -p /srv/minio && systemd-run --quiet --unit=minio -p EnvironmentFile=/etc/minio.env /usr/local/bin/minio server --quiet --address 127.0.0.1:9000 /srv/minio' +
      ' && for i in $(seq 300); do python3 -c "import socket; socket.create_connection((\'127.0.0.1\', 9000), 1)" 2>/dev/null && break; sleep 0.1; done',
  );
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: [`arn:aws:s3:::${v.tenant_minio.bucket}`] },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`arn:aws:s3:::${v.tenant_minio.bucket}/*`] },
    ],
  });
  await lab.shOk(
    id,
    'bash -s',
    [
      'set -euo pipefail; set -a; . /etc/minio.env; set +a; export MC_CONFIG_DIR=/root/.mc',
      'for i in $(seq 100); do mc --quiet ready root >/dev/null 2>&1 && break; sleep 0.2; done',
      `mc --quiet mb --ignore-existing root/${v.tenant_minio.bucket} >/dev/null`,
      `cat > /tmp/policy.json <<'EOF'\n${policy}\nEOF`,
      `mc --quiet admin policy create root ${v.tenant_minio.user} /tmp/policy.json >/dev/null`,
      `mc --quiet admin user add root ${v.tenant_minio.user} '${s.minio_secret_key}' >/dev/null`,
      `mc --quiet admin policy attach root ${v.tenant_minio.user} --user ${v.tenant_minio.user} >/dev/null`,
      'rm -f /tmp/policy.json',
      '',
    ].join('\n'),
  );
}
