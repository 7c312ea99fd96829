/**
 * The validated, normalized tenant: what constructs, Ansible vars and the plan
 * review consume. Derived from the schema types; built by `resolveTenant` only
 * when it found no error in the tenant file.
 */
import type { Location, NetworkZone } from '../hetzner';
import type { PlatformFile, TenantFile } from './schema';

export type Protocol = 'tcp' | 'udp' | 'icmp' | 'gre' | 'esp';

/** One Hetzner firewall rule, with every address resolved to a canonical CIDR. */
export interface FirewallRule {
  readonly direction: 'in' | 'out';
  readonly protocol: Protocol;
  /** "443", "80-85" or "any"; absent for icmp, gre, esp. */
  readonly port?: string;
  /** source_ips (in) or destination_ips (out). */
  readonly cidrs: readonly string[];
  readonly description?: string;
  /** Explicitly allowed to be open to the world. */
  readonly public?: boolean;
}

export interface ServerSpec {
  /** tenant-<id>-<group>-<n> */
  readonly name: string;
  readonly group: string;
  /** 1-based index inside the group. */
  readonly index: number;
  readonly role: string;
  readonly serverType: string;
  readonly image: string;
  /** Deterministic private address in the tenant subnet. */
  readonly privateIp: string;
  /**
   * Whether it has a public interface (IPv4 and IPv6): every server of an
   * online tenant, only the jump host of an offline one (lib/tenant/jump-host.ts).
   */
  readonly publicInterface: boolean;
}

export interface DnsRecordSpec {
  /** Name inside the platform zone, with the platform's dns.suffix: `acme.tenants`. */
  readonly name: string;
  /** The name as the tenant file gives it: `acme`. */
  readonly record: string;
  readonly fqdn: string;
  /** Name of the server the record points at. */
  readonly server: string;
  readonly ttl: number;
}

/** A tenant's subaccount on the platform's Storage Box (lib/naming.ts names its directory). */
export interface TenantBackup {
  readonly storageBoxId: number;
  /** `tenants/<id>`: the subaccount's home directory, relative to the box's root. */
  readonly homeDirectory: string;
  /** The box's addresses (canonical CIDRs): the firewall lets TCP 23 out to them. */
  readonly cidrs: readonly string[];
}

export interface Tenant {
  readonly id: string;
  readonly seq: number;
  readonly environment: TenantFile['environment'];
  readonly mode: TenantFile['mode'];
  readonly location: Location;
  readonly networkZone: NetworkZone;
  /** 10.<seq>.0.0/16 */
  readonly networkCidr: string;
  /** 10.<seq>.1.0/24 */
  readonly subnetCidr: string;
  readonly servers: readonly ServerSpec[];
  /** Offline tenants: the name of the jump host, the one server with a public interface. Online: undefined. */
  readonly jumpHost?: string;
  readonly volume?: { readonly sizeGb: number; readonly format: 'ext4' | 'xfs' };
  readonly dnsRecords: readonly DnsRecordSpec[];
  /** The rules from the tenant file, resolved; the implicit own-network rules are added by `firewallRules`. */
  readonly ingress: readonly FirewallRule[];
  readonly egress: readonly FirewallRule[];
  /** The stores to make, and `host`: the server group of the data server (the tenant file's, or the first group). */
  readonly storage: TenantFile['storage'] & { readonly host: string };
  /** Name of the server that runs the tenant's data plane: the first server of `storage.host`. */
  readonly dataServer: string;
  /** Environment variable with this tenant's own Hetzner token; undefined = platform token. */
  readonly hcloudTokenEnv?: string;
  readonly allowDestroy: boolean;
  /** The tenant's backup target on the platform's Storage Box; undefined when the platform file names none. */
  readonly backup?: TenantBackup;
  /** The file the tenant came from, for messages. */
  readonly sourceFile: string;
}

export interface Platform extends PlatformFile {
  /** The file the platform settings came from. */
  readonly sourceFile: string;
}

export interface Fleet {
  readonly platform: Platform;
  /** Sorted by id. */
  readonly tenants: readonly Tenant[];
}
