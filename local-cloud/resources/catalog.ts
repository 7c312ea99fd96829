/**
 * Read-only catalog: locations, datacenters, server types, system images and
 * Storage Box types, the lookups the provider makes before it creates a
 * server or a Storage Box.
 *
 * Simplification: a fixed, small catalog (no prices, no deprecations, every
 * server type in every location). Values follow Hetzner's public catalog as of
 * 2025; ids are the real ones where we know them, otherwise stable made-up ones.
 */
import { invalidInput, notFound } from '../errors';
import { filterByField, paginate, pathId, sortItems } from '../pagination';
import type { Router } from '../router';

export interface Location {
  id: number;
  name: string;
  description: string;
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  network_zone: string;
}

export const LOCATIONS: Location[] = [
  { id: 1, name: 'fsn1', description: 'Falkenstein DC Park 1', country: 'DE', city: 'Falkenstein', latitude: 50.47612, longitude: 12.370071, network_zone: 'eu-central' },
  { id: 2, name: 'nbg1', description: 'Nuremberg DC Park 1', country: 'DE', city: 'Nuremberg', latitude: 49.452102, longitude: 11.076665, network_zone: 'eu-central' },
  { id: 3, name: 'hel1', description: 'Helsinki DC Park 1', country: 'FI', city: 'Helsinki', latitude: 60.169855, longitude: 24.938379, network_zone: 'eu-central' },
  { id: 4, name: 'ash', description: 'Ashburn, VA', country: 'US', city: 'Ashburn, VA', latitude: 39.045821, longitude: -77.487073, network_zone: 'us-east' },
  { id: 5, name: 'hil', description: 'Hillsboro, OR', country: 'US', city: 'Hillsboro, OR', latitude: 45.54222, longitude: -122.951256, network_zone: 'us-west' },
  { id: 6, name: 'sin', description: 'Singapore', country: 'SG', city: 'Singapore', latitude: 1.283333, longitude: 103.833333, network_zone: 'ap-southeast' },
];

/** One datacenter per location: `<location>-dc<n>`. */
const DATACENTER_NAMES: Record<string, string> = { fsn1: 'fsn1-dc14', nbg1: 'nbg1-dc3', hel1: 'hel1-dc2', ash: 'ash-dc1', hil: 'hil-dc1', sin: 'sin-dc1' };

interface ServerTypeSpec {
  id: number;
  name: string;
  cores: number;
  memory: number;
  disk: number;
  cpu_type: 'shared' | 'dedicated';
  architecture: 'x86' | 'arm';
  category: string;
}

const SERVER_TYPES: ServerTypeSpec[] = [
  { id: 22, name: 'cx22', cores: 2, memory: 4, disk: 40, cpu_type: 'shared', architecture: 'x86', category: 'cost_optimized' },
  { id: 23, name: 'cx32', cores: 4, memory: 8, disk: 80, cpu_type: 'shared', architecture: 'x86', category: 'cost_optimized' },
  { id: 24, name: 'cx42', cores: 8, memory: 16, disk: 160, cpu_type: 'shared', architecture: 'x86', category: 'cost_optimized' },
  { id: 25, name: 'cx52', cores: 16, memory: 32, disk: 320, cpu_type: 'shared', architecture: 'x86', category: 'cost_optimized' },
  { id: 104, name: 'cx23', cores: 2, memory: 4, disk: 40, cpu_type: 'shared', architecture: 'x86', category: 'cost_optimized' },
  { id: 105, name: 'cx33', cores: 4, memory: 8, disk: 80, cpu_type: 'shared', architecture: 'x86', category: 'cost_optimized' },
  { id: 106, name: 'cx43', cores: 8, memory: 16, disk: 160, cpu_type: 'shared', architecture: 'x86', category: 'cost_optimized' },
  { id: 107, name: 'cx53', cores: 16, memory: 32, disk: 320, cpu_type: 'shared', architecture: 'x86', category: 'cost_optimized' },
  { id: 45, name: 'cax11', cores: 2, memory: 4, disk: 40, cpu_type: 'shared', architecture: 'arm', category: 'cost_optimized' },
  { id: 93, name: 'cax21', cores: 4, memory: 8, disk: 80, cpu_type: 'shared', architecture: 'arm', category: 'cost_optimized' },
  { id: 8, name: 'cpx11', cores: 2, memory: 2, disk: 40, cpu_type: 'shared', architecture: 'x86', category: 'regular_purpose' },
  { id: 9, name: 'cpx21', cores: 3, memory: 4, disk: 80, cpu_type: 'shared', architecture: 'x86', category: 'regular_purpose' },
  { id: 10, name: 'cpx31', cores: 4, memory: 8, disk: 160, cpu_type: 'shared', architecture: 'x86', category: 'regular_purpose' },
  { id: 11, name: 'cpx41', cores: 8, memory: 16, disk: 240, cpu_type: 'shared', architecture: 'x86', category: 'regular_purpose' },
  { id: 96, name: 'ccx13', cores: 2, memory: 8, disk: 80, cpu_type: 'dedicated', architecture: 'x86', category: 'general_purpose' },
  { id: 97, name: 'ccx23', cores: 4, memory: 16, disk: 160, cpu_type: 'dedicated', architecture: 'x86', category: 'general_purpose' },
  { id: 98, name: 'ccx33', cores: 8, memory: 32, disk: 240, cpu_type: 'dedicated', architecture: 'x86', category: 'general_purpose' },
];

