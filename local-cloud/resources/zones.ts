/**
 * DNS in the Cloud API (2025): zones (`/zones`, addressed by id or by name)
 * and their RRSets (`/zones/{id_or_name}/rrsets/{name}/{type}`, id
 * `<name>/<type>`). Zones: list (name, mode, label_selector), get, create,
 * update (labels), delete, actions change_protection, change_ttl,
 * change_primary_nameservers, export via GET zonefile. RRSets: list (name,
 * type, label_selector), get, create, update (labels), delete, actions
 * change_protection, change_ttl, set_records, add_records, remove_records,
 * update_records.
 *
 * A new primary zone gets the SOA and NS RRSets at `@`, as on Hetzner.
 * Change protection on an RRSet refuses record, TTL and delete changes.
 * Names follow the API reference (lib/dns-names.ts): a zone is a registered
 * domain, never a subdomain (Hetzner DNS has no subzones); an RRSet name is
 * relative and must not end with the zone name (`invalid_input`). RRSets of a
 * secondary zone cannot be created (`incorrect_zone_mode`).
 *
 * Simplifications: import_zonefile is not supported (answers invalid_input);
 * record values are checked for A, AAAA and CNAME only; no delegation checks.
 */
import { actionBody, createAction, registerResourceActions } from '../actions';
import { zoneNameProblem, rrsetNameProblem } from '../../lib/dns-names';
import { ApiError, invalidInput, notFound, protectedError, uniqueness } from '../errors';
import { filterByField, filterBySelector, paginate, sortItems } from '../pagination';
import { registerResourceRoutes, requireUniqueName } from '../resource-routes';
import type { Router } from '../router';
import type { ApiState, RrsetRecord, Store, ZoneRecord } from '../state';
import * as v from '../validate';

const NAMESERVERS = ['hydrogen.ns.hetzner.com.', 'oxygen.ns.hetzner.com.', 'helium.ns.hetzner.de.'];
const RRSET_TYPES = ['A', 'AAAA', 'CAA', 'CNAME', 'DS', 'HINFO', 'HTTPS', 'MX', 'NS', 'PTR', 'RP', 'SOA', 'SRV', 'SVCB', 'TLSA', 'TXT'];
const DEFAULT_TTL = 3600;

export function findZone(state: ApiState, idOrName: string): ZoneRecord | undefined {
  return state.zones.find((z) => String(z.id) === idOrName || z.name === idOrName);
}

function zoneOrThrow(state: ApiState, idOrName: string): ZoneRecord {
  const z = findZone(state, idOrName);
  if (!z) throw notFound('zone', idOrName);
  return z;
}

function rrsetsOf(state: ApiState, zone: ZoneRecord): RrsetRecord[] {
  return state.rrsets.filter((r) => r.zone === zone.id);
}

export function renderZone(state: ApiState, z: ZoneRecord) {
  return {
    id: z.id,
    name: z.name,
    created: z.created,
    mode: z.mode,
    ttl: z.ttl,
    labels: z.labels,
    protection: { ...z.protection },
    primary_nameservers: z.primary_nameservers.map((p) => ({ ...p })),
    authoritative_nameservers: { assigned: NAMESERVERS, delegated: [], delegation_last_check: null, delegation_status: 'unknown' },
    registrar: 'other',
    status: 'ok',
    record_count: rrsetsOf(state, z).reduce((n, r) => n + r.records.length, 0),
  };
}

export function renderRrset(r: RrsetRecord) {
  return {
    id: `${r.name}/${r.type}`,
    name: r.name,
    type: r.type,
    ttl: r.ttl,
    labels: r.labels,
    protection: { ...r.protection },
    records: r.records.map((x) => ({ value: x.value, ...(x.comment ? { comment: x.comment } : {}) })),
    zone: r.zone,
  };
}

function ttl(raw: unknown, field: string): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 60 || raw > 2147483647) throw invalidInput(field, 'must be an integer of at least 60 seconds');
  return raw;
}

