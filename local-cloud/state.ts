/**
 * The project the local API serves, as plain JSON-able records, and the store
 * that owns it (ids, clock, persistence to an optional JSON file).
 *
 * Records keep what a client set; everything Hetzner derives (a network's
 * servers, a server's firewalls and volumes, a firewall's label-selected
 * servers) is computed when a response is rendered (see relations.ts), so the
 * state can never contradict itself.
 */
import * as fs from 'fs';
import * as path from 'path';

export type Labels = Record<string, string>;

export interface PrivateNetRecord {
  network: number;
  ip: string;
  alias_ips: string[];
  mac_address: string;
}

export interface ServerRecord {
  id: number;
  name: string;
  status: 'running' | 'off';
  created: string;
  server_type: string;
  /** Image id; null after the image is gone. */
  image: number | null;
  location: string;
  labels: Labels;
  protection: { delete: boolean; rebuild: boolean };
  /** Primary IP ids, or null when that family is disabled. */
  ipv4: number | null;
  ipv6: number | null;
  private_net: PrivateNetRecord[];
  placement_group: number | null;
  backup_window: string | null;
  rescue_enabled: boolean;
  iso: string | null;
  user_data: string;
  ssh_keys: number[];
}

export interface SubnetRecord {
  type: 'cloud' | 'server' | 'vswitch';
  ip_range: string;
  network_zone: string;
  gateway: string;
  vswitch_id?: number;
}

export interface NetworkRecord {
  id: number;
  name: string;
  created: string;
  ip_range: string;
  subnets: SubnetRecord[];
  routes: { destination: string; gateway: string }[];
  labels: Labels;
  protection: { delete: boolean };
  expose_routes_to_vswitch: boolean;
}

export interface FirewallRuleRecord {
  direction: 'in' | 'out';
  protocol: 'tcp' | 'udp' | 'icmp' | 'esp' | 'gre';
  port: string | null;
  source_ips: string[];
  destination_ips: string[];
  description: string | null;
}

export type ApplyToRecord = { type: 'server'; server: { id: number } } | { type: 'label_selector'; label_selector: { selector: string } };

export interface FirewallRecord {
  id: number;
  name: string;
  created: string;
  labels: Labels;
  rules: FirewallRuleRecord[];
  apply_to: ApplyToRecord[];
}

export interface VolumeRecord {
  id: number;
  name: string;
  created: string;
  size: number;
  location: string;
  server: number | null;
  format: string | null;
  labels: Labels;
  protection: { delete: boolean };
}

export interface PrimaryIpRecord {
  id: number;
  name: string;
  created: string;
  type: 'ipv4' | 'ipv6';
  ip: string;
  location: string;
  assignee_id: number | null;
  auto_delete: boolean;
  labels: Labels;
  protection: { delete: boolean };
  dns_ptr: { ip: string; dns_ptr: string }[];
}

export interface SshKeyRecord {
  id: number;
  name: string;
  created: string;
  public_key: string;
  fingerprint: string;
  labels: Labels;
}

export interface PlacementGroupRecord {
  id: number;
  name: string;
  created: string;
  type: 'spread';
  labels: Labels;
}

export interface ZoneRecord {
  id: number;
  name: string;
  created: string;
  mode: 'primary' | 'secondary';
  ttl: number;
  labels: Labels;
  protection: { delete: boolean };
  primary_nameservers: { address: string; port: number; tsig_algorithm?: string; tsig_key?: string }[];
}

export interface RrsetRecord {
  zone: number;
  name: string;
  type: string;
  ttl: number | null;
  labels: Labels;
  protection: { change: boolean };
  records: { value: string; comment?: string }[];
}

export interface StorageBoxAccessRecord {
  reachable_externally: boolean;
  samba_enabled: boolean;
  ssh_enabled: boolean;
  webdav_enabled: boolean;
  zfs_enabled: boolean;
}

export interface StorageBoxRecord {
  id: number;
  name: string;
  created: string;
  /** The main account, `u<id>`. */
  username: string;
  storage_box_type: string;
  location: string;
  labels: Labels;
  protection: { delete: boolean };
  access_settings: StorageBoxAccessRecord;
  snapshot_plan: { max_snapshots: number; minute: number; hour: number; day_of_week: number | null; day_of_month: number | null } | null;
  /** The main account's password as a crypt(3) SHA-512 hash (for the SFTP server); the password itself is never kept. */
  password_hash: string;
  ssh_keys: string[];
  /**
   * Where its SFTP server answers. Nothing answers DNS in the local cloud, so
   * the API shows this address as the box's `server` (Hetzner: an FQDN).
   */
  address: string;
  /** Number of the next subaccount (`u<id>-sub<n>`); never reused. */
  next_subaccount: number;
}

