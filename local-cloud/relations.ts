/**
 * What Hetzner derives from the records: which servers a firewall covers
 * (directly or through a label selector), which firewalls protect a server,
 * which servers sit in a network or a placement group, which volumes hang on a
 * server. Computed on every read, never stored.
 */
import { matchesSelector } from './label-selector';
import type { ApiState, ApplyToRecord, FirewallRecord, ServerRecord } from './state';

/** Servers one apply_to entry covers. */
export function serversOfApplyTo(state: ApiState, entry: ApplyToRecord): ServerRecord[] {
  if (entry.type === 'server') return state.servers.filter((s) => s.id === entry.server.id);
  return state.servers.filter((s) => matchesSelector(s.labels, entry.label_selector.selector));
}

/** Firewalls that cover the server, directly or by label selector. */
export function firewallsOfServer(state: ApiState, server: ServerRecord): FirewallRecord[] {
  return state.firewalls.filter((fw) =>
    fw.apply_to.some((a) => (a.type === 'server' ? a.server.id === server.id : matchesSelector(server.labels, a.label_selector.selector))),
  );
}

/** Firewalls applied to the server directly (not by selector). */
export function directFirewallsOfServer(state: ApiState, serverId: number): FirewallRecord[] {
  return state.firewalls.filter((fw) => fw.apply_to.some((a) => a.type === 'server' && a.server.id === serverId));
}

export function serversInNetwork(state: ApiState, networkId: number): ServerRecord[] {
  return state.servers.filter((s) => s.private_net.some((p) => p.network === networkId));
}

export function serversInPlacementGroup(state: ApiState, groupId: number): ServerRecord[] {
  return state.servers.filter((s) => s.placement_group === groupId);
}

export function volumesOfServer(state: ApiState, serverId: number): number[] {
  return state.volumes.filter((v) => v.server === serverId).map((v) => v.id);
}
