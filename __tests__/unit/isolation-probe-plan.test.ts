import * as path from 'path';
import { loadFleet } from '../../app/tenant-files';
import { judge, Outcome } from '../../isolation/probe/judge';
import { addressInside, planProbes, Probe, ProbeNetwork, ProbeServer } from '../../isolation/probe/plan';

const fleet = loadFleet(path.join(__dirname, '..', '..', 'tenants')).fleet!;
const tenant = (id: string) => fleet.tenants.find((t) => t.id === id)!;

const servers: ProbeServer[] = [
  { name: 'tenant-acme-app-1', tenant: 'acme', publicIpv4: '100.64.0.2', publicIpv6: '2001:db8:1000:2::1', privateIps: [{ networkId: 1, ip: '10.12.1.10' }] },
  { name: 'tenant-acme-db-1', tenant: 'acme', publicIpv4: '100.64.0.4', publicIpv6: '2001:db8:1000:4::1', privateIps: [{ networkId: 1, ip: '10.12.1.12' }] },
  { name: 'tenant-globex-web-1', tenant: 'globex', publicIpv4: '100.64.0.8', privateIps: [{ networkId: 2, ip: '10.13.1.10' }] },
  { name: 'tenant-initech-gpu-1', tenant: 'initech', publicIpv4: '100.64.0.10', privateIps: [{ networkId: 3, ip: '10.14.1.10' }] },
];
const networks: ProbeNetwork[] = [
  { id: 1, tenant: 'acme', ipRange: '10.12.0.0/16' },
  { id: 2, tenant: 'globex', ipRange: '10.13.0.0/16' },
  { id: 3, tenant: 'initech', ipRange: '10.14.0.0/16' },
];
const plan = planProbes({ tenants: [tenant('acme'), tenant('globex'), tenant('initech')], servers, networks, outsideSource: true });
const of = (server: string, kind: Probe['kind']) => plan.probes.filter((p) => p.server === server && p.kind === kind);
const brief = (p: Probe) => `${p.from.type === 'outside' ? `${p.from.address} -> ` : ''}${p.protocol}${p.port ? `/${p.port}` : ''} ${p.address} ${p.expect}`;

