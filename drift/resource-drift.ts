/**
 * What changed outside OpenTofu, from a refresh-only plan (`tofu plan
 * -refresh-only`, `tofu show -json`): pure. OpenTofu lists in
 * `resource_drift` every managed resource whose live state differs from its
 * recorded state; this turns each into the attributes that changed, old ->
 * new, down to the leaf (`labels.environment`), with lists compared as sets
 * (a firewall's rules come back in any order). Data-source reads are not
 * drift (Digger counts them by mistake, FACTS.md): they are left out.
 * Sensitive values are never shown.
 */
import { SENSITIVE, sensitiveAt, type PlanJson, type PlanResourceChange } from '../lib/plan-json';

/** One attribute (or list) that changed outside OpenTofu. */
export interface AttributeDrift {
  /** Dotted path: `labels.environment`, `rule`, `network[0].ip`. */
  readonly path: string;
  /** The recorded value (for a list: the items no longer there); absent when there was none. */
  readonly before?: string;
  /** The live value (for a list: the items that appeared); absent when it is gone. */
  readonly after?: string;
}

export interface ResourceDrift {
  readonly address: string;
  readonly type: string;
  /** `changed`: attributes differ; `deleted`: the resource is gone from the API. */
  readonly kind: 'changed' | 'deleted';
  /** For `changed`: what differs, sorted by path. */
  readonly attributes: readonly AttributeDrift[];
}

const MAX_VALUE_CHARS = 120;

/** A value on one line: JSON, with null and empty members of objects left out. */
export function renderValue(v: unknown): string {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (x && typeof x === 'object') {
      return Object.fromEntries(Object.entries(x).filter(([, y]) => y !== null && y !== '' && !(Array.isArray(y) && y.length === 0)).map(([k, y]) => [k, strip(y)]));
    }
    return x;
  };
  const s = JSON.stringify(strip(v)) ?? 'null';
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS - 1)}…` : s;
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const key = (x: unknown) => JSON.stringify(x, (_, v) => (isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));

function pathText(path: readonly (string | number)[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

/** Every leaf (or list) that differs between before and after. */
function diffValues(before: unknown, after: unknown, path: (string | number)[], out: { path: (string | number)[]; before?: unknown; after?: unknown; list?: boolean }[]): void {
  if (key(before ?? null) === key(after ?? null)) return;
  if (isObject(before) && isObject(after)) {
    for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) diffValues(before[k], after[k], [...path, k], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    // One block (`network`, `public_net`): compare inside it.
    if (before.length === 1 && after.length === 1 && isObject(before[0]) && isObject(after[0])) {
      diffValues(before[0], after[0], [...path, 0], out);
      return;
    }
    // A list or set: which items went, which came.
    const count = (xs: unknown[]) => xs.reduce<Map<string, number>>((m, x) => m.set(key(x), (m.get(key(x)) ?? 0) + 1), new Map());
    const b = count(before);
    const a = count(after);
    const gone = before.filter((x) => { const n = a.get(key(x)) ?? 0; if (n > 0) { a.set(key(x), n - 1); return false; } return true; });
    const came = after.filter((x) => { const n = b.get(key(x)) ?? 0; if (n > 0) { b.set(key(x), n - 1); return false; } return true; });
    if (gone.length || came.length) out.push({ path, before: gone, after: came, list: true });
    return;
  }
  out.push({ path, before, after });
}

/** The attributes of one drifted resource that changed, sensitive values masked. */
export function attributeDrift(rc: PlanResourceChange): AttributeDrift[] {
  const found: { path: (string | number)[]; before?: unknown; after?: unknown; list?: boolean }[] = [];
  diffValues(rc.change.before ?? {}, rc.change.after ?? {}, [], found);
  const present = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
  return found.map((f) => {
    const hidden = sensitiveAt(rc.change.before_sensitive, f.path) || sensitiveAt(rc.change.after_sensitive, f.path);
    const show = (v: unknown) => (hidden ? SENSITIVE : f.list ? (v as unknown[]).map(renderValue).join('; ') : renderValue(v));
    return {
      path: pathText(f.path),
      ...(present(f.before) ? { before: show(f.before) } : {}),
      ...(present(f.after) ? { after: show(f.after) } : {}),
    };
  });
}

/** Every managed resource that changed outside OpenTofu, sorted by address. */
export function resourceDrift(plan: PlanJson): ResourceDrift[] {
  const out: ResourceDrift[] = [];
  for (const rc of plan.resource_drift ?? []) {
    if (rc.mode !== 'managed') continue;
    const actions = [...rc.change.actions].sort().join(',');
    if (actions === 'no-op' || actions === 'read' || actions === '') continue;
    if (rc.change.after === null || actions === 'delete') {
      out.push({ address: rc.address, type: rc.type, kind: 'deleted', attributes: [] });
      continue;
    }
    const attributes = attributeDrift(rc);
    if (attributes.length) out.push({ address: rc.address, type: rc.type, kind: 'changed', attributes });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** How many resources the state held before the refresh: 0 means the tenant is not deployed. */
export function managedResourceCount(plan: PlanJson): number {
  return (plan.prior_state?.values?.root_module?.resources ?? []).filter((r) => r.mode !== 'data').length;
}
