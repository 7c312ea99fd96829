import * as fs from 'fs';
import * as path from 'path';
import { planCost } from '../../review/cost';
import { dataLossRisks } from '../../review/data-loss';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderReview } from '../../review/markdown';
import type { PlanJson } from '../../lib/plan-json';
import { summarizePlan } from '../../review/plan-summary';
import { policyViolations } from '../../review/policy';
import type { PriceTable } from '../../review/prices';
import type { ReviewResult, TenantReview } from '../../review/result';

const prices: PriceTable = {
  date: '2025-10-21', approximate: true, source: 'test', currency: 'EUR', basis: 'net (excl. VAT), monthly cap',
  volume_gb_month: 0.044, server_backup_percent: 20,
  primary_ipv4_month: { nbg1: 0.5 },
  server_types: { cx22: { nbg1: 3.79 }, cx32: { nbg1: 6.8 } },
};
const parsed = new Map<string, PlanJson>();
const fixture = (name: string): PlanJson => {
  if (!parsed.has(name)) parsed.set(name, JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'plans', name), 'utf8')) as PlanJson);
  return parsed.get(name)!;
};

function planned(tenant: string, plan: PlanJson, over: Partial<TenantReview> = {}): TenantReview {
  const summary = summarizePlan(plan);
  return {
    tenant, kind: 'changed', reasons: [`tenant file tenants/${tenant}.yaml changed`], offboarding: false,
    environment: 'production', allowDestroy: false,
    summary, cost: planCost(summary, prices), risks: dataLossRisks(summary), isolation: [], ...over,
  };
}

function review(tenants: TenantReview[]): ReviewResult {
  return {
    base: 'main',
    tenants,
    violations: policyViolations(tenants),
    sharedChanges: [],
    comparison: { compared: 2, unchanged: 0 },
    prices: { date: prices.date, approximate: prices.approximate, currency: prices.currency, basis: prices.basis },
    offline: true,
  };
}

const example = () => review([
  planned('acme', fixture('acme-update-replace.json')),
  planned('globex', fixture('globex-destroy.json'), { kind: 'removed', offboarding: true, reasons: ['tenant file tenants/globex.yaml removed: offboarding'], environment: 'staging' }),
  planned('hooli', fixture('hooli-create.json'), {
    kind: 'added', reasons: ['tenant file tenants/hooli.yaml added: new tenant'], environment: 'development',
    isolation: [{ tenant: 'hooli', resource: 'hcloud_firewall.firewall', rule: 'foreign-tenant-range', severity: 'error', message: 'inbound tcp rule on port 22 from 10.12.0.0/16 overlaps the network of tenant acme (10.12.0.0/16)', explanation: 'why' }],
  }),
  { tenant: 'initech', kind: 'changed', reasons: ['tenant file tenants/initech.yaml changed'], offboarding: false, allowDestroy: false, risks: [], isolation: [], error: 'the tenant file does not load:\ntenants/initech.yaml:9:7: firewall.ingress[0]: opens tcp port 22 to the world (0.0.0.0/0)' },
]);

