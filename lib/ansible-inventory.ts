/**
 * The Ansible inventory of tenants, built by one function from the stacks'
 * outputs: `ansible_vars` (lib/ansible-vars.ts) and, once the servers exist,
 * `server_ipv4`. The post-apply step writes it for one tenant; the tests
 * write it for several. Pure. Shape (ansible/README.md):
 *
 *   tenants            one host per tenant, `tenant-<id>` (lib/naming.ts), run on
 *                      the control node (inventory/group_vars/tenants.yml), whose
 *                      variables are the tenant's `ansible_vars`
 *   tenant_servers     every server, in one child group per tenant:
 *     tenant_<id>        the tenant's servers, with its `ansible_vars` as group vars
 *   role_<role>        servers by their role label
 *   env_<environment>  servers by their environment label
 *
 * A server's host variables: `ansible_host` (its public IPv4, or its private
 * address when it has none), `public_ipv4`, `private_ip`. Every server logs
 * in as `ansible_user` (the platform's `ansible.user`). The servers of an
 * offline tenant other than its jump host have no public interface; they are
 * reached through the jump host: `ansible_ssh_common_args` holds a
 * ProxyCommand (not `-o ProxyJump`: ssh passes neither `-i` nor `-o` options
 * to the jump connection, so the key and host key settings would be lost).
 */
import type { AnsibleTenantVars } from './ansible-vars';
import { ansibleGroup, inventoryHost } from './naming';

/** Where the control node's private key comes from unless a file is given: what `npm run local-cloud -- up` exports, and what `npm run verify -- --probe` reads. */
export const SSH_KEY_FILE_ENV = 'HCLOUD_SSH_KEY_FILE';

/**
 * The user the baseline role makes and admits alone once it has run
 * (`baseline_deploy_user`, ansible/roles/baseline/defaults/main.yml): whoever
 * logs in to a hardened server, such as `verify --probe`, logs in as it.
 */
export const DEPLOY_USER = 'deploy';

export interface TenantInventoryOptions {
  /** Variables added to every tenant host (they win over the tenant's). @default none */
  readonly hostVars?: Readonly<Record<string, unknown>>;
  /** Variables of the `tenants` group. @default no group variables */
  readonly groupVars?: Readonly<Record<string, unknown>>;
  /**
   * Public IPv4 by server name (the stacks' `server_ipv4` outputs; a server
   * without a public interface may be absent or ''). With it every server of
   * the tenants is a host; without it, only the tenant hosts are.
   * @default - no server hosts
   */
  readonly serverIpv4?: Readonly<Record<string, string>>;
  /** The login user on the servers (`ansible_user`): the platform's `ansible.user`. @default root */
  readonly user?: string;
  /**
   * The private key file for the servers (`ansible_ssh_private_key_file`; Ansible
   * reads it as a template, so `{{` in it would be evaluated).
   * @default - read from $HCLOUD_SSH_KEY_FILE when Ansible runs; when it is unset, ssh's own keys and agent
   */
  readonly sshKeyFile?: string;
  /** Variables added to every server (they win over the generated ones). @default none */
  readonly serverVars?: Readonly<Record<string, unknown>>;
}

/** One group of Ansible's YAML (or JSON) inventory format. */
export interface InventoryGroup {
  readonly hosts?: Record<string, unknown>;
  readonly vars?: Record<string, unknown>;
  readonly children?: Record<string, InventoryGroup>;
}

/** Ansible's YAML (or JSON) inventory format. */
export interface TenantInventory {
  readonly all: { readonly children: { readonly tenants: InventoryGroup } & Record<string, InventoryGroup> };
}

/**
 * Host keys, by Ansible's host_key_checking (read when Ansible connects):
 * on, a new server is trusted on first contact and a changed host key stops
 * the run (OpenSSH `accept-new`); off, nothing is checked and nothing is
 * recorded (`UserKnownHostsFile=/dev/null`), which is what a local cloud
 * needs, since every new one hands out the same addresses again. The
 * connection to a server and the jump connection follow the same setting.
 */
const HOST_KEY_OPTIONS = '("-o StrictHostKeyChecking=accept-new" if lookup("config", "HOST_KEY_CHECKING") | bool else "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null")';

/** `ansible_ssh_common_args` of a server reached directly. */
export const HOST_KEY_ARGS = `{{ ${HOST_KEY_OPTIONS} }}`;

