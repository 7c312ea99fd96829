/**
 * Semantic rules (check-tenant.ts, check-platform.ts) on small fixture files: one test per rule, the
 * failing cases named "fails if ...", the exact message text asserted.
 */
import { LIMITS } from '../../lib/hetzner';
import { networkCidr } from '../../lib/naming';
import { isRfc1918 } from '../../lib/cidr';
import { resolveTenant } from '../../lib/tenant/resolve-tenant';
import { tenantFileSchema } from '../../lib/tenant/schema';
import { lines, load } from '../fixtures/tenants/check';
import { ansibleVars } from '../../lib/ansible-vars';
import { synthTenant } from '../../test-support/fleet';

describe('tenant rules', () => {
  test('fails if the id is not the file name', () => {
    expect(lines('rules', 'id-mismatch.yaml')).toEqual([
      'rules/id-mismatch.yaml:1:5: id: id "id-mis-match" does not match the file name id-mismatch.yaml; allowed: "id-mismatch" (or rename the file to id-mis-match.yaml)',
    ]);
  });

  describe('labels', () => {
    test('fails if the id cannot be a label value or DNS name', () => {
      expect(lines('rules', 'label-id.yaml')).toEqual([
        'rules/label-id.yaml:1:5: id: "Label_ID" is not allowed; allowed: lowercase letters, digits and "-", starting with a letter, ending with a letter or digit, at most 30 characters (it is used in labels and DNS names)',
      ]);
    });

    test('fails if the environment is not one of the label values', () => {
      expect(lines('rules', 'label-environment.yaml')).toEqual([
        'rules/label-environment.yaml:3:14: environment: "Production" is not allowed (did you mean "production"?); allowed: production | staging | development',
      ]);
    });

    test('fails if a role is not a valid label value (characters, length); accepts "_" and "." inside', () => {
      expect(lines('rules', 'label-role.yaml')).toEqual([
        'rules/label-role.yaml:6:11: servers[0].role: "Web Server" cannot be used as the role label; allowed: empty or 1-63 characters, letters and digits at both ends, only "-", "_", "." inside',
        'rules/label-role.yaml:8:11: servers[1].role: "a-role-name-that-is-far-too-long-to-be-a-hetzner-label-value-xyz" cannot be used as the role label; allowed: empty or 1-63 characters, letters and digits at both ends, only "-", "_", "." inside',
      ]);
    });

    test('fails if managed_by in the platform file is not a valid label value', () => {
      expect(lines('platform-label')).toEqual([
        'platform-label/_platform.yaml:1:13: managed_by: "platform team" cannot be used as the managed_by label; allowed: empty or 1-63 characters, letters and digits at both ends, only "-", "_", "." inside',
      ]);
    });
  });

  test('derives the network zone from the location', () => {
    const r = load('rules', 'location-ash.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.fleet?.tenants[0]).toMatchObject({ location: 'ash', networkZone: 'us-east' });
    const v = load('rules', 'valid.yaml'); // no location: the platform default nbg1
    expect(v.fleet?.tenants[0]).toMatchObject({ location: 'nbg1', networkZone: 'eu-central' });
  });

  test(`fails if a tenant network would hold more than ${LIMITS.serversPerNetwork} servers`, () => {
    expect(lines('rules', 'servers-per-network.yaml')).toEqual([
      'rules/servers-per-network.yaml:5:3: servers: 110 servers in one tenant network; allowed: at most 100 servers per Hetzner network (split the tenant)',
    ]);
  });

  test('fails if a firewall would have more than 50 rules, counting the implicit ones', () => {
    expect(lines('rules', 'too-many-rules.yaml')).toEqual([
      'rules/too-many-rules.yaml:7:3: firewall: 51 firewall rules (45 written + 6 implicit tenant-network rules); allowed: at most 50 rules per Hetzner firewall',
    ]);
  });

  test('fails if a firewall would have more than 500 effective rules (one per address)', () => {
    expect(lines('rules', 'too-many-effective.yaml')).toEqual([
      'rules/too-many-effective.yaml:8:3: firewall: 506 effective firewall rules (a rule counts once per address range); allowed: at most 500 per Hetzner firewall (use fewer or wider ranges)',
    ]);
  });

  describe('private networks', () => {
    test('every seq the schema allows gives an RFC 1918 network', () => {
      for (let seq = 1; seq <= 254; seq++) expect(isRfc1918(networkCidr(seq))).toBe(true);
      expect(tenantFileSchema.shape.seq.safeParse(0).success).toBe(false);
      expect(tenantFileSchema.shape.seq.safeParse(255).success).toBe(false);
    });

    test('fails if the tenant network is not an RFC 1918 range (input that bypassed the schema)', () => {
      const input = tenantFileSchema.parse({ id: 'rogue', seq: 1, environment: 'staging', servers: [{ name: 'app' }] });
      const { diagnostics } = resolveTenant({ ...input, seq: 300 }, platformOf(), 'tenants/rogue.yaml');
      expect(diagnostics).toEqual([
        {
          severity: 'error',
          file: 'tenants/rogue.yaml',
          path: ['seq'],
          message: 'the tenant network "10.300.0.0/16" is not an IPv4 or IPv6 address or CIDR; allowed: an RFC 1918 range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
        },
      ]);
    });
  });

  describe('CIDRs', () => {
    test('turns bare IPs into /32 and /128, writes IPv6 short, and warns (file and line) about host bits', () => {
      const r = load('rules', 'cidr-normalize.yaml');
      expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`)).toEqual([
        'rules/cidr-normalize.yaml:12:11: warning: "10.1.1.5/24" has host bits set; normalized to 10.1.1.0/24 (write that to silence this warning)',
        'rules/cidr-normalize.yaml:13:11: warning: "2001:db8:0:0:1::/48" has host bits set; normalized to 2001:db8::/48 (write that to silence this warning)',
      ]);
      // Warnings do not fail the fleet; the rule carries the normalized ranges.
      expect(r.fleet?.tenants[0].ingress[0].cidrs).toEqual(['198.51.100.7/32', '2001:db8::1/128', '10.1.1.0/24', '2001:db8::/48', '2001:db8::/32']);
    });

    test('fails if an address is invalid, one error per address', () => {
      const allowed = 'allowed: an IPv4/IPv6 address or CIDR such as 203.0.113.0/24, or a platform source name';
      expect(lines('rules', 'cidr-invalid.yaml')).toEqual([
        `rules/cidr-invalid.yaml:8:26: firewall.ingress[0].from[0]: "10.0.0.256" is not an IPv4 or IPv6 address or CIDR; ${allowed}`,
        `rules/cidr-invalid.yaml:8:38: firewall.ingress[0].from[1]: "10.0.0.0/33" has an invalid prefix length (IPv4 allows /0 to /32); ${allowed}`,
        `rules/cidr-invalid.yaml:8:51: firewall.ingress[0].from[2]: "2001:db8:::1" is not an IPv4 or IPv6 address or CIDR; ${allowed}`,
        `rules/cidr-invalid.yaml:8:67: firewall.ingress[0].from[3]: "010.1.1.1" is not an IPv4 or IPv6 address or CIDR; ${allowed}`,
      ]);
    });
  });

  test('fails if ingress is open to the world on a port other than 80/443 without public: true', () => {
    const allowed = 'allowed: only ports 80 and 443 may be open to the world, unless the rule says public: true';
    expect(lines('rules', 'world-open.yaml')).toEqual([
      `rules/world-open.yaml:10:38: firewall.ingress[2].from[1]: opens tcp port 22 to the whole internet (0.0.0.0/0); ${allowed}`,
      `rules/world-open.yaml:11:27: firewall.ingress[3].from[0]: opens every tcp port to the whole internet (::/0); ${allowed}`,
      `rules/world-open.yaml:12:32: firewall.ingress[4].from[0]: opens icmp to the whole internet (0.0.0.0/0); ${allowed}`,
      // 1.2.3.4/0 is the world once normalized: a warning for the host bits, and the error.
      'rules/world-open.yaml:14:26: warning: firewall.ingress[6].from[0]: "1.2.3.4/0" has host bits set; normalized to 0.0.0.0/0 (write that to silence this warning)',
      `rules/world-open.yaml:14:26: firewall.ingress[6].from[0]: opens tcp port 25 to the whole internet (0.0.0.0/0); ${allowed}`,
    ]);
  });

  test('fails if ingress is open to the internet in pieces, in IPv6 or by a range wider than a /8, without public: true', () => {
    const allowed = 'allowed: only ports 80 and 443 may be open to the world, unless the rule says public: true';
    expect(lines('rules', 'world-open-pieces.yaml')).toEqual([
      `rules/world-open-pieces.yaml:8:26: firewall.ingress[0].from[0]: opens tcp port 22 to the whole internet (0.0.0.0/1, 128.0.0.0/1: together more public IPv4 addresses than a /8 holds); ${allowed}`,
      `rules/world-open-pieces.yaml:9:40: firewall.ingress[1].from[1]: opens tcp port 5432 to the whole internet (2000::/3: more of IPv6 global unicast (2000::/3) than a /11 holds); ${allowed}`,
      `rules/world-open-pieces.yaml:10:28: firewall.ingress[2].from[0]: opens tcp port 3389 to the whole internet (::ffff:0.0.0.0/96: more public IPv4 addresses than a /8 holds); ${allowed}`,
      `rules/world-open-pieces.yaml:11:28: firewall.ingress[3].from[0]: opens tcp port 6379 to the whole internet (64.0.0.0/7: more public IPv4 addresses than a /8 holds); ${allowed}`,
      `rules/world-open-pieces.yaml:12:42: firewall.ingress[4].from[0]: opens every udp port to the whole internet (0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/2, 192.0.0.0/3: together more public IPv4 addresses than a /8 holds); ${allowed}`,
    ]);
  });

  test('fails if an offline tenant has egress rules', () => {
    expect(lines('rules', 'egress-offline.yaml')).toEqual([
      'rules/egress-offline.yaml:9:7: firewall.egress[0]: an egress rule in offline mode; allowed: no egress rules, an offline tenant reaches only its own network (set mode: online, or remove the rule)',
    ]);
  });

  describe('offline mode (lib/tenant/jump-host.ts)', () => {
    const ONE_JUMP = 'allowed: one jump host: a single server group with role: jump and count: 1, or none (the tenant then gets the group "jump")';

    test('fails if an offline tenant has an ingress rule other than SSH: only its jump host has a public interface', () => {
      const allowed = "allowed: SSH only (port 22, tcp): an offline tenant's one public interface is its jump host, which admits SSH from the sources these rules name (set mode: online, or remove the rule)";
      expect(lines('rules', 'offline-ingress.yaml')).toEqual([
        `rules/offline-ingress.yaml:10:7: firewall.ingress[1]: an ingress rule for tcp port 443 in offline mode; ${allowed}`,
        `rules/offline-ingress.yaml:11:7: firewall.ingress[2]: an ingress rule for udp port 22 in offline mode; ${allowed}`,
        `rules/offline-ingress.yaml:12:7: firewall.ingress[3]: an ingress rule for icmp in offline mode; ${allowed}`,
      ]);
    });

    test('fails if an offline tenant has more than one jump host', () => {
      expect(lines('rules', 'offline-jump.yaml')).toEqual([
        `rules/offline-jump.yaml:9:12: servers[1].count: 2 jump hosts; ${ONE_JUMP}`,
        `rules/offline-jump.yaml:11:11: servers[2].role: a second jump host group (also servers[1]); ${ONE_JUMP}`,
      ]);
    });

    test('fails if a group is named jump without role: jump (it would collide with the added jump host)', () => {
      expect(lines('rules', 'offline-jump-name.yaml')).toEqual([
        `rules/offline-jump-name.yaml:7:11: servers[1].name: group "jump" would get the role label jump, which marks an offline tenant's jump host; ${ONE_JUMP} (add role: jump to make it the jump host, or rename it)`,
      ]);
    });

    test('fails if a DNS record of an offline tenant points at a server without a public address', () => {
      expect(lines('rules', 'offline-dns.yaml')).toEqual([
        'rules/offline-dns.yaml:10:28: dns.records[0].target: group "app" has no public address: in offline mode only the jump host has one; allowed: the jump host group (bastion), or mode: online',
      ]);
    });

    test('fails if the added jump host\'s type (the platform default) is not offered where the tenant runs', () => {
      expect(lines('rules', 'offline-ash.yaml')).toEqual([
        'rules/offline-ash.yaml:4:7: mode: the jump host "jump" an offline tenant gets: server type "cx22" (platform defaults.server_type) is not offered in ash; it is offered in fsn1, hel1, nbg1; allowed in ash: ccx13, ccx23, ccx33, ccx43, ccx53, ccx63 (catalogue of 2026-12-01, approximate); declare it with a type offered there (a server group with role: jump, count: 1, type: ...)',
      ]);
    });

    test('fails if the added jump host takes the tenant over the server quota, and says so', () => {
      expect(lines('rules', 'offline-quota.yaml')).toEqual([
        'rules/offline-quota.yaml:6:3: servers: 21 servers (with the jump host "jump" an offline tenant gets) exceed the platform quota quotas.max_servers_per_tenant; allowed: at most 20 servers per tenant',
      ]);
    });

    test('an offline tenant gets a jump host after its own servers, unless a group is one: only it has a public interface', () => {
      const platform = load('rules', 'valid.yaml').fleet!.platform;
      const resolve = (file: object, name: string) => resolveTenant(tenantFileSchema.parse(file), platform, `rules/${name}.yaml`).tenant!;
      const added = resolve({ id: 'added', seq: 10, environment: 'staging', mode: 'offline', servers: [{ name: 'app', count: 2 }] }, 'added');
      expect(added.servers.map((s) => [s.name, s.role, s.serverType, s.privateIp, s.publicInterface])).toEqual([
        ['tenant-added-app-1', 'app', 'cx22', '10.10.1.10', false],
        ['tenant-added-app-2', 'app', 'cx22', '10.10.1.11', false],
        ['tenant-added-jump-1', 'jump', 'cx22', '10.10.1.12', true],
      ]);
      expect(added.jumpHost).toBe('tenant-added-jump-1');
      const named = resolve({ id: 'named', seq: 11, environment: 'staging', mode: 'offline', servers: [{ name: 'bastion', role: 'jump', type: 'cx32' }, { name: 'app' }] }, 'named');
      expect(named.servers.map((s) => [s.name, s.serverType, s.publicInterface])).toEqual([['tenant-named-bastion-1', 'cx32', true], ['tenant-named-app-1', 'cx22', false]]);
      expect(named.jumpHost).toBe('tenant-named-bastion-1');
    });

    test('an online tenant has no jump host, and every server a public interface', () => {
      const t = load('rules', 'valid.yaml').fleet!.tenants[0];
      expect(t.jumpHost).toBeUndefined();
      expect(t.servers.every((s) => s.publicInterface)).toBe(true);
    });
  });

  test('fails if the platform\'s ansible.user is not a login name (it goes into the ProxyCommand)', () => {
    expect(lines('platform-ansible-user')).toEqual([
      'platform-ansible-user/_platform.yaml:4:9: ansible.user: "deploy; rm -rf /" is not allowed; allowed: a login name: lowercase letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters (root, deploy)',
    ]);
  });

  describe('platform quotas', () => {
    test('fails if the tenant has more servers than quotas.max_servers_per_tenant', () => {
      expect(lines('rules', 'quota-servers.yaml')).toEqual([
        'rules/quota-servers.yaml:5:3: servers: 25 servers exceed the platform quota quotas.max_servers_per_tenant; allowed: at most 20 servers per tenant',
      ]);
    });

    test('fails if the volume is larger than quotas.max_volume_gb_per_tenant', () => {
      expect(lines('rules', 'quota-volume.yaml')).toEqual([
        'rules/quota-volume.yaml:7:12: volume.size_gb: 600 GB exceeds the platform quota quotas.max_volume_gb_per_tenant; allowed: at most 500 GB per tenant',
      ]);
    });
  });

  test('fails if a firewall rule names an unknown source, suggesting the near miss', () => {
    expect(lines('rules', 'unknown-source.yaml')).toEqual([
      'rules/unknown-source.yaml:8:26: firewall.ingress[0].from[0]: unknown source "managment" (did you mean "management"?); allowed: a CIDR, an IP, or a source of the platform file (gateway, management)',
      'rules/unknown-source.yaml:9:27: firewall.ingress[1].from[0]: unknown source "office"; allowed: a CIDR, an IP, or a source of the platform file (gateway, management)',
    ]);
  });

  describe('storage.host: the server group of the data server', () => {
    test('names the first server of that group as the data server (default: the first group)', () => {
      const r = load('rules', 'storage-host-valid.yaml', 'valid.yaml');
      expect(r.diagnostics).toEqual([]);
      const [hosted, plain] = [r.fleet!.tenants.find((t) => t.id === 'storage-host-valid')!, r.fleet!.tenants.find((t) => t.id === 'valid')!];
      expect({ host: hosted.storage.host, dataServer: hosted.dataServer }).toEqual({ host: 'db', dataServer: 'tenant-storage-host-valid-db-1' });
      expect({ host: plain.storage.host, dataServer: plain.dataServer }).toEqual({ host: 'app', dataServer: 'tenant-valid-app-1' });
    });

    test('fails if storage.host names no server group of the tenant, with "did you mean"', () => {
      expect(lines('rules', 'storage-host.yaml')).toEqual([
        'rules/storage-host.yaml:8:9: storage.host: unknown server group "dbb" (did you mean "db"?); allowed: a server group of this tenant (app, db)',
      ]);
    });

    test('the volume goes with the data server: storage.host names a group that is not the first one', () => {
      const r = load('rules', 'storage-host-volume.yaml');
      expect(r.diagnostics).toEqual([]);
      const t = r.fleet!.tenants[0];
      expect({ dataServer: t.dataServer, volume: ansibleVars(t, r.fleet!.platform).tenant_volume.server }).toEqual({
        dataServer: 'tenant-storage-host-volume-db-1',
        volume: 'tenant-storage-host-volume-db-1',
      });
      const { json } = synthTenant(r.fleet!, t);
      expect(json.resource.hcloud_volume_attachment.volume_attachment.server_id).toBe('${hcloud_server.server_db_1.id}');
    });

    test('an offline tenant whose jump host is listed first keeps its data (and volume) on the first other server', () => {
      const r = load('rules', 'storage-jump-first.yaml');
      expect(r.diagnostics).toEqual([]);
      const t = r.fleet!.tenants[0];
      expect({ jump: t.jumpHost, dataServer: t.dataServer }).toEqual({ jump: 'tenant-storage-jump-first-bastion-1', dataServer: 'tenant-storage-jump-first-gpu-1' });
      const { json } = synthTenant(r.fleet!, t);
      expect(json.resource.hcloud_volume_attachment.volume_attachment.server_id).toBe('${hcloud_server.server_gpu_1.id}');
    });

    test('fails if storage.host names an offline tenant\'s jump host: the data stays off its only public interface', () => {
      expect(lines('rules', 'storage-host-jump.yaml')).toEqual([
        'rules/storage-host-jump.yaml:11:9: storage.host: server group "bastion" is the jump host, the offline tenant\'s only server with a public interface; allowed: another server group of this tenant (gpu)',
      ]);
    });
  });

  test('fails if a DNS record targets something other than a server group of the tenant', () => {
    expect(lines('rules', 'dns-target.yaml')).toEqual([
      'rules/dns-target.yaml:10:15: dns.records[0].target: unknown server group "ap" (did you mean "app"?); allowed: a server group of this tenant (app, db)',
      'rules/dns-target.yaml:12:15: dns.records[1].target: unknown server group "frontend"; allowed: a server group of this tenant (app, db)',
    ]);
  });

  test('reports every problem of a file in one pass: five problems, five diagnostics', () => {
    expect(lines('rules', 'five-problems.yaml')).toEqual([
      'rules/five-problems.yaml:4:14: environment: "prod" is not allowed (did you mean "production"?); allowed: production | staging | development',
      'rules/five-problems.yaml:7:5: servers[0].size: unknown key "size"; allowed keys: name, role, type, image, count',
      'rules/five-problems.yaml:9:12: volume.size_gb: 800 GB exceeds the platform quota quotas.max_volume_gb_per_tenant; allowed: at most 500 GB per tenant',
      'rules/five-problems.yaml:12:28: firewall.ingress[0].from[0]: opens tcp port 3306 to the whole internet (0.0.0.0/0); allowed: only ports 80 and 443 may be open to the world, unless the rule says public: true',
      'rules/five-problems.yaml:16:15: dns.records[0].target: unknown server group "web"; allowed: a server group of this tenant (app)',
    ]);
  });

  describe('DNS names (Hetzner DNS has no subzones)', () => {
    test('fails if the platform zone is a subdomain, pointing at dns.suffix', () => {
      expect(lines('platform-subzone')).toEqual([
        'platform-subzone/_platform.yaml:3:9: dns.zone: "tenants.example.com" is a subdomain of example.com; Hetzner DNS has no subzones; allowed: a registered domain such as example.com or example.co.uk (the rest of a longer name goes into dns.suffix)',
      ]);
    });

    test('fails if the platform suffix ends with the zone name', () => {
      expect(lines('platform-suffix')).toEqual([
        'platform-suffix/_platform.yaml:4:11: dns.suffix: "tenants.example.co.uk" ends with the zone name example.co.uk; names inside a zone are relative to it; allowed: the labels between a record name and the zone (tenants, for acme.tenants.example.co.uk)',
      ]);
    });

    test('fails if a record name ends with the zone name', () => {
      expect(lines('rules', 'dns-zone-name.yaml')).toEqual([
        'rules/dns-zone-name.yaml:8:13: dns.records[0].name: "www.example.com" ends with the zone name example.com; names inside a zone are relative to it; allowed: a name relative to the platform zone example.com (acme, not acme.example.com)',
      ]);
    });
  });

  test('reports every problem of a platform file in one pass', () => {
    expect(lines('platform-broken')).toEqual([
      'platform-broken/_platform.yaml:2:13: managed_by: "Hetzner Tenants" cannot be used as the managed_by label; allowed: empty or 1-63 characters, letters and digits at both ends, only "-", "_", "." inside',
      'platform-broken/_platform.yaml:5:3: dns.tll: unknown key "tll" (did you mean "ttl"?); allowed keys: zone, suffix, ttl',
      'platform-broken/_platform.yaml:7:27: sources.gateway[1]: "203.0.113.300" is not an IPv4 or IPv6 address or CIDR; allowed: an IPv4/IPv6 address or CIDR such as 203.0.113.0/24',
      'platform-broken/_platform.yaml:8:16: warning: sources.management[0]: "198.51.100.7/28" has host bits set; normalized to 198.51.100.0/28 (write that to silence this warning)',
      'platform-broken/_platform.yaml:10:27: quotas.max_servers_per_tenant: 500 is out of range; allowed: an integer 1..100',
    ]);
    // Tenant files are still checked against what is valid of it (their sources exist).
    expect(lines('platform-broken', 'ok.yaml').filter((l) => l.startsWith('platform-broken/ok.yaml'))).toEqual([]);
  });
});

function platformOf() {
  const fleet = load('rules', 'valid.yaml').fleet;
  if (!fleet) throw new Error('rules/valid.yaml must be valid');
  return fleet.platform;
}
