import { Construct } from 'constructs';
import { Firewall, FirewallRule as HcloudRule } from '../.gen/providers/hcloud/firewall';
import { firewallName } from '../lib/naming';
import { terraformLiteral } from '../lib/terraform-literal';
import type { FirewallRule } from '../lib/tenant/model';

export interface TenantFirewallProps {
  /** Tenant id; names the firewall tenant-<id>-fw. */
  readonly tenantId: string;
  /** Every rule, implicit ones included (see firewallRules()); at least one must be outbound. */
  readonly rules: readonly FirewallRule[];
  /** The selector that picks the tenant's servers, from tenantSelector(). */
  readonly labelSelector: string;
  /** Identity labels from tenantLabels(). */
  readonly labels: Record<string, string>;
}

/**
 * The tenant firewall, applied by label selector so that every server of the
 * tenant, present and future, is covered. Because it always has an outbound
 * rule, Hetzner treats egress as deny-by-default.
 */
export class TenantFirewall extends Construct {
  public readonly id: string;
  /** The firewall resource, for ordering (servers are created after it). */
  public readonly resource: Firewall;

  constructor(scope: Construct, id: string, props: TenantFirewallProps) {
    super(scope, id);
    if (!props.rules.some((r) => r.direction === 'out')) {
      throw new Error(`[${this.node.path}] firewall of tenant ${props.tenantId} has no outbound rule; egress would be open to the world`);
    }
    const rule: HcloudRule[] = props.rules.map((r) => ({
      direction: r.direction,
      protocol: r.protocol,
      port: r.port,
      ...(r.direction === 'in' ? { sourceIps: [...r.cidrs] } : { destinationIps: [...r.cidrs] }),
      // The tenant file's free text: "${" in it is text, not an OpenTofu template.
      ...(r.description === undefined ? {} : { description: terraformLiteral(r.description) }),
    }));
    const firewall = new Firewall(this, 'firewall', {
      name: firewallName(props.tenantId),
      labels: props.labels,
      rule,
      applyTo: [{ labelSelector: props.labelSelector }],
    });
    firewall.overrideLogicalId('firewall');
    this.id = firewall.id;
    this.resource = firewall;
  }
}
