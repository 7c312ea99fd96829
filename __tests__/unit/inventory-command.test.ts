/**
 * `npm run -s inventory` (app/inventory-command.ts) with the stacks' outputs
 * given in place of `tofu output -json`: the printed inventory is the one
 * function's, with the platform's ansible.user; a stack without outputs is
 * named with what to do.
 */
import * as path from 'path';
import { inventoryCommand, InventoryIo, StackOutputs } from '../../app/inventory-command';
import { tenantInventory } from '../../lib/ansible-inventory';
import { ansibleVars } from '../../lib/ansible-vars';
import { exampleFleet, REPO_ROOT, tenant } from '../../test-support/fleet';

const fleet = exampleFleet();
const vars = { acme: ansibleVars(tenant(fleet, 'acme'), fleet.platform), initech: ansibleVars(tenant(fleet, 'initech'), fleet.platform) };
const ipv4: Record<string, Record<string, string>> = {
  acme: { 'tenant-acme-app-1': '100.64.0.2', 'tenant-acme-app-2': '100.64.0.3', 'tenant-acme-db-1': '100.64.0.4' },
  initech: { 'tenant-initech-gpu-1': '', 'tenant-initech-gpu-2': '', 'tenant-initech-gpu-3': '', 'tenant-initech-jump-1': '100.64.0.9' },
};

function runIt(argv: string[], outputs: Record<string, StackOutputs | Error>) {
  const out: string[] = [];
  const err: string[] = [];
  const read: string[] = [];
  const io: InventoryIo = {
    env: { TENANTS_DIR: path.join(REPO_ROOT, 'tenants') },
    cwd: '/work/project',
    readOutputs(dir) {
      read.push(dir);
      const o = outputs[path.basename(dir)];
      if (o instanceof Error) throw o;
      return o ?? {};
    },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  };
  const code = inventoryCommand(argv, io);
  return { code, stdout: out.join(''), stderr: err.join(''), read };
}

const deployed = (id: 'acme' | 'initech'): StackOutputs => ({ ansible_vars: { value: vars[id] }, server_ipv4: { value: ipv4[id] } });

test('prints the inventory of the named tenants from their stack outputs, built by tenantInventory', () => {
  const r = runIt(['acme', 'tenant-initech'], { 'tenant-acme': deployed('acme'), 'tenant-initech': deployed('initech') });
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(r.read).toEqual(['/work/project/cdktf.out/stacks/tenant-acme', '/work/project/cdktf.out/stacks/tenant-initech']);
  expect(JSON.parse(r.stdout)).toEqual(tenantInventory([vars.acme, vars.initech], { serverIpv4: { ...ipv4.acme, ...ipv4.initech }, user: 'root' }));
});

test('fails if a stack is not deployed, naming the tenant and what to do; prints nothing', () => {
  const r = runIt(['acme', 'initech', 'globex'], { 'tenant-acme': deployed('acme'), 'tenant-initech': {}, 'tenant-globex': new Error('No state file was found!\nmore') });
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toEqual([
    'initech: /work/project/cdktf.out/stacks/tenant-initech has no ansible_vars or server_ipv4 output: the stack is not deployed (npm run deploy -- tenant-initech)',
    'globex: cannot read the outputs of /work/project/cdktf.out/stacks/tenant-globex: No state file was found! (synthesize and deploy the tenant first: npm run deploy -- tenant-globex)',
  ]);
});

test('fails if the jump host of an offline tenant has no address in the outputs', () => {
  const r = runIt(['initech'], { 'tenant-initech': { ...deployed('initech'), server_ipv4: { value: { ...ipv4.initech, 'tenant-initech-jump-1': '' } } } });
  expect([r.code, r.stdout]).toEqual([1, '']);
  expect(r.stderr).toBe('tenant initech: its jump host tenant-initech-jump-1 has no public IPv4 in server_ipv4; the other servers cannot be reached\n');
});

test('fails on no tenant or an unknown option, with the usage', () => {
  for (const argv of [[], ['--out', 'x']]) {
    const r = runIt(argv, {});
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('usage: npm run -s inventory -- <tenant...>');
  }
  expect(runIt(['--help'], {}).code).toBe(0);
});
