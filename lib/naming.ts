/**
 * Every generated name: Hetzner resources `tenant-<id>-<thing>[-<n>]`, DNS
 * records, stores (PostgreSQL, MinIO, Qdrant), the secrets file, the stack and
 * the Ansible inventory host. Pure, so the constructs, the Ansible vars, the
 * validation, the verifier and the tests agree by construction.
 */
export const stackName = (tenantId: string) => `tenant-${tenantId}`;
export const networkName = (tenantId: string) => `tenant-${tenantId}-net`;
export const firewallName = (tenantId: string) => `tenant-${tenantId}-fw`;
export const volumeName = (tenantId: string) => `tenant-${tenantId}-data`;
export const serverName = (tenantId: string, group: string, n: number) => `tenant-${tenantId}-${group}-${n}`;
/** The server's address in the stack (`hcloud_server.<id>`): group names hold "-", Terraform ids read better with "_". */
export const serverLogicalId = (group: string, n: number) => `server_${group.replace(/-/g, '_')}_${n}`;
export const databaseName = (tenantId: string) => `tenant_${tenantId.replace(/-/g, '_')}`;
export const databaseUser = (tenantId: string) => `${databaseName(tenantId)}_user`;
export const bucketName = (tenantId: string) => `tenant-${tenantId}-bucket`;
/** The MinIO user that holds the tenant's bucket policy. */
export const minioUser = (tenantId: string) => `tenant-${tenantId}`;
export const collectionName = (tenantId: string) => databaseName(tenantId);
/** The tenant's SOPS file, relative to the secrets root (the repository's secrets/). */
export const secretsFileName = (tenantId: string) => `tenants/${tenantId}.sops.yaml`;
/** The tenant's SOPS file, relative to the repository. */
export const secretsFile = (tenantId: string) => `secrets/${secretsFileName(tenantId)}`;
/** The tenant's private age key, inside the platform's `secrets.age_key_dir` (the role tenant_secrets names it the same). */
export const ageKeyFileName = (tenantId: string) => `${tenantId}.txt`;
/** The tenant's Ansible inventory host; ansible/playbooks/*.yml select `tenant-{{ tenant }}`. */
export const inventoryHost = (tenantId: string) => `tenant-${tenantId}`;
/**
 * An Ansible group named after a label value: `tenant_acme`, `role_worker`,
 * `env_production` (Ansible group names take letters, digits and "_"; the
 * same names hetzner.hcloud's keyed groups make).
 */
export const ansibleGroup = (prefix: 'tenant' | 'role' | 'env', value: string) => `${prefix}_${value.replace(/[^A-Za-z0-9_]/g, '_')}`;
/** The tenant's home directory on the platform's Storage Box (its subaccount sees nothing else). */
export const backupHomeDirectory = (tenantId: string) => `tenants/${tenantId}`;
/** Name of the tenant's Storage Box subaccount. */
export const backupSubaccountName = (tenantId: string) => `tenant-${tenantId}-backup`;
/** The restic repository inside the tenant's home directory (relative: Hetzner wants no leading "/"). */
export const RESTIC_REPOSITORY_DIR = 'restic';
/** Where offboarding moves a tenant's home directory: `archive/<id>-<YYYY-MM-DD>`. */
export const backupArchiveDirectory = (tenantId: string, date: string) => `archive/${tenantId}-${date}`;
/** The platform file's name inside a tenants directory (tenant files are the other *.yaml there). */
export const PLATFORM_FILE = '_platform.yaml';
/** A tenant record's name inside the platform zone: `acme` -> `acme.tenants` with the platform's dns.suffix `tenants`. */
export const dnsRecordName = (name: string, suffix?: string) => (suffix ? `${name}.${suffix}` : name);
/** A tenant record's fully qualified name: `acme` -> `acme.tenants.example.com`. */
export const dnsRecordFqdn = (dns: { readonly zone: string; readonly suffix?: string }, name: string) => `${dnsRecordName(name, dns.suffix)}.${dns.zone}`;
/** 10.<seq>.0.0/16: the tenant's private network. */
export const networkCidr = (seq: number) => `10.${seq}.0.0/16`;
/** 10.<seq>.1.0/24: the tenant's cloud subnet. */
export const subnetCidr = (seq: number) => `10.${seq}.1.0/24`;
/** First host offset handed to servers; .1 is Hetzner's gateway. */
export const FIRST_SERVER_HOST = 10;
