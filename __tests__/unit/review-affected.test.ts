import { affectedTenants, type StackSet } from '../../review/affected';
import { tenantsByChangedFiles } from '../../review/changed-files';
import { canonicalStack, describeStackDiff, diffStacks, isSameStack, withRootRelativeState, withStateRelativeTo } from '../../review/stack-diff';

/** A small stack in the shape CDKTF writes, with its `//` comments. */
function stack(id: string, over: { labels?: Record<string, string>; port?: string; extra?: boolean; outputs?: Record<string, unknown> } = {}) {
  const labels = over.labels ?? { tenant_id: id, managed_by: 'hetzner-tenants' };
  return {
    '//': { metadata: { backend: 'local', stackName: `tenant-${id}`, version: '0.21.0' } },
    terraform: { backend: { local: { path: `../../../state/tenant-${id}.tfstate` } }, required_providers: { hcloud: { source: 'registry.opentofu.org/hetznercloud/hcloud', version: '1.68.0' } } },
    provider: { hcloud: [{}] },
    output: over.outputs ?? { network_id: { value: '${hcloud_network.network.id}' } },
    resource: {
      hcloud_network: { network: { '//': { metadata: { path: `tenant-${id}/network/network` } }, name: `tenant-${id}-net`, ip_range: '10.12.0.0/16', labels } },
      hcloud_firewall: { firewall: { name: `tenant-${id}-fw`, labels, rule: [{ direction: 'in', port: over.port ?? '443', protocol: 'tcp', source_ips: ['0.0.0.0/0'] }] } },
      hcloud_server: {
        server_app_1: { name: `tenant-${id}-app-1`, labels, server_type: 'cx22' },
        ...(over.extra ? { server_app_2: { name: `tenant-${id}-app-2`, labels, server_type: 'cx22' } } : {}),
      },
    },
  };
}

const ok = (entries: [string, unknown][]): StackSet => ({ ok: true, stacks: new Map(entries) });

describe('stack comparison', () => {
  test('ignores CDKTF comments (construct paths, cdktf version) and key order', () => {
    const a = stack('acme');
    const b = JSON.parse(JSON.stringify(a));
    b['//'].metadata.version = '0.22.0';
    b.resource.hcloud_network.network['//'].metadata.path = 'tenant-acme/moved/network';
    const reordered = Object.fromEntries(Object.entries(b).reverse());
    expect(isSameStack(diffStacks(a, reordered))).toBe(true);
    expect(JSON.stringify(canonicalStack(a))).not.toContain('//');
  });

  test('names the resources that differ: changed, added, removed', () => {
    const d = diffStacks(stack('acme'), stack('acme', { port: '8443', extra: true }));
    expect(d).toEqual({ added: ['hcloud_server.server_app_2'], removed: [], changed: ['hcloud_firewall.firewall'], blocks: [] });
    expect(describeStackDiff(d)).toBe('synthesized stack changed: 2 resources differ (1 added, 1 changed: hcloud_firewall.firewall, hcloud_server.server_app_2)');
    expect(diffStacks(stack('acme', { extra: true }), stack('acme')).removed).toEqual(['hcloud_server.server_app_2']);
  });

  test('a label change changes every labelled resource', () => {
    const d = diffStacks(stack('acme'), stack('acme', { labels: { tenant_id: 'acme', managed_by: 'hetzner-tenants', team: 'x' } }));
    expect(d.changed).toEqual(['hcloud_firewall.firewall', 'hcloud_network.network', 'hcloud_server.server_app_1']);
    expect(describeStackDiff(d)).toBe('synthesized stack changed: 3 resources differ (3 changed: hcloud_firewall.firewall, hcloud_network.network, hcloud_server.server_app_1)');
  });

  test('outputs, providers and the backend count as differences too', () => {
    const head = stack('acme', { outputs: { network_id: { value: '${hcloud_network.network.id}' }, firewall_id: { value: '${hcloud_firewall.firewall.id}' } } });
    head.terraform.required_providers.hcloud.version = '1.69.0';
    const d = diffStacks(stack('acme'), head);
    expect(d.blocks).toEqual(['output.firewall_id', 'terraform']);
    expect(describeStackDiff(d)).toBe('synthesized stack changed: 1 output differs (firewall_id); terraform differs');
  });

  test('describes long lists briefly', () => {
    const d = { added: [], removed: [], changed: ['a.1', 'a.2', 'a.3', 'a.4', 'a.5', 'a.6', 'a.7'], blocks: [] };
    expect(describeStackDiff(d)).toBe('synthesized stack changed: 7 resources differ (7 changed: a.1, a.2, a.3, a.4, a.5, and 2 more)');
  });

  test('a local state path compares by where it points, not by where the stack was synthesized', () => {
    const here = withRootRelativeState(stack('acme'), '/p/cdktf.out/stacks/tenant-acme', '/p');
    const elsewhere = stack('acme');
    elsewhere.terraform.backend.local.path = '../../../../state/tenant-acme.tfstate';
    const base = withRootRelativeState(elsewhere, '/tmp/base/cdktf.out/review/stacks/tenant-acme', '/tmp/base');
    expect((here as any).terraform.backend.local.path).toBe('state/tenant-acme.tfstate');
    expect(isSameStack(diffStacks(base, here))).toBe(true);
    const moved = withStateRelativeTo(stack('acme'), '/tmp/base/x/stacks/tenant-acme', '/tmp/base', '/p/cdktf.out/review.offboarding/stacks/tenant-acme', '/p');
    expect((moved as any).terraform.backend.local.path).toBe('../../../../state/tenant-acme.tfstate');
  });

  test('a stack with another backend is left as it is', () => {
    const s3 = { terraform: { backend: { s3: { key: 'tenant-acme.tfstate' } } } };
    expect(withRootRelativeState(s3, '/a', '/b')).toBe(s3);
  });
});

