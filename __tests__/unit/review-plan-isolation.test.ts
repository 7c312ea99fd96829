import type { Tenant } from '../../lib/tenant/model';
import type { IsolationInput } from '../../isolation/plan/isolation';
import { runIsolationChecks } from '../../isolation/plan/isolation';
import type { PlanJson } from '../../review/plan-json';
import { foreignTenantRangeCheck } from '../../isolation/plan/plan-isolation';

const t = (id: string, seq: number) => ({ id, networkCidr: `10.${seq}.0.0/16` }) as unknown as Tenant;
const fleet = [t('acme', 12), t('globex', 13), t('initech', 14)];
const firewallPlan = (rules: object[]): PlanJson => ({
  resource_changes: [{
    address: 'hcloud_firewall.firewall', mode: 'managed', type: 'hcloud_firewall', name: 'firewall',
    change: { actions: ['update'], before: {}, after: { rule: rules } },
  }],
});
const input = (plan: PlanJson, over: Partial<IsolationInput> = {}): IsolationInput => ({ tenantId: 'acme', tenant: fleet[0], fleet, stack: {}, plan, destroying: false, ...over });

describe('foreign-tenant-range', () => {
  test('fails if an inbound rule admits another tenant\'s network', async () => {
    const f = await foreignTenantRangeCheck(input(firewallPlan([{ direction: 'in', protocol: 'tcp', port: '5432', source_ips: ['10.13.0.0/16'] }])));
    expect(f).toEqual([{
      tenant: 'acme',
      resource: 'hcloud_firewall.firewall',
      rule: 'foreign-tenant-range',
      message: 'inbound tcp rule on port 5432 from 10.13.0.0/16 overlaps the network of tenant globex (10.13.0.0/16)',
    }]);
  });

  test('fails if an outbound rule reaches into other tenants through a wide private range', async () => {
    const f = await foreignTenantRangeCheck(input(firewallPlan([{ direction: 'out', protocol: 'udp', port: 'any', destination_ips: ['10.0.0.0/8'] }])));
    expect(f.map((x) => x.message)).toEqual(['outbound udp rule on port any to 10.0.0.0/8 overlaps the network of tenant globex (10.13.0.0/16), initech (10.14.0.0/16)']);
  });

  test('the tenant\'s own network, public ranges and the world are not this rule\'s business', async () => {
    const plan = firewallPlan([
      { direction: 'in', protocol: 'tcp', port: 'any', source_ips: ['10.12.0.0/16'] },
      { direction: 'in', protocol: 'tcp', port: '443', source_ips: ['0.0.0.0/0', '::/0'] },
      { direction: 'out', protocol: 'tcp', port: '443', destination_ips: ['198.51.100.0/24'] },
    ]);
    expect(await foreignTenantRangeCheck(input(plan))).toEqual([]);
  });

  test('is not applicable to an offboarding', async () => {
    const plan = firewallPlan([{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['10.13.0.0/16'] }]);
    expect(await foreignTenantRangeCheck(input(plan, { destroying: true }))).toEqual([]);
  });
});

describe('runIsolationChecks', () => {
  test('runs every plugged-in check and returns sorted, de-duplicated findings', async () => {
    const finding = { tenant: 'acme', resource: 'r', rule: 'x', message: 'm' };
    const out = await runIsolationChecks([() => [finding, { ...finding, rule: 'a' }], async () => [finding]], input({}));
    expect(out.map((f) => f.rule)).toEqual(['a', 'x']);
  });
});
