/**
 * The onboarding runbook (docs/runbooks/onboarding.md), walked command by
 * command for a NEW tenant ("wayne", not one of the examples) in a copy of
 * the project (a git repository whose main branch holds the example fleet),
 * against the local cloud started with `npm run local-cloud -- up` under a
 * unique instance name: `npm run tenant:new`, the edit, `npm run validate`,
 * the commit, `npm run plan-review`, `npm run -s local-cloud --
 * dataplane-vars`, `POST_APPLY=ansible npm run deploy -- tenant-wayne`, which
 * creates the servers and runs the REAL playbooks/tenant.yml against them
 * (baseline, volume, data plane: PostgreSQL, MinIO from the toolchain's
 * build, and the Qdrant STAND-IN in Qdrant's place), `npm run verify --
 * wayne --probe`, and the check that the tenant works: its app server logs in
 * to its PostgreSQL with the tenant's credentials from its SOPS file.
 *
 * Real: OpenTofu, the hcloud provider, Debian 12 servers (systemd-nspawn),
 * sshd, Ansible, PostgreSQL, MinIO, sops, age. Stand-ins, named as such: the
 * Hetzner Cloud API (local-cloud/) and Qdrant. `npm run local-cloud -- down`
 * removes the cloud in afterAll, also when a step fails.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import YAML from 'yaml';
import { ok } from '../../local-cloud/client';
import { ssh } from '../../verify/probe/ssh';
import { decryptWith } from '../../test-support/ansible-fixture';
import { leftovers, machinesProblem, NOTHING_LEFT, uniqueInstance } from '../../test-support/local-cloud-machines';
import { DEFAULT_DATA_ROOT } from '../../local-cloud/machines/machine-layer';
import { finished, Finished } from '../../test-support/process';
import { projectRepo, ProjectRepo } from '../../test-support/project-repo';
import { tofuProblem } from '../../test-support/tofu-async';

jest.setTimeout(40 * 60_000);

const ID = 'wayne';
const STACK = `tenant-${ID}`;
const DB = `tenant-${ID}-db-1`;
const APP = `tenant-${ID}-app-1`;

let project: ProjectRepo;
let work: string;
const instance = uniqueInstance();
/** The runbook's shell: a scratch HOME and age key directory, then what `local-cloud up` exports. */
let env: NodeJS.ProcessEnv;
/** How long each step of the runbook took here, in seconds. */
const took: Record<string, number> = {};

/** `npm <args>` in the project copy, as the runbook runs it. */
async function npm(step: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<Finished> {
  const r = await finished(spawn('npm', [...args], { cwd: project.dir, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] }));
  took[step] = Math.round(r.ms / 100) / 10;
  return r;
}

function explain(r: Finished): string {
  return `exit ${r.code ?? r.signal}\n--- stdout ---\n${r.stdout.slice(-8000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`;
}

const expectExit = (r: Finished, code: number) => expect({ code: r.code, explain: r.code === code ? '' : explain(r) }).toEqual({ code, explain: '' });

const servers = async (): Promise<any[]> => (await ok(env.HCLOUD_ENDPOINT!, 'GET', `/servers?label_selector=tenant_id=${ID}&sort=name`)).servers;
const publicIp = (s: any): string => s.public_net.ipv4.ip;
const privateIp = (s: any): string => s.private_net[0].ip;

beforeAll(async () => {
  const problem = tofuProblem() ?? machinesProblem();
  if (problem) throw new Error(problem);
  project = projectRepo({ prefix: 'onboard-' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'onboard-work-'));
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(TENANTS_DIR|TENANTS|POST_APPLY|HCLOUD_|HETZNER_|PROBE_|PLATFORM_|SOPS_|ANSIBLE_)/.test(k)) base[k] = v;
  }
  fs.mkdirSync(path.join(work, 'home'));
  env = { ...base, HOME: path.join(work, 'home'), SOPS_AGE_KEY_DIR: path.join(work, 'age'), CI: '1', FORCE_COLOR: '0', NO_COLOR: '1', CHECKPOINT_DISABLE: '1' };
  // Runbook step 0: eval "$(npm run -s local-cloud -- up)"; export ANSIBLE_HOST_KEY_CHECKING=False
  const up = await npm('local-cloud up', ['run', '-s', 'local-cloud', '--', 'up', '--name', instance]);
  if (up.code !== 0) throw new Error(`local-cloud up: ${explain(up)}`);
  for (const line of up.stdout.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  env.ANSIBLE_HOST_KEY_CHECKING = 'False';
  for (const k of ['HCLOUD_ENDPOINT', 'HCLOUD_TOKEN', 'HCLOUD_SSH_KEY_FILE', 'PROBE_OUTSIDE_NETNS']) if (!env[k]) throw new Error(`local-cloud up did not export ${k}:\n${up.stdout}`);
});

