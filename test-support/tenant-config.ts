/**
 * A hand-written OpenTofu configuration (JSON) of one tenant, built from the
 * tenant model with the project's own naming, label and firewall-rule
 * functions: what a tenant stack deploys (network, subnet, firewall applied by
 * `tenant_id=<id>`, servers, volume, DNS records), without going through
 * synth. Tests of the verifier use it so that they do not depend on the
 * constructs; the e2e test deploys the real synthesized stacks instead.
 *
 * `tweak` lets a test deliberately break one thing.
 */
import { firewallRules } from '../lib/firewall-rules';
import { tenantLabels, tenantSelector } from '../lib/labels';
import { firewallName, networkName, volumeName } from '../lib/naming';
import type { Platform, Tenant } from '../lib/tenant/model';

export interface Tweaks {
  /** Replace the firewall's label selector. */
  readonly firewallSelector?: string;
  /** Extra outbound rules on the tenant firewall. */
  readonly extraEgress?: readonly { protocol: string; port?: string; destination_ips: string[] }[];
  /** Leave the tenant_id label off the volume. */
  readonly unlabelledVolume?: boolean;
}

export function tenantConfig(tenant: Tenant, platform: Platform, tweaks: Tweaks = {}): Record<string, unknown> {
  const labels = tenantLabels({ tenantId: tenant.id, environment: tenant.environment, managedBy: platform.managed_by });
  const rules = firewallRules(tenant).map((r) => ({
    direction: r.direction,
    protocol: r.protocol,
    ...(r.port ? { port: r.port } : {}),
    ...(r.direction === 'in' ? { source_ips: r.cidrs } : { destination_ips: r.cidrs }),
    ...(r.description ? { description: r.description } : {}),
  }));
  for (const e of tweaks.extraEgress ?? []) rules.push({ direction: 'out', ...e } as (typeof rules)[number]);
  const servers: Record<string, unknown> = {};
  for (const s of tenant.servers) {
    servers[`${s.group}_${s.index}`] = {
      name: s.name,
      server_type: s.serverType,
      image: s.image,
      location: tenant.location,
      labels: tenantLabels({ tenantId: tenant.id, environment: tenant.environment, managedBy: platform.managed_by, role: s.role }),
      network: [{ network_id: '${hcloud_network.net.id}', ip: s.privateIp }],
      public_net: [{ ipv4_enabled: true, ipv6_enabled: true }],
      depends_on: ['hcloud_network_subnet.sub'],
    };
  }
  const resources: Record<string, any> = {
    hcloud_network: { net: { name: networkName(tenant.id), ip_range: tenant.networkCidr, labels } },
    hcloud_network_subnet: { sub: { network_id: '${hcloud_network.net.id}', type: 'cloud', network_zone: tenant.networkZone, ip_range: tenant.subnetCidr } },
    hcloud_firewall: { fw: { name: firewallName(tenant.id), labels, rule: rules, apply_to: [{ label_selector: tweaks.firewallSelector ?? tenantSelector(tenant.id) }] } },
    hcloud_server: servers,
  };
  if (tenant.volume) {
    const first = tenant.servers[0];
    const volLabels: Record<string, string> = { ...labels };
    if (tweaks.unlabelledVolume) delete volLabels.tenant_id;
    resources.hcloud_volume = { data: { name: volumeName(tenant.id), size: tenant.volume.sizeGb, format: tenant.volume.format, location: tenant.location, labels: volLabels } };
    resources.hcloud_volume_attachment = { data: { volume_id: '${hcloud_volume.data.id}', server_id: `\${hcloud_server.${first.group}_${first.index}.id}` } };
  }
  if (tenant.dnsRecords.length) {
    resources.hcloud_zone_rrset = Object.fromEntries(
      tenant.dnsRecords.map((d) => {
        const server = tenant.servers.find((s) => s.name === d.server)!;
        return [
          d.name.replace(/[^a-z0-9]/g, '_'),
          { zone: platform.dns.zone, name: d.name, type: 'A', ttl: d.ttl, labels, records: [{ value: `\${hcloud_server.${server.group}_${server.index}.ipv4_address}` }] },
        ];
      }),
    );
  }
  return resources;
}
