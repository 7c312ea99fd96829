/**
 * The synth-time isolation rules (isolation/synth/): each rule on a compliant stack, a non-compliant
 * one (the bad case built with real constructs inside a TenantStack, so the
 * synth itself fails and names the resource), and where it does not apply.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Construct } from 'constructs';
import { App, Testing } from '../../constructs/cdk';
import { Firewall } from '../../.gen/providers/hcloud/firewall';
import { Network } from '../../.gen/providers/hcloud/network';
import { PrimaryIp } from '../../.gen/providers/hcloud/primary-ip';
import { Server } from '../../.gen/providers/hcloud/server';
import { StorageBoxSubaccount } from '../../.gen/providers/hcloud/storage-box-subaccount';
import { Volume } from '../../.gen/providers/hcloud/volume';
import { TenantStack } from '../../constructs/tenant-stack';
import { TenantFirewall } from '../../constructs/tenant-firewall';
import { checkStack, isolationContext, SYNTH_RULES } from '../../isolation/synth';
import { LABELLED_TYPES } from '../../isolation/synth/rules/tenant-label';
import { backupFleet, exampleFleet, REPO_ROOT, synthTenant, tenant } from '../../test-support/fleet';
import type { Tenant } from '../../lib/tenant/model';

const fleet = exampleFleet();
const acme = tenant(fleet, 'acme');
const acmeLabels = { tenant_id: 'acme', environment: 'production', managed_by: 'hetzner-tenants' };

/** Builds acme's stack, lets `addBad` add to it, and returns the synth error message. */
function synthErrorWith(addBad: (stack: TenantStack) => void, t: Tenant = acme): string {
  const app = Testing.app({ stackTraces: false, outdir: path.join(REPO_ROOT, 'cdktf.out') });
  const stack = new TenantStack(app, { tenant: t, platform: fleet.platform, projectRoot: REPO_ROOT });
  addBad(stack);
  try {
    Testing.synth(stack, true);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synth succeeded, but the isolation check should have failed it');
}

describe('isolation rule pack', () => {
  it('passes every example tenant stack', () => {
    for (const t of fleet.tenants) {
      const { json } = synthTenant(fleet, t);
      expect(checkStack(json, isolationContext(t))).toEqual([]);
    }
  });

  it('knows every hcloud resource type that takes labels (checked against the stored provider schema)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'providers/schemas/hcloud.json'), 'utf8'));
    const [provider] = Object.values(schema.provider_schemas) as Array<{ resource_schemas: Record<string, { block: { attributes?: Record<string, unknown> } }> }>;
    const withLabels = Object.entries(provider.resource_schemas).filter(([, s]) => s.block.attributes?.labels).map(([t]) => t).sort();
    expect([...LABELLED_TYPES].sort()).toEqual(withLabels);
  });

  it('every rule has an id (its file name), its phase, a severity, an info and an explanation', () => {
    const files = fs.readdirSync(path.join(REPO_ROOT, 'isolation/synth/rules')).map((f) => f.replace(/\.ts$/, '')).sort();
    expect(SYNTH_RULES.map((r) => r.id).sort()).toEqual(files);
    for (const r of SYNTH_RULES) {
      expect(r.id).toMatch(/^[a-z-]+$/);
      expect(r.phase).toBe('synth');
      expect(['error', 'warning']).toContain(r.severity);
      expect(r.info.length).toBeGreaterThan(10);
      expect(r.explanation.length).toBeGreaterThan(20);
    }
  });
});

describe('tenant-label', () => {
  it('fails if a labelled resource lacks tenant_id', () => {
    const msg = synthErrorWith((s) => new Volume(s, 'rogue', { name: 'rogue', size: 10, location: 'nbg1' }));
    expect(msg).toContain('[tenant-acme] tenant-label: hcloud_volume.rogue has no tenant_id label; expected tenant_id=acme');
  });

  it('fails if a resource carries another tenant\'s tenant_id', () => {
    const msg = synthErrorWith((s) => new Network(s, 'foreign', { name: 'x', ipRange: '10.12.0.0/16', labels: { ...acmeLabels, tenant_id: 'globex' } }));
    expect(msg).toContain('tenant-label: hcloud_network.foreign carries tenant_id=globex, another tenant\'s; expected tenant_id=acme');
  });

  it('does not apply to resources without labels (subnets, attachments)', () => {
    expect(SYNTH_RULES.find((r) => r.id === 'tenant-label')!.check({ stack: { resource: { hcloud_network_subnet: { s: {} } } }, tenant: { tenantId: 'a', networkCidr: '10.1.0.0/16', publicIngress: [] } })).toBe('not-applicable');
  });
});

