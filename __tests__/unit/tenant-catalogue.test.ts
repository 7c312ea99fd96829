/**
 * Server types, locations and images are checked against the catalogue kept
 * in the repository (lib/hetzner-catalogue.json, dated and approximate, refreshed by
 * `npm run catalogue:refresh`): a type that does not exist, or is not offered
 * where the tenant runs, or an image without a build for the type's
 * architecture, is refused at file:line with "did you mean".
 */
import shipped from '../../lib/hetzner-catalogue.json';
import { catalogueOf, catalogueProblems, shippedCatalogue } from '../../lib/catalogue';
import { NETWORK_ZONE_BY_LOCATION } from '../../lib/hetzner';
import { checkServerGroups } from '../../lib/tenant/catalogue-rules';
import { SCRATCH_PLATFORM, scratchLines, tenantYaml } from '../../test-support/scratch-tenants';

const C = shippedCatalogue();
const tenant = (...extra: string[]) => scratchLines({ 't.yaml': tenantYaml('t', 10, ...extra) });

describe('server types and locations', () => {
  test('fails if an Arm type is used in a US location (cax11 in ash), saying where it is offered and what ash offers', () => {
    expect(tenant('location: ash', 'servers:', '  - { name: app, type: cax11 }')).toEqual([
      `t.yaml:6:24: servers[0].type: server type "cax11" (arm) is not offered in ash; it is offered in fsn1, hel1, nbg1; allowed in ash: ${C.typesIn('ash').join(', ')} (catalogue of ${C.date}, approximate)`,
    ]);
  });

  test('fails if the platform default type is not offered in the tenant location (cx22 in ash), pointing at the group', () => {
    expect(tenant('location: ash')).toEqual([
      `t.yaml:5:5: servers[0]: server type "cx22" (platform defaults.server_type) is not offered in ash; it is offered in fsn1, hel1, nbg1; allowed in ash: ${C.typesIn('ash').join(', ')} (catalogue of ${C.date}, approximate); set servers[0].type`,
    ]);
  });

  test('fails if a server type does not exist, with "did you mean"', () => {
    expect(tenant('servers:', '  - { name: app, type: ccx133 }', '  - { name: db, type: cx999 }')).toEqual([
      `t.yaml:5:24: servers[0].type: unknown server type "ccx133" (did you mean "ccx13"?); allowed in nbg1: ${C.typesIn('nbg1').join(', ')} (catalogue of ${C.date}, approximate)`,
      `t.yaml:6:23: servers[1].type: unknown server type "cx999"; allowed in nbg1: ${C.typesIn('nbg1').join(', ')} (catalogue of ${C.date}, approximate)`,
    ]);
  });

  test('accepts every type where the catalogue offers it (ccx13 in ash, cpx22 in sin, cax21 in hel1)', () => {
    expect(tenant('location: ash', 'servers:', '  - { name: app, type: ccx13 }')).toEqual([]);
    expect(tenant('location: sin', 'servers:', '  - { name: app, type: cpx22 }')).toEqual([]);
    expect(tenant('location: hel1', 'servers:', '  - { name: app, type: cax21, image: debian-12 }')).toEqual([]);
  });

  test('fails if an image does not exist, with "did you mean"', () => {
    expect(tenant('servers:', '  - { name: app, image: ubuntu-24.4 }')).toEqual([
      `t.yaml:5:25: servers[0].image: unknown image "ubuntu-24.4" (did you mean "ubuntu-24.04"?); allowed: ${C.imageNames().join(', ')}, or the numeric id of a snapshot (catalogue of ${C.date}, approximate)`,
    ]);
  });

  test('accepts a numeric image id (a snapshot or backup of the project)', () => {
    expect(tenant('servers:', '  - { name: app, image: "123456" }')).toEqual([]);
  });
});

