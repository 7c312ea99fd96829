import { Construct } from 'constructs';
import { ZoneRrset } from '../.gen/providers/hcloud/zone-rrset';
import { rrsetNameProblem, zoneNameProblem } from '../lib/dns-names';

export interface TenantDnsRecord {
  /** Name inside the zone, with the platform suffix: `acme.tenants` (never ending with the zone name). */
  readonly name: string;
  /**
   * The record's name in the tenant file (`acme`), which the resource ids are
   * made of: changing the platform suffix then replaces each rrset at the same
   * address instead of destroying one and adding another.
   */
  readonly record: string;
  /** Public IPv4 of the target server. */
  readonly ipv4: string;
  /** Public IPv6 of the target server. */
  readonly ipv6: string;
  /** Seconds. */
  readonly ttl: number;
}

export interface TenantDnsProps {
  /** The platform zone (name), a registered domain that exists outside any tenant stack. */
  readonly zone: string;
  readonly records: readonly TenantDnsRecord[];
  /** Identity labels from tenantLabels(). */
  readonly labels: Record<string, string>;
}

/**
 * The tenant's records in the platform zone, as Cloud API rrsets (the old
 * dns.hetzner.com API is gone): one A and one AAAA set per name. The zone
 * itself is shared and not owned by any tenant, so a tenant stack can never
 * destroy it. Hetzner DNS has no subzones: the zone is a registered domain
 * and the platform's suffix is part of each rrset name (`acme.tenants`).
 */
export class TenantDns extends Construct {
  constructor(scope: Construct, id: string, props: TenantDnsProps) {
    super(scope, id);
    const problems = [zoneNameProblem(props.zone), ...props.records.map((r) => rrsetNameProblem(r.name, props.zone))].filter(Boolean);
    if (problems.length) throw new Error(`[${this.node.path}] Hetzner DNS would refuse: ${problems.join('; ')}`);
    for (const r of props.records) {
      const base = `dns_${r.record.replace(/[.-]/g, '_')}`;
      for (const [type, value] of [['A', r.ipv4], ['AAAA', r.ipv6]] as const) {
        const rrset = new ZoneRrset(this, `${base}_${type}`, {
          zone: props.zone,
          name: r.name,
          type,
          ttl: r.ttl,
          records: [{ value, comment: 'managed by tenant stack' }],
          labels: props.labels,
        });
        rrset.overrideLogicalId(`${base}_${type.toLowerCase()}`);
      }
    }
  }
}
