/**
 * The Hetzner Cloud catalogue the tenant rules check against: which server
 * types exist, their architecture, the locations each is offered in, and the
 * system images with the architectures they are built for. Kept in the
 * repository (`lib/hetzner-catalogue.json`, dated, marked approximate unless read from
 * the API) so that validation needs no network and no token; rebuilt from the
 * Cloud API by `npm run catalogue:refresh` (cli/refresh-catalogue.ts). Pure.
 */
import shipped from './hetzner-catalogue.json';

export type Architecture = 'x86' | 'arm';

export interface ServerTypeEntry {
  readonly architecture: Architecture;
  /** shared | dedicated */
  readonly cpu_type: string;
  /** Locations the type can be ordered in. */
  readonly locations: readonly string[];
  /** Day Hetzner announced the type's deprecation (YYYY-MM-DD), or null. Deprecated types still pass. */
  readonly deprecated: string | null;
}

export interface CatalogueData {
  /** Day the catalogue was taken (YYYY-MM-DD). */
  readonly date: string;
  /** True when not read from the API (transcribed from public sources). */
  readonly approximate: boolean;
  /** Where the data comes from. */
  readonly source: string;
  readonly locations: Readonly<Record<string, { readonly network_zone: string }>>;
  readonly server_types: Readonly<Record<string, ServerTypeEntry>>;
  /** System images by name, with the architectures they are built for. */
  readonly images: Readonly<Record<string, { readonly architectures: readonly Architecture[] }>>;
}

/** Where the shipped catalogue lives, relative to the project root. */
export const CATALOGUE_FILE = 'lib/hetzner-catalogue.json';

const ARCHITECTURES: readonly string[] = ['x86', 'arm'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem of parsed catalogue data, so that a broken refresh is caught before it is written. */
export function catalogueProblems(c: unknown): string[] {
  if (!isObject(c)) return ['catalogue must be a JSON object'];
  const p: string[] = [];
  if (typeof c.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(c.date)) p.push('date must be YYYY-MM-DD');
  if (typeof c.approximate !== 'boolean') p.push('approximate must be true or false');
  if (typeof c.source !== 'string') p.push('source must be a string');
  const locations = isObject(c.locations) ? c.locations : {};
  if (!isObject(c.locations) || Object.keys(locations).length === 0) p.push('locations must name at least one location');
  for (const [name, l] of Object.entries(locations)) if (!isObject(l) || typeof l.network_zone !== 'string') p.push(`locations.${name}.network_zone must be a string`);
  if (!isObject(c.server_types) || Object.keys(c.server_types).length === 0) p.push('server_types must name at least one server type');
  for (const [name, t] of Object.entries(isObject(c.server_types) ? c.server_types : {})) {
    if (!isObject(t)) { p.push(`server_types.${name} must be an object`); continue; }
    if (!ARCHITECTURES.includes(t.architecture as string)) p.push(`server_types.${name}.architecture must be x86 or arm`);
    if (typeof t.cpu_type !== 'string') p.push(`server_types.${name}.cpu_type must be a string`);
    if (!Array.isArray(t.locations)) p.push(`server_types.${name}.locations must be a list of locations`);
    else {
      const unknown = t.locations.filter((l) => !Object.prototype.hasOwnProperty.call(locations, l as string));
      if (unknown.length) p.push(`server_types.${name}.locations names an unknown location: ${unknown.join(', ')}`);
    }
    if (t.deprecated !== null && (typeof t.deprecated !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(t.deprecated))) p.push(`server_types.${name}.deprecated must be YYYY-MM-DD or null`);
  }
  if (!isObject(c.images) || Object.keys(c.images).length === 0) p.push('images must name at least one image');
  for (const [name, i] of Object.entries(isObject(c.images) ? c.images : {})) {
    if (!isObject(i) || !Array.isArray(i.architectures) || i.architectures.length === 0 || !i.architectures.every((a) => ARCHITECTURES.includes(a as string))) {
      p.push(`images.${name}.architectures must be a non-empty list of x86 and arm`);
    }
  }
  return p;
}

/** The lookups the rules make. */
export interface Catalogue {
  readonly data: CatalogueData;
  readonly date: string;
  readonly approximate: boolean;
  serverType(name: string): ServerTypeEntry | undefined;
  /** True when `type` exists and can be ordered in `location`. */
  offers(type: string, location: string): boolean;
  /** The current (not deprecated) types offered in `location`, sorted. */
  typesIn(location: string): string[];
  /** Every server type name, current ones first (for "did you mean"). */
  typeNames(): string[];
  imageArchitectures(name: string): readonly Architecture[] | undefined;
  imageNames(): string[];
  /** "(catalogue of 2026-12-01, approximate)": said after every "allowed" list drawn from it. */
  readonly note: string;
}

const own = <T>(rec: Readonly<Record<string, T>>, key: string): T | undefined => (Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined);

/** Checks `data` and wraps it; throws with every problem (`where` names its origin). */
export function catalogueOf(data: unknown, where: string): Catalogue {
  const problems = catalogueProblems(data);
  if (problems.length) throw new Error(`${where}: invalid catalogue:\n  ${problems.join('\n  ')}`);
  const d = data as CatalogueData;
  const names = Object.keys(d.server_types).sort();
  return {
    data: d,
    date: d.date,
    approximate: d.approximate,
    note: `(catalogue of ${d.date}${d.approximate ? ', approximate' : ''})`,
    serverType: (name) => own(d.server_types, name),
    offers: (type, location) => own(d.server_types, type)?.locations.includes(location) ?? false,
    typesIn: (location) => names.filter((n) => d.server_types[n].deprecated === null && d.server_types[n].locations.includes(location)),
    typeNames: () => [...names.filter((n) => d.server_types[n].deprecated === null), ...names.filter((n) => d.server_types[n].deprecated !== null)],
    imageArchitectures: (name) => own(d.images, name)?.architectures,
    imageNames: () => Object.keys(d.images).sort(),
  };
}

let cached: Catalogue | undefined;
/** The catalogue shipped with the repository (bundled at build time). */
export function shippedCatalogue(): Catalogue {
  return (cached ??= catalogueOf(shipped, CATALOGUE_FILE));
}

/** Stable JSON (sorted keys, sorted lists) so that a refresh diff shows only what changed. */
export function formatCatalogue(c: CatalogueData): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return [...v].sort();
    if (!isObject(v)) return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  };
  const head = { date: c.date, approximate: c.approximate, source: c.source };
  return `${JSON.stringify({ ...head, locations: sorted(c.locations), server_types: sorted(c.server_types), images: sorted(c.images) }, null, 2)}\n`;
}