interface ImageSpec {
  id: number;
  name: string;
  description: string;
  os_flavor: string;
  os_version: string;
  architecture: 'x86' | 'arm';
}

const IMAGES: ImageSpec[] = [
  { id: 161547269, name: 'ubuntu-24.04', description: 'Ubuntu 24.04', os_flavor: 'ubuntu', os_version: '24.04', architecture: 'x86' },
  { id: 161547270, name: 'ubuntu-24.04', description: 'Ubuntu 24.04', os_flavor: 'ubuntu', os_version: '24.04', architecture: 'arm' },
  { id: 67794396, name: 'ubuntu-22.04', description: 'Ubuntu 22.04', os_flavor: 'ubuntu', os_version: '22.04', architecture: 'x86' },
  { id: 103908130, name: 'ubuntu-22.04', description: 'Ubuntu 22.04', os_flavor: 'ubuntu', os_version: '22.04', architecture: 'arm' },
  { id: 114690387, name: 'debian-12', description: 'Debian 12', os_flavor: 'debian', os_version: '12', architecture: 'x86' },
  { id: 114690389, name: 'debian-12', description: 'Debian 12', os_flavor: 'debian', os_version: '12', architecture: 'arm' },
  { id: 270000001, name: 'debian-13', description: 'Debian 13', os_flavor: 'debian', os_version: '13', architecture: 'x86' },
  { id: 270000002, name: 'debian-13', description: 'Debian 13', os_flavor: 'debian', os_version: '13', architecture: 'arm' },
  { id: 119440000, name: 'rocky-9', description: 'Rocky Linux 9', os_flavor: 'rocky', os_version: '9', architecture: 'x86' },
];

const CATALOG_CREATED = '2018-01-01T00:00:00+00:00';

export interface StorageBoxTypeSpec {
  id: number;
  name: string;
  /** Bytes. */
  size: number;
  snapshot_limit: number;
  automatic_snapshot_limit: number;
  subaccounts_limit: number;
}

const TB = 1024 ** 4;

/** Storage Box types (Hetzner's BX line as of 2025; prices are not modelled). */
export const STORAGE_BOX_TYPES: StorageBoxTypeSpec[] = [
  { id: 1, name: 'bx11', size: 1 * TB, snapshot_limit: 10, automatic_snapshot_limit: 10, subaccounts_limit: 100 },
  { id: 2, name: 'bx21', size: 5 * TB, snapshot_limit: 20, automatic_snapshot_limit: 20, subaccounts_limit: 100 },
  { id: 3, name: 'bx31', size: 10 * TB, snapshot_limit: 30, automatic_snapshot_limit: 30, subaccounts_limit: 100 },
  { id: 4, name: 'bx41', size: 20 * TB, snapshot_limit: 40, automatic_snapshot_limit: 40, subaccounts_limit: 100 },
];

export function findStorageBoxType(nameOrId: string | number): StorageBoxTypeSpec | undefined {
  return STORAGE_BOX_TYPES.find((t) => t.name === String(nameOrId) || String(t.id) === String(nameOrId));
}

export function renderStorageBoxType(t: StorageBoxTypeSpec) {
  return { ...t, description: t.name.toUpperCase(), prices: [], deprecation: null };
}

export function findLocation(nameOrId: string | number): Location | undefined {
  return LOCATIONS.find((l) => l.name === String(nameOrId) || String(l.id) === String(nameOrId));
}

export function renderLocation(l: Location) {
  return { ...l };
}

export function datacenterOf(location: string) {
  const l = findLocation(location)!;
  const name = DATACENTER_NAMES[l.name];
  return {
    id: l.id,
    name,
    description: `${l.city} virtual DC`,
    location: renderLocation(l),
    server_types: {
      supported: SERVER_TYPES.map((t) => t.id),
      available: SERVER_TYPES.map((t) => t.id),
      available_for_migration: SERVER_TYPES.map((t) => t.id),
    },
  };
}

export function findDatacenter(nameOrId: string | number) {
  const l = LOCATIONS.find((x) => DATACENTER_NAMES[x.name] === String(nameOrId) || String(x.id) === String(nameOrId));
  return l && datacenterOf(l.name);
}

