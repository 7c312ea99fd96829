import { adoptionPlan, expectedResources, expectedSubnets, stateIds, subnetAdoptions, type LiveResource } from '../../adopt/adoption-plan';

const identity = { tenant_id: 'globex', environment: 'staging', managed_by: 'hetzner-tenants' };
/** The resource blocks of a small synthesized stack, as CDKTF writes them. */
const stack = {
  resource: {
    hcloud_network: { network: { name: 'tenant-globex-net', ip_range: '10.13.0.0/16', labels: identity } },
    hcloud_network_subnet: { subnet: { network_id: '${hcloud_network.network.id}', ip_range: '10.13.1.0/24' } },
    hcloud_firewall: { firewall: { name: 'tenant-globex-fw', labels: identity } },
    hcloud_server: {
      server_web_1: { name: 'tenant-globex-web-1', labels: { ...identity, role: 'web' } },
      server_web_2: { name: 'tenant-globex-web-2', labels: { ...identity, role: 'web' } },
    },
    hcloud_zone_rrset: { dns_globex_a: { zone: 'example.com', name: 'globex.tenants', type: 'A', labels: identity } },
    hcloud_volume: { volume: { name: '${var.x}', labels: identity } },
  },
};
const expected = expectedResources(stack);
const live = (entries: Record<string, LiveResource[]>) => new Map(Object.entries(entries));
const server2 = (labels: Record<string, string> = { ...identity, role: 'web' }, id = '42'): LiveResource => ({ id, name: 'tenant-globex-web-2', labels });
const state = new Map([
  ['hcloud_network.network', '7'], ['hcloud_network_subnet.subnet', '7-10.13.1.0/24'], ['hcloud_firewall.firewall', '9'],
  ['hcloud_server.server_web_1', '41'], ['hcloud_zone_rrset.dns_globex_a', 'globex.tenants/A'],
]);

describe('what the stack would create, by name', () => {
  test('named and labelled resources only: no subnet (no name), no name that is not literal', () => {
    expect(expected.map((e) => [e.address, e.name])).toEqual([
      ['hcloud_firewall.firewall', 'tenant-globex-fw'],
      ['hcloud_network.network', 'tenant-globex-net'],
      ['hcloud_server.server_web_1', 'tenant-globex-web-1'],
      ['hcloud_server.server_web_2', 'tenant-globex-web-2'],
      ['hcloud_zone_rrset.dns_globex_a', 'globex.tenants'],
    ]);
    expect(expected[2].identity).toEqual({ tenant_id: 'globex', managed_by: 'hetzner-tenants' });
    expect(expected[4]).toMatchObject({ zone: 'example.com', recordType: 'A' });
  });
});

