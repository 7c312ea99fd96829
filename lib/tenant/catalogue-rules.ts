/**
 * Server types and images against the Hetzner catalogue (lib/catalogue.ts):
 * a type must exist and be offered in the tenant's location, an image must
 * exist and have a build for the type's architecture. The platform's defaults
 * are checked once, in the platform file; a tenant that inherits them is only
 * checked for what depends on the tenant (its location, its own type or
 * image). Pure: findings go to `emit` with a field path.
 */
import { didYouMean, type FieldPath } from '../diagnostics';
import { shippedCatalogue, type Catalogue } from '../catalogue';

type Emit = (path: FieldPath, message: string) => void;

/** A snapshot or backup of the project is named by its numeric id; the catalogue knows only system images. */
const IMAGE_ID = /^\d+$/;

export interface Defaults {
  readonly server_type: string;
  readonly image: string;
}

/** "cx" of "cx22": near misses of the same family are suggested first (cx21 -> cx23, not cax21). */
const familyOf = (type: string) => type.replace(/\d.*$/, '');

function unknownType(type: string, location: string, c: Catalogue): string {
  const names = c.typeNames();
  const sameFamily = names.filter((n) => familyOf(n) === familyOf(type));
  const hint = didYouMean(type, sameFamily) ?? didYouMean(type, names);
  return `unknown server type "${type}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed in ${location}: ${c.typesIn(location).join(', ')} ${c.note}`;
}

function notOffered(type: string, what: string, location: string, c: Catalogue): string {
  const { locations, deprecated } = c.serverType(type)!;
  const elsewhere = locations.length > 0
    ? `it is offered in ${[...locations].sort().join(', ')}`
    : `it is no longer offered anywhere${deprecated ? ` (deprecated ${deprecated})` : ''}`;
  return `server type "${type}" (${what}) is not offered in ${location}; ${elsewhere}; allowed in ${location}: ${c.typesIn(location).join(', ')} ${c.note}`;
}

function unknownImage(image: string, c: Catalogue): string {
  const hint = didYouMean(image, c.imageNames());
  return `unknown image "${image}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${c.imageNames().join(', ')}, or the numeric id of a snapshot ${c.note}`;
}

/** Why `image` cannot boot `type`, or undefined (also when either is unknown: that is reported on its own). */
function architectureProblem(image: string, type: string, c: Catalogue): string | undefined {
  const arch = c.serverType(type)?.architecture;
  const builds = c.imageArchitectures(image);
  if (!arch || !builds || builds.includes(arch)) return undefined;
  const fitting = c.imageNames().filter((n) => c.imageArchitectures(n)!.includes(arch));
  return `image "${image}" has no ${arch} build (server type "${type}" is ${arch}); allowed for ${arch}: ${fitting.join(', ')} ${c.note}`;
}

/**
 * The server groups of a tenant in `location`. `groups` may have holes (items
 * dropped after a schema error): iterate with forEach.
 */
export function checkServerGroups(
  groups: readonly { readonly type?: string; readonly image?: string }[],
  defaults: Defaults,
  location: string,
  emit: Emit,
  c: Catalogue = shippedCatalogue(),
): void {
  const knownLocation = Object.prototype.hasOwnProperty.call(c.data.locations, location);
  groups.forEach((g, gi) => {
    const type = g.type ?? defaults.server_type;
    const image = g.image ?? defaults.image;
    const typePath: FieldPath = g.type === undefined ? ['servers', gi] : ['servers', gi, 'type'];
    const setType = g.type === undefined ? `; set servers[${gi}].type` : '';
    if (!c.serverType(type)) {
      // An unknown default is reported once, in the platform file.
      if (g.type !== undefined) emit(typePath, unknownType(type, location, c));
    } else if (knownLocation && !c.offers(type, location)) {
      const what = g.type === undefined ? 'platform defaults.server_type' : c.serverType(type)!.architecture;
      emit(typePath, `${notOffered(type, what, location, c)}${setType}`);
    }
    if (g.image !== undefined && !IMAGE_ID.test(g.image) && !c.imageArchitectures(g.image)) {
      emit(['servers', gi, 'image'], unknownImage(g.image, c));
      return;
    }
    // Only a mismatch the tenant brought in (its own type or image) is the tenant's to fix.
    if (g.type === undefined && g.image === undefined) return;
    const problem = architectureProblem(image, type, c);
    if (problem) emit(g.image === undefined ? ['servers', gi] : ['servers', gi, 'image'], `${problem}${g.image === undefined ? ` (platform defaults.image); set servers[${gi}].image` : ''}`);
  });
}

/** The platform file's defaults: the type exists and is offered in the default location, the image exists and fits. */
export function checkPlatformDefaults(defaults: Defaults & { readonly location: string }, emit: Emit, c: Catalogue = shippedCatalogue()): void {
  const type = c.serverType(defaults.server_type);
  if (!type) emit(['defaults', 'server_type'], unknownType(defaults.server_type, defaults.location, c));
  else if (!c.offers(defaults.server_type, defaults.location)) emit(['defaults', 'server_type'], notOffered(defaults.server_type, type.architecture, defaults.location, c));
  if (!IMAGE_ID.test(defaults.image) && !c.imageArchitectures(defaults.image)) emit(['defaults', 'image'], unknownImage(defaults.image, c));
  else {
    const problem = architectureProblem(defaults.image, defaults.server_type, c);
    if (problem) emit(['defaults', 'image'], problem);
  }
}

/**
 * A server type offered in `location`: `preferred` when it is, else the first
 * current shared-vCPU type there, else the first current type (for scaffolds).
 */
export function serverTypeFor(location: string, preferred: string, c: Catalogue = shippedCatalogue()): string {
  if (c.offers(preferred, location)) return preferred;
  const offered = c.typesIn(location);
  return offered.find((t) => c.serverType(t)!.cpu_type === 'shared') ?? offered[0] ?? preferred;
}

/**
 * Why the platform's default server type cannot run in `location`, or
 * undefined (also when it is unknown: that is reported in the platform file).
 * For servers the tenant file does not list, such as an offline tenant's
 * added jump host.
 */
export function defaultTypeProblem(defaults: Defaults, location: string, c: Catalogue = shippedCatalogue()): string | undefined {
  const type = c.serverType(defaults.server_type);
  if (!type || !Object.prototype.hasOwnProperty.call(c.data.locations, location) || c.offers(defaults.server_type, location)) return undefined;
  return notOffered(defaults.server_type, 'platform defaults.server_type', location, c);
}
