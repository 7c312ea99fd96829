/**
 * The shell command the post-apply step runs after a tenant's apply: write
 * the tenant's inventory (lib/ansible-inventory.ts) and run its playbook.
 * Every value is quoted (lib/shell-quote.ts), so a platform value such as
 * `secrets.age_key_dir` with a quote, `$()` or a newline stays data. Pure.
 */
import { tenantInventory } from './ansible-inventory';
import type { AnsibleTenantVars } from './ansible-vars';
import { inventoryHost } from './naming';
import { shellQuote, shellWord } from './shell-quote';

export interface PostApplyCommandInput {
  /** The ansible/ directory, as seen from where the command runs (the stack directory). */
  readonly ansibleDir: string;
  /** The tenant's variables (ansibleVars()). */
  readonly vars: AnsibleTenantVars;
}

/** `cd <ansible> && printf '%s\n' <inventory> > inventory/tenant-<id>.yml && ansible-playbook playbooks/tenant.yml -e tenant=<id>` */
export function postApplyCommand(input: PostApplyCommandInput): string {
  const id = input.vars.tenant_id;
  // JSON is YAML; JSON.stringify also escapes every control character, so the inventory is one line.
  const inventory = JSON.stringify(tenantInventory([input.vars]));
  return [
    `cd ${shellQuote(input.ansibleDir)}`,
    `printf '%s\\n' ${shellQuote(inventory)} > ${shellWord(`inventory/${inventoryHost(id)}.yml`)}`,
    `ansible-playbook playbooks/tenant.yml -e ${shellWord(`tenant=${id}`)}`,
  ].join(' && ');
}
