import { exampleFleet, synthTenant, tenant } from '../../test-support/fleet';
import { firewallSelector, tenantSelector } from '../../lib/labels';
import { stackResources } from '../../isolation/synth/stack';
import { LABELLED_TYPES } from '../../isolation/synth/rules/tenant-label';

const fleet = exampleFleet();

type Rule = Record<string, unknown>;
const inNet = (cidr: string): Rule[] => [
  { direction: 'in', protocol: 'tcp', port: 'any', source_ips: [cidr], description: 'tenant network' },
  { direction: 'in', protocol: 'udp', port: 'any', source_ips: [cidr], description: 'tenant network' },
  { direction: 'in', protocol: 'icmp', source_ips: [cidr], description: 'tenant network' },
];
const outNet = (cidr: string): Rule[] => [
  { direction: 'out', protocol: 'tcp', port: 'any', destination_ips: [cidr], description: 'tenant network' },
  { direction: 'out', protocol: 'udp', port: 'any', destination_ips: [cidr], description: 'tenant network' },
  { direction: 'out', protocol: 'icmp', destination_ips: [cidr], description: 'tenant network' },
];

/**
 * Every firewall rule of the example tenants, written out by hand from
 * tenants/*.yaml and tenants/_platform.yaml (sources gateway, management,
 * monitoring), in the order Hetzner gets them: own network in, the file's
 * ingress, own network out, the file's egress (none for the offline initech).
 */