function records(type: string, raw: unknown, field: string): { value: string; comment?: string }[] {
  if (!Array.isArray(raw) || raw.length === 0) throw invalidInput(field, 'must be a non-empty list of {value, comment}');
  const out = raw.map((r: any, i) => {
    const value = r?.value;
    if (typeof value !== 'string' || value === '') throw invalidInput(`${field}[${i}].value`, 'is required');
    if (type === 'A' && v.ipv4ToInt(value) === undefined) throw invalidInput(`${field}[${i}].value`, `"${value}" is not an IPv4 address`);
    if (type === 'AAAA' && !v.isIpv6(value)) throw invalidInput(`${field}[${i}].value`, `"${value}" is not an IPv6 address`);
    const comment = typeof r.comment === 'string' && r.comment !== '' ? r.comment : undefined;
    return comment ? { value, comment } : { value };
  });
  if (type === 'CNAME' && out.length > 1) throw invalidInput(field, 'a CNAME RRSet holds exactly one record');
  if (new Set(out.map((r) => r.value)).size !== out.length) throw invalidInput(field, 'record values must be unique within an RRSet');
  return out;
}

function buildRrset(state: ApiState, zone: ZoneRecord, body: any, field: string): RrsetRecord {
  const name = v.requiredString(body, 'name');
  const problem = rrsetNameProblem(name, zone.name);
  if (problem) throw invalidInput(`${field}name`, problem);
  const type = v.requiredString(body, 'type');
  if (!RRSET_TYPES.includes(type)) throw invalidInput(`${field}type`, `"${type}" is not allowed; allowed: ${RRSET_TYPES.join(', ')}`);
  const existing = rrsetsOf(state, zone).filter((r) => r.name === name);
  if (existing.some((r) => r.type === type)) throw uniqueness('rrset', 'name', `${name}/${type}`);
  if (type === 'CNAME' && existing.length > 0) throw invalidInput(`${field}type`, `"${name}" already has other records; a CNAME must stand alone`);
  if (existing.some((r) => r.type === 'CNAME')) throw invalidInput(`${field}type`, `"${name}" has a CNAME; no other records may share its name`);
  return {
    zone: zone.id,
    name,
    type,
    ttl: body.ttl === undefined || body.ttl === null ? null : ttl(body.ttl, `${field}ttl`),
    labels: v.labels(body.labels, `${field}labels`),
    protection: { change: false },
    records: records(type, body.records, `${field}records`),
  };
}

function findRrset(state: ApiState, zone: ZoneRecord, name: string, type: string): RrsetRecord {
  const r = rrsetsOf(state, zone).find((x) => x.name === name && x.type === type);
  if (!r) throw notFound('rrset', `${name}/${type}`);
  return r;
}

function zoneAction(store: Store, z: ZoneRecord, command: string) {
  return actionBody(createAction(store, command, [{ id: z.id, type: 'zone' }]));
}

function unprotected(r: RrsetRecord): void {
  if (r.protection.change) throw protectedError('rrset', `${r.name}/${r.type}`, 'change');
}

function zonefile(state: ApiState, z: ZoneRecord): string {
  const lines = [`$ORIGIN ${z.name}.`, `$TTL ${z.ttl}`];
  for (const r of rrsetsOf(state, z)) for (const rec of r.records) lines.push(`${r.name} ${r.ttl ?? ''} IN ${r.type} ${rec.value}`.replace(/  +/g, ' '));
  return `${lines.join('\n')}\n`;
}

