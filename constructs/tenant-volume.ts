import { Construct } from 'constructs';
import { Volume } from '../.gen/providers/hcloud/volume';
import { VolumeAttachment } from '../.gen/providers/hcloud/volume-attachment';
import { Token } from './cdk';
import { volumeName } from '../lib/naming';

export interface TenantVolumeProps {
  /** Tenant id; names the volume tenant-<id>-data. */
  readonly tenantId: string;
  /** Size in GB, 10..10240. */
  readonly sizeGb: number;
  /** Filesystem Hetzner formats the volume with. @default ext4 */
  readonly format?: 'ext4' | 'xfs';
  /** Same location as the server it attaches to. */
  readonly location: string;
  /** Id of the server it is attached to: the tenant's data server (Tenant.dataServer). */
  readonly serverId: string;
  /** Identity labels from tenantLabels(). */
  readonly labels: Record<string, string>;
  /** Refuse deletion through the API (production). @default false */
  readonly deleteProtection?: boolean;
}

/** One data volume, attached to the tenant's data server and mounted automatically. */
export class TenantVolume extends Construct {
  public readonly id: string;

  constructor(scope: Construct, id: string, props: TenantVolumeProps) {
    super(scope, id);
    const volume = new Volume(this, 'volume', {
      name: volumeName(props.tenantId),
      size: props.sizeGb,
      format: props.format ?? 'ext4',
      location: props.location,
      labels: props.labels,
      deleteProtection: props.deleteProtection ?? false,
    });
    volume.overrideLogicalId('volume');
    const attachment = new VolumeAttachment(this, 'attachment', {
      volumeId: Token.asNumber(volume.id),
      serverId: Token.asNumber(props.serverId),
      automount: true,
    });
    attachment.overrideLogicalId('volume_attachment');
    this.id = volume.id;
  }
}
