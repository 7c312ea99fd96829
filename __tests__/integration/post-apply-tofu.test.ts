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
import type { Fleet } from '../../lib/tenant/model';
import { exampleFleet, tenant } from '../../test-support/fleet';
import { tofu, tofuOk } from '../../test-support/toolchain';

const HOSTILE = "it's '; touch PWNED_q; ' $(touch PWNED_d) `touch PWNED_t` \"q\" a\nb ${path.module} %{ if true }x%{ endif } $${x}";

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'post-apply-tofu-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/**
 * Synthesizes acme's stack with the post-apply step and writes, for tofu, only
 * the step and the ansible_vars output: the servers it waits for need the API.
 * Their addresses come from stand-in resources (terraform_data) that give
 * `addresses` as the attribute the step reads.
 */
function stageStep(projectRoot: string, platform: Fleet['platform'], addresses: Record<string, string>) {
  const acme = tenant(exampleFleet(), 'acme');
  fs.mkdirSync(path.join(projectRoot, 'ansible', 'inventory'), { recursive: true });
  const app = Testing.app({ stackTraces: false, outdir: path.join(projectRoot, 'cdktf.out') });
  const stack = new TenantStack(app, { tenant: acme, platform, projectRoot, postApply: true });
  const json = JSON.parse(Testing.synth(stack, true));
  const step = { ...json.resource.terraform_data.post_apply };
  delete step.triggers_replace;
  const standIns = Object.fromEntries(acme.servers.map((s) => [`server_${s.group}_${s.index}`, { input: addresses[s.name] }]));
  const withStandIns = (text: string) => text.replace(/\$\{hcloud_server\.(server_[a-z0-9_]+)\.ipv4_address\}/g, '${terraform_data.$1.output}');
  const stepJson = JSON.parse(withStandIns(JSON.stringify(step)));
  const stackDir = path.join(projectRoot, 'cdktf.out', 'stacks', stackName(acme.id));
  fs.mkdirSync(stackDir, { recursive: true });
  fs.writeFileSync(path.join(stackDir, 'main.tf.json'), JSON.stringify({ resource: { terraform_data: { post_apply: stepJson, ...standIns } }, output: { ansible_vars: json.output.ansible_vars } }));

  const bin = path.join(projectRoot, 'bin');
  fs.mkdirSync(bin);
  const argvFile = path.join(projectRoot, 'argv');
  fs.writeFileSync(path.join(bin, 'ansible-playbook'), `#!/bin/sh\nprintf '%s\\0' "$@" > "$ARGV_FILE"\n`, { mode: 0o755 });
  const env = { PATH: `${bin}:${process.env.PATH}`, ARGV_FILE: argvFile };
  tofuOk(stackDir, ['init', '-input=false', '-no-color'], env);
  return { acme, stackDir, env, argvFile };
}

const pwned = () => fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f).startsWith('PWNED'));

test('fails if a hostile platform value or project path breaks out of the post-apply step under tofu apply', () => {
  const fleet = exampleFleet();
  const platform = { ...fleet.platform, secrets: { ...fleet.platform.secrets, age_key_dir: HOSTILE } };
  const projectRoot = path.join(root, "proj 'q' $(touch PWNED_root) ${path.cwd}");
  const addresses = Object.fromEntries(tenant(fleet, 'acme').servers.map((s, i) => [s.name, `100.64.0.${20 + i}`]));
  const { acme, stackDir, env, argvFile } = stageStep(projectRoot, platform, addresses);
  tofuOk(stackDir, ['apply', '-auto-approve', '-input=false', '-no-color'], env);

  const vars = ansibleVars(acme, platform);
  expect(fs.readFileSync(argvFile, 'utf8').split('\0').slice(0, -1)).toEqual(['playbooks/tenant.yml', '-e', 'tenant=acme']);
  const written = JSON.parse(fs.readFileSync(path.join(projectRoot, 'ansible', 'inventory', `${inventoryHost('acme')}.yml`), 'utf8'));
  // The one function's inventory, with the servers at the addresses the apply gave them (checked IPv4 first).
  expect(written).toEqual(tenantInventory([vars], { serverIpv4: addresses, user: 'root' }));
  expect(written.all.children.tenant_servers.children.tenant_acme.hosts['tenant-acme-db-1'].ansible_host).toBe(addresses['tenant-acme-db-1']);
  expect(JSON.parse(tofuOk(stackDir, ['output', '-json', 'ansible_vars'], env))).toEqual(vars);
  expect(pwned()).toEqual([]);
});

test('fails if a server address from the apply is not an IPv4 address: the precondition stops the step before its command runs', () => {
  const fleet = exampleFleet();
  const projectRoot = path.join(root, 'proj-bad-address');
  const addresses = Object.fromEntries(tenant(fleet, 'acme').servers.map((s, i) => [s.name, `100.64.0.${30 + i}`]));
  addresses['tenant-acme-db-1'] = "100.64.0.1'; touch PWNED_address; '";
  const { stackDir, env, argvFile } = stageStep(projectRoot, fleet.platform, addresses);
  const r = tofu(stackDir, ['apply', '-auto-approve', '-input=false', '-no-color'], env);
  expect(r.status).toBe(1);
  expect(r.stderr.replace(/\s+/g, ' ')).toContain('The public IPv4 of tenant-acme-db-1 must be an IPv4 address for the Ansible inventory.');
  expect(fs.existsSync(argvFile)).toBe(false);
  expect(fs.existsSync(path.join(projectRoot, 'ansible', 'inventory', 'tenant-acme.yml'))).toBe(false);
  expect(pwned()).toEqual([]);
});
