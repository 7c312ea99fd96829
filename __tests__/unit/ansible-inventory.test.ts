/**
 * The inventory function (lib/ansible-inventory.ts): the tenant hosts on the
 * control node, every server in tenant_<id>, role_<role> and env_<env> with
 * its public and private addresses, the jump host of an offline tenant
 * reached directly and the others through it (a ProxyCommand built when
 * Ansible connects). The ProxyCommand itself runs in
 * __tests__/integration/offline-machines.test.ts, with a key path that needs
 * quoting.
 */
import { ansibleVars, AnsibleTenantVars } from '../../lib/ansible-vars';
import { HOST_KEY_ARGS, proxyCommandArgs, SSH_KEY_FILE_ENV, tenantInventory } from '../../lib/ansible-inventory';
import { exampleFleet, tenant } from '../../test-support/fleet';

const fleet = exampleFleet();
const acme = ansibleVars(tenant(fleet, 'acme'), fleet.platform);
const initech = ansibleVars(tenant(fleet, 'initech'), fleet.platform);
const IPV4: Record<string, string> = {
  'tenant-acme-app-1': '100.64.0.11',
  'tenant-acme-app-2': '100.64.0.12',
  'tenant-acme-db-1': '100.64.0.13',
  // The gpu servers have none: the stack's server_ipv4 output gives '' for them.
  'tenant-initech-gpu-1': '',
  'tenant-initech-gpu-2': '',
  'tenant-initech-gpu-3': '',
  'tenant-initech-jump-1': '100.64.0.21',
};

describe('tenantInventory', () => {
  test('without addresses: only the tenant hosts, with exactly their ansible_vars (the control node\'s inventory)', () => {
    const inv = tenantInventory([acme, initech]);
    expect(Object.keys(inv.all.children)).toEqual(['tenants']);
    expect(inv.all.children.tenants.hosts).toEqual({ 'tenant-acme': acme, 'tenant-initech': initech });
  });

  test('groups every server by tenant_<id>, role_<role> and env_<environment>, under tenant_servers', () => {
    const inv = tenantInventory([acme, initech], { serverIpv4: IPV4 });
    const c = inv.all.children;
    expect(Object.keys(c).sort()).toEqual(['env_development', 'env_production', 'role_database', 'role_inference', 'role_jump', 'role_worker', 'tenant_servers', 'tenants']);
    expect(Object.keys(c.tenant_servers.children!)).toEqual(['tenant_acme', 'tenant_initech']);
    expect(Object.keys(c.tenant_servers.children!.tenant_acme.hosts!)).toEqual(['tenant-acme-app-1', 'tenant-acme-app-2', 'tenant-acme-db-1']);
    expect(Object.keys(c.role_worker.hosts!)).toEqual(['tenant-acme-app-1', 'tenant-acme-app-2']);
    expect(Object.keys(c.role_database.hosts!)).toEqual(['tenant-acme-db-1']);
    expect(Object.keys(c.role_inference.hosts!)).toEqual(['tenant-initech-gpu-1', 'tenant-initech-gpu-2', 'tenant-initech-gpu-3']);
    expect(Object.keys(c.role_jump.hosts!)).toEqual(['tenant-initech-jump-1']);
    expect(Object.keys(c.env_production.hosts!)).toEqual(['tenant-acme-app-1', 'tenant-acme-app-2', 'tenant-acme-db-1']);
    expect(Object.keys(c.env_development.hosts!)).toEqual(['tenant-initech-gpu-1', 'tenant-initech-gpu-2', 'tenant-initech-gpu-3', 'tenant-initech-jump-1']);
    // The tenant hosts stay as they were: the store roles run there, on the control node.
    expect(c.tenants.hosts).toEqual({ 'tenant-acme': acme, 'tenant-initech': initech });
  });

  test('gives each server its public and private addresses; the tenant\'s variables are its group\'s', () => {
    const g = tenantInventory([acme], { serverIpv4: IPV4 }).all.children.tenant_servers.children!.tenant_acme;
    expect(g.hosts!['tenant-acme-db-1']).toEqual({ ansible_host: '100.64.0.13', public_ipv4: '100.64.0.13', private_ip: '10.12.1.12' });
    expect(g.vars).toEqual(acme);
  });

  test('logs in as the platform\'s ansible.user (root by default) with the key from $HCLOUD_SSH_KEY_FILE unless a file is given', () => {
    const byDefault = tenantInventory([acme], { serverIpv4: IPV4 }).all.children.tenant_servers.vars;
    expect(byDefault).toEqual({ ansible_user: 'root', ansible_ssh_private_key_file: `{{ lookup("env", "${SSH_KEY_FILE_ENV}") }}`, ansible_ssh_common_args: HOST_KEY_ARGS });
    expect(fleet.platform.ansible.user).toBe('root');
    const deploy = tenantInventory([acme], { serverIpv4: IPV4, user: 'deploy', sshKeyFile: '/keys/id' }).all.children.tenant_servers.vars;
    expect(deploy).toMatchObject({ ansible_user: 'deploy', ansible_ssh_private_key_file: '/keys/id' });
  });

  test('an offline tenant: the jump host is reached directly, every other server at its private address through the jump host', () => {
    const g = tenantInventory([initech], { serverIpv4: IPV4 }).all.children.tenant_servers.children!.tenant_initech;
    expect(g.hosts!['tenant-initech-jump-1']).toEqual({ ansible_host: '100.64.0.21', public_ipv4: '100.64.0.21', private_ip: '10.14.1.13', ansible_ssh_common_args: HOST_KEY_ARGS });
    expect(g.hosts!['tenant-initech-gpu-2']).toEqual({ ansible_host: '10.14.1.11', private_ip: '10.14.1.11' });
    expect(g.vars).toEqual({ ...initech, ansible_ssh_common_args: `${HOST_KEY_ARGS} ${proxyCommandArgs('tenant-initech-jump-1')}` });
  });

  test('fails if the jump host of an offline tenant has no public IPv4, naming tenant and server', () => {
    expect(() => tenantInventory([initech], { serverIpv4: { ...IPV4, 'tenant-initech-jump-1': '' } })).toThrow(
      'tenant initech: its jump host tenant-initech-jump-1 has no public IPv4 in server_ipv4; the other servers cannot be reached',
    );
  });

  test('fails if an offline tenant names no jump host', () => {
    expect(() => tenantInventory([{ ...initech, tenant_jump_host: '' }], { serverIpv4: IPV4 })).toThrow('tenant initech is offline but names no jump host (tenant_jump_host); its servers cannot be reached');
  });

  test('fails if a server of an online tenant has no public IPv4', () => {
    const { 'tenant-acme-db-1': _, ...rest } = IPV4;
    expect(() => tenantInventory([acme], { serverIpv4: rest })).toThrow('tenant acme: server tenant-acme-db-1 has no public IPv4 in server_ipv4');
  });

  test('names groups after ids and roles with "-" (and anything but letters, digits, "_") as "_"', () => {
    const vars: AnsibleTenantVars = { ...acme, tenant_id: 'a-b', tenant_servers: [{ name: 'tenant-a-b-web-1', role: 'web-front.end', private_ip: '10.20.1.10' }] };
    const c = tenantInventory([vars], { serverIpv4: { 'tenant-a-b-web-1': '100.64.0.30' } }).all.children;
    expect(Object.keys(c.tenant_servers.children!)).toEqual(['tenant_a_b']);
    expect(Object.keys(c.role_web_front_end.hosts!)).toEqual(['tenant-a-b-web-1']);
    expect(Object.keys(c.tenants.hosts!)).toEqual(['tenant-a-b']);
  });
});

