/**
 * Names of Hetzner resources and stores: `tenant-<id>-<thing>[-<n>]`.
 * Pure, so the constructs, Ansible vars and the verifier agree by construction.
 */
export const stackName = (tenantId: string) => `tenant-${tenantId}`;
export const networkName = (tenantId: string) => `tenant-${tenantId}-net`;
export const firewallName = (tenantId: string) => `tenant-${tenantId}-fw`;
export const volumeName = (tenantId: string) => `tenant-${tenantId}-data`;
export const serverName = (tenantId: string, group: string, n: number) => `tenant-${tenantId}-${group}-${n}`;
export const databaseName = (tenantId: string) => `tenant_${tenantId.replace(/-/g, '_')}`;
export const databaseUser = (tenantId: string) => `${databaseName(tenantId)}_user`;
export const bucketName = (tenantId: string) => `tenant-${tenantId}-bucket`;
export const collectionName = (tenantId: string) => databaseName(tenantId);
/** A tenant record's name inside the platform zone: `acme` -> `acme.tenants` with the platform's dns.suffix `tenants`. */
export const dnsRecordName = (name: string, suffix?: string) => (suffix ? `${name}.${suffix}` : name);
/** A tenant record's fully qualified name: `acme` -> `acme.tenants.example.com`. */
export const dnsRecordFqdn = (dns: { readonly zone: string; readonly suffix?: string }, name: string) => `${dnsRecordName(name, dns.suffix)}.${dns.zone}`;
export const secretsFile = (tenantId: string) => `secrets/tenants/${tenantId}.sops.yaml`;
/** 10.<seq>.0.0/16: the tenant's private network. */
export const networkCidr = (seq: number) => `10.${seq}.0.0/16`;
/** 10.<seq>.1.0/24: the tenant's cloud subnet. */
export const subnetCidr = (seq: number) => `10.${seq}.1.0/24`;
/** First host offset handed to servers; .1 is Hetzner's gateway. */
export const FIRST_SERVER_HOST = 10;
