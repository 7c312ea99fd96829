/**
 * A self-contained world for running the tenant playbooks in a test: a
 * temporary tenants directory (the repo's _platform.yaml with its own
 * recovery recipient and key directory, plus two tenant files), a temporary
 * copy of the repo's secrets/ directory, and an age key directory, all under
 * one temp dir that cleanup() removes. Nothing is written into the repo.
 *
 * The repo's recovery recipient is replaced because nobody holds its private
 * key; the test's recovery key is made here and lives only in the temp dir.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { AnsibleTenantVars, ansibleVars } from '../lib/ansible-vars';
import { ageKeyFileName, secretsFileName } from '../lib/naming';
import { loadFleet, PLATFORM_FILE } from '../app/tenant-files';
import { run, runOk, tempDir, toolsEnv } from './ansible-proc';
import { REPO_ROOT } from './ansible-run';

export interface FixtureTenant {
  readonly id: string;
  readonly seq: number;
  readonly postgres?: boolean;
  readonly minio?: boolean;
  readonly qdrant?: { readonly vector_size: number; readonly distance: string };
  /** Name of the one server group. @default app */
  readonly serverGroup?: string;
  /** A volume on the first server. @default none */
  readonly volume?: { readonly size_gb: number; readonly format: 'ext4' | 'xfs' };
  /** firewall.ingress of the tenant file. @default none */
  readonly ingress?: readonly { readonly port: number; readonly from: readonly string[]; readonly public?: boolean }[];
}

/** The two tenants the integration tests and the benchmark use. */
export const TWO_TENANTS: readonly FixtureTenant[] = [
  { id: 'alpha', seq: 201, postgres: true, minio: true, qdrant: { vector_size: 4, distance: 'Cosine' } },
  { id: 'bravo', seq: 202, postgres: true, minio: true, qdrant: { vector_size: 8, distance: 'Dot' } },
];

export interface AnsibleWorld {
  readonly root: string;
  readonly tenantsDir: string;
  /** Stands in for the repository's secrets/. */
  readonly secretsRoot: string;
  /** Where the tenants' private age keys go (platform secrets.age_key_dir). */
  readonly keyDir: string;
  readonly recoveryKeyFile: string;
  readonly recoveryRecipient: string;
  /** ansibleVars() of every tenant, in id order. */
  readonly tenants: readonly AnsibleTenantVars[];
  /** Scratch dir for HOME and Ansible temp files. */
  readonly workDir: string;
  keyFile(tenantId: string): string;
  secretsFile(tenantId: string): string;
  cleanup(): void;
}

function tenantYaml(t: FixtureTenant): string {
  const storage: string[] = [];
  if (t.postgres) storage.push('  postgres: true');
  if (t.minio) storage.push('  minio: true');
  if (t.qdrant) storage.push(`  qdrant: { vector_size: ${t.qdrant.vector_size}, distance: ${t.qdrant.distance} }`);
  return [
    `# Test tenant written by test-support/ansible-fixture.ts`,
    `id: ${t.id}`,
    `seq: ${t.seq}`,
    `environment: development`,
    `mode: online`,
    `servers:`,
    `  - name: ${t.serverGroup ?? 'app'}`,
    `    role: worker`,
    ...(t.volume ? [`volume: { size_gb: ${t.volume.size_gb}, format: ${t.volume.format} }`] : []),
    ...(t.ingress?.length
      ? ['firewall:', '  ingress:', ...t.ingress.map((r) => `    - { port: ${r.port}, from: [${r.from.join(', ')}]${r.public ? ', public: true' : ''} }`)]
      : []),
    `storage:`,
    ...(storage.length ? storage : ['  postgres: false']),
    '',
  ].join('\n');
}

/**
 * A world for `tenants`, plus `tenantFiles` (file name -> text) written as
 * they are, e.g. the repository's example tenants.
 */
