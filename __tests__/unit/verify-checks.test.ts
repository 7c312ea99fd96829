/**
 * The live isolation rules (isolation/live/) as pure functions, run by the
 * verifier: a compliant snapshot built from the tenants' own rules gives no
 * finding, and every rule has a failing fixture.
 */
import * as fs from 'fs';
import * as path from 'path';
import { firewallRules } from '../../lib/firewall-rules';
import type { FirewallRule } from '../../lib/tenant/model';
import { exitCodeOf, formatJson, formatTable, mergeResults, verifySnapshot } from '../../verify';
import { destinationsBeyond, portRange } from '../../isolation/live/egress-allow-list';
import { LIVE_RULES, type LiveFirewall, type LiveNetwork, type LiveResource, type LiveRule, type LiveServer, type Snapshot, type TenantForVerify } from '../../isolation/live';
import { missingTenantLabelRule } from '../../isolation/live/rules/missing-tenant-label';
import { firewallFromApi, networkFromApi, serverFromApi } from '../../verify/from-api';

const MANAGED = 'hetzner-tenants';
const out = (protocol: FirewallRule['protocol'], port: string | undefined, cidrs: string[]): FirewallRule => ({ direction: 'out', protocol, ...(port ? { port } : {}), cidrs });

const acme: TenantForVerify = {
  id: 'acme',
  networkCidr: '10.12.0.0/16',
  mode: 'online',
  ingress: [{ direction: 'in', protocol: 'tcp', port: '22', cidrs: ['198.51.100.0/28'] }],
  egress: [out('tcp', '443', ['198.51.100.0/24']), out('udp', '53', ['185.12.64.1/32', '185.12.64.2/32'])],
};
const globex: TenantForVerify = { id: 'globex', networkCidr: '10.13.0.0/16', mode: 'online', ingress: [], egress: [out('tcp', '443', ['0.0.0.0/0'])] };
const initech: TenantForVerify = { id: 'initech', networkCidr: '10.14.0.0/16', mode: 'offline', ingress: [], egress: [], jumpHost: 'tenant-initech-jump-1' };
const TENANTS = [acme, globex, initech];

const labels = (tenant: string, extra: Record<string, string> = {}) => ({ tenant_id: tenant, managed_by: MANAGED, ...extra });
const live = (rules: FirewallRule[]): LiveRule[] => rules.map((r) => ({ direction: r.direction, protocol: r.protocol, port: r.port ?? null, cidrs: r.cidrs }));

/**
 * A deployment exactly as the stacks build it: acme (2 servers), globex (1),
 * and the offline initech (its jump host, the one server its firewall covers:
 * selected by tenant_id=initech,role=jump).
 */
function good(): { servers: LiveServer[]; networks: LiveNetwork[]; firewalls: LiveFirewall[]; others: LiveResource[] } {
  const servers: LiveServer[] = [];
  const networks: LiveNetwork[] = [];
  const firewalls: LiveFirewall[] = [];
  const others: LiveResource[] = [];
  TENANTS.forEach((t, i) => {
    const netId = 200 + i;
    const fwId = 300 + i;
    const ids = t.id === 'acme' ? [101, 102] : [110 + i];
    const jump = t.mode === 'offline';
    ids.forEach((id, n) => servers.push({ kind: 'server', id, name: jump ? t.jumpHost! : `tenant-${t.id}-app-${n + 1}`, labels: labels(t.id, { role: jump ? 'jump' : 'worker' }), networks: [netId], firewalls: [fwId] }));
    networks.push({ kind: 'network', id: netId, name: `tenant-${t.id}-net`, labels: labels(t.id), ipRange: t.networkCidr, servers: ids });
    firewalls.push({
      kind: 'firewall',
      id: fwId,
      name: `tenant-${t.id}-fw`,
      labels: labels(t.id),
      rules: live(firewallRules(t)),
      appliedTo: [{ type: 'label_selector', selector: jump ? `tenant_id=${t.id},role=jump` : `tenant_id=${t.id}`, serverIds: ids }],
    });
    others.push({ kind: 'volume', id: 400 + i, name: `tenant-${t.id}-data`, labels: labels(t.id) });
    others.push({ kind: 'rrset', id: `tenants.example.com/${t.id}/A`, name: `${t.id}/A in tenants.example.com`, labels: labels(t.id) });
  });
  return { servers, networks, firewalls, others };
}