describe('rendered review', () => {
  const md = renderReview(example());

  test('matches the snapshot', () => {
    expect(md).toMatchSnapshot();
  });

  test('starts with the marker CI uses to find and edit its one comment', () => {
    expect(md.split('\n')[0]).toBe(COMMENT_MARKER);
  });

  test('says in the title that the review failed and why', () => {
    expect(md).toContain('## Plan review: 4 tenants affected — ❌ incomplete: some tenants could not be planned');
  });

  test('puts the destroy banner first, then the summary, then the data-loss risks, all before any details', () => {
    const banner = md.indexOf('> [!CAUTION]');
    const summary = md.indexOf('### Summary');
    const risks = md.indexOf('### Data-loss risks');
    const details = md.indexOf('<details>');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(summary);
    expect(summary).toBeLessThan(risks);
    expect(risks).toBeLessThan(details);
    expect(md).toContain('> **DESTROY: tenant `globex` is being offboarded**; 9 resources will be destroyed.');
  });

  test('has one summary row per tenant with counts and cost before -> after, and a total', () => {
    expect(md).toContain('| `acme` | tenant file changed | 0 | 3 | 1 | 0 | 23.16 → 34.78 | +11.62 |');
    // globex: 2 x cx22 (3.79) + 2 IPv4 (0.50) + 50 GB (0.044/GB) = 10.78; hooli: 1 x cx22 + 1 IPv4 = 4.29.
    expect(md).toContain('| `globex` 🗑️ | offboarding | 0 | 0 | 0 | 9 | 10.78 → 0.00 | -10.78 |');
    expect(md).toContain('| `hooli` | new tenant | 6 | 0 | 0 | 0 | 0.00 → 4.29 | +4.29 |');
    expect(md).toContain('| `initech` ⚠️ error | tenant file changed | – | – | – | – | n/a | n/a |');
    expect(md).toContain('| **Total** | | 6 | 3 | 1 | 9 | 33.94 → 39.07 | **+5.13** |');
  });

  test('lists the production replacement as a policy violation and the staging destruction only as a risk', () => {
    expect(md).toContain('- **REPLACE** `hcloud_server.server_db_1` of `acme` (production) — forced by `image`');
    expect(md).toContain('- **DESTROY** `hcloud_volume.volume` of `globex` (staging)');
    expect(md).toContain('### Policy: ❌ 2 violations');
    expect(md).toContain('- `acme` `hcloud_server.server_db_1`: would replace');
  });

  test('shows isolation findings and why a tenant has no plan', () => {
    expect(md).toContain('- `hooli` `hcloud_firewall.firewall` [foreign-tenant-range]: inbound tcp rule on port 22');
    expect(md).toContain('- `initech`: the tenant file does not load:');
    expect(md).toContain('tenants/initech.yaml:9:7: firewall.ingress[0]: opens tcp port 22 to the world');
  });

  test('folds each tenant\'s resources by action, with what changes', () => {
    expect(md).toContain('<summary><code>acme</code>: 3 to update, 1 to replace</summary>');
    expect(md).toContain('  - size: `100` → `200`');
    expect(md).toContain('  - image: `"ubuntu-24.04"` → `"debian-12"` **(forces replacement)**');
    expect(md).toContain('<summary><code>globex</code> — <b>offboarding (destroy)</b>: 9 to destroy</summary>');
  });

  test('shows each tenant its own plan: its own resources, nothing of another tenant', () => {
    const section = (tenant: string) => {
      const start = md.indexOf(`<summary><code>${tenant}</code>`);
      return md.slice(start, md.indexOf('</details>', start));
    };
    expect(section('globex')).toContain('- `hcloud_zone_rrset.dns_globex_a`');
    expect(section('globex')).toContain('- `hcloud_server.server_web_2`');
    expect(section('hooli')).toContain('- `hcloud_zone_rrset.dns_hooli_aaaa`');
    expect(section('hooli')).toContain('- `hcloud_server.server_api_1`');
    for (const tenant of ['acme', 'globex', 'hooli']) {
      const others = ['acme', 'globex', 'hooli'].filter((t) => t !== tenant);
      for (const other of others) expect(section(tenant)).not.toContain(other);
    }
  });

  test('is stable: no timestamp, and the same whatever order the tenants come in', () => {
    const r = example();
    const shuffled = { ...r, tenants: [...r.tenants].reverse() };
    expect(renderReview(shuffled)).toBe(md);
    expect(md).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });
});

