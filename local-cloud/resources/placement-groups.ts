/**
 * Placement groups (type `spread`, at most 10 servers): list, get, create,
 * update, delete. Servers join through server create or the server actions
 * add_to_placement_group / remove_from_placement_group (servers.ts).
 */
import { ApiError, invalidInput, uniqueness } from '../errors';
import { filterByField, listResponse, recordById } from '../pagination';
import { serversInPlacementGroup } from '../relations';
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
  router.get('/placement_groups', (r) =>
    listResponse('placement_groups', r.store.state.placement_groups, r.query, (g) => renderPlacementGroup(r.store.state, g), {
      filters: [(gs) => filterByField(gs, r.query, 'type')],
    }),
  );

  router.post('/placement_groups', (r) => {
    const s = r.store.state;
    const name = v.resourceName(r.body);
    const type = v.requiredString(r.body, 'type');
    if (type !== 'spread') throw invalidInput('type', `"${type}" is not allowed; allowed: spread`);
    if (s.placement_groups.some((g) => g.name === name)) throw uniqueness('placement group', 'name', name);
    const g: PlacementGroupRecord = { id: r.store.nextId('placement_group'), name, type, labels: v.labels(r.body.labels), created: r.store.now() };
    s.placement_groups.push(g);
    return { status: 201, body: { placement_group: renderPlacementGroup(s, g), action: null } };
  });

  router.get('/placement_groups/{id}', (r) => ({
    status: 200,
    body: { placement_group: renderPlacementGroup(r.store.state, recordById(r.store.state.placement_groups, r.params.id, 'placement_group')) },
  }));

  router.put('/placement_groups/{id}', (r) => {
    const s = r.store.state;
    const g = recordById(s.placement_groups, r.params.id, 'placement_group');
    const name = v.optionalString(r.body, 'name');
    if (name !== undefined && name !== g.name) {
      if (s.placement_groups.some((x) => x.name === name)) throw uniqueness('placement group', 'name', name);
      g.name = v.resourceName(r.body);
    }
    if (r.body.labels !== undefined) g.labels = v.labels(r.body.labels);
    return { status: 200, body: { placement_group: renderPlacementGroup(s, g) } };
  });

  router.delete('/placement_groups/{id}', (r) => {
    const s = r.store.state;
    const g = recordById(s.placement_groups, r.params.id, 'placement_group');
    // Simplification: Hetzner's exact answer for a non-empty group is not documented; we refuse like a firewall in use.
    if (serversInPlacementGroup(s, g.id).length > 0) throw new ApiError('resource_in_use', `placement group ${g.id} still holds servers`);
    s.placement_groups = s.placement_groups.filter((x) => x !== g);
    return { status: 204 };
  });
}