export function registerZones(router: Router): void {
  registerResourceActions(router, 'zones', 'zone', (store, raw) => findZone(store.state, raw)?.id ?? NaN);

  registerResourceRoutes(router, {
    collection: 'zones',
    kind: 'zone',
    records: (s) => s.zones,
    render: renderZone,
    find: zoneOrThrow,
    validateName: false,
    filters: (q) => [(zs) => filterByField(zs, q, 'mode')],
    remove: (store, z) => {
      const action = createAction(store, 'delete_zone', [{ id: z.id, type: 'zone' }]);
      store.state.rrsets = store.state.rrsets.filter((x) => x.zone !== z.id);
      return action;
    },
  });

  router.post('/zones', (r) => {
    const store = r.store;
    const s = store.state;
    const name = v.requiredString(r.body, 'name');
    const problem = zoneNameProblem(name);
    if (problem) throw invalidInput('name', problem);
    requireUniqueName(s.zones, name, 'zone');
    const mode = v.optionalString(r.body, 'mode') ?? 'primary';
    if (mode !== 'primary' && mode !== 'secondary') throw invalidInput('mode', `"${mode}" is not allowed; allowed: primary, secondary`);
    if (r.body.zonefile) throw invalidInput('zonefile', 'importing zone files is not supported by the local API');
    const primaries = Array.isArray(r.body.primary_nameservers) ? r.body.primary_nameservers : [];
    if (mode === 'secondary' && primaries.length === 0) throw invalidInput('primary_nameservers', 'a secondary zone needs at least one primary nameserver');
    const zone: ZoneRecord = {
      id: store.nextId('zone'),
      name,
      created: store.now(),
      mode,
      ttl: r.body.ttl === undefined || r.body.ttl === null ? DEFAULT_TTL : ttl(r.body.ttl, 'ttl'),
      labels: v.labels(r.body.labels),
      protection: { delete: false },
      primary_nameservers: primaries.map((p: any) => ({ address: String(p.address), port: Number(p.port ?? 53), ...(p.tsig_algorithm ? { tsig_algorithm: p.tsig_algorithm, tsig_key: p.tsig_key } : {}) })),
    };
    const initial: RrsetRecord[] = [];
    if (mode === 'primary') {
      initial.push({ zone: zone.id, name: '@', type: 'SOA', ttl: null, labels: {}, protection: { change: false }, records: [{ value: `${NAMESERVERS[0]} dns.hetzner.com. 2025010101 86400 10800 3600000 3600` }] });
      initial.push({ zone: zone.id, name: '@', type: 'NS', ttl: null, labels: {}, protection: { change: false }, records: NAMESERVERS.map((value) => ({ value })) });
    }
    const requested: unknown[] = Array.isArray(r.body.rrsets) ? r.body.rrsets : [];
    const draft: ApiState = { ...s, rrsets: [...s.rrsets, ...initial] };
    for (const [i, rr] of requested.entries()) draft.rrsets.push(buildRrset(draft, zone, rr, `rrsets[${i}].`));
    s.zones.push(zone);
    s.rrsets = draft.rrsets;
    return { status: 201, body: { zone: renderZone(s, zone), action: zoneAction(store, zone, 'create_zone').body.action } };
  });

  router.get('/zones/{zone}/zonefile', (r) => ({ status: 200, body: { zonefile: zonefile(r.store.state, zoneOrThrow(r.store.state, r.params.zone)) } }));

  router.post('/zones/{zone}/actions/change_protection', (r) => {
    const z = zoneOrThrow(r.store.state, r.params.zone);
    const del = v.optionalBool(r.body, 'delete');
    if (del !== undefined) z.protection.delete = del;
    return zoneAction(r.store, z, 'change_protection');
  });
  router.post('/zones/{zone}/actions/change_ttl', (r) => {
    const z = zoneOrThrow(r.store.state, r.params.zone);
    z.ttl = ttl(r.body.ttl, 'ttl');
    return zoneAction(r.store, z, 'change_ttl');
  });
  router.post('/zones/{zone}/actions/change_primary_nameservers', (r) => {
    const z = zoneOrThrow(r.store.state, r.params.zone);
    if (z.mode !== 'secondary') throw invalidInput('primary_nameservers', 'only secondary zones have primary nameservers');
    const list = r.body.primary_nameservers;
    if (!Array.isArray(list) || list.length === 0) throw invalidInput('primary_nameservers', 'must be a non-empty list');
    z.primary_nameservers = list.map((p: any) => ({ address: String(p.address), port: Number(p.port ?? 53) }));
    return zoneAction(r.store, z, 'change_primary_nameservers');
  });
  router.post('/zones/{zone}/actions/import_zonefile', () => {
    throw invalidInput('zonefile', 'importing zone files is not supported by the local API');
  });

  // --- RRSets ---------------------------------------------------------------
  router.get('/zones/{zone}/rrsets', (r) => {
    const s = r.store.state;
    const z = zoneOrThrow(s, r.params.zone);
    let sets = filterBySelector(filterByField(rrsetsOf(s, z), r.query, 'name'), r.query);
    sets = filterByField(sets, r.query, 'type');
    const rendered = sets.map(renderRrset);
    // RRSet ids are "<name>/<type>" strings; the default order is by id, like other lists.
    const { items, meta } = paginate(sortItems(rendered, r.query, ['id', 'name', 'type', 'ttl']), r.query);
    return { status: 200, body: { rrsets: items, meta } };
  });

  router.post('/zones/{zone}/rrsets', (r) => {
    const s = r.store.state;
    const z = zoneOrThrow(s, r.params.zone);
    if (z.mode === 'secondary') throw new ApiError('incorrect_zone_mode', `zone ${z.name} is a secondary zone; its RRSets come from its primary nameservers`);
    const rr = buildRrset(s, z, r.body, '');
    s.rrsets.push(rr);
    return { status: 201, body: { rrset: renderRrset(rr), action: zoneAction(r.store, z, 'create_rrset').body.action } };
  });

  router.get('/zones/{zone}/rrsets/{name}/{type}', (r) => {
    const z = zoneOrThrow(r.store.state, r.params.zone);
    return { status: 200, body: { rrset: renderRrset(findRrset(r.store.state, z, r.params.name, r.params.type)) } };
  });

  router.put('/zones/{zone}/rrsets/{name}/{type}', (r) => {
    const z = zoneOrThrow(r.store.state, r.params.zone);
    const rr = findRrset(r.store.state, z, r.params.name, r.params.type);
    if (r.body.labels !== undefined) rr.labels = v.labels(r.body.labels);
    return { status: 200, body: { rrset: renderRrset(rr) } };
  });

  router.delete('/zones/{zone}/rrsets/{name}/{type}', (r) => {
    const s = r.store.state;
    const z = zoneOrThrow(s, r.params.zone);
    const rr = findRrset(s, z, r.params.name, r.params.type);
    unprotected(rr);
    if (rr.name === '@' && (rr.type === 'SOA' || (rr.type === 'NS' && z.mode === 'primary'))) {
      throw new ApiError('invalid_input', `the ${rr.type} RRSet at the zone apex cannot be deleted`);
    }
    s.rrsets = s.rrsets.filter((x) => x !== rr);
    return { status: 200, body: zoneAction(r.store, z, 'delete_rrset').body };
  });

  const rrsetAction = (name: string, apply: (rr: RrsetRecord, body: any) => void, guarded = true) =>
    router.post(`/zones/{zone}/rrsets/{name}/{type}/actions/${name}`, (r) => {
      const z = zoneOrThrow(r.store.state, r.params.zone);
      const rr = findRrset(r.store.state, z, r.params.name, r.params.type);
      if (guarded) unprotected(rr);
      apply(rr, r.body);
      return zoneAction(r.store, z, name);
    });

  rrsetAction('change_protection', (rr, b) => {
    const change = v.optionalBool(b, 'change');
    if (change !== undefined) rr.protection.change = change;
  }, false);
  rrsetAction('change_ttl', (rr, b) => {
    rr.ttl = b.ttl === null || b.ttl === undefined ? null : ttl(b.ttl, 'ttl');
  });
  rrsetAction('set_records', (rr, b) => {
    rr.records = records(rr.type, b.records, 'records');
  });
  rrsetAction('add_records', (rr, b) => {
    const add = records(rr.type, b.records, 'records').filter((x) => !rr.records.some((y) => y.value === x.value));
    rr.records = records(rr.type, [...rr.records, ...add], 'records');
    if (b.ttl !== undefined && b.ttl !== null) rr.ttl = ttl(b.ttl, 'ttl');
  });
  rrsetAction('remove_records', (rr, b) => {
    const remove = records(rr.type, b.records, 'records').map((x) => x.value);
    const left = rr.records.filter((x) => !remove.includes(x.value));
    if (left.length === 0) throw invalidInput('records', 'removing every record is not allowed; delete the RRSet instead');
    rr.records = left;
  });
  rrsetAction('update_records', (rr, b) => {
    const updates = records(rr.type, b.records, 'records');
    for (const u of updates) {
      const cur = rr.records.find((x) => x.value === u.value);
      if (!cur) throw invalidInput('records', `no record with value "${u.value}"`);
      if (u.comment) cur.comment = u.comment;
      else delete cur.comment;
    }
  });
}