const EXPECTED_RULES: Record<string, Rule[]> = {
  acme: [
    ...inNet('10.12.0.0/16'),
    { direction: 'in', protocol: 'tcp', port: '443', source_ips: ['203.0.113.10/32', '203.0.113.11/32'] },
    { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.0/28'] },
    { direction: 'in', protocol: 'tcp', port: '9100', source_ips: ['2001:db8:100::/48'], description: 'node exporter' },
    ...outNet('10.12.0.0/16'),
    { direction: 'out', protocol: 'tcp', port: '443', destination_ips: ['198.51.100.0/24'], description: 'model API' },
    { direction: 'out', protocol: 'udp', port: '53', destination_ips: ['185.12.64.1/32', '185.12.64.2/32'], description: 'Hetzner DNS' },
  ],
  globex: [
    ...inNet('10.13.0.0/16'),
    { direction: 'in', protocol: 'tcp', port: '443', source_ips: ['0.0.0.0/0', '::/0'], description: 'public HTTPS' },
    { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.0/28'] },
    ...outNet('10.13.0.0/16'),
    { direction: 'out', protocol: 'tcp', port: '443', destination_ips: ['0.0.0.0/0'], description: 'package mirrors and APIs' },
  ],
  // Offline: SSH rules only (the firewall covers the jump host alone).
  initech: [
    ...inNet('10.14.0.0/16'),
    { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.0/28'] },
    ...outNet('10.14.0.0/16'),
  ],
};

it('has a hand-written firewall expectation for every example tenant', () => {
  expect(fleet.tenants.map((t) => t.id).sort()).toEqual(Object.keys(EXPECTED_RULES).sort());
});

describe.each(fleet.tenants.map((t) => [t.id]))('TenantStack %s', (id) => {
  const t = tenant(fleet, id);
  const { json, synthesized } = synthTenant(fleet, t);
  const resources = stackResources(json);
  const of = (type: string) => resources.filter((r) => r.type === type);

  it('matches the snapshot', () => {
    expect(synthesized).toMatchSnapshot();
  });

  it(`creates network 10.${t.seq}.0.0/16 and a cloud subnet 10.${t.seq}.1.0/24 in the location's zone`, () => {
    expect(of('hcloud_network').map((r) => r.config.ip_range)).toEqual([`10.${t.seq}.0.0/16`]);
    const [subnet] = of('hcloud_network_subnet');
    expect(subnet.config).toMatchObject({ type: 'cloud', ip_range: `10.${t.seq}.1.0/24`, network_zone: t.networkZone });
    expect(subnet.config.network_id).toBe('${hcloud_network.network.id}');
  });

  it('labels every labelled resource with tenant_id, environment and managed_by; servers also with role', () => {
    const labelled = resources.filter((r) => LABELLED_TYPES.has(r.type));
    expect(labelled.length).toBeGreaterThan(3);
    for (const r of labelled) {
      expect(r.config.labels).toMatchObject({ tenant_id: t.id, environment: t.environment, managed_by: 'hetzner-tenants' });
    }
    for (const s of of('hcloud_server')) {
      const spec = t.servers.find((x) => x.name === s.config.name)!;
      expect((s.config.labels as Record<string, string>).role).toBe(spec.role);
    }
  });

  it('names servers tenant-<id>-<group>-<n> with deterministic private IPs on the own network', () => {
    const servers = of('hcloud_server');
    expect(servers.map((s) => s.config.name)).toEqual(t.servers.map((s) => s.name));
    for (const s of servers) {
      const spec = t.servers.find((x) => x.name === s.config.name)!;
      expect(s.config.network).toEqual([{ network_id: '${hcloud_network.network.id}', ip: spec.privateIp }]);
      expect(spec.privateIp.startsWith(`10.${t.seq}.1.`)).toBe(true);
      expect(s.config.location).toBe(t.location);
      const production = t.environment === 'production';
      const protection = production && !t.allowDestroy;
      expect(s.config).toMatchObject({ backups: production, delete_protection: protection, rebuild_protection: protection });
      // Created after the firewall, so a server is never up uncovered, and a refused destroy keeps the firewall.
      expect(s.config.depends_on).toEqual(['hcloud_network_subnet.subnet', 'hcloud_firewall.firewall']);
      // SSH keys are injected at creation only: a later change must not replace the server (nor an adopted one).
      expect(s.config.ssh_keys).toEqual(['platform-admin']);
      expect(s.config.lifecycle).toEqual({ ignore_changes: ['ssh_keys'] });
    }
  });

  it('has one firewall tenant-<id>-fw with every rule, applied by the tenant label selector (offline: to the jump host only)', () => {
    const [fw, ...more] = of('hcloud_firewall');
    expect(more).toHaveLength(0);
    expect(fw.config.name).toBe(`tenant-${t.id}-fw`);
    if (t.mode === 'online') {
      expect(fw.config.apply_to).toEqual([{ label_selector: tenantSelector(t.id) }]);
      expect(fw.config.apply_to).toEqual([{ label_selector: `tenant_id=${t.id}` }]);
    } else {
      // Hetzner refuses a firewall on a server without a public interface: only the jump host has one.
      expect(fw.config.apply_to).toEqual([{ label_selector: firewallSelector(t.id, 'offline') }]);
      expect(fw.config.apply_to).toEqual([{ label_selector: `tenant_id=${t.id},role=jump` }]);
    }
    const rules = fw.config.rule as Rule[];
    // Exactly these rules, in this order, with nothing else in them (ports and descriptions included).
    expect(rules).toEqual(EXPECTED_RULES[t.id]);
    // Egress is closed: there is an outbound rule, and it includes the own network.
    const out = rules.filter((r) => r.direction === 'out');
    expect(out.length).toBeGreaterThan(0);
    expect(out.some((r) => (r.destination_ips as string[]).includes(t.networkCidr))).toBe(true);
    if (t.mode === 'offline') {
      for (const r of out) expect(r.destination_ips).toEqual([t.networkCidr]);
    }
    // Inbound from the own network on every port.
    expect(rules).toContainEqual(expect.objectContaining({ direction: 'in', protocol: 'tcp', port: 'any', source_ips: [t.networkCidr] }));
  });

  it('names each rrset <record>.tenants inside the registered zone example.com (Hetzner DNS has no subzones)', () => {
    const expected: Record<string, string[]> = { acme: ['acme.tenants', 'db.acme.tenants'], globex: ['globex.tenants'], initech: [] };
    const rrsets = of('hcloud_zone_rrset');
    expect([...new Set(rrsets.map((r) => r.config.name))].sort()).toEqual(expected[t.id]);
    for (const rr of rrsets) {
      expect(rr.config.zone).toBe('example.com');
      expect(rr.config.name).not.toMatch(/example\.com$/);
    }
    expect(t.dnsRecords.map((r) => r.fqdn).sort()).toEqual(expected[t.id].map((n) => `${n}.example.com`));
  });

  it('creates DNS A and AAAA rrsets pointing at the target servers', () => {
    const rrsets = of('hcloud_zone_rrset');
    expect(rrsets).toHaveLength(t.dnsRecords.length * 2);
    for (const rec of t.dnsRecords) {
      const server = of('hcloud_server').find((s) => s.config.name === rec.server)!;
      for (const [type, attr] of [['A', 'ipv4_address'], ['AAAA', 'ipv6_address']]) {
        const rr = rrsets.find((r) => r.config.name === rec.name && r.config.type === type)!;
        expect(rr.config).toMatchObject({ zone: fleet.platform.dns.zone, ttl: rec.ttl });
        expect(rr.config.records).toEqual([{ value: `\${hcloud_server.${server.name}.${attr}}`, comment: expect.any(String) }]);
      }
    }
  });

  it('gives every server of an online tenant a public interface, and of an offline one only the jump host', () => {
    for (const s of of('hcloud_server')) {
      const spec = t.servers.find((x) => x.name === s.config.name)!;
      const on = t.mode === 'online' || spec.name === t.jumpHost;
      expect({ name: spec.name, public_net: s.config.public_net }).toEqual({ name: spec.name, public_net: [{ ipv4_enabled: on, ipv6_enabled: on }] });
    }
    expect(t.jumpHost).toBe(t.mode === 'offline' ? `tenant-${t.id}-jump-1` : undefined);
  });

  it('attaches the volume to the first server, when the tenant has one', () => {
    const volumes = of('hcloud_volume');
    if (!t.volume) {
      expect(volumes).toHaveLength(0);
      return;
    }
    expect(volumes[0].config).toMatchObject({ size: t.volume.sizeGb, format: t.volume.format, location: t.location });
    const first = of('hcloud_server')[0];
    expect(of('hcloud_volume_attachment')[0].config).toMatchObject({ server_id: `\${hcloud_server.${first.name}.id}`, volume_id: '${hcloud_volume.volume.id}' });
  });

  it('keeps its state in its own file and no token in the JSON', () => {
    expect(json.terraform.backend).toEqual({ local: { path: `../../../state/tenant-${t.id}.tfstate` } });
    expect(json.provider.hcloud).toEqual([{}]);
    expect(synthesized).not.toMatch(/token/i);
    expect(json.terraform.required_providers.hcloud).toEqual({ source: 'registry.opentofu.org/hetznercloud/hcloud', version: '1.68.0' });
  });

  it('outputs what Ansible and later steps need', () => {
    expect(Object.keys(json.output).sort()).toEqual(
      ['ansible_vars', 'firewall_id', 'network_id', 'server_ipv4', 'server_ipv6', 'server_names', 'server_private_ips', ...(t.volume ? ['volume_id'] : [])].sort(),
    );
    expect(json.output.ansible_vars.value).toMatchObject({ tenant_id: t.id, tenant_cidr: t.networkCidr });
  });

  it('has no post-apply step unless asked (plans stay pure)', () => {
    expect(json.resource.terraform_data).toBeUndefined();
  });
});

describe('TenantStack options', () => {
  const acme = tenant(fleet, 'acme');

  it('adds a terraform_data post-apply step re-triggered by the servers when postApply is on', () => {
    const { json } = synthTenant(fleet, acme, { postApply: true });
    const step = json.resource.terraform_data.post_apply;
    expect(step.triggers_replace).toEqual(acme.servers.map((s) => `\${hcloud_server.server_${s.group}_${s.index}.id}`));
    const command: string = step.provisioner[0]['local-exec'].command;
    expect(command).toMatch(/^cd '\.\.\/\.\.\/\.\.\/ansible' && printf '%s\\n' '\{"all".*"tenant-acme":\{.*"tenant_id":"acme".*\}' > inventory\/tenant-acme\.yml && ansible-playbook playbooks\/tenant\.yml -e tenant=acme$/);
    const inventory = JSON.parse(/printf '%s\\n' '(.*)' >/.exec(command)![1]);
    expect(inventory.all.children.tenants.hosts['tenant-acme']).toEqual(json.output.ansible_vars.value);
  });

  it('lifts delete and rebuild protection of a production tenant only with allow_destroy: true', () => {
    const protectedJson = synthTenant(fleet, acme).json;
    const lifted = synthTenant(fleet, { ...acme, allowDestroy: true }).json;
    for (const [type, name] of [['hcloud_server', 'server_app_1'], ['hcloud_volume', 'volume'], ['hcloud_network', 'network']]) {
      expect(protectedJson.resource[type][name].delete_protection).toBe(true);
      expect(lifted.resource[type][name].delete_protection).toBe(false);
    }
    expect(lifted.resource.hcloud_server.server_app_1).toMatchObject({ rebuild_protection: false, backups: true });
  });

  it('uses a sensitive variable for a bring-your-own-project token, never the value', () => {
    process.env.ACME_HCLOUD_TOKEN = 'x'.repeat(64);
    const { json, synthesized } = synthTenant(fleet, { ...acme, hcloudTokenEnv: 'ACME_HCLOUD_TOKEN' });
    expect(json.variable.ACME_HCLOUD_TOKEN).toMatchObject({ sensitive: true, type: 'string' });
    expect(json.provider.hcloud).toEqual([{ token: '${var.ACME_HCLOUD_TOKEN}' }]);
    expect(synthesized).not.toContain('x'.repeat(64));
    delete process.env.ACME_HCLOUD_TOKEN;
  });

  it('uses one S3 state key per tenant with lock files when the platform selects s3', () => {
    const platform = { ...fleet.platform, state: { backend: 's3' as const, bucket: 'tofu-state', endpoint: 'https://fsn1.your-objectstorage.com', region: 'eu-central', key_prefix: 'tenants', use_lockfile: true } };
    const { json } = synthTenant({ ...fleet, platform }, acme);
    expect(json.terraform.backend.s3).toMatchObject({ bucket: 'tofu-state', key: 'tenants/tenant-acme.tfstate', use_lockfile: true, use_path_style: true, endpoints: { s3: 'https://fsn1.your-objectstorage.com' } });
  });

  it('shares no resource name, network range or tenant label between two tenants', () => {
    const names = new Map<string, string>();
    const ranges = new Set<string>();
    for (const t of fleet.tenants) {
      const { json } = synthTenant(fleet, t);
      for (const r of stackResources(json)) {
        const name = r.config.name as string | undefined;
        if (name && r.type !== 'hcloud_zone_rrset') {
          expect(names.get(`${r.type}:${name}`)).toBeUndefined();
          names.set(`${r.type}:${name}`, t.id);
        }
        if (r.type === 'hcloud_network') {
          expect(ranges.has(r.config.ip_range as string)).toBe(false);
          ranges.add(r.config.ip_range as string);
        }
      }
    }
    expect(ranges.size).toBe(fleet.tenants.length);
  });
});

describe('TenantStack of the offline example tenant initech', () => {
  const initech = tenant(fleet, 'initech');
  const { json } = synthTenant(fleet, initech);
  const server = (id: string) => json.resource.hcloud_server[id];

  it('adds a jump host tenant-initech-jump-1 after the gpu servers: the only public interface, role jump, platform default type', () => {
    expect(Object.keys(json.resource.hcloud_server)).toEqual(['server_gpu_1', 'server_gpu_2', 'server_gpu_3', 'server_jump_1']);
    expect(server('server_jump_1')).toMatchObject({
      name: 'tenant-initech-jump-1',
      server_type: 'cx22',
      image: 'ubuntu-24.04',
      labels: { tenant_id: 'initech', role: 'jump', environment: 'development', managed_by: 'hetzner-tenants' },
      public_net: [{ ipv4_enabled: true, ipv6_enabled: true }],
      network: [{ network_id: '${hcloud_network.network.id}', ip: '10.14.1.13' }],
    });
    for (const id of ['server_gpu_1', 'server_gpu_2', 'server_gpu_3']) {
      expect(server(id).public_net).toEqual([{ ipv4_enabled: false, ipv6_enabled: false }]);
      expect(server(id).labels.role).toBe('inference');
    }
  });

  it('applies its firewall by tenant_id=initech,role=jump: SSH from management in, the tenant network only out', () => {
    const fw = json.resource.hcloud_firewall.firewall;
    expect(fw.apply_to).toEqual([{ label_selector: 'tenant_id=initech,role=jump' }]);
    expect(fw.rule.filter((r: Rule) => r.direction === 'in' && r.source_ips !== undefined && !(r.source_ips as string[]).includes('10.14.0.0/16'))).toEqual([
      { direction: 'in', protocol: 'tcp', port: '22', source_ips: ['198.51.100.0/28'] },
    ]);
    expect(fw.rule.filter((r: Rule) => r.direction === 'out').map((r: Rule) => r.destination_ips)).toEqual([['10.14.0.0/16'], ['10.14.0.0/16'], ['10.14.0.0/16']]);
  });

  it('attaches the volume to a gpu server, never to the jump host', () => {
    expect(json.resource.hcloud_volume_attachment.volume_attachment.server_id).toBe('${hcloud_server.server_gpu_1.id}');
  });

  it('names the jump host in its Ansible variables', () => {
    expect(json.output.ansible_vars.value.tenant_jump_host).toBe('tenant-initech-jump-1');
    expect(json.output.ansible_vars.value.tenant_servers.map((s: { name: string }) => s.name)).toEqual(['tenant-initech-gpu-1', 'tenant-initech-gpu-2', 'tenant-initech-gpu-3', 'tenant-initech-jump-1']);
  });
});
