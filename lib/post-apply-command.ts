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
  /**
   * Public IPv4 by server name, as tenantInventory takes it. In the stack these
   * are placeholders the step replaces with the servers' addresses
   * (serverAddressPlaceholder()). @default - the inventory has no server hosts
   */
  readonly serverIpv4?: Readonly<Record<string, string>>;
  /** The login user on the servers (platform `ansible.user`). @default root */
  readonly user?: string;
}

/**
 * A stand-in for a server's public IPv4 inside the command, replaced by an
 * OpenTofu reference after the command has been made literal: it survives
 * JSON, shell quoting and OpenTofu escaping unchanged (letters, digits, "-",
 * "@", ":" only).
 */
export const serverAddressPlaceholder = (server: string) => `${PLACEHOLDER_PREFIX}${server}@`;
const PLACEHOLDER_PREFIX = '@ipv4:';

/** `cd <ansible> && printf '%s\n' <inventory> > inventory/tenant-<id>.yml && ansible-playbook playbooks/tenant.yml -e tenant=<id>` */
export function postApplyCommand(input: PostApplyCommandInput): string {
  const id = input.vars.tenant_id;
  if (input.serverIpv4 && [input.ansibleDir, input.user ?? '', JSON.stringify(input.vars)].some((v) => v.includes(PLACEHOLDER_PREFIX))) {
    // Only the addresses may hold a placeholder: a value that does would receive an address.
    throw new Error(`tenant ${id}: a platform value or path holds "${PLACEHOLDER_PREFIX}", which the post-apply step reserves for server addresses`);
  }
  // JSON is YAML; JSON.stringify also escapes every control character, so the inventory is one line.
  const inventory = JSON.stringify(tenantInventory([input.vars], { serverIpv4: input.serverIpv4, user: input.user }));
  return [
    `cd ${shellQuote(input.ansibleDir)}`,
    `printf '%s\\n' ${shellQuote(inventory)} > ${shellWord(`inventory/${inventoryHost(id)}.yml`)}`,
    `ansible-playbook playbooks/tenant.yml -e ${shellWord(`tenant=${id}`)}`,
  ].join(' && ');
}