describe('adoption plan', () => {
  test('adopts a server the API created and the state lacks, when its name and tenant labels match', () => {
    const plan = adoptionPlan({ expected, state, live: live({ 'hcloud_server.server_web_2': [server2()] }) });
    expect(plan).toEqual({ imports: [{ address: 'hcloud_server.server_web_2', name: 'tenant-globex-web-2', importId: '42' }], refused: [] });
  });

  test('nothing to adopt when the name is free (the deploy creates it) or the state has it', () => {
    expect(adoptionPlan({ expected, state, live: live({}) })).toEqual({ imports: [], refused: [] });
    const full = new Map([...state, ['hcloud_server.server_web_2', '42']]);
    expect(adoptionPlan({ expected, state: full, live: live({ 'hcloud_server.server_web_2': [server2()] }) })).toEqual({ imports: [], refused: [] });
  });

  test('fails if the name is taken by another tenant\'s server: refused, named, not imported', () => {
    const plan = adoptionPlan({ expected, state, live: live({ 'hcloud_server.server_web_2': [server2({ ...identity, tenant_id: 'acme' })] }) });
    expect(plan.imports).toEqual([]);
    expect(plan.refused).toEqual([{
      address: 'hcloud_server.server_web_2',
      name: 'tenant-globex-web-2',
      reason: 'a server named tenant-globex-web-2 exists with tenant_id=acme, managed_by=hetzner-tenants, not tenant_id=globex, managed_by=hetzner-tenants: not this tenant\'s, not adopted; rename or remove it',
    }]);
  });

  test('fails if the name matches but the labels are missing or from another tool', () => {
    for (const labels of [{}, { tenant_id: 'globex' }, { tenant_id: 'globex', managed_by: 'someone-else' }] as Record<string, string>[]) {
      const plan = adoptionPlan({ expected, state, live: live({ 'hcloud_server.server_web_2': [server2(labels)] }) });
      expect(plan.imports).toEqual([]);
      expect(plan.refused[0].reason).toMatch(/^a server named tenant-globex-web-2 exists with .*: not this tenant's, not adopted/);
    }
  });

  test('fails if the id is already in the state under another address', () => {
    const plan = adoptionPlan({ expected, state, live: live({ 'hcloud_server.server_web_2': [server2(undefined, '41')] }) });
    expect(plan.refused).toEqual([{ address: 'hcloud_server.server_web_2', name: 'tenant-globex-web-2', reason: 'server 41 is already in the state as hcloud_server.server_web_1' }]);
  });

  test('a record set is imported by zone/name/type', () => {
    const noDns = new Map([...state].filter(([a]) => !a.startsWith('hcloud_zone_rrset')));
    const plan = adoptionPlan({ expected, state: noDns, live: live({ 'hcloud_zone_rrset.dns_globex_a': [{ id: 'globex.tenants/A', name: 'globex.tenants', labels: identity }] }) });
    expect(plan.imports).toEqual([{ address: 'hcloud_zone_rrset.dns_globex_a', name: 'globex.tenants', importId: 'example.com/globex.tenants/A' }]);
  });

  test('fails if several resources carry the name', () => {
    const plan = adoptionPlan({ expected, state, live: live({ 'hcloud_server.server_web_2': [server2(), server2(undefined, '43')] }) });
    expect(plan.refused[0].reason).toBe('2 servers are named tenant-globex-web-2; adopt one by hand (tofu import) or remove the others');
  });
});

describe('state ids', () => {
  test('reads managed root-module resources of a state file, data sources left out', () => {
    const file = {
      version: 4,
      resources: [
        { mode: 'managed', type: 'hcloud_server', name: 'server_web_1', instances: [{ attributes: { id: '41' } }] },
        { mode: 'managed', type: 'hcloud_zone_rrset', name: 'a', instances: [{ attributes: { id: 'globex/A' } }] },
        { mode: 'data', type: 'hcloud_image', name: 'x', instances: [{ attributes: { id: '1' } }] },
        { mode: 'managed', type: 'terraform_data', name: 'n', instances: [{ index_key: 0, attributes: { id: 'a' } }] },
      ],
    };
    expect([...stateIds(file)]).toEqual([['hcloud_server.server_web_1', '41'], ['hcloud_zone_rrset.a', 'globex/A'], ['terraform_data.n[0]', 'a']]);
    expect(stateIds({})).toEqual(new Map());
  });
});

describe('subnets: identified by their network and range, adopted only on the tenant own network', () => {
  const subnets = expectedSubnets(stack);
  const noSubnetState = new Map([...state].filter(([a]) => a !== 'hcloud_network_subnet.subnet'));

  test('the stack subnet is found by the network it references', () => {
    expect(subnets).toEqual([{ address: 'hcloud_network_subnet.subnet', networkAddress: 'hcloud_network.network', ipRange: '10.13.1.0/24' }]);
  });

  test('adopts a subnet the live network has when the network is the tenant own (in the state), with the provider import id', () => {
    const out = subnetAdoptions({ subnets, state: noSubnetState, networkIds: new Map([['hcloud_network.network', '7']]), liveRanges: new Map([['7', ['10.13.1.0/24']]]) });
    expect(out).toEqual([{ address: 'hcloud_network_subnet.subnet', name: '10.13.1.0/24 of network 7', importId: '7-10.13.1.0/24' }]);
  });

  test('adopts nothing when the live network lacks the range, the network is not known to be the tenant, or the state has the subnet', () => {
    expect(subnetAdoptions({ subnets, state: noSubnetState, networkIds: new Map([['hcloud_network.network', '7']]), liveRanges: new Map([['7', ['10.13.2.0/24']]]) })).toEqual([]);
    expect(subnetAdoptions({ subnets, state: noSubnetState, networkIds: new Map(), liveRanges: new Map([['7', ['10.13.1.0/24']]]) })).toEqual([]);
    expect(subnetAdoptions({ subnets, state, networkIds: new Map([['hcloud_network.network', '7']]), liveRanges: new Map([['7', ['10.13.1.0/24']]]) })).toEqual([]);
  });
});