describe('affected tenants, from the synthesized stacks', () => {
  const ids = ['acme', 'globex', 'initech'];
  const same = () => new Map(ids.map((id) => [id, stack(id)] as [string, unknown]));

  test('a change that alters no stack affects no tenant, even when shared code changed', () => {
    const fileHints = tenantsByChangedFiles({ changes: [{ status: 'modified', path: 'lib/naming.ts' }], before: ids, after: ids });
    const r = affectedTenants({ baseIds: ids, headIds: ids, base: ok([...same()]), head: same(), fileHints });
    expect(r).toEqual({ tenants: [], unchanged: ids });
  });

  test('a shared change that alters every stack affects every tenant, with the difference and the file as reasons', () => {
    const fileHints = tenantsByChangedFiles({ changes: [{ status: 'modified', path: 'lib/labels.ts' }], before: ids, after: ids });
    const head = new Map(ids.map((id) => [id, stack(id, { labels: { tenant_id: id, team: 'x' } })] as [string, unknown]));
    const r = affectedTenants({ baseIds: ids, headIds: ids, base: ok([...same()]), head, fileHints });
    expect(r.unchanged).toEqual([]);
    expect(r.tenants.map((t) => [t.tenant, t.kind])).toEqual([['acme', 'shared'], ['globex', 'shared'], ['initech', 'shared']]);
    expect(r.tenants[0].reasons).toEqual([
      'synthesized stack changed: 3 resources differ (3 changed: hcloud_firewall.firewall, hcloud_network.network, hcloud_server.server_app_1)',
      'shared code changed: lib/labels.ts (shared library code)',
    ]);
  });

  test('a tenant file edit that changes nothing (a comment) plans nothing; one that changes the stack plans that tenant', () => {
    const fileHints = tenantsByChangedFiles({ changes: [{ status: 'modified', path: 'tenants/acme.yaml' }, { status: 'modified', path: 'tenants/globex.yaml' }], before: ids, after: ids });
    const head = same();
    head.set('globex', stack('globex', { port: '8443' }));
    const r = affectedTenants({ baseIds: ids, headIds: ids, base: ok([...same()]), head, fileHints });
    expect(r.unchanged).toEqual(['acme', 'initech']);
    expect(r.tenants).toEqual([{
      tenant: 'globex',
      kind: 'changed',
      reasons: ['synthesized stack changed: 1 resource differs (1 changed: hcloud_firewall.firewall)', 'tenant file tenants/globex.yaml changed'],
    }]);
  });

  test('added and removed tenants are always affected', () => {
    const fileHints = tenantsByChangedFiles({ changes: [{ status: 'added', path: 'tenants/hooli.yaml' }, { status: 'deleted', path: 'tenants/globex.yaml' }], before: ids, after: ['acme', 'hooli', 'initech'] });
    const head = same();
    head.delete('globex');
    head.set('hooli', stack('hooli'));
    const r = affectedTenants({ baseIds: ids, headIds: ['acme', 'hooli', 'initech'], base: ok([...same()]), head, fileHints });
    expect(r.tenants).toEqual([
      { tenant: 'globex', kind: 'removed', reasons: ['tenant file tenants/globex.yaml removed: offboarding'] },
      { tenant: 'hooli', kind: 'added', reasons: ['tenant file tenants/hooli.yaml added: new tenant'] },
    ]);
    expect(r.unchanged).toEqual(['acme', 'initech']);
  });

  test('a tenant that does not synthesize here is affected (its error is reported), the others are compared', () => {
    const head = same();
    head.delete('initech');
    const r = affectedTenants({ baseIds: ids, headIds: ids, base: ok([...same()]), head });
    expect(r.tenants).toEqual([{ tenant: 'initech', kind: 'shared', reasons: ['the stack does not synthesize here'] }]);
  });

  test('fails safe: when the base does not synthesize, every tenant is planned and the reason says why', () => {
    const r = affectedTenants({ baseIds: ids, headIds: ids, base: { ok: false, error: 'synthesis at the base failed:\nboom' }, head: same() });
    expect(r.unchanged).toEqual([]);
    expect(r.tenants.map((t) => t.reasons[0])).toEqual(ids.map(() => 'the base revision does not synthesize (synthesis at the base failed:): planned to be safe'));
  });

  test('plans every tenant when told to (new tool versions), whatever the stacks say', () => {
    const r = affectedTenants({ baseIds: ids, headIds: ids, base: ok([...same()]), head: same(), planAll: 'OpenTofu/provider versions changed' });
    expect(r.tenants.map((t) => [t.tenant, t.reasons])).toEqual(ids.map((id) => [id, ['OpenTofu/provider versions changed']]));
  });
});