function run(snapshot: Snapshot, scope?: string[]) {
  return verifySnapshot({ snapshot, tenants: TENANTS, managedBy: MANAGED }, scope);
}
const rules = (snapshot: Snapshot) => run(snapshot).findings.map((f) => `${f.tenant} ${f.rule}`);

test('a deployment built from the tenant files has no finding', () => {
  const r = run(good());
  expect(r.findings).toEqual([]);
  expect(r.ok).toBe(true);
  expect(r.tenants).toEqual([
    { id: 'acme', servers: 2, networks: 1, firewalls: 1, others: 2, violations: 0 },
    { id: 'globex', servers: 1, networks: 1, firewalls: 1, others: 2, violations: 0 },
    { id: 'initech', servers: 1, networks: 1, firewalls: 1, others: 2, violations: 0 },
  ]);
});

test('fails if a platform resource has no tenant_id label', () => {
  const s = good();
  s.others.push({ kind: 'volume', id: 499, name: 'stray-data', labels: { managed_by: MANAGED } });
  s.others.push({ kind: 'volume', id: 498, name: 'someone-elses', labels: { owner: 'someone-else' } }); // not the platform's: not reported
  const r = run(s);
  expect(r.findings).toEqual([
    {
      tenant: '-', rule: 'missing-tenant-label', severity: 'error', resource: 'volume stray-data (#499)',
      message: 'volume stray-data (#499) is labelled managed_by=hetzner-tenants but has no tenant_id label',
      explanation: missingTenantLabelRule.explanation,
    },
  ]);
});

test('fails if a resource carries no labels at all: an orphan of no tenant', () => {
  const s = good();
  s.others.push({ kind: 'volume', id: 498, name: 'hand-made', labels: {} });
  s.networks.push({ kind: 'network', id: 299, name: 'scratch', labels: {}, ipRange: '10.99.0.0/16', servers: [] });
  const r = run(s);
  expect(r.findings.map((f) => `${f.tenant} ${f.rule} ${f.message}`)).toEqual([
    '- orphan network scratch (#299) has no labels at all, so no tenant and no stack owns it',
    '- orphan volume hand-made (#498) has no labels at all, so no tenant and no stack owns it',
  ]);
  expect(r.ok).toBe(false);
});

test('fails if a server of another tenant is attached to a tenant network', () => {
  const s = good();
  const globexServer = s.servers.find((x) => x.labels.tenant_id === 'globex')!;
  s.servers[s.servers.indexOf(globexServer)] = { ...globexServer, networks: [...globexServer.networks, 200] };
  s.networks[0] = { ...s.networks[0], servers: [...s.networks[0].servers, globexServer.id as number] };
  const f = run(s).findings;
  expect(f).toEqual([
    expect.objectContaining({ tenant: 'acme', otherTenant: 'globex', rule: 'foreign-network', message: expect.stringContaining('tenant-globex-app-1 (#111) (tenant globex) is attached to network tenant-acme-net (#200) of tenant acme') }),
  ]);
});

test('fails if an unlabelled server sits in a tenant network', () => {
  const s = good();
  s.servers.push({ kind: 'server', id: 999, name: 'intruder', labels: {}, networks: [200], firewalls: [] });
  s.networks[0] = { ...s.networks[0], servers: [...s.networks[0].servers, 999] };
  // With no labels at all it is also an orphan of no tenant.
  expect(rules(s)).toEqual(['- orphan', 'acme foreign-network']);
  expect(run(s).findings.find((f) => f.rule === 'foreign-network')!.message).toContain('intruder (#999) (no tenant_id)');
});

test('fails if a tenant server is attached to a network that belongs to no tenant', () => {
  const s = good();
  s.networks.push({ kind: 'network', id: 250, name: 'shared', labels: { owner: 'ops' }, ipRange: '10.99.0.0/16', servers: [101] });
  s.servers[0] = { ...s.servers[0], networks: [200, 250] };
  expect(rules(s)).toEqual(['acme foreign-network']);
});

test('fails if the tenant firewall does not exist (and then egress is open)', () => {
  const s = good();
  s.firewalls.splice(0, 1);
  s.servers = s.servers.map((x) => (x.labels.tenant_id === 'acme' ? { ...x, firewalls: [] } : x));
  expect(rules(s)).toEqual(['acme egress-open', 'acme egress-open', 'acme firewall-missing']);
});