export async function createAnsibleWorld(
  tenants: readonly FixtureTenant[] = TWO_TENANTS,
  prefix = 'tp-ansible',
  tenantFiles: Readonly<Record<string, string>> = {},
): Promise<AnsibleWorld> {
  const root = tempDir(prefix);
  try {
    const tenantsDir = path.join(root, 'tenants');
    const secretsRoot = path.join(root, 'secrets');
    const keyDir = path.join(root, 'age-keys');
    const workDir = path.join(root, 'work');
    fs.mkdirSync(tenantsDir);
    fs.mkdirSync(workDir);
    fs.cpSync(path.join(REPO_ROOT, 'secrets'), secretsRoot, { recursive: true });
    fs.mkdirSync(path.join(secretsRoot, 'tenants'), { recursive: true });

    const recoveryKeyFile = path.join(root, 'recovery-key.txt');
    await runOk('age-keygen', ['-o', recoveryKeyFile], { env: toolsEnv() });
    const recoveryRecipient = (await runOk('age-keygen', ['-y', recoveryKeyFile], { env: toolsEnv() })).stdout.trim();

    const platform = parseDocument(fs.readFileSync(path.join(REPO_ROOT, 'tenants', PLATFORM_FILE), 'utf8'));
    platform.setIn(['secrets', 'recovery_recipient'], recoveryRecipient);
    platform.setIn(['secrets', 'age_key_dir'], keyDir);
    fs.writeFileSync(path.join(tenantsDir, PLATFORM_FILE), platform.toString());
    for (const t of tenants) fs.writeFileSync(path.join(tenantsDir, `${t.id}.yaml`), tenantYaml(t));
    for (const [name, text] of Object.entries(tenantFiles)) fs.writeFileSync(path.join(tenantsDir, name), text);

    const { fleet, diagnostics } = loadFleet(tenantsDir);
    if (!fleet) throw new Error(`fixture tenants do not load:\n${diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join('\n')}`);
    const vars = fleet.tenants.map((t) => ansibleVars(t, fleet.platform));
    return {
      root,
      tenantsDir,
      secretsRoot,
      keyDir,
      recoveryKeyFile,
      recoveryRecipient,
      tenants: vars,
      workDir,
      keyFile: (id) => path.join(keyDir, ageKeyFileName(id)),
      secretsFile: (id) => path.join(secretsRoot, secretsFileName(id)),
      cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
    };
  } catch (e) {
    fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

export interface Decrypted {
  readonly code: number;
  /** The decrypted entries, when the key opened the file. */
  readonly data?: Record<string, string>;
  readonly stderr: string;
}

/**
 * Decrypts a SOPS file with exactly one age key: a minimal environment and a
 * temporary HOME, so no key from the developer's machine can help.
 */
export async function decryptWith(file: string, keyFile: string, scratch: string): Promise<Decrypted> {
  const home = path.join(scratch, 'decrypt-home');
  fs.mkdirSync(home, { recursive: true });
  const env = { PATH: toolsEnv().PATH, HOME: home, SOPS_AGE_KEY_FILE: keyFile };
  const r = await run('sops', ['decrypt', '--output-type', 'json', file], { env, timeoutMs: 30_000 });
  return { code: r.code, data: r.code === 0 ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

/** Every regular file under `dir` (following no symlinks). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/**
 * Which of the named secrets appear in any of the texts or files. Returns
 * names and where, never the values, so a failing assertion cannot print a
 * secret.
 */
export function findLeaks(secrets: Record<string, string>, texts: Record<string, string>, files: readonly string[] = []): string[] {
  const leaks: string[] = [];
  const check = (where: string, text: string) => {
    for (const [name, value] of Object.entries(secrets)) if (value.length >= 8 && text.includes(value)) leaks.push(`${name} in ${where}`);
  };
  for (const [where, text] of Object.entries(texts)) check(where, text);
  for (const f of files) {
    let text: string;
    try {
      const st = fs.statSync(f);
      if (st.size > 5_000_000) continue;
      text = fs.readFileSync(f, 'latin1');
    } catch {
      continue;
    }
    check(f, text);
  }
  return leaks;
}
