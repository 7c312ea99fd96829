import { Construct } from 'constructs';
import { ZoneRrset } from '../.gen/providers/hcloud/zone-rrset';

export interface TenantDnsRecord {
  /** Name inside the zone, e.g. `acme` or `db.acme`. */
  readonly name: string;
  /** Public IPv4 of the target server. */
  readonly ipv4: string;
  /** Public IPv6 of the target server. */
  readonly ipv6: string;
  /** Seconds. */
  readonly ttl: number;
}

export interface TenantDnsProps {
  /** The platform zone (name), which exists outside any tenant stack. */
  readonly zone: string;
  readonly records: readonly TenantDnsRecord[];
  /** Identity labels from tenantLabels(). */
  readonly labels: Record<string, string>;
}

/**
 * The tenant's records in the platform zone, as Cloud API rrsets (the old
 * dns.hetzner.com API is gone): one A and one AAAA set per name. The zone
 * itself is shared and not owned by any tenant, so a tenant stack can never
 * destroy it.
 */
export class TenantDns extends Construct {
  constructor(scope: Construct, id: string, props: TenantDnsProps) {
    super(scope, id);
    for (const r of props.records) {
      const base = `dns_${r.name.replace(/[.-]/g, '_')}`;
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
