/**
 * The post-apply step through the real OpenTofu: the synthesized
 * `terraform_data.post_apply` (and the `ansible_vars` output) of a stack whose
 * platform file and project path hold hostile values (quotes, $(), backticks,
 * newlines, OpenTofu template sequences) is applied by `tofu apply`; its
 * local-exec runs a stand-in `ansible-playbook` that records its argv. Every
 * value arrives unchanged and nothing else runs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from '../../constructs/cdk';
import { TenantStack } from '../../constructs/tenant-stack';
import { tenantInventory } from '../../lib/ansible-inventory';
import { ansibleVars } from '../../lib/ansible-vars';
import { inventoryHost, stackName } from '../../lib/naming';
import { exampleFleet, tenant } from '../../test-support/fleet';
import { tofuOk } from '../../test-support/toolchain';

const HOSTILE = "it's '; touch PWNED_q; ' $(touch PWNED_d) `touch PWNED_t` \"q\" a\nb ${path.module} %{ if true }x%{ endif } $${x}";

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'post-apply-tofu-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('fails if a hostile platform value or project path breaks out of the post-apply step under tofu apply', () => {
  const fleet = exampleFleet();
  const acme = tenant(fleet, 'acme');
  const platform = { ...fleet.platform, secrets: { ...fleet.platform.secrets, age_key_dir: HOSTILE } };
  const projectRoot = path.join(root, "proj 'q' $(touch PWNED_root) ${path.cwd}");
  fs.mkdirSync(path.join(projectRoot, 'ansible', 'inventory'), { recursive: true });

  const app = Testing.app({ stackTraces: false, outdir: path.join(projectRoot, 'cdktf.out') });
  const stack = new TenantStack(app, { tenant: acme, platform, projectRoot, postApply: true });
  const json = JSON.parse(Testing.synth(stack, true));
  // Only the step and the output: the servers it waits for need the API.
  const step = { ...json.resource.terraform_data.post_apply };
  delete step.triggers_replace;
  const stackDir = path.join(projectRoot, 'cdktf.out', 'stacks', stackName(acme.id));
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(path.join(stackDir, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: { post_apply: step } }, output: { ansible_vars: json.output.ansible_vars } }));

  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin);
  const argvFile = path.join(root, 'argv');
  fs.writeFileSync(path.join(bin, 'ansible-playbook'), `#!/bin/sh\nprintf '%s\\0' "$@" > "$ARGV_FILE"\n`, { mode: 0o755 });
  const env = { PATH: `${bin}:${process.env.PATH}`, ARGV_FILE: argvFile };
  tofuOk(stackDir, ['init', '-input=false', '-no-color'], env);
  tofuOk(stackDir, ['apply', '-auto-approve', '-input=false', '-no-color'], env);

  const vars = ansibleVars(acme, platform);
  expect(fs.readFileSync(argvFile, 'utf8').split('\0').slice(0, -1)).toEqual(['playbooks/tenant.yml', '-e', 'tenant=acme']);
  const written = JSON.parse(fs.readFileSync(path.join(projectRoot, 'ansible', 'inventory', `${inventoryHost('acme')}.yml`), 'utf8'));
  expect(written).toEqual(tenantInventory([vars]));
  expect(JSON.parse(tofuOk(stackDir, ['output', '-json', 'ansible_vars'], env))).toEqual(vars);
  expect(fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f).startsWith('PWNED'))).toEqual([]);
});