describe('firewall-egress-closed', () => {
  it('fails if a firewall has no outbound rule', () => {
    const msg = synthErrorWith((s) => new Firewall(s, 'open_egress', {
      name: 'x', labels: acmeLabels, applyTo: [{ labelSelector: 'tenant_id=acme' }],
      rule: [{ direction: 'in', protocol: 'tcp', port: '443', sourceIps: ['203.0.113.0/24'] }],
    }));
    expect(msg).toContain('firewall-egress-closed: hcloud_firewall.open_egress has no outbound rule; egress is open to the world');
  });

  it('fails if the TenantFirewall construct is given no outbound rule', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'fw-')) });
    const scope = new Construct(app, 'tenant-acme');
    expect(() => new TenantFirewall(scope, 'firewall', { tenantId: 'acme', labels: acmeLabels, labelSelector: 'tenant_id=acme', rules: [{ direction: 'in', protocol: 'tcp', port: '22', cidrs: ['10.0.0.0/8'] }] }))
      .toThrow('[tenant-acme/firewall] firewall of tenant acme has no outbound rule; egress would be open to the world');
  });
});

describe('firewall-selects-tenant', () => {
  it('fails if a firewall is applied to another tenant\'s selector', () => {
    const msg = synthErrorWith((s) => new Firewall(s, 'wrong_selector', {
      name: 'x', labels: acmeLabels, applyTo: [{ labelSelector: 'tenant_id=globex' }],
      rule: [{ direction: 'out', protocol: 'tcp', port: 'any', destinationIps: ['10.12.0.0/16'] }],
    }));
    expect(msg).toContain('firewall-selects-tenant: hcloud_firewall.wrong_selector is applied to [tenant_id=globex]; expected exactly label_selector tenant_id=acme');
  });
});

describe('firewall-selects-tenant in an offline tenant', () => {
  const initech = tenant(fleet, 'initech');

  it('accepts tenant_id=<id>,role=jump there: the jump host is the one server with a public interface', () => {
    const { json } = synthTenant(fleet, initech);
    expect(json.resource.hcloud_firewall.firewall.apply_to).toEqual([{ label_selector: 'tenant_id=initech,role=jump' }]);
    expect(checkStack(json, isolationContext(initech)).filter((f) => f.rule === 'firewall-selects-tenant')).toEqual([]);
  });

  it('fails if an offline tenant\'s firewall is applied by tenant_id=<id> alone (Hetzner refuses it on the private-only servers)', () => {
    const msg = synthErrorWith((s) => new Firewall(s, 'all_servers', {
      name: 'x', labels: { ...acmeLabels, tenant_id: 'initech', environment: 'development' }, applyTo: [{ labelSelector: 'tenant_id=initech' }],
      rule: [{ direction: 'out', protocol: 'tcp', port: 'any', destinationIps: ['10.14.0.0/16'] }],
    }), initech);
    expect(msg).toContain('firewall-selects-tenant: hcloud_firewall.all_servers is applied to [tenant_id=initech]; expected exactly label_selector tenant_id=initech,role=jump');
  });
});

describe('offline-public-interface', () => {
  const initech = tenant(fleet, 'initech');
  const initechLabels = { tenant_id: 'initech', environment: 'development', managed_by: 'hetzner-tenants' };
  const server = (s: TenantStack, id: string, extra: Record<string, unknown>) => {
    const network = s.node.findChild('network').node.findChild('network') as Network;
    return new Server(s, id, {
      name: `tenant-initech-${id}-1`, serverType: 'cx22', image: 'ubuntu-24.04', location: 'hel1', labels: { ...initechLabels, role: 'inference' },
      network: [{ networkId: network.id as unknown as number, ip: '10.14.1.50' }],
      ...extra,
    });
  };

  it('fails if a server of an offline tenant other than its jump host has a public interface', () => {
    const msg = synthErrorWith((s) => server(s, 'leaky', { publicNet: [{ ipv4Enabled: true, ipv6Enabled: false }] }), initech);
    expect(msg).toContain('offline-public-interface: hcloud_server.leaky (tenant-initech-leaky-1) has a public IPv4 interface; in an offline tenant only the jump host tenant-initech-jump-1 may have one');
  });

  it('fails if public_net is left out: Hetzner then gives the server IPv4 and IPv6', () => {
    const msg = synthErrorWith((s) => server(s, 'defaulted', {}), initech);
    expect(msg).toContain('offline-public-interface: hcloud_server.defaulted (tenant-initech-defaulted-1) has a public IPv4 and IPv6 interface (public_net is not set, so Hetzner gives it both)');
  });

  it('fails if a primary IP is given to a server that is not the jump host', () => {
    const msg = synthErrorWith((s) => {
      const gpu = s.node.findChild('servers').node.findChild('server_gpu_1') as Server;
      new PrimaryIp(s, 'extra_ip', { name: 'x', type: 'ipv4', assigneeType: 'server', assigneeId: gpu.id as unknown as number, autoDelete: false, labels: initechLabels });
    }, initech);
    expect(msg).toContain('offline-public-interface: hcloud_primary_ip.extra_ip gives hcloud_server.server_gpu_1 (tenant-initech-gpu-1) a public address; in an offline tenant only the jump host tenant-initech-jump-1 may have one');
  });

  it('accepts the offline example tenant: only tenant-initech-jump-1 has a public interface', () => {
    const { json } = synthTenant(fleet, initech);
    expect(SYNTH_RULES.find((r) => r.id === 'offline-public-interface')!.check({ stack: json, tenant: isolationContext(initech) })).toEqual([]);
  });

  it('does not apply to an online tenant', () => {
    const { json } = synthTenant(fleet, acme);
    expect(SYNTH_RULES.find((r) => r.id === 'offline-public-interface')!.check({ stack: json, tenant: isolationContext(acme) })).toBe('not-applicable');
  });
});

