/**
 * What the probe planner needs from the Cloud API: every server (name,
 * tenant label, public addresses, private addresses) and network of the
 * project. Pure mapping functions plus one read through the client.
 */
import { cidrRange, formatAddress } from '../../lib/cidr';
import type { ProbeNetwork, ProbeServer } from '../../isolation/probe/plan';
import type { HcloudClient } from '../client';

export function probeServerFromApi(s: any): ProbeServer {
  const v6 = s.public_net?.ipv6?.ip as string | undefined;
  return {
    name: s.name,
    tenant: s.labels?.tenant_id || undefined,
    publicIpv4: s.public_net?.ipv4?.ip ?? undefined,
    // The API gives the /64; the server answers on ::1 of it (Hetzner's default).
    publicIpv6: v6 ? formatAddress(6, cidrRange(v6).start + 1n) : undefined,
    privateIps: (s.private_net ?? []).map((p: any) => ({ networkId: p.network, ip: p.ip })),
  };
}

export function probeNetworkFromApi(n: any): ProbeNetwork {
  return { id: n.id, tenant: n.labels?.tenant_id || undefined, ipRange: n.ip_range };
}

/** Every server and network of the project: a server no tenant owns is still another tenant's neighbour. */
export async function readProbeTargets(client: HcloudClient): Promise<{ servers: ProbeServer[]; networks: ProbeNetwork[] }> {
  const servers = (await client.list('/servers', 'servers')).map(probeServerFromApi);
  const networks = (await client.list('/networks', 'networks')).map(probeNetworkFromApi);
  return { servers, networks };
}