test('fails if the tenant firewall is not applied by the tenant_id selector', () => {
  const s = good();
  s.firewalls[0] = { ...s.firewalls[0], appliedTo: [{ type: 'server', serverId: 101 }, { type: 'server', serverId: 102 }] };
  const f = run(s).findings;
  expect(f.map((x) => x.rule)).toEqual(['firewall-selector']);
  expect(f[0].message).toBe('firewall tenant-acme-fw (#300) is applied to server #101, server #102, not by the label selector "tenant_id=acme"');
});

test('fails if the tenant firewall is labelled as another tenant\'s', () => {
  const s = good();
  s.firewalls[0] = { ...s.firewalls[0], labels: labels('globex') };
  const f = run(s).findings.filter((x) => x.tenant === 'acme');
  expect(f.map((x) => `${x.rule} ${x.message}`)).toContain('firewall-selector firewall tenant-acme-fw (#300) is labelled tenant_id=globex, expected acme');
});

test('fails if a tenant server is not covered by its tenant firewall', () => {
  const s = good();
  s.servers[1] = { ...s.servers[1], firewalls: [] };
  expect(rules(s)).toEqual(['acme egress-open', 'acme firewall-not-covering']);
});

test('fails if a tenant server is covered by another tenant\'s firewall', () => {
  const s = good();
  s.servers[0] = { ...s.servers[0], firewalls: [300, 301] };
  const f = run(s).findings;
  expect(f.filter((x) => x.rule === 'foreign-firewall')).toEqual([
    expect.objectContaining({ tenant: 'acme', otherTenant: 'globex', message: 'server tenant-acme-app-1 (#101) is covered by firewall tenant-globex-fw (#301) of tenant globex' }),
  ]);
  // Its rules now apply to acme's server too: egress into globex's network and 443 to the world.
  expect(f.filter((x) => x.rule === 'egress-beyond-allow-list').map((x) => x.message.replace(/^.* allows /, ''))).toEqual([
    "tcp/any out to 10.13.0.0/16, beyond tenant acme's allow-list",
    "udp/any out to 10.13.0.0/16, beyond tenant acme's allow-list",
    "icmp out to 10.13.0.0/16, beyond tenant acme's allow-list",
    "tcp/443 out to 0.0.0.0/0, beyond tenant acme's allow-list",
  ]);
});

test('fails if a firewall rule allows egress beyond the allow-list; rules inside it pass', () => {
  const s = good();
  const extra: LiveRule[] = [
    { direction: 'out', protocol: 'tcp', port: '443', cidrs: ['198.51.100.128/25'] }, // inside the allow-list
    { direction: 'out', protocol: 'tcp', port: '443', cidrs: ['198.51.100.0/24', '0.0.0.0/0'] }, // one destination beyond
    { direction: 'out', protocol: 'tcp', port: 'any', cidrs: ['198.51.100.0/24'] }, // port beyond
    { direction: 'out', protocol: 'udp', port: '443', cidrs: ['198.51.100.0/24'] }, // protocol beyond
  ];
  s.firewalls[0] = { ...s.firewalls[0], rules: [...s.firewalls[0].rules, ...extra] };
  const n = s.firewalls[0].rules.length;
  const f = run(s).findings;
  expect(f.map((x) => x.message)).toEqual([
    `firewall tenant-acme-fw (#300) rule ${n - 2} allows tcp/443 out to 0.0.0.0/0, beyond tenant acme's allow-list`,
    `firewall tenant-acme-fw (#300) rule ${n - 1} allows tcp/any out to 198.51.100.0/24, beyond tenant acme's allow-list`,
    `firewall tenant-acme-fw (#300) rule ${n} allows udp/443 out to 198.51.100.0/24, beyond tenant acme's allow-list`,
  ]);
});

test('fails if an offline tenant may send beyond its own network', () => {
  const s = good();
  const i = s.firewalls.findIndex((x) => x.name === 'tenant-initech-fw');
  s.firewalls[i] = { ...s.firewalls[i], rules: [...s.firewalls[i].rules, { direction: 'out', protocol: 'tcp', port: '443', cidrs: ['0.0.0.0/0'] }] };
  expect(rules(s)).toEqual(['initech egress-beyond-allow-list']);
});