export function findServerType(nameOrId: string | number): ServerTypeSpec | undefined {
  return SERVER_TYPES.find((t) => t.name === String(nameOrId) || String(t.id) === String(nameOrId));
}

export function renderServerType(t: ServerTypeSpec) {
  return {
    id: t.id,
    name: t.name,
    description: t.name.toUpperCase(),
    category: t.category,
    cores: t.cores,
    memory: t.memory,
    disk: t.disk,
    deprecated: false,
    deprecation: null,
    storage_type: 'local',
    cpu_type: t.cpu_type,
    architecture: t.architecture,
    included_traffic: 21990232555520,
    prices: [],
    locations: LOCATIONS.map((l) => ({ id: l.id, name: l.name, deprecation: null, recommended: true, available: true })),
  };
}

/** An image by id, or by name for the given architecture (names are shared by the x86 and arm builds). */
export function findImage(nameOrId: string | number, architecture?: string): ImageSpec | undefined {
  const byId = IMAGES.find((i) => String(i.id) === String(nameOrId));
  if (byId) return byId;
  return IMAGES.find((i) => i.name === String(nameOrId) && (!architecture || i.architecture === architecture));
}

export function findImageById(id: number): ImageSpec | undefined {
  return IMAGES.find((i) => i.id === id);
}

export function renderImage(i: ImageSpec) {
  return {
    id: i.id,
    type: 'system',
    status: 'available',
    name: i.name,
    description: i.description,
    image_size: null,
    disk_size: 5,
    created: CATALOG_CREATED,
    created_from: null,
    bound_to: null,
    os_flavor: i.os_flavor,
    os_version: i.os_version,
    architecture: i.architecture,
    rapid_deploy: true,
    protection: { delete: false },
    deprecated: null,
    deleted: null,
    labels: {},
  };
}

function oneOf<T>(found: T | undefined, kind: string, raw: string): T {
  if (!found) throw notFound(kind, raw);
  return found;
}

export function registerCatalog(router: Router): void {
  const list = (key: string, items: any[], q: URLSearchParams, sortable = ['id', 'name']) => {
    const { items: page, meta } = paginate(sortItems(filterByField(items, q, 'name'), q, sortable), q);
    return { status: 200, body: { [key]: page, meta } };
  };

  router.get('/locations', (r) => list('locations', LOCATIONS.map(renderLocation), r.query));
  router.get('/locations/{id}', (r) => ({ status: 200, body: { location: renderLocation(oneOf(LOCATIONS.find((l) => l.id === pathId(r.params.id, 'location')), 'location', r.params.id)) } }));

  router.get('/datacenters', (r) => {
    const all = LOCATIONS.map((l) => datacenterOf(l.name));
    const res = list('datacenters', all, r.query);
    return { ...res, body: { ...(res.body as object), recommendation: all[0].id } };
  });
  router.get('/datacenters/{id}', (r) => ({ status: 200, body: { datacenter: oneOf(findDatacenter(pathId(r.params.id, 'datacenter')), 'datacenter', r.params.id) } }));

  router.get('/server_types', (r) => list('server_types', SERVER_TYPES.map(renderServerType), r.query));
  router.get('/server_types/{id}', (r) => {
    const t = SERVER_TYPES.find((x) => x.id === pathId(r.params.id, 'server_type'));
    return { status: 200, body: { server_type: renderServerType(oneOf(t, 'server_type', r.params.id)) } };
  });

  router.get('/storage_box_types', (r) => list('storage_box_types', STORAGE_BOX_TYPES.map(renderStorageBoxType), r.query));
  router.get('/storage_box_types/{id}', (r) => {
    const t = STORAGE_BOX_TYPES.find((x) => x.id === pathId(r.params.id, 'storage_box_type'));
    return { status: 200, body: { storage_box_type: renderStorageBoxType(oneOf(t, 'storage_box_type', r.params.id)) } };
  });

  router.get('/images', (r) => {
    let images = IMAGES.map(renderImage);
    images = filterByField(images, r.query, 'architecture');
    images = filterByField(images, r.query, 'type');
    images = filterByField(images, r.query, 'status');
    if (r.query.get('bound_to')) images = [];
    const selector = r.query.get('label_selector');
    if (selector) images = []; // system images carry no labels; only `!k`-style selectors would match, which nobody uses here.
    return list('images', images, r.query, ['id', 'name', 'created']);
  });
  router.get('/images/{id}', (r) => {
    const i = findImageById(pathId(r.params.id, 'image'));
    return { status: 200, body: { image: renderImage(oneOf(i, 'image', r.params.id)) } };
  });
}

/** Throws invalid_input when a location name is unknown. */
export function requireLocation(field: string, nameOrId: string): Location {
  const l = findLocation(nameOrId);
  if (!l) throw invalidInput(field, `unknown location "${nameOrId}"; allowed: ${LOCATIONS.map((x) => x.name).join(', ')}`);
  return l;
}