/** A deprecation as the API writes it. */
interface ApiDeprecation { readonly announced?: string; readonly unavailable_after?: string }

/** The parts of the API's answers the catalogue needs. */
export interface CatalogueResponses {
  readonly locations: ReadonlyArray<{ readonly name: string; readonly network_zone: string }>;
  readonly server_types: ReadonlyArray<{
    readonly name: string;
    readonly architecture: string;
    readonly cpu_type: string;
    readonly deprecation?: ApiDeprecation | null;
    /** Per location since 2025-09; `available: false` or a past `unavailable_after` means it cannot be ordered there. */
    readonly locations?: ReadonlyArray<{ readonly name: string; readonly available?: boolean; readonly deprecation?: ApiDeprecation | null }>;
  }>;
  readonly images: ReadonlyArray<{ readonly name: string | null; readonly architecture: string; readonly status?: string }>;
}

/**
 * Builds catalogue data from the API's answers (GET /locations, /server_types,
 * /images?type=system); `date` is the day they were fetched, `now` decides
 * which announced removals have happened. Throws if the result is not a valid
 * catalogue (e.g. an API without per-location server types).
 */
export function catalogueFromApi(r: CatalogueResponses, date: string, endpoint: string, now = new Date()): CatalogueData {
  const gone = (d: ApiDeprecation | null | undefined) => d?.unavailable_after !== undefined && new Date(d.unavailable_after) <= now;
  const locations = Object.fromEntries(r.locations.map((l) => [l.name, { network_zone: l.network_zone }]));
  const server_types: Record<string, ServerTypeEntry> = {};
  for (const t of r.server_types) {
    if (!Array.isArray(t.locations)) throw new Error(`server type ${t.name} has no per-location availability (server_types[].locations); the API is older than this tool expects`);
    server_types[t.name] = {
      architecture: t.architecture as Architecture,
      cpu_type: t.cpu_type,
      locations: t.locations.filter((l) => l.available !== false && !gone(l.deprecation)).map((l) => l.name).sort(),
      deprecated: t.deprecation?.announced ? t.deprecation.announced.slice(0, 10) : null,
    };
  }
  const images: Record<string, { architectures: Architecture[] }> = {};
  for (const i of r.images) {
    if (!i.name || (i.status !== undefined && i.status !== 'available')) continue;
    const archs = (images[i.name] ??= { architectures: [] }).architectures;
    if (!archs.includes(i.architecture as Architecture)) archs.push(i.architecture as Architecture);
    archs.sort();
  }
  const data: CatalogueData = {
    date,
    approximate: false,
    source: `Hetzner Cloud API GET ${endpoint.replace(/\/+$/, '')}/{server_types,locations,images} on ${date}`,
    locations,
    server_types,
    images,
  };
  const problems = catalogueProblems(data);
  if (problems.length) throw new Error(`the API's answers give an invalid catalogue:\n  ${problems.join('\n  ')}`);
  return data;
}