test('with backups on, SFTP to the platform Storage Box is within every tenant\'s allow-list (offline too), and only there', () => {
  const box = { storageBoxId: 1, homeDirectory: 'tenants/x', cidrs: ['203.0.113.50/32'] };
  const tenants = TENANTS.map((t) => ({ ...t, backup: { ...box, homeDirectory: `tenants/${t.id}` } }));
  const s = good();
  s.firewalls = s.firewalls.map((fw, i) => ({ ...fw, rules: live(firewallRules(tenants[i])) }));
  expect(verifySnapshot({ snapshot: s, tenants, managedBy: MANAGED }).findings).toEqual([]);
  const i = s.firewalls.findIndex((x) => x.name === 'tenant-initech-fw');
  s.firewalls[i] = { ...s.firewalls[i], rules: [...s.firewalls[i].rules, { direction: 'out', protocol: 'tcp', port: '23', cidrs: ['203.0.113.51/32'] }] };
  expect(verifySnapshot({ snapshot: s, tenants, managedBy: MANAGED }).findings.map((f) => `${f.tenant} ${f.rule}`)).toEqual(['initech egress-beyond-allow-list']);
  // Without backups on, the same port-23 rule is beyond the list.
  expect(rules({ ...good(), firewalls: good().firewalls.map((fw) => ({ ...fw, rules: [...fw.rules, { direction: 'out' as const, protocol: 'tcp' as const, port: '23', cidrs: ['203.0.113.50/32'] }] })) })).toEqual([
    'acme egress-beyond-allow-list',
    'globex egress-beyond-allow-list',
    'initech egress-beyond-allow-list',
  ]);
});

test('fails if no firewall of a server has an outbound rule (Hetzner then allows all egress)', () => {
  const s = good();
  s.firewalls[1] = { ...s.firewalls[1], rules: s.firewalls[1].rules.filter((r) => r.direction === 'in') };
  const f = run(s).findings;
  expect(f).toEqual([expect.objectContaining({ tenant: 'globex', rule: 'egress-open', message: 'server tenant-globex-app-1 (#111) may send anywhere: its firewalls (tenant-globex-fw) have no outbound rule' })]);
});

describe('an offline tenant (initech): only its jump host has a public interface', () => {
  /** good() plus a gpu server without a public interface, in initech's network and under no firewall (Hetzner applies none to it). */
  const withGpu = (publicInterface = false) => {
    const s = good();
    s.servers.push({ kind: 'server', id: 120, name: 'tenant-initech-gpu-1', labels: labels('initech', { role: 'inference' }), networks: [202], firewalls: [], publicInterface });
    s.networks[2] = { ...s.networks[2], servers: [...s.networks[2].servers, 120] };
    return s;
  };

  test('a server without a public interface needs no firewall: no finding', () => {
    expect(run(withGpu()).findings).toEqual([]);
  });

  test('fails if a server of an offline tenant other than its jump host has a public address (and is then uncovered and open)', () => {
    const f = run(withGpu(true)).findings;
    expect(f.map((x) => `${x.tenant} ${x.rule}: ${x.message}`)).toEqual([
      'initech egress-open: server tenant-initech-gpu-1 (#120) may send anywhere: it has no firewall and so no outbound rule',
      'initech firewall-not-covering: server tenant-initech-gpu-1 (#120) is not covered by firewall tenant-initech-fw (#302)',
      'initech offline-public-server: server tenant-initech-gpu-1 (#120) has a public address; in offline tenant initech only the jump host tenant-initech-jump-1 may have one',
    ]);
  });

  test('fails if the offline tenant\'s firewall is applied by tenant_id=<id> alone', () => {
    const s = good();
    s.firewalls[2] = { ...s.firewalls[2], appliedTo: [{ type: 'label_selector', selector: 'tenant_id=initech', serverIds: [112] }] };
    expect(run(s).findings.map((x) => x.message)).toEqual(['firewall tenant-initech-fw (#302) is applied to selector "tenant_id=initech", not by the label selector "tenant_id=initech,role=jump"']);
  });

  test('reads whether a server has a public interface from the API', () => {
    expect(serverFromApi({ id: 1, name: 'a', public_net: { ipv4: null, ipv6: null, firewalls: [] }, private_net: [] }).publicInterface).toBe(false);
    // Anything else counts as public (the rules then hold it to the firewall): the default of the field.
    expect(serverFromApi({ id: 1, name: 'a', public_net: { ipv4: { ip: '100.64.0.2' }, ipv6: null, firewalls: [] }, private_net: [] }).publicInterface).toBeUndefined();
    expect(serverFromApi({ id: 1, name: 'a', public_net: { ipv4: null, ipv6: { ip: '2001:db8::/64' }, firewalls: [] }, private_net: [] }).publicInterface).toBeUndefined();
    expect(serverFromApi({ id: 1, name: 'a', private_net: [] }).publicInterface).toBeUndefined();
  });
});

