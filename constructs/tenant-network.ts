import { Construct } from 'constructs';
import { Network } from '../.gen/providers/hcloud/network';
import { NetworkSubnet } from '../.gen/providers/hcloud/network-subnet';
import { Token } from './cdk';
import { networkName } from '../lib/naming';

export interface TenantNetworkProps {
  /** Tenant id; names the network tenant-<id>-net. */
  readonly tenantId: string;
  /** The tenant's private range, 10.<seq>.0.0/16 (RFC 1918). */
  readonly networkCidr: string;
  /** The cloud subnet servers attach to, 10.<seq>.1.0/24. */
  readonly subnetCidr: string;
  /** Network zone of the tenant's location (eu-central, us-east, ...). */
  readonly networkZone: string;
  /** Identity labels from tenantLabels(). */
  readonly labels: Record<string, string>;
  /** Refuse deletion through the API (production). @default false */
  readonly deleteProtection?: boolean;
}

/** The tenant's private network and its one cloud subnet. */
export class TenantNetwork extends Construct {
  /** Network id, for server attachments. */
  public readonly id: string;
  /** The subnet resource; servers depend on it so they attach after it exists. */
  public readonly subnet: NetworkSubnet;

  constructor(scope: Construct, id: string, props: TenantNetworkProps) {
    super(scope, id);
    const network = new Network(this, 'network', {
      name: networkName(props.tenantId),
      ipRange: props.networkCidr,
      labels: props.labels,
      deleteProtection: props.deleteProtection ?? false,
    });
    network.overrideLogicalId('network');
    this.subnet = new NetworkSubnet(this, 'subnet', {
      networkId: Token.asNumber(network.id),
      type: 'cloud',
      networkZone: props.networkZone,
      ipRange: props.subnetCidr,
    });
    this.subnet.overrideLogicalId('subnet');
    this.id = network.id;
  }
}