afterAll(async () => {
  try {
    if (project) {
      const down = await npm('local-cloud down', ['run', '-s', 'local-cloud', '--', 'down', '--name', instance]);
      if (down.code !== 0) process.stderr.write(`local-cloud down: ${explain(down)}\n`);
    }
    process.stderr.write(`onboarding steps (seconds): ${JSON.stringify(took)}\n`);
  } finally {
    project?.remove();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }
});

describe('onboarding a new tenant on the local cloud, exactly as the runbook says (Hetzner API and Qdrant: STAND-INs)', () => {
  test('1. npm run tenant:new scaffolds tenants/wayne.yaml with the next free seq; the edited file validates', async () => {
    const r = await npm('tenant:new', ['run', 'tenant:new', '--', ID, '--environment', 'staging']);
    expectExit(r, 0);
    // The examples hold seq 12, 13 and 14.
    expect(r.stdout).toContain(`created tenants/${ID}.yaml: seq 15 (network 10.15.0.0/16), staging, online, nbg1`);
    expect(r.stdout).toContain(`next: edit it, then run \`npm run validate -- tenants/${ID}.yaml\``);
    const file = path.join(project.dir, 'tenants', `${ID}.yaml`);
    // The runbook's edit: a data server holding the volume and the stores, and an app server.
    const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
    doc.set('servers', [{ name: 'db', count: 1 }, { name: 'app', count: 1 }]);
    doc.set('volume', { size_gb: 10, format: 'ext4' });
    doc.set('storage', { host: 'db', postgres: true, minio: true, qdrant: { vector_size: 4, distance: 'Cosine' } });
    fs.writeFileSync(file, doc.toString());
    const v = await npm('validate', ['run', 'validate', '--', `tenants/${ID}.yaml`]);
    expectExit(v, 0);
  });

  test("2. npm run plan-review plans only the new tenant: everything created, its monthly cost, no isolation finding", async () => {
    project.commit(`Onboard ${ID}`);
    const r = await npm('plan-review', ['run', 'plan-review']);
    expectExit(r, 0);
    const md = fs.readFileSync(path.join(project.dir, 'plan-review.md'), 'utf8');
    const row = new RegExp(`^\\| \`${ID}\` \\| new tenant \\| (\\d+) \\| 0 \\| 0 \\| 0 \\| 0\\.00 → (\\d+\\.\\d\\d) \\| \\+\\2 \\|$`, 'm').exec(md);
    expect({ row: row !== null, md: row ? '' : md }).toEqual({ row: true, md: '' });
    // Network, subnet, two servers, firewall, volume and its attachment at least.
    expect(Number(row![1])).toBeGreaterThanOrEqual(7);
    expect(Number(row![2])).toBeGreaterThan(0);
    for (const example of ['acme', 'globex', 'initech']) expect(md).not.toContain(`| \`${example}\` |`);
    expect(md).toMatch(/### Isolation findings\s+None\./);
  });

  test('3. POST_APPLY=ansible npm run deploy creates the servers and runs the real playbooks/tenant.yml against them', async () => {
    const vars = await npm('local-cloud dataplane-vars', ['run', '-s', 'local-cloud', '--', 'dataplane-vars', '--name', instance]);
    expectExit(vars, 0);
    expect(vars.stdout).toContain('tenant_dataplane_qdrant_flavour: standin');
    const dir = path.join(project.dir, 'ansible', 'inventory', 'group_vars', 'tenant_servers');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'local-cloud.yml'), vars.stdout);

    const r = await npm('deploy', ['run', 'deploy', '--', STACK, '--auto-approve'], { POST_APPLY: 'ansible' });
    expectExit(r, 0);
    expect(r.stderr).toContain('adopt: 1 tenant(s) checked, 0 resource(s) adopted');
    expect(r.stdout).toMatch(/Apply complete! Resources: 8 added, 0 changed, 0 destroyed\./);
    expect((await servers()).map((s) => s.name)).toEqual([APP, DB]);
    // The tenant's secrets and their rule, ready to commit (values encrypted).
    expect(project.git('status', '--porcelain', 'secrets').split('\n').filter(Boolean).sort()).toEqual([' M secrets/.sops.yaml', '?? secrets/tenants/']);
    // The post-apply step ran the real playbook: every host of the tenant without a failure.
    const recap = r.stdout.slice(r.stdout.lastIndexOf('PLAY RECAP'));
    for (const host of [APP, DB, STACK]) expect(recap).toMatch(new RegExp(`${host}\\s+: ok=\\d+\\s+changed=\\d+\\s+unreachable=0\\s+failed=0`));
    // The data server runs the data plane on the volume; the Qdrant STAND-IN says what it is.
    const db = (await servers()).find((s) => s.name === DB);
    const key = env.HCLOUD_SSH_KEY_FILE!;
    const on = await ssh({ host: publicIp(db), keyFile: key, user: 'deploy' },
      'systemctl is-active postgresql@15-main minio qdrant; systemctl show -p Description --value qdrant; findmnt -n -o SOURCE,TARGET /srv/tenant-data');
    expect({ code: on.code, err: on.stderr }).toEqual({ code: 0, err: '' });
    const lines = on.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['active', 'active', 'active']);
    expect(lines[3]).toMatch(/Qdrant STAND-IN/);
    expect(lines[4]).toMatch(/\/srv\/tenant-data/);
  });

  test('4. npm run verify -- wayne --probe passes: the live rules hold and every probe from inside and outside behaves', async () => {
    const r = await npm('verify --probe', ['run', 'verify', '--', ID, '--probe']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(new RegExp(`^${ID}\\s+(\\d+)\\s+\\1\\s+0\\s+ok$`, 'm'));
    expect(r.stdout).not.toMatch(/cannot SSH in/);
    expect(r.stdout).toMatch(/PASS: no isolation violation\./);
    expect(r.stdout).toMatch(/PASS: every probe behaved as isolation requires\./);
  });

  describe('5. the tenant works: its app server reaches its PostgreSQL with the credentials in its SOPS file', () => {
    const fromApp = async (password: string) => {
      const list = await servers();
      const app = list.find((s) => s.name === APP);
      const db = list.find((s) => s.name === DB);
      return ssh({ host: publicIp(app), keyFile: env.HCLOUD_SSH_KEY_FILE!, user: 'deploy' },
        `read -r PGPASSWORD; export PGPASSWORD; psql -X -At -h ${privateIp(db)} -U tenant_${ID}_user -d tenant_${ID} -c 'SELECT current_user, current_database()'`,
        `${password}\n`);
    };
    const secrets = async () => {
      const d = await decryptWith(path.join(project.dir, 'secrets', 'tenants', `${ID}.sops.yaml`), path.join(env.SOPS_AGE_KEY_DIR!, `${ID}.txt`), work);
      expect({ code: d.code, err: d.stderr }).toEqual({ code: 0, err: '' });
      return d.data!;
    };

    test('logs in as tenant_wayne_user to tenant_wayne from the app server', async () => {
      const r = await fromApp((await secrets()).postgres_password);
      expect({ code: r.code, out: r.stdout.trim(), err: r.stderr }).toEqual({ code: 0, out: `tenant_${ID}_user|tenant_${ID}`, err: '' });
    });

    test('fails if the password is not the tenant\'s', async () => {
      const r = await fromApp(`not-${(await secrets()).postgres_password}`);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/password authentication failed for user "tenant_wayne_user"/);
    });
  });
});

afterAll(() => {
  // After `down`: nothing of the instance is left on the host.
  expect(leftovers(instance, path.join(DEFAULT_DATA_ROOT, instance, 'machines'))).toEqual(NOTHING_LEFT);
});
