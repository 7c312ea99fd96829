/**
 * The variables Ansible needs for one tenant after apply. The TenantStack
 * outputs them (`ansible_vars`), the local test inventory is built from them,
 * and the roles' argument specs validate them: one shape, one function.
 */
import { bucketName, collectionName, databaseName, databaseUser, minioUser, RESTIC_REPOSITORY_DIR, secretsFile } from './naming';
import type { Platform, Protocol, Tenant } from './tenant/model';

/** One inbound rule of the tenant file, addresses resolved: what the host firewall (roles/baseline) mirrors. */
export interface AnsibleIngressRule {
  protocol: Protocol;
  /** "443", "80-85" or "any"; absent for icmp, gre, esp. */
  port?: string;
  /** Canonical CIDRs, IPv4 and IPv6. */
  cidrs: string[];
}

export interface AnsibleTenantVars {
  tenant_id: string;
  tenant_seq: number;
  tenant_environment: string;
  tenant_mode: 'online' | 'offline';
  /** 10.<seq>.0.0/16: where the tenant's servers connect from. */
  tenant_cidr: string;
  tenant_servers: { name: string; role: string; private_ip: string }[];
  /** The tenant file's inbound rules; the tenant network (tenant_cidr) is always allowed in besides. */
  tenant_ingress: AnsibleIngressRule[];
  /** The data volume: its filesystem and the server it is attached to (its id comes from the volume_id output). */
  tenant_volume: { enabled: boolean; format: 'ext4' | 'xfs'; server: string };
  /** The server that runs the tenant's data plane (PostgreSQL, MinIO, Qdrant) and holds the volume: the first server of the tenant file's `storage.host` group (by default the first server that is not the jump host). */
  tenant_data_server: string;
  /** Offline: the jump host, through which the other servers are reached (ProxyJump); '' when online. */
  tenant_jump_host: string;
  tenant_postgres: { enabled: boolean; database: string; user: string };
  tenant_minio: { enabled: boolean; bucket: string; user: string };
  tenant_qdrant: { enabled: boolean; collection: string; vector_size?: number; distance?: string };
  /**
   * The tenant's backup target (roles/tenant_backup), when the platform has
   * one. The stack's ansible_vars output adds the subaccount's `username` and
   * `host`, which Hetzner assigns.
   */
  tenant_backup?: {
    enabled: true;
    storage_box_id: number;
    /** `tenants/<id>` on the box. */
    home_directory: string;
    /** The restic repository, relative to the subaccount's home. */
    repository: string;
    /** Days an offboarding archive is kept. */
    archive_days: number;
    webhook?: string;
    username?: string;
    host?: string;
  };
  /** Repo-relative path of the tenant's SOPS file. */
  tenant_secrets_file: string;
  platform_recovery_recipient?: string;
  platform_age_key_dir: string;
}

export function ansibleVars(tenant: Tenant, platform: Platform): AnsibleTenantVars {
  return {
    tenant_id: tenant.id,
    tenant_seq: tenant.seq,
    tenant_environment: tenant.environment,
    tenant_mode: tenant.mode,
    tenant_cidr: tenant.networkCidr,
    tenant_servers: tenant.servers.map((s) => ({ name: s.name, role: s.role, private_ip: s.privateIp })),
    tenant_ingress: tenant.ingress.map((r) => ({ protocol: r.protocol, ...(r.port ? { port: r.port } : {}), cidrs: [...r.cidrs] })),
    tenant_volume: { enabled: tenant.volume !== undefined, format: tenant.volume?.format ?? 'ext4', server: tenant.dataServer },
    tenant_data_server: tenant.dataServer,
    tenant_jump_host: tenant.jumpHost ?? '',
    tenant_postgres: { enabled: tenant.storage.postgres, database: databaseName(tenant.id), user: databaseUser(tenant.id) },
    tenant_minio: { enabled: tenant.storage.minio, bucket: bucketName(tenant.id), user: minioUser(tenant.id) },
    tenant_qdrant: {
      enabled: tenant.storage.qdrant !== undefined,
      collection: collectionName(tenant.id),
      ...(tenant.storage.qdrant ? { vector_size: tenant.storage.qdrant.vector_size, distance: tenant.storage.qdrant.distance } : {}),
    },
    ...(tenant.backup && platform.backup
      ? {
          tenant_backup: {
            enabled: true as const,
            storage_box_id: tenant.backup.storageBoxId,
            home_directory: tenant.backup.homeDirectory,
            repository: RESTIC_REPOSITORY_DIR,
            archive_days: platform.backup.archive_days,
            ...(platform.backup.webhook ? { webhook: platform.backup.webhook } : {}),
          },
        }
      : {}),
    tenant_secrets_file: secretsFile(tenant.id),
    platform_recovery_recipient: platform.secrets.recovery_recipient,
    platform_age_key_dir: platform.secrets.age_key_dir,
  };
}