describe('proxyCommandArgs', () => {
  const args = proxyCommandArgs('tenant-initech-jump-1');

  test('is one -o ProxyCommand option whose value Jinja builds and shell-quotes when Ansible connects', () => {
    expect(args.startsWith('-o ProxyCommand={{ (')).toBe(true);
    expect(args.endsWith(') | quote }}')).toBe(true);
    // The jump connection: ssh -W to the target, non-interactive, as the same user with the same key, to the jump host's ansible_host.
    expect(args).toContain('"ssh -W %h:%p -q -o BatchMode=yes -o ConnectTimeout=10 "');
    expect(args).toContain('(ansible_user | quote)');
    expect(args).toContain('(ansible_ssh_private_key_file | quote)');
    expect(args).toContain('(hostvars["tenant-initech-jump-1"].ansible_host | quote)');
    // Host keys as Ansible's own host_key_checking says, for the jump connection too.
    expect(args).toContain('lookup("config", "HOST_KEY_CHECKING")');
    // No single quote: the post-apply command single-quotes the inventory.
    expect(args).not.toContain("'");
  });

  test('fails if the jump host is not a plain host name (it is the one value written into the expression)', () => {
    for (const bad of ['a"]}}{{ lookup("pipe", "id") }}', "x' y", 'Upper', '']) {
      expect(() => proxyCommandArgs(bad)).toThrow(/is not a host name/);
    }
  });

  test('balances its Jinja delimiters and parentheses', () => {
    expect(args.match(/\{\{/g)).toHaveLength(1);
    expect(args.match(/\}\}/g)).toHaveLength(1);
    const depth = [...args].reduce((d, ch) => (d < 0 ? d : ch === '(' ? d + 1 : ch === ')' ? d - 1 : d), 0);
    expect(depth).toBe(0);
  });
});
