/**
 * `npm run -s inventory -- <tenant...>`: the Ansible inventory of deployed
 * tenants, from their stacks' outputs (`ansible_vars`, `server_ipv4`), built
 * by the one function the post-apply step uses (lib/ansible-inventory.ts),
 * with the platform's `ansible.user`. Printed as JSON, which is YAML:
 *
 *   npm run -s inventory -- acme > ansible/inventory/tenant-acme.yml
 *
 * The shell around it reads the outputs (`tofu output -json` in the stack's
 * directory); everything else is here, testable without OpenTofu.
 */
import * as path from 'path';
import { tenantInventory } from '../lib/ansible-inventory';
import type { AnsibleTenantVars } from '../lib/ansible-vars';
import { formatDiagnostic } from '../lib/diagnostics';
import { PLATFORM_FILE, stackName } from '../lib/naming';
import { loadPlatform } from './tenant-files';

export const INVENTORY_USAGE = `usage: npm run -s inventory -- <tenant...>   (env: TENANTS_DIR, CDKTF_OUTDIR)

  tenant...   tenant ids or stack names (acme, tenant-acme) of deployed stacks

Prints the Ansible inventory of the tenants and their servers (JSON, which is
YAML), from each stack's outputs: npm run -s inventory -- acme > ansible/inventory/tenant-acme.yml
exit: 0 printed, 1 a stack has no outputs (not deployed), 64 usage error`;

/** The outputs the inventory is made of, as `tofu output -json` gives them. */
export interface StackOutputs {
  readonly ansible_vars?: { readonly value: AnsibleTenantVars };
  readonly server_ipv4?: { readonly value: Record<string, string> };
}

export interface InventoryIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** `tofu output -json` in a stack directory; throws with tofu's message when it fails. */
  readonly readOutputs: (stackDir: string) => StackOutputs;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export function inventoryCommand(argv: readonly string[], io: InventoryIo): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(`${INVENTORY_USAGE}\n`);
    return 0;
  }
  const unknown = argv.filter((a) => a.startsWith('-'));
  if (argv.length === 0 || unknown.length) {
    io.stderr(`${unknown.map((a) => `unknown option ${a}\n`).join('') || 'name at least one tenant\n'}\n${INVENTORY_USAGE}\n`);
    return 64;
  }
  const tenantsDir = io.env.TENANTS_DIR ?? path.join(io.cwd, 'tenants');
  const { platform, diagnostics } = loadPlatform(path.join(tenantsDir, PLATFORM_FILE));
  if (!platform) {
    io.stderr(`${diagnostics.map(formatDiagnostic).join('\n')}\n`);
    return 1;
  }
  const outdir = path.resolve(io.cwd, io.env.CDKTF_OUTDIR ?? 'cdktf.out');
  const vars: AnsibleTenantVars[] = [];
  const serverIpv4: Record<string, string> = {};
  const problems: string[] = [];
  for (const arg of argv) {
    const id = arg.replace(/^tenant-/, '');
    const dir = path.join(outdir, 'stacks', stackName(id));
    let out: StackOutputs;
    try {
      out = io.readOutputs(dir);
    } catch (e) {
      problems.push(`${id}: cannot read the outputs of ${dir}: ${(e as Error).message.trim().split('\n')[0]} (synthesize and deploy the tenant first: npm run deploy -- ${stackName(id)})`);
      continue;
    }
    if (!out.ansible_vars || !out.server_ipv4) {
      problems.push(`${id}: ${dir} has no ansible_vars or server_ipv4 output: the stack is not deployed (npm run deploy -- ${stackName(id)})`);
      continue;
    }
    vars.push(out.ansible_vars.value);
    Object.assign(serverIpv4, out.server_ipv4.value);
  }
  if (problems.length) {
    io.stderr(`${problems.join('\n')}\n`);
    return 1;
  }
  try {
    io.stdout(`${JSON.stringify(tenantInventory(vars, { serverIpv4, user: platform.ansible.user }), null, 2)}\n`);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return 1;
  }
  return 0;
}