/**
 * The Jinja expression that makes the ProxyCommand through `jumpHost` (an
 * inventory host), evaluated when Ansible connects, so that the jump
 * connection uses the same user, key and host key policy as the connection
 * to the server itself: `ansible_user` (also when a role switches it, as
 * the baseline role does from root to deploy), `ansible_ssh_private_key_file`,
 * and Ansible's host_key_checking. Two layers of quoting, both done by
 * Jinja's `quote` on the final values: the inner for the shell that runs
 * the ProxyCommand, the outer for the shlex split Ansible applies to
 * `ansible_ssh_common_args`. The jump host's name is the only value written
 * into the expression itself, so it must be a plain host name.
 */
export function proxyCommandArgs(jumpHost: string): string {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(jumpHost)) throw new Error(`jump host "${jumpHost}" is not a host name (lowercase letters, digits, "." and "-")`);
  // Jinja string literals in double quotes: the command that writes the inventory single-quotes it.
  const key = '(" -o IdentitiesOnly=yes -i " ~ (ansible_ssh_private_key_file | quote)) if ansible_ssh_private_key_file | default("") else ""';
  const command = [
    '"ssh -W %h:%p -q -o BatchMode=yes -o ConnectTimeout=10 "',
    HOST_KEY_OPTIONS,
    `(${key})`,
    '" -l "',
    '(ansible_user | quote)',
    '" "',
    `(hostvars["${jumpHost}"].ansible_host | quote)`,
  ].join(' ~ ');
  return `-o ProxyCommand={{ (${command}) | quote }}`;
}

function addTo(groups: Record<string, InventoryGroup>, group: string, host: string): void {
  const g = (groups[group] ??= { hosts: {} });
  g.hosts![host] = {};
}

/** The inventory of `tenants` (their `ansible_vars`), with their servers when `opts.serverIpv4` is given. */
export function tenantInventory(tenants: readonly AnsibleTenantVars[], opts: TenantInventoryOptions = {}): TenantInventory {
  const hosts: Record<string, unknown> = {};
  for (const t of tenants) hosts[inventoryHost(t.tenant_id)] = { ...t, ...opts.hostVars };
  const children: Record<string, InventoryGroup> = {
    tenants: { hosts, ...(opts.groupVars ? { vars: { ...opts.groupVars } } : {}) },
  };
  const ipv4 = opts.serverIpv4;
  if (!ipv4) return { all: { children: children as TenantInventory['all']['children'] } };

  const perTenant: Record<string, InventoryGroup> = {};
  const byLabel: Record<string, InventoryGroup> = {};
  for (const t of tenants) {
    const jump = t.tenant_mode === 'offline' ? t.tenant_jump_host : '';
    if (t.tenant_mode === 'offline' && !jump) throw new Error(`tenant ${t.tenant_id} is offline but names no jump host (tenant_jump_host); its servers cannot be reached`);
    if (jump && !ipv4[jump]) throw new Error(`tenant ${t.tenant_id}: its jump host ${jump} has no public IPv4 in server_ipv4; the other servers cannot be reached`);
    const servers: Record<string, unknown> = {};
    for (const s of t.tenant_servers) {
      const publicIpv4 = ipv4[s.name] || undefined;
      // Offline: only the jump host is reached directly, even if another server had an address.
      const direct = t.tenant_mode === 'online' || s.name === jump;
      if (direct && !publicIpv4) throw new Error(`tenant ${t.tenant_id}: server ${s.name} has no public IPv4 in server_ipv4`);
      servers[s.name] = {
        ansible_host: direct ? publicIpv4 : s.private_ip,
        ...(publicIpv4 ? { public_ipv4: publicIpv4 } : {}),
        private_ip: s.private_ip,
        // The jump host itself is reached directly (the group's ProxyCommand is for the others).
        ...(s.name === jump ? { ansible_ssh_common_args: HOST_KEY_ARGS } : {}),
        ...opts.serverVars,
      };
      addTo(byLabel, ansibleGroup('role', s.role), s.name);
      addTo(byLabel, ansibleGroup('env', t.tenant_environment), s.name);
    }
    // Once per tenant, not per server: the command that writes the inventory stays short.
    const proxy = jump ? { ansible_ssh_common_args: `${HOST_KEY_ARGS} ${proxyCommandArgs(jump)}` } : {};
    perTenant[ansibleGroup('tenant', t.tenant_id)] = { hosts: servers, vars: { ...t, ...proxy } };
  }
  children.tenant_servers = {
    children: perTenant,
    vars: {
      ansible_user: opts.user ?? 'root',
      ansible_ssh_private_key_file: opts.sshKeyFile ?? `{{ lookup("env", "${SSH_KEY_FILE_ENV}") }}`,
      ansible_ssh_common_args: HOST_KEY_ARGS,
    },
  };
  Object.assign(children, byLabel);
  return { all: { children: children as TenantInventory['all']['children'] } };
}