describe('no-world-open-ingress', () => {
  const worldSsh = (s: TenantStack) => new Firewall(s, 'world_ssh', {
    name: 'x', labels: acmeLabels, applyTo: [{ labelSelector: 'tenant_id=acme' }],
    rule: [
      { direction: 'in', protocol: 'tcp', port: '22', sourceIps: ['0.0.0.0/0', '::/0'] },
      { direction: 'out', protocol: 'tcp', port: 'any', destinationIps: ['10.12.0.0/16'] },
    ],
  });

  it('fails if an inbound rule opens port 22 to the world without public: true', () => {
    expect(synthErrorWith(worldSsh)).toContain('no-world-open-ingress: hcloud_firewall.world_ssh opens tcp port 22 to 0.0.0.0/0, ::/0; only 80 and 443 may be world-open unless the tenant file marks the rule public: true');
  });

  it('fails if an inbound rule opens port 22 to the world in pieces (the predicate of lib/world-open.ts)', () => {
    const msg = synthErrorWith((s) => new Firewall(s, 'pieces', {
      name: 'x', labels: acmeLabels, applyTo: [{ labelSelector: 'tenant_id=acme' }],
      rule: [
        { direction: 'in', protocol: 'tcp', port: '22', sourceIps: ['0.0.0.0/1', '128.0.0.0/1'] },
        { direction: 'in', protocol: 'tcp', port: '5432', sourceIps: ['2000::/3'] },
        { direction: 'in', protocol: 'tcp', port: '3389', sourceIps: ['::ffff:0.0.0.0/96'] },
        { direction: 'out', protocol: 'tcp', port: 'any', destinationIps: ['10.12.0.0/16'] },
      ],
    }));
    expect(msg).toContain('no-world-open-ingress: hcloud_firewall.pieces opens tcp port 22 to 0.0.0.0/1, 128.0.0.0/1;');
    expect(msg).toContain('no-world-open-ingress: hcloud_firewall.pieces opens tcp port 5432 to 2000::/3;');
    expect(msg).toContain('no-world-open-ingress: hcloud_firewall.pieces opens tcp port 3389 to ::ffff:0.0.0.0/96;');
  });

  it('accepts a world-open port the tenant file marks public: true', () => {
    const declared: Tenant = { ...acme, ingress: [...acme.ingress, { direction: 'in', protocol: 'tcp', port: '22', cidrs: ['0.0.0.0/0', '::/0'], public: true }] };
    const { json } = synthTenant(fleet, declared);
    expect(checkStack(json, { tenantId: 'acme', networkCidr: acme.networkCidr, publicIngress: declared.ingress.filter((r) => r.public) })).toEqual([]);
  });

  it('accepts 443 open to the world', () => {
    const { json } = synthTenant(fleet, tenant(fleet, 'globex'));
    expect(json.resource.hcloud_firewall.firewall.rule).toContainEqual(expect.objectContaining({ port: '443', source_ips: ['0.0.0.0/0', '::/0'] }));
    expect(checkStack(json, { tenantId: 'globex', networkCidr: '10.13.0.0/16', publicIngress: [] })).toEqual([]);
  });
});

describe('server-own-network', () => {
  it('fails if a server joins a network by a literal id (not its tenant\'s)', () => {
    const msg = synthErrorWith((s) => new Server(s, 'intruder', {
      name: 'tenant-acme-intruder-1', serverType: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', labels: { ...acmeLabels, role: 'x' },
      network: [{ networkId: 4711, ip: '10.13.1.50' }],
    }));
    expect(msg).toContain('server-own-network: hcloud_server.intruder joins network 4711, which is not tenant acme\'s own network 10.12.0.0/16');
  });

  it('fails if a server joins a second network of the stack that is not the tenant range', () => {
    const msg = synthErrorWith((s) => {
      const other = new Network(s, 'other_net', { name: 'other', ipRange: '10.13.0.0/16', labels: acmeLabels });
      new Server(s, 'bridge', {
        name: 'tenant-acme-bridge-1', serverType: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', labels: { ...acmeLabels, role: 'x' },
        network: [{ networkId: other.id as unknown as number, ip: '10.13.1.9' }],
      });
    });
    expect(msg).toContain('server-own-network: hcloud_server.bridge joins network ${hcloud_network.other_net.id}, which is not tenant acme\'s own network');
  });
});

