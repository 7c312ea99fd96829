/**
 * Placement groups (type `spread`, at most 10 servers): list, get, create,
 * update, delete. Servers join through server create or the server actions
 * add_to_placement_group / remove_from_placement_group (servers.ts).
 */
import { ApiError, invalidInput } from '../errors';
import { filterByField } from '../pagination';
import { serversInPlacementGroup } from '../relations';
import { registerResourceRoutes, requireUniqueName } from '../resource-routes';
import type { Router } from '../router';
import type { ApiState, PlacementGroupRecord } from '../state';
import * as v from '../validate';

export const MAX_SERVERS_PER_PLACEMENT_GROUP = 10;

export function renderPlacementGroup(state: ApiState, g: PlacementGroupRecord) {
  return { id: g.id, name: g.name, labels: g.labels, created: g.created, type: g.type, servers: serversInPlacementGroup(state, g.id).map((s) => s.id) };
}

/** Throws placement_error when the group is full. */
export function checkPlacementRoom(state: ApiState, groupId: number): void {
  if (serversInPlacementGroup(state, groupId).length >= MAX_SERVERS_PER_PLACEMENT_GROUP) {
    throw new ApiError('placement_error', `placement group ${groupId} already holds ${MAX_SERVERS_PER_PLACEMENT_GROUP} servers`);
  }
}

export function registerPlacementGroups(router: Router): void {
  registerResourceRoutes(router, {
    collection: 'placement_groups',
    kind: 'placement_group',
    noun: 'placement group',
    records: (s) => s.placement_groups,
    render: renderPlacementGroup,
    filters: (q) => [(gs) => filterByField(gs, q, 'type')],
    remove: (store, g) => {
      // Simplification: Hetzner's exact answer for a non-empty group is not documented; we refuse like a firewall in use.
      if (serversInPlacementGroup(store.state, g.id).length > 0) throw new ApiError('resource_in_use', `placement group ${g.id} still holds servers`);
    },
  });

  router.post('/placement_groups', (r) => {
    const s = r.store.state;
    const name = v.resourceName(r.body);
    const type = v.requiredString(r.body, 'type');
    if (type !== 'spread') throw invalidInput('type', `"${type}" is not allowed; allowed: spread`);
    requireUniqueName(s.placement_groups, name, 'placement group');
    const g: PlacementGroupRecord = { id: r.store.nextId('placement_group'), name, type, labels: v.labels(r.body.labels), created: r.store.now() };
    s.placement_groups.push(g);
    return { status: 201, body: { placement_group: renderPlacementGroup(s, g), action: null } };
  });
}
