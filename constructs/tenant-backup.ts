import { Construct } from 'constructs';
import type { HcloudProvider } from '../.gen/providers/hcloud/provider';
import { StorageBoxSubaccount } from '../.gen/providers/hcloud/storage-box-subaccount';
import { TerraformResource } from './cdk';
import { backupSubaccountName } from '../lib/naming';

export interface TenantBackupProps {
  /** Tenant id; names the subaccount tenant-<id>-backup. */
  readonly tenantId: string;
  /** The platform's Storage Box (platform file `backup.storage_box_id`). */
  readonly storageBoxId: number;
  /** The subaccount's home directory, `tenants/<id>` (lib/naming.ts). */
  readonly homeDirectory: string;
  /** Identity labels from tenantLabels(). */
  readonly labels: Record<string, string>;
  /** The provider that reaches the box's project. @default - the stack's default provider */
  readonly provider?: HcloudProvider;
}

/**
 * The password is made by OpenTofu itself, once, with no provider and no
 * value in the synthesized JSON or in git: two `uuid()`s (122 random bits
 * each, from the OS's cryptographic source) with a fixed prefix that gives
 * Hetzner's password policy its upper case letter, lower case letter, digit
 * and special character. `ignore_changes` keeps it from ever being
 * regenerated; `sensitive()` keeps it out of plans and `tofu show`. It lives
 * in the tenant's state, where the provider keeps the subaccount's password
 * anyway, and roles/tenant_backup copies it into the tenant's SOPS file.
 */
const PASSWORD_EXPRESSION = '${sensitive(join("", ["Rb1-", uuid(), upper(uuid())]))}';

/**
 * The tenant's backup target: a subaccount on the platform's Storage Box,
 * confined to `tenants/<id>`, SFTP only (SSH on, Samba and WebDAV off, not
 * reachable from outside Hetzner), labelled with the tenant's identity. Its
 * restic repository and the role that fills it are in ansible/roles/tenant_backup.
 */
export class TenantBackup extends Construct {
  /** The subaccount's username (`u<box>-sub<n>`), known after apply. */
  public readonly username: string;
  /** Where the subaccount connects (the box's server name), known after apply. */
  public readonly server: string;
  /** The subaccount's password, sensitive. */
  public readonly password: string;

  constructor(scope: Construct, id: string, props: TenantBackupProps) {
    super(scope, id);
    const password = new TerraformResource(this, 'password', { terraformResourceType: 'terraform_data' });
    password.overrideLogicalId('backup_password');
    password.addOverride('input', PASSWORD_EXPRESSION);
    password.addOverride('lifecycle', { ignore_changes: ['input'] });

    const sub = new StorageBoxSubaccount(this, 'subaccount', {
      storageBoxId: props.storageBoxId,
      name: backupSubaccountName(props.tenantId),
      homeDirectory: props.homeDirectory,
      password: password.getStringAttribute('output'),
      description: `Backups of tenant ${props.tenantId} (restic over SFTP)`,
      accessSettings: { sshEnabled: true, sambaEnabled: false, webdavEnabled: false, reachableExternally: false, readonly: false },
      labels: props.labels,
      provider: props.provider,
    });
    sub.overrideLogicalId('backup_subaccount');
    this.username = sub.username;
    this.server = sub.server;
    this.password = sub.password;
  }
}
