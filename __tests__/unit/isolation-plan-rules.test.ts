/**
 * The plan-time isolation rules (isolation/plan/): compliant, non-compliant
 * and not-applicable cases of each, and how rules are run.
 */
import type { Tenant } from '../../lib/tenant/model';
import { checkPlan, type PlanInput } from '../../isolation/plan';
import { foreignTenantRangeRule } from '../../isolation/plan/rules/foreign-tenant-range';
import { runRules, type Rule } from '../../isolation/rule';
import type { PlanJson } from '../../lib/plan-json';

const t = (id: string, seq: number) => ({ id, networkCidr: `10.${seq}.0.0/16` }) as unknown as Tenant;
const fleet = [t('acme', 12), t('globex', 13), t('initech', 14)];
const firewallPlan = (rules: object[]): PlanJson => ({
  resource_changes: [{
    address: 'hcloud_firewall.firewall', mode: 'managed', type: 'hcloud_firewall', name: 'firewall',
    change: { actions: ['update'], before: {}, after: { rule: rules } },
  }],
});
const input = (plan: PlanJson, over: Partial<PlanInput> = {}): PlanInput => ({ tenantId: 'acme', tenant: fleet[0], fleet, plan, destroying: false, ...over });

describe('foreign-tenant-range', () => {
  test('fails if an inbound rule admits another tenant\'s network', () => {
    const f = checkPlan(input(firewallPlan([{ direction: 'in', protocol: 'tcp', port: '5432', source_ips: ['10.13.0.0/16'] }])));
    expect(f).toEqual([{
      tenant: 'acme',
      resource: 'hcloud_firewall.firewall',
      rule: 'foreign-tenant-range',
      severity: 'error',
      message: 'inbound tcp rule on port 5432 from 10.13.0.0/16 overlaps the network of tenant globex (10.13.0.0/16)',
      explanation: foreignTenantRangeRule.explanation,
    }]);
  });

  test('fails if an outbound rule reaches into other tenants through a wide private range', () => {
    const f = checkPlan(input(firewallPlan([{ direction: 'out', protocol: 'udp', port: 'any', destination_ips: ['10.0.0.0/8'] }])));
    expect(f.map((x) => x.message)).toEqual(['outbound udp rule on port any to 10.0.0.0/8 overlaps the network of tenant globex (10.13.0.0/16), initech (10.14.0.0/16)']);
  });

  test('the tenant\'s own network, public ranges and the world are compliant', () => {
    const plan = firewallPlan([
      { direction: 'in', protocol: 'tcp', port: 'any', source_ips: ['10.12.0.0/16'] },
      { direction: 'in', protocol: 'tcp', port: '443', source_ips: ['0.0.0.0/0', '::/0'] },
      { direction: 'out', protocol: 'tcp', port: '443', destination_ips: ['198.51.100.0/24'] },
    ]);
    expect(foreignTenantRangeRule.check(input(plan))).toEqual([]);
  });

  test('is not applicable to an offboarding, nor to a plan without a firewall', () => {
    const plan = firewallPlan([{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['10.13.0.0/16'] }]);
    expect(foreignTenantRangeRule.check(input(plan, { destroying: true }))).toBe('not-applicable');
    expect(checkPlan(input(plan, { destroying: true }))).toEqual([]);
    expect(foreignTenantRangeRule.check(input({ resource_changes: [] }))).toBe('not-applicable');
  });
});

describe('runRules', () => {
  const rule = (id: string, check: Rule<null>['check']): Rule<null> => ({ id, phase: 'plan', severity: 'error', info: 'i', explanation: `why ${id}`, check });

  test('runs every rule and returns sorted, de-duplicated findings carrying the rule\'s id, severity and explanation', () => {
    const v = { tenant: 'acme', resource: 'r', message: 'm' };
    const out = runRules([rule('x', () => [v, v]), rule('a', () => [v]), rule('n', () => 'not-applicable')], null);
    expect(out.map((f) => f.rule)).toEqual(['a', 'x']);
    expect(out[0]).toEqual({ rule: 'a', severity: 'error', tenant: 'acme', resource: 'r', message: 'm', explanation: 'why a' });
  });
});