describe('no-cross-stack-reference', () => {
  it('fails if a resource of one tenant references another tenant\'s stack', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'xstack-'));
    const app = new App({ outdir });
    const a = new TenantStack(app, { tenant: acme, platform: fleet.platform, projectRoot: REPO_ROOT });
    const g = new TenantStack(app, { tenant: tenant(fleet, 'globex'), platform: fleet.platform, projectRoot: REPO_ROOT });
    const globexNetwork = g.node.findChild('network').node.findChild('network') as Network;
    new Server(a, 'borrowed', {
      name: 'tenant-acme-borrowed-1', serverType: 'cx22', image: 'ubuntu-24.04', location: 'nbg1', labels: { ...acmeLabels, role: 'x' },
      network: [{ networkId: globexNetwork.id as unknown as number }],
    });
    let msg = '';
    try { app.synth(); } catch (e) { msg = (e as Error).message; }
    fs.rmSync(outdir, { recursive: true, force: true });
    expect(msg).toContain('no-cross-stack-reference: data.terraform_remote_state.');
    expect(msg).toContain('a tenant stack must not reference another stack');
    expect(msg).toContain('server-own-network: hcloud_server.borrowed joins network');
  });
});

describe('backup-subaccount-confined', () => {
  const subaccount = (s: Construct, id: string, homeDirectory: string, extra: Partial<ConstructorParameters<typeof StorageBoxSubaccount>[2]> = {}) =>
    new StorageBoxSubaccount(s, id, { storageBoxId: 123456, homeDirectory, password: 'x', accessSettings: { sshEnabled: true }, labels: acmeLabels, ...extra });

  it('passes the subaccount a tenant stack with backups makes', () => {
    const f = backupFleet();
    for (const t of f.tenants.filter((x) => x.mode === 'online')) {
      const { json } = synthTenant(f, t);
      expect(json.resource.hcloud_storage_box_subaccount.backup_subaccount.home_directory).toBe(`tenants/${t.id}`);
      expect(checkStack(json, isolationContext(t))).toEqual([]);
    }
  });

  it("fails if a subaccount's home directory is another tenant's", () => {
    const msg = synthErrorWith((s) => subaccount(s, 'peek', 'tenants/globex'));
    expect(msg).toContain('backup-subaccount-confined: hcloud_storage_box_subaccount.peek has home directory "tenants/globex", outside tenant acme\'s own tenants/acme');
  });

  it('fails if a subaccount reaches a parent of the tenant directory, climbs out of it, or is not a literal', () => {
    const msg = synthErrorWith((s) => {
      subaccount(s, 'all_tenants', 'tenants');
      subaccount(s, 'climb', 'tenants/acme/../globex');
      subaccount(s, 'computed', '${var.home}');
    });
    expect(msg).toContain('hcloud_storage_box_subaccount.all_tenants has home directory "tenants", outside');
    expect(msg).toContain('hcloud_storage_box_subaccount.climb has home directory "tenants/acme/../globex", outside');
    expect(msg).toContain('hcloud_storage_box_subaccount.computed has home directory');
  });

  it('fails if a subaccount enables Samba, WebDAV or access from outside Hetzner', () => {
    const msg = synthErrorWith((s) => subaccount(s, 'smb', 'tenants/acme/smb', { accessSettings: { sshEnabled: true, sambaEnabled: true, reachableExternally: true } }));
    expect(msg).toContain('backup-subaccount-confined: hcloud_storage_box_subaccount.smb enables samba_enabled, reachable_externally; a tenant\'s backup subaccount speaks SFTP only');
    expect(msg).not.toContain('smb has home directory');
  });

  it('fails (tenant-label) if a subaccount lacks the tenant label', () => {
    const msg = synthErrorWith((s) => subaccount(s, 'unlabelled', 'tenants/acme', { labels: {} }));
    expect(msg).toContain('tenant-label: hcloud_storage_box_subaccount.unlabelled has no tenant_id label; expected tenant_id=acme');
  });

  it('does not apply to a stack without subaccounts', () => {
    const { json } = synthTenant(fleet, acme);
    const rule = SYNTH_RULES.find((r) => r.id === 'backup-subaccount-confined')!;
    expect(rule.check({ stack: json, tenant: { tenantId: 'acme', networkCidr: acme.networkCidr, publicIngress: [] } })).toBe('not-applicable');
  });
});