describe('probe planning (pure)', () => {
  test('own network: every peer on its private address, over TCP 22 and ping; a lone server pings its gateway', () => {
    expect(of('tenant-acme-app-1', 'own-network').map(brief)).toEqual(['tcp/22 10.12.1.12 reachable', 'icmp 10.12.1.12 reachable']);
    expect(of('tenant-globex-web-1', 'own-network').map(brief)).toEqual(['icmp 10.13.0.1 reachable']);
  });

  test('cross tenant: every private address of every other tenant must be blocked', () => {
    expect(of('tenant-globex-web-1', 'cross-tenant').map((p) => [p.address, p.otherTenant, p.expect])).toEqual([
      ['10.12.1.10', 'acme', 'blocked'],
      ['10.12.1.12', 'acme', 'blocked'],
      ['10.14.1.10', 'initech', 'blocked'],
    ]);
  });

  test('egress: each allow-list entry is reachable, its address on another port and the samples outside it are blocked', () => {
    expect(of('tenant-acme-app-1', 'egress').map(brief)).toEqual([
      'tcp/443 198.51.100.254 reachable',
      'tcp/8081 198.51.100.254 blocked',
      'udp/53 185.12.64.1 reachable',
      'udp/8081 185.12.64.1 blocked',
      'udp/53 185.12.64.2 reachable',
      'udp/8081 185.12.64.2 blocked',
      'tcp/443 203.0.113.250 blocked',
      'tcp/80 198.18.0.10 blocked',
      'tcp/8081 198.51.100.250 blocked',
      'udp/53 198.18.0.53 blocked',
      'icmp 198.18.0.1 blocked',
      'tcp/443 2001:db8:beef::250 blocked',
    ]);
    // globex may send 443 anywhere (IPv4): that sample is not expected to be blocked.
    expect(of('tenant-globex-web-1', 'egress').map(brief)).toContain('tcp/443 203.0.113.200 reachable');
    expect(of('tenant-globex-web-1', 'egress').map(brief)).not.toContain('tcp/443 203.0.113.250 blocked');
  });

  test('an offline tenant must reach no sample destination at all', () => {
    const egress = of('tenant-initech-gpu-1', 'egress');
    expect(egress.length).toBeGreaterThan(0);
    expect(egress.every((p) => p.expect === 'blocked' && p.because === 'offline tenants send nowhere')).toBe(true);
  });

  test('inbound: each declared port from inside each source range, and from outside it; an undeclared port is blocked', () => {
    expect(of('tenant-acme-app-1', 'inbound').map(brief)).toEqual([
      '203.0.113.10 -> tcp/443 100.64.0.2 reachable',
      '203.0.113.11 -> tcp/443 100.64.0.2 reachable',
      '203.0.113.201 -> tcp/443 100.64.0.2 blocked',
      '198.51.100.14 -> tcp/22 100.64.0.2 reachable',
      '203.0.113.201 -> tcp/22 100.64.0.2 blocked',
      '2001:db8:100:ffff:ffff:ffff:ffff:fffe -> tcp/9100 2001:db8:1000:2::1 reachable',
      '203.0.113.201 -> tcp/9100 100.64.0.2 blocked',
      '203.0.113.10 -> tcp/8081 100.64.0.2 blocked',
    ]);
  });

  test('without an outside source no inbound probe is planned', () => {
    const p = planProbes({ tenants: [tenant('acme')], servers, networks, outsideSource: false });
    expect(p.probes.filter((x) => x.kind === 'inbound')).toEqual([]);
  });

  test('a server without a public IPv4 cannot be probed from inside, and the plan says so', () => {
    const p = planProbes({ tenants: [tenant('globex')], servers: [{ ...servers[2], publicIpv4: undefined }], networks, outsideSource: false });
    expect(p.probes).toEqual([]);
    expect(p.notes).toEqual(['globex: tenant-globex-web-1 has no public IPv4 address; the control node cannot SSH in, so nothing is probed from it']);
  });

  test('an offline tenant\'s servers without a public address are probed through its jump host; only the jump host is probed from outside', () => {
    const offline: ProbeServer[] = [
      { name: 'tenant-initech-gpu-1', tenant: 'initech', privateIps: [{ networkId: 3, ip: '10.14.1.10' }] },
      { name: 'tenant-initech-jump-1', tenant: 'initech', publicIpv4: '100.64.0.12', publicIpv6: '2001:db8:1000:c::1', privateIps: [{ networkId: 3, ip: '10.14.1.13' }] },
    ];
    const p = planProbes({ tenants: [tenant('initech')], servers: offline, networks, outsideSource: true });
    expect(p.notes).toEqual([]);
    const gpu = p.probes.filter((x) => x.server === 'tenant-initech-gpu-1');
    expect(new Set(gpu.map((x) => JSON.stringify(x.from)))).toEqual(new Set([JSON.stringify({ type: 'server', server: 'tenant-initech-gpu-1', sshHost: '10.14.1.10', via: '100.64.0.12' })]));
    expect(gpu.filter((x) => x.kind === 'egress').map(brief)).toEqual([
      'tcp/443 203.0.113.250 blocked',
      'tcp/80 198.18.0.10 blocked',
      'tcp/8081 198.51.100.250 blocked',
      'udp/53 198.18.0.53 blocked',
      'icmp 198.18.0.1 blocked',
    ]);
    expect(gpu.filter((x) => x.kind === 'own-network').map(brief)).toEqual(['tcp/22 10.14.1.13 reachable', 'icmp 10.14.1.13 reachable']);
    expect(gpu.filter((x) => x.kind === 'inbound')).toEqual([]);
    const inbound = p.probes.filter((x) => x.server === 'tenant-initech-jump-1' && x.kind === 'inbound').map(brief);
    expect(inbound).toContain('198.51.100.14 -> tcp/22 100.64.0.12 reachable');
    expect(inbound).toContain('203.0.113.201 -> tcp/22 100.64.0.12 blocked');
  });

  test('an offline server without a public address and no jump host to reach it is noted, not probed', () => {
    const p = planProbes({ tenants: [tenant('initech')], servers: [{ name: 'tenant-initech-gpu-1', tenant: 'initech', privateIps: [{ networkId: 3, ip: '10.14.1.10' }] }], networks, outsideSource: false });
    expect(p.probes).toEqual([]);
    expect(p.notes).toEqual(['initech: tenant-initech-gpu-1 has no public IPv4 address and no jump host with one reaches it; the control node cannot SSH in, so nothing is probed from it']);
  });

  test('addresses inside a range are public ones, never the network address', () => {
    expect(['198.51.100.0/28', '203.0.113.10/32', '0.0.0.0/0', '::/0', '10.0.0.0/8'].map(addressInside)).toEqual(['198.51.100.14', '203.0.113.10', '203.0.113.200', '2001:db8:beef::200', undefined]);
  });
});

describe('judging probe outcomes (pure)', () => {
  const probes = of('tenant-globex-web-1', 'cross-tenant').concat(of('tenant-globex-web-1', 'egress'));
  const all = (o: Outcome) => new Map(probes.map((p) => [p.id, o]));

  test('blocked where isolation requires it and reachable where allowed: no finding', () => {
    const outcomes = new Map(probes.map((p) => [p.id, (p.expect === 'reachable' ? 'open' : 'timeout') as Outcome]));
    expect(judge(probes, outcomes).findings).toEqual([]);
  });

  test('fails if a packet reaches another tenant: the finding names tenant, server, other tenant, port and destination', () => {
    const outcomes = all('timeout');
    const cross = probes.find((p) => p.kind === 'cross-tenant' && p.address === '10.14.1.10')!;
    outcomes.set(cross.id, 'refused');
    const j = judge(probes, outcomes);
    expect(j.findings).toContainEqual({
      tenant: 'globex',
      otherTenant: 'initech',
      rule: 'probe-cross-tenant',
      resource: 'server tenant-globex-web-1',
      message: 'tenant-globex-web-1 reaches tenant initech: 10.14.1.10 (tenant-initech-gpu-1) tcp/22',
      severity: 'error',
      explanation: expect.stringContaining('the networks are not separate'),
    });
  });

  test('a probe that could not run is not checked, never passed', () => {
    const j = judge(probes, all({ error: 'ssh: connect to host 100.64.0.8 port 22: Connection timed out' }));
    expect([j.findings.length, j.unchecked.length, j.counts.globex]).toEqual([0, probes.length, { run: 0, passed: 0 }]);
  });
});
