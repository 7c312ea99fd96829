/**
 * Makes a cdktf project copy (cdktf-project.ts) ready for `POST_APPLY=ansible`
 * deploys with the REAL playbooks and roles: the repository's ansible/
 * directory copied into it (the post-apply step runs `ansible-playbook
 * playbooks/tenant.yml` from the project's ansible/), an empty secrets/ with
 * the repository's .sops.yaml (tenant_secrets writes the tenants' SOPS files
 * there), an age key directory of its own, and one platform setting an
 * operator of servers without a route to a download site would make:
 * `inventory/group_vars/tenant_servers.yml` points tenant_dataplane at the
 * pinned binaries (MinIO and mc as `npm run tools` built them, the Qdrant
 * STAND-IN) and has the control node fetch and copy them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildDataplaneMirror, dataplaneBinaryVars } from './dataplane-binaries';
import { ANSIBLE_DIR, REPO_ROOT } from './ansible-run';

export interface DataplaneProject {
  /** The project's ansible/ directory. */
  readonly ansibleDir: string;
  /** The project's secrets/ (tenants/<id>.sops.yaml land in it). */
  readonly secretsDir: string;
  /** Where the tenants' private age keys are kept (SOPS_AGE_KEY_DIR). */
  readonly ageKeyDir: string;
  /** The environment a deploy or playbook run needs on top of the project's. */
  readonly env: Record<string, string>;
  secretsFile(tenantId: string): string;
  ageKeyFile(tenantId: string): string;
}

/** Prepares `projectDir` (a cdktf project copy); `work` is the test's scratch directory (mirror, HOME, keys). */
export async function prepareDataplaneProject(projectDir: string, work: string, sshKeyFile: string): Promise<DataplaneProject> {
  const ansibleDir = path.join(projectDir, 'ansible');
  fs.cpSync(ANSIBLE_DIR, ansibleDir, { recursive: true });
  const secretsDir = path.join(projectDir, 'secrets');
  fs.mkdirSync(path.join(secretsDir, 'tenants'), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, 'secrets', '.sops.yaml'), path.join(secretsDir, '.sops.yaml'));
  const ageKeyDir = path.join(work, 'age');
  fs.mkdirSync(ageKeyDir, { mode: 0o700 });
  const mirror = path.join(work, 'mirror');
  fs.mkdirSync(mirror);
  const sums = await buildDataplaneMirror(mirror);
  const vars = { ...dataplaneBinaryVars(`file://${mirror}`, sums), tenant_dataplane_download_on: 'control' };
  fs.writeFileSync(
    path.join(ansibleDir, 'inventory', 'group_vars', 'tenant_servers.yml'),
    `# Written by test-support/dataplane-project.ts: the pinned binaries come from the control node.\n${JSON.stringify(vars, null, 1)}\n`,
  );
  const home = path.join(work, 'home');
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  return {
    ansibleDir,
    secretsDir,
    ageKeyDir,
    env: {
      HCLOUD_SSH_KEY_FILE: sshKeyFile,
      HOME: home,
      SOPS_AGE_KEY_DIR: ageKeyDir,
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      // Every new local cloud hands out the same addresses again: check no host keys, record none.
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_DEPRECATION_WARNINGS: '0',
      ANSIBLE_LOCAL_TEMP: path.join(work, 'ansible-tmp'),
    },
    secretsFile: (id) => path.join(secretsDir, 'tenants', `${id}.sops.yaml`),
    ageKeyFile: (id) => path.join(ageKeyDir, `${id}.txt`),
  };
}