describe('GitHub comment limit', () => {
  // Many tenants with acme's change, each under its own id: the plan is acme's
  // with every "acme" (names, labels, DNS) replaced by the tenant's id.
  const many = (n: number) => review(Array.from({ length: n }, (_, i) => {
    const tenant = `t${String(i).padStart(4, '0')}`;
    return planned(tenant, JSON.parse(JSON.stringify(fixture('acme-update-replace.json')).split('acme').join(tenant)) as PlanJson);
  }));

  test('cuts tenant details with a note, keeping every summary row, when the review is too long', () => {
    const md = renderReview(many(200));
    expect(md.length).toBeLessThanOrEqual(65000);
    expect(md).toMatch(/> Details of \d+ tenants omitted to stay under GitHub's 65,535-character comment limit/);
    expect(md).toContain('| `t0199` |');
    expect(md).toContain('| **Total** |');
    expect(md.trimEnd().endsWith('</sub>')).toBe(true);
  });

  test('cuts even the summary table, with a note, for a huge fleet', () => {
    const md = renderReview(many(3000));
    expect(md.length).toBeLessThanOrEqual(65000);
    expect(md).toMatch(/… and \d+ more tenants \(cut to stay under GitHub's comment limit\)/);
    expect(md).toContain('| **Total** |');
  });

  test('honours a smaller limit and never exceeds GitHub\'s', () => {
    expect(renderReview(many(20), { maxChars: 5000 }).length).toBeLessThanOrEqual(5000);
    expect(renderReview(many(200), { maxChars: 10 ** 6 }).length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
  });
});

describe('how the tenants were chosen', () => {
  const empty = (over: Partial<ReviewResult>): ReviewResult => ({ ...review([]), ...over });

  test('a shared code change that changes no stack says so and plans nothing', () => {
    const md = renderReview(empty({ sharedChanges: ['lib/naming.ts'], comparison: { compared: 100, unchanged: 100 } }));
    expect(md).toContain('## Plan review: 0 tenants affected — ✅ passed');
    expect(md).toContain('Base: `main`. Shared code changed: `lib/naming.ts`.');
    expect(md).toContain("Each tenant's synthesized stack was compared with the base: 100 stacks, none differs: the shared code change does not change any stack.");
    expect(md).toContain('No tenant stack is affected by this change: nothing to plan.');
  });

  test('says how many stacks differ and how many were left unplanned', () => {
    const r = review([planned('acme', fixture('acme-update-replace.json'), { kind: 'shared', reasons: ['synthesized stack changed: 1 resource differs (1 changed: hcloud_firewall.firewall)'] })]);
    const md = renderReview({ ...r, sharedChanges: ['lib/labels.ts'], comparison: { compared: 3, unchanged: 2 } });
    expect(md).toContain("compared with the base: 3 stacks, 1 differs, 2 unchanged (not planned).");
    expect(md).toContain('| `acme` | shared code changed |');
    expect(md).toContain('- why: synthesized stack changed: 1 resource differs (1 changed: hcloud_firewall.firewall)');
  });

  test('says why every tenant is planned when the comparison is not enough', () => {
    const md = renderReview(empty({ comparison: { compared: 3, unchanged: 0, planAll: 'OpenTofu/provider versions changed (scripts/tool-versions.sh): the same stack may plan differently' } }));
    expect(md).toContain('Every tenant is planned: OpenTofu/provider versions changed (scripts/tool-versions.sh): the same stack may plan differently.');
    expect(md).not.toContain('compared with the base');
  });
});

describe('an offboarding with backups', () => {
  const gone = (finalBackup: 'archived' | 'missing') =>
    planned('globex', fixture('globex-destroy.json'), { kind: 'removed', offboarding: true, reasons: ['tenant file tenants/globex.yaml removed: offboarding'], environment: 'staging', finalBackup });

  test('says the final backup was taken when offboard.yml ran (the secrets file is gone from the change)', () => {
    const r = review([gone('archived')]);
    expect(renderReview(r)).toContain("> Final backup: taken, and the repository archived on the Storage Box (offboard.yml ran: the tenant's secrets file is archived).");
    expect(r.violations).toEqual([]);
  });

  test('fails if no final backup was taken: a banner and a policy violation', () => {
    const r = review([gone('missing')]);
    expect(renderReview(r)).toContain('> **No final backup**: run `ansible/playbooks/offboard.yml` for `globex` first (its secrets file is still in this change).');
    expect(r.violations.map((v) => v.rule)).toEqual(['final-backup']);
  });
});

