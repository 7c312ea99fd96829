import { parseNameStatus, sharedChanges, tenantIdOfPath, tenantsByChangedFiles as affectedTenants, type ChangedPath } from '../../review/changed-files';

const m = (path: string): ChangedPath => ({ status: 'modified', path });
const a = (path: string): ChangedPath => ({ status: 'added', path });
const d = (path: string): ChangedPath => ({ status: 'deleted', path });
const fleet = ['acme', 'globex', 'initech'];

describe('tenants by changed files', () => {
  test('a changed tenant file affects only that tenant', () => {
    expect(affectedTenants({ changes: [m('tenants/acme.yaml')], before: fleet, after: fleet })).toEqual([
      { tenant: 'acme', kind: 'changed', reasons: ['tenant file tenants/acme.yaml changed'] },
    ]);
  });

  test('an added tenant file is a new tenant', () => {
    const r = affectedTenants({ changes: [a('tenants/hooli.yaml')], before: fleet, after: [...fleet, 'hooli'] });
    expect(r).toEqual([{ tenant: 'hooli', kind: 'added', reasons: ['tenant file tenants/hooli.yaml added: new tenant'] }]);
  });

  test('a removed tenant file is an offboarding', () => {
    const r = affectedTenants({ changes: [d('tenants/globex.yaml')], before: fleet, after: ['acme', 'initech'] });
    expect(r).toEqual([{ tenant: 'globex', kind: 'removed', reasons: ['tenant file tenants/globex.yaml removed: offboarding'] }]);
  });

  test('a shared code change affects every tenant, and says which file', () => {
    const r = affectedTenants({ changes: [m('constructs/tenant-firewall.ts'), m('README.md')], before: fleet, after: fleet });
    expect(r.map((x) => x.tenant)).toEqual(fleet);
    expect(r.every((x) => x.kind === 'shared')).toBe(true);
    expect(r[0].reasons).toEqual(['shared code changed: constructs/tenant-firewall.ts (constructs)']);
  });

  test.each([
    ['constructs/tenant-stack.ts'],
    ['lib/firewall-rules.ts'],
    ['main.ts'],
    ['tenants/_platform.yaml'],
    ['package.json'],
    ['package-lock.json'],
    ['providers/schemas/hcloud.json'],
    ['scripts/tool-versions.sh'],
    ['cdktf.json'],
  ])('%s is shared code', (path) => {
    expect(affectedTenants({ changes: [m(path)], before: fleet, after: fleet }).map((x) => x.tenant)).toEqual(fleet);
  });

  test.each([
    ['README.md'],
    ['ansible/roles/postgres/tasks/main.yml'],
    ['__tests__/unit/x.test.ts'],
    ['review/markdown.ts'],
    ['tenants/README.md'],
    ['tenants/.hidden.yaml'],
    ['tenants/examples/acme.yaml'],
    ['lib.ts'],
    ['constructs-old/x.ts'],
  ])('%s affects no tenant', (path) => {
    expect(affectedTenants({ changes: [m(path)], before: fleet, after: fleet })).toEqual([]);
  });

  test('the strongest reason wins, and every reason is kept', () => {
    const r = affectedTenants({
      changes: [m('lib/naming.ts'), m('tenants/acme.yaml'), a('tenants/hooli.yaml'), d('tenants/globex.yaml')],
      before: fleet,
      after: ['acme', 'hooli', 'initech'],
    });
    expect(r.map((x) => [x.tenant, x.kind])).toEqual([
      ['acme', 'changed'],
      ['globex', 'removed'],
      ['hooli', 'added'],
      ['initech', 'shared'],
    ]);
    expect(r[0].reasons).toEqual(['tenant file tenants/acme.yaml changed', 'shared code changed: lib/naming.ts (shared library code)']);
    // A removed tenant is not planned again as "shared": its stack is being destroyed.
    expect(r[1].reasons).toEqual(['tenant file tenants/globex.yaml removed: offboarding']);
  });

  test('a rename of a tenant file offboards the old id and adds the new one', () => {
    const r = affectedTenants({
      changes: [{ status: 'renamed', oldPath: 'tenants/acme.yaml', path: 'tenants/acme-corp.yaml' }],
      before: fleet,
      after: ['acme-corp', 'globex', 'initech'],
    });
    expect(r.map((x) => [x.tenant, x.kind])).toEqual([['acme', 'removed'], ['acme-corp', 'added']]);
  });

  test('a .yml -> .yaml rename of the same id is a change, not an offboarding', () => {
    const r = affectedTenants({
      changes: [{ status: 'renamed', oldPath: 'tenants/acme.yml', path: 'tenants/acme.yaml' }],
      before: fleet,
      after: fleet,
    });
    expect(r.map((x) => [x.tenant, x.kind])).toEqual([['acme', 'changed']]);
  });

  test('several shared files are summarized in one reason', () => {
    const changes = [m('lib/b.ts'), m('constructs/a.ts'), m('package.json')];
    const r = affectedTenants({ changes, before: ['acme'], after: ['acme'] });
    expect(r[0].reasons).toEqual(['shared code changed: constructs/a.ts (constructs) (and 2 more shared files)']);
    expect(sharedChanges(changes)).toEqual(['constructs/a.ts', 'lib/b.ts', 'package.json']);
  });

  test('no change, no tenant', () => {
    expect(affectedTenants({ changes: [], before: fleet, after: fleet })).toEqual([]);
  });

  test('a tenants directory elsewhere is honoured', () => {
    const r = affectedTenants({ changes: [m('fleet/prod/acme.yaml'), m('fleet/prod/_platform.yaml')], before: ['acme', 'b'], after: ['acme', 'b'], tenantsDir: 'fleet/prod' });
    expect(r.map((x) => [x.tenant, x.kind])).toEqual([['acme', 'changed'], ['b', 'shared']]);
  });
});

describe('tenantIdOfPath', () => {
  test('reads the id from tenant files only', () => {
    expect(tenantIdOfPath('tenants/acme.yaml')).toBe('acme');
    expect(tenantIdOfPath('tenants/acme.yml')).toBe('acme');
    expect(tenantIdOfPath('tenants/_platform.yaml')).toBeUndefined();
    expect(tenantIdOfPath('tenants/sub/acme.yaml')).toBeUndefined();
    expect(tenantIdOfPath('other/acme.yaml')).toBeUndefined();
  });
});

describe('parseNameStatus', () => {
  test('decodes git diff --name-status, renames and copies included', () => {
    const text = 'M\ttenants/acme.yaml\nA\ttenants/new.yaml\nD\ttenants/old.yaml\nR087\ttenants/a.yaml\ttenants/b.yaml\nC100\tlib/x.ts\tlib/y.ts\nT\tmain.ts\n';
    expect(parseNameStatus(text)).toEqual([
      { status: 'modified', path: 'tenants/acme.yaml' },
      { status: 'added', path: 'tenants/new.yaml' },
      { status: 'deleted', path: 'tenants/old.yaml' },
      { status: 'renamed', oldPath: 'tenants/a.yaml', path: 'tenants/b.yaml' },
      { status: 'copied', oldPath: 'lib/x.ts', path: 'lib/y.ts' },
      { status: 'type-changed', path: 'main.ts' },
    ]);
  });
});