describe('platform defaults', () => {
  const platform = (defaults: string) => scratchLines({ '_platform.yaml': SCRATCH_PLATFORM.replace('defaults:\n  location: nbg1\n', `defaults:\n${defaults}`) });

  test('fails if defaults.server_type or defaults.image does not exist, at their lines', () => {
    expect(platform('  location: nbg1\n  server_type: cx21\n  image: debain-12\n')).toEqual([
      `_platform.yaml:8:16: defaults.server_type: unknown server type "cx21" (did you mean "cx23"?); allowed in nbg1: ${C.typesIn('nbg1').join(', ')} (catalogue of ${C.date}, approximate)`,
      `_platform.yaml:9:10: defaults.image: unknown image "debain-12" (did you mean "debian-12"?); allowed: ${C.imageNames().join(', ')}, or the numeric id of a snapshot (catalogue of ${C.date}, approximate)`,
    ]);
  });

  test('fails if defaults.server_type is not offered in defaults.location', () => {
    expect(platform('  location: hil\n  server_type: cx22\n')).toEqual([
      `_platform.yaml:8:16: defaults.server_type: server type "cx22" (x86) is not offered in hil; it is offered in fsn1, hel1, nbg1; allowed in hil: ${C.typesIn('hil').join(', ')} (catalogue of ${C.date}, approximate)`,
    ]);
  });
});

describe('architectures (pure rule, own catalogue)', () => {
  const own = catalogueOf({
    ...shipped,
    server_types: { a1: { architecture: 'arm', cpu_type: 'shared', locations: ['nbg1'], deprecated: null }, x1: { architecture: 'x86', cpu_type: 'shared', locations: ['nbg1'], deprecated: null } },
    images: { 'only-x86': { architectures: ['x86'] }, both: { architectures: ['arm', 'x86'] } },
  }, 'a test catalogue');

  test('fails if the image has no build for the server type\'s architecture', () => {
    const found: string[] = [];
    checkServerGroups(
      [{ type: 'a1', image: 'only-x86' }, { type: 'x1', image: 'only-x86' }, { type: 'a1', image: 'both' }],
      { server_type: 'x1', image: 'both' },
      'nbg1',
      (p, m) => found.push(`${p.join('.')}: ${m}`),
      own,
    );
    expect(found).toEqual([`servers.0.image: image "only-x86" has no arm build (server type "a1" is arm); allowed for arm: both (catalogue of ${C.date}, approximate)`]);
  });

  test('fails if a type is no longer offered anywhere, saying it was deprecated', () => {
    const gone = catalogueOf({ ...shipped, server_types: { ...shipped.server_types, cx22: { ...shipped.server_types.cx22, locations: [] } } }, 'a test catalogue');
    const found: string[] = [];
    checkServerGroups([{ type: 'cx22' }], { server_type: 'cx23', image: 'debian-12' }, 'nbg1', (p, m) => found.push(`${p.join('.')}: ${m}`), gone);
    expect(found).toEqual([`servers.0.type: server type "cx22" (x86) is not offered in nbg1; it is no longer offered anywhere (deprecated 2025-10-16); allowed in nbg1: ${C.typesIn('nbg1').join(', ')} (catalogue of ${C.date}, approximate)`]);
  });
});

describe('the shipped catalogue', () => {
  test('is dated, says it is approximate, and passes its own checks', () => {
    expect(catalogueProblems(shipped)).toEqual([]);
    expect(C.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(C.approximate).toBe(true);
  });

  test('knows exactly the locations lib/hetzner.ts knows, with the same network zones', () => {
    expect(Object.fromEntries(Object.entries(C.data.locations).map(([l, v]) => [l, v.network_zone]))).toEqual(NETWORK_ZONE_BY_LOCATION);
  });

  test('offers the types the example tenants use where they use them, Arm and cx only in the EU', () => {
    for (const [type, location] of [['cx22', 'nbg1'], ['cx32', 'nbg1'], ['cx42', 'hel1'], ['cx22', 'fsn1']]) expect(C.offers(type, location)).toBe(true);
    for (const us of ['ash', 'hil']) for (const t of C.typesIn(us)) expect(t).toMatch(/^(ccx|cpx)/);
    expect(C.offers('cax11', 'ash')).toBe(false);
    // The allowed lists name current types only; deprecated ones still pass for existing servers.
    expect(C.typesIn('nbg1')).not.toContain('cx22');
    expect(C.typesIn('nbg1')).toContain('cx23');
  });

  test('fails its own checks if a type names an unknown location or architecture', () => {
    const broken = { ...shipped, server_types: { z1: { architecture: 'sparc', cpu_type: 'shared', locations: ['mars1'], deprecated: null } } };
    expect(catalogueProblems(broken)).toEqual([
      'server_types.z1.architecture must be x86 or arm',
      'server_types.z1.locations names an unknown location: mars1',
    ]);
  });
});