test('fails if platform resources belong to a tenant that has no tenant file (orphans)', () => {
  const s = good();
  s.servers.push({ kind: 'server', id: 500, name: 'tenant-oldco-app-1', labels: labels('oldco'), networks: [], firewalls: [] });
  s.others.push({ kind: 'volume', id: 501, name: 'tenant-oldco-data', labels: labels('oldco') });
  expect(rules(s)).toEqual(['oldco orphan', 'oldco orphan']);
});

test('a scope keeps findings about the named tenants only, including cross-tenant ones', () => {
  const s = good();
  s.servers[0] = { ...s.servers[0], firewalls: [300, 301] }; // acme server under globex's firewall
  s.others.push({ kind: 'volume', id: 499, name: 'stray', labels: { managed_by: MANAGED } });
  s.others.push({ kind: 'volume', id: 501, name: 'tenant-oldco-data', labels: labels('oldco') });
  expect(run(s).findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['missing-tenant-label', 'orphan', 'foreign-firewall']));
  const scoped = run(s, ['globex']);
  // Only the finding that names globex as the other tenant; no fleet-level ones.
  expect(scoped.findings.map((f) => `${f.tenant} ${f.rule}`)).toEqual(['acme foreign-firewall']);
  expect(scoped.tenants.map((t) => t.id)).toEqual(['globex']);
  expect(run(s, ['initech']).findings).toEqual([]);
});

test('every rule is a pure function: the same input gives the same result', () => {
  const s = good();
  s.servers[1] = { ...s.servers[1], firewalls: [] };
  for (const rule of LIVE_RULES) expect(rule.check({ snapshot: s, tenants: TENANTS, managedBy: MANAGED })).toEqual(rule.check({ snapshot: s, tenants: TENANTS, managedBy: MANAGED }));
});

test('every live rule is one file named after its id, with its phase, severity, info and explanation', () => {
  const files = fs.readdirSync(path.join(__dirname, '../../isolation/live/rules')).map((f) => f.replace(/\.ts$/, '')).sort();
  expect(LIVE_RULES.map((r) => r.id).sort()).toEqual(files);
  for (const r of LIVE_RULES) {
    expect(r.phase).toBe('live');
    expect(['error', 'warning']).toContain(r.severity);
    expect(r.info.length).toBeGreaterThan(10);
    expect(r.explanation.length).toBeGreaterThan(20);
  }
});

test('rules about servers do not apply to a project without servers', () => {
  const empty = { snapshot: { servers: [], networks: [], firewalls: [], others: [] }, tenants: TENANTS, managedBy: MANAGED };
  const na = LIVE_RULES.filter((r) => r.check(empty) === 'not-applicable').map((r) => r.id).sort();
  expect(na).toEqual(['egress-beyond-allow-list', 'egress-open', 'firewall-missing', 'firewall-not-covering', 'foreign-firewall', 'foreign-network', 'offline-public-server']);
});

describe('egress helpers', () => {
  test('port ranges', () => {
    expect(portRange('443')).toEqual([443, 443]);
    expect(portRange('80-85')).toEqual([80, 85]);
    expect(portRange('any')).toEqual([1, 65535]);
    expect(portRange(null)).toBe('none');
  });

  test('IPv6 destinations are compared by containment too', () => {
    const allowed = [out('tcp', '443', ['2001:db8::/32'])];
    expect(destinationsBeyond({ direction: 'out', protocol: 'tcp', port: '443', cidrs: ['2001:db8:1::/48', '::/0'] }, allowed)).toEqual(['::/0']);
    expect(destinationsBeyond({ direction: 'out', protocol: 'icmp', port: null, cidrs: ['10.0.0.0/8'] }, [out('icmp', undefined, ['10.0.0.0/8'])])).toEqual([]);
  });
});