export interface StorageBoxSubaccountRecord {
  id: number;
  storage_box: number;
  name: string;
  created: string;
  /** `u<box id>-sub<n>`, assigned by the API. */
  username: string;
  /** Relative to the box's root, no leading slash (`tenants/acme`). */
  home_directory: string;
  description: string;
  labels: Labels;
  access_settings: Omit<StorageBoxAccessRecord, 'zfs_enabled'> & { readonly: boolean };
  /** crypt(3) SHA-512 hash of its password; the password itself is never kept. */
  password_hash: string;
}

export interface ActionRecord {
  id: number;
  command: string;
  status: 'running' | 'success' | 'error';
  started: string;
  finished: string | null;
  resources: { id: number; type: string }[];
  error: { code: string; message: string } | null;
  /** Reads left that still report `running`. */
  polls_left: number;
}

export interface ApiState {
  version: 1;
  next_ids: Record<string, number>;
  /** Counter for public addresses handed out. */
  next_public_ip: number;
  servers: ServerRecord[];
  networks: NetworkRecord[];
  firewalls: FirewallRecord[];
  volumes: VolumeRecord[];
  primary_ips: PrimaryIpRecord[];
  ssh_keys: SshKeyRecord[];
  placement_groups: PlacementGroupRecord[];
  zones: ZoneRecord[];
  rrsets: RrsetRecord[];
  storage_boxes: StorageBoxRecord[];
  storage_box_subaccounts: StorageBoxSubaccountRecord[];
  actions: ActionRecord[];
}

/**
 * Ids of each kind start at their own base (servers 100001, networks 200001,
 * ...), so a client that passes a network id where a server id belongs gets
 * not_found instead of silently hitting another resource.
 */
const ID_BASE: Record<string, number> = {
  server: 100_000,
  network: 200_000,
  firewall: 300_000,
  volume: 400_000,
  primary_ip: 500_000,
  ssh_key: 600_000,
  placement_group: 700_000,
  zone: 800_000,
  action: 1_000_000,
  storage_box: 2_000_000,
  storage_box_subaccount: 2_100_000,
};

export function emptyState(): ApiState {
  return {
    version: 1,
    next_ids: {},
    next_public_ip: 1,
    servers: [],
    networks: [],
    firewalls: [],
    volumes: [],
    primary_ips: [],
    ssh_keys: [],
    placement_groups: [],
    zones: [],
    rrsets: [],
    storage_boxes: [],
    storage_box_subaccounts: [],
    actions: [],
  };
}

export interface StoreOptions {
  /** Load from and save to this JSON file. */
  readonly stateFile?: string;
  /** Reads of an action that still report `running` before it succeeds. */
  readonly actionPolls: number;
  /** The n-th public address to hand out (the machine layer's routed ranges). @default - 100.64.0.0/10 and 2001:db8::/32 */
  readonly publicAddress?: (type: 'ipv4' | 'ipv6', n: number) => string;
}

export class Store {
  state: ApiState;

  constructor(readonly options: StoreOptions) {
    this.state = emptyState();
    if (options.stateFile && fs.existsSync(options.stateFile)) {
      const loaded = JSON.parse(fs.readFileSync(options.stateFile, 'utf8')) as ApiState;
      if (loaded.version !== 1) throw new Error(`${options.stateFile}: unsupported state version ${String(loaded.version)}`);
      this.state = { ...emptyState(), ...loaded };
    }
  }

  nextId(kind: keyof typeof ID_BASE | string): number {
    const n = (this.state.next_ids[kind] ?? 0) + 1;
    this.state.next_ids[kind] = n;
    return (ID_BASE[kind] ?? 900_000) + n;
  }

  now(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
  }

  /** Writes the state file atomically (temp file + rename). */
  save(): void {
    const file = this.options.stateFile;
    if (!file) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(this.state, null, 1));
    fs.renameSync(tmp, file);
  }

  /** Replaces the whole state (tests use it to set up broken projects). */
  reset(state: ApiState = emptyState()): void {
    this.state = state;
  }
}
