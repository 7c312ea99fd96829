/**
 * What the machines, networks and volumes should look like for an API state
 * (pure). The machine layer compares this with what it has made and changes
 * only the difference, so every API change (and a state loaded from a file)
 * converges the same way.
 */
import { cidrRange, formatAddress } from '../../lib/cidr';
import { compileFirewall } from '../firewall/compile';
import { firewallsOfServer } from '../relations';
import type { ApiState } from '../state';
import { DesiredStorageBox, desiredStorageBoxes } from '../storage-boxes/sftp-accounts';

export interface DesiredPrivateNet {
  readonly networkId: number;
  /** `10.12.1.10/16`: the server's address with the prefix of the network range. */
  readonly address: string;
  readonly aliasIps: readonly string[];
  readonly mac: string;
}

export interface DesiredServer {
  readonly id: number;
  readonly name: string;
  readonly running: boolean;
  readonly ipv4?: string;
  /** The server's public IPv6 /64. */
  readonly ipv6Net?: string;
  readonly privateNets: readonly DesiredPrivateNet[];
  /** Public keys for root's authorized_keys. */
  readonly sshKeys: readonly string[];
  readonly userData: string;
  /** The nftables table of its firewalls (see firewall/compile.ts). */
  readonly firewall: string;
}

export interface DesiredNetwork {
  readonly id: number;
  /** `10.12.0.1/16`: the gateway (first address) with the prefix of the range, as on Hetzner. */
  readonly gateway: string;
}

export interface DesiredVolume {
  readonly id: number;
  readonly sizeGb: number;
  readonly format: 'ext4' | 'xfs' | null;
  readonly serverId: number | null;
}

export interface DesiredWorld {
  readonly servers: readonly DesiredServer[];
  readonly networks: readonly DesiredNetwork[];
  readonly volumes: readonly DesiredVolume[];
  /** Storage Boxes, each a real SFTP server (storage-boxes/). */
  readonly storageBoxes: readonly DesiredStorageBox[];
}

/** Name of the world's end of a server's public link. */
export function publicLinkName(serverId: number): string {
  return `p${serverId}`;
}

function withPrefix(address: string, range: string): string {
  return `${address}/${range.split('/')[1]}`;
}

export function desiredWorld(state: ApiState): DesiredWorld {
  const networks = state.networks.map((n) => {
    const gateway = formatAddress(4, cidrRange(n.ip_range).start + 1n);
    return { id: n.id, gateway: withPrefix(gateway, n.ip_range), range: n.ip_range };
  });
  const servers = state.servers.map((s): DesiredServer => {
    const ipv4 = state.primary_ips.find((p) => p.id === s.ipv4)?.ip;
    const ipv6Net = state.primary_ips.find((p) => p.id === s.ipv6)?.ip;
    const link = publicLinkName(s.id);
    const firewalls = firewallsOfServer(state, s).sort((a, b) => a.id - b.id);
    return {
      id: s.id,
      name: s.name,
      running: s.status === 'running',
      ipv4,
      ipv6Net,
      privateNets: s.private_net
        .filter((p) => networks.some((n) => n.id === p.network))
        .map((p) => ({
          networkId: p.network,
          address: withPrefix(p.ip, networks.find((n) => n.id === p.network)!.range),
          aliasIps: [...p.alias_ips],
          mac: p.mac_address,
        })),
      sshKeys: s.ssh_keys.map((id) => state.ssh_keys.find((k) => k.id === id)?.public_key).filter((k): k is string => !!k),
      userData: s.user_data,
      firewall: compileFirewall({ serverId: s.id, link, ipv4, ipv6Net, firewalls }),
    };
  });
  const volumes = state.volumes.map((v): DesiredVolume => ({
    id: v.id,
    sizeGb: v.size,
    format: v.format === 'ext4' || v.format === 'xfs' ? v.format : null,
    serverId: v.server,
  }));
  return { servers, networks: networks.map(({ id, gateway }) => ({ id, gateway })), volumes, storageBoxes: desiredStorageBoxes(state) };
}