describe('mapping from the Cloud API', () => {
  test('reads firewall coverage from the server and the selector\'s resolved servers from the firewall', () => {
    expect(serverFromApi({ id: 1, name: 's', labels: { a: 'b' }, private_net: [{ network: 7 }], public_net: { firewalls: [{ id: 9, status: 'applied' }] } })).toEqual({
      kind: 'server', id: 1, name: 's', labels: { a: 'b' }, networks: [7], firewalls: [9],
    });
    expect(networkFromApi({ id: 7, name: 'n', labels: {}, ip_range: '10.0.0.0/16', servers: [1] }).servers).toEqual([1]);
    const fw = firewallFromApi({
      id: 9, name: 'f', labels: {},
      rules: [{ direction: 'out', protocol: 'tcp', port: '443', source_ips: [], destination_ips: ['0.0.0.0/0'], description: null }],
      applied_to: [{ type: 'label_selector', label_selector: { selector: 'tenant_id=a' }, applied_to_resources: [{ type: 'server', server: { id: 1 } }] }],
    });
    expect(fw.rules).toEqual([{ direction: 'out', protocol: 'tcp', port: '443', cidrs: ['0.0.0.0/0'] }]);
    expect(fw.appliedTo).toEqual([{ type: 'label_selector', selector: 'tenant_id=a', serverIds: [1] }]);
  });
});

describe('report', () => {
  test('the table names tenant, rule and problem, explains each rule once, and ends with the verdict', () => {
    const s = good();
    s.servers[1] = { ...s.servers[1], firewalls: [] };
    const text = formatTable(run(s), 'http://127.0.0.1:1/v1');
    expect(text).toContain('acme    firewall-not-covering  server tenant-acme-app-2 (#102) is not covered by firewall tenant-acme-fw (#300)');
    expect(text).toMatch(/^firewall-not-covering: A server outside its tenant firewall/m);
    expect(text).toMatch(/^acme\s+2\s+1\s+1\s+2\s+2 violations$/m);
    expect(text.trimEnd().endsWith('FAIL: 2 isolation violations.')).toBe(true);
    expect(formatTable(run(good()), 'x')).toContain('PASS: no isolation violation.');
  });

  test('a tenant that was not verified is never reported clean: its row says why, the verdict says so, exit 2', () => {
    const r = mergeResults([run(good(), ['acme', 'globex'])], [{ id: 'initech', reason: '$INITECH_HCLOUD_TOKEN is not set, so its own project was not read' }], ['acme', 'globex', 'initech']);
    expect(r.ok).toBe(false);
    expect(exitCodeOf(r)).toBe(2);
    const text = formatTable(r, 'x');
    expect(text).toMatch(/^initech\s+-\s+-\s+-\s+-\s+not verified: \$INITECH_HCLOUD_TOKEN is not set/m);
    expect(text).not.toContain('PASS');
    expect(text.trimEnd().endsWith('NOT VERIFIED: 1 tenant (initech) could not be checked.')).toBe(true);
    expect(exitCodeOf(run(good()))).toBe(0);
    const broken = good();
    broken.servers[1] = { ...broken.servers[1], firewalls: [] };
    expect(exitCodeOf(run(broken))).toBe(1);
  });

  test('results of several projects merge into one, tenants in fleet order', () => {
    const r = mergeResults([run(good(), ['initech']), run(good(), ['acme'])], [], ['acme', 'globex', 'initech']);
    expect(r.tenants.map((t) => t.id)).toEqual(['acme', 'initech']);
    expect(r.ok).toBe(true);
  });

  test('a warning is listed, but is no violation', () => {
    const s = good();
    s.others.push({ kind: 'volume', id: 499, name: 'stray', labels: { managed_by: MANAGED } });
    const warnOnly = { ...missingTenantLabelRule, severity: 'warning' as const };
    const rules = LIVE_RULES.map((r) => (r.id === warnOnly.id ? warnOnly : r));
    const r = verifySnapshot({ snapshot: s, tenants: TENANTS, managedBy: MANAGED }, undefined, rules);
    expect(r.findings.map((f) => `${f.rule} ${f.severity}`)).toEqual(['missing-tenant-label warning']);
    expect(r.ok).toBe(true);
    expect(exitCodeOf(r)).toBe(0);
    expect(formatTable(r, 'x')).toContain('missing-tenant-label (warning)');
  });

  test('the JSON is the result as data', () => {
    const doc = JSON.parse(formatJson(run(good()), 'http://x/v1'));
    expect(doc).toMatchObject({ endpoint: 'http://x/v1', ok: true, findings: [] });
    expect(doc.tenants).toHaveLength(3);
  });
});
