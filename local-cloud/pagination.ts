/**
 * List responses: Hetzner's `page`/`per_page` pagination with `meta.pagination`,
 * `sort=field[:asc|:desc]`, and the filters every list shares (`name`,
 * `label_selector`).
 */
import { ApiError, invalidInput } from './errors';
import { LabelSelectorError, matchesRequirements, parseLabelSelector } from './label-selector';
import type { Labels } from './state';

export const DEFAULT_PER_PAGE = 25;
export const MAX_PER_PAGE = 50;

export interface PaginationMeta {
  page: number;
  per_page: number;
  previous_page: number | null;
  next_page: number | null;
  last_page: number;
  total_entries: number;
}

function positiveInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw invalidInput(name, `must be a positive integer, got "${raw}"`);
  return n;
}

/** One page of `items` and the `meta` block that describes it. */
export function paginate<T>(items: readonly T[], query: URLSearchParams): { items: T[]; meta: { pagination: PaginationMeta } } {
  const page = positiveInt(query, 'page', 1);
  // Hetzner caps per_page at 50 rather than rejecting larger values.
  const perPage = Math.min(positiveInt(query, 'per_page', DEFAULT_PER_PAGE), MAX_PER_PAGE);
  const total = items.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const start = (page - 1) * perPage;
  return {
    items: items.slice(start, start + perPage),
    meta: {
      pagination: {
        page,
        per_page: perPage,
        previous_page: page > 1 ? page - 1 : null,
        next_page: page < lastPage ? page + 1 : null,
        last_page: lastPage,
        total_entries: total,
      },
    },
  };
}

function fieldValue(item: any, field: string): unknown {
  return field.split('.').reduce((v, k) => (v == null ? undefined : v[k]), item);
}

/** Sorts by every `sort` parameter in order (`id`, `name:desc`, ...); default: by id ascending. */
export function sortItems<T>(items: readonly T[], query: URLSearchParams, allowed: readonly string[]): T[] {
  const sorts = query.getAll('sort').flatMap((s) => s.split(',')).filter(Boolean);
  const keys = sorts.map((s) => {
    const [field, dir = 'asc'] = s.split(':');
    if (!allowed.includes(field) || (dir !== 'asc' && dir !== 'desc')) {
      throw invalidInput('sort', `"${s}" is not allowed; allowed: ${allowed.flatMap((f) => [f, `${f}:asc`, `${f}:desc`]).join(', ')}`);
    }
    return { field, sign: dir === 'desc' ? -1 : 1 };
  });
  if (keys.length === 0) keys.push({ field: 'id', sign: 1 });
  return [...items].sort((a, b) => {
    for (const { field, sign } of keys) {
      const x = fieldValue(a, field) as any;
      const y = fieldValue(b, field) as any;
      if (x === y) continue;
      if (x === undefined || x === null) return -sign;
      if (y === undefined || y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    return 0;
  });
}

/** Keeps the items whose labels match `label_selector` (all items when it is absent). */
export function filterBySelector<T extends { labels: Labels }>(items: readonly T[], query: URLSearchParams): T[] {
  const selector = query.get('label_selector');
  if (selector === null) return [...items];
  try {
    const reqs = parseLabelSelector(selector);
    return items.filter((i) => matchesRequirements(i.labels, reqs));
  } catch (e) {
    if (e instanceof LabelSelectorError) throw invalidInput('label_selector', e.message);
    throw e;
  }
}

/** Keeps the items whose `field` equals the query parameter of the same name (when given). */
export function filterByField<T>(items: readonly T[], query: URLSearchParams, param: string, field = param): T[] {
  const values = query.getAll(param);
  if (values.length === 0) return [...items];
  return items.filter((i) => values.includes(String(fieldValue(i, field))));
}

/**
 * The common list endpoint: filter by name and label_selector, then the
 * resource's own filters, sort, paginate, and render under `key`.
 */
export function listResponse<R extends { labels: Labels }, O>(
  key: string,
  records: readonly R[],
  query: URLSearchParams,
  render: (r: R) => O,
  opts: { filters?: ((rs: R[]) => R[])[]; sortable?: readonly string[] } = {},
): { status: number; body: unknown } {
  let rs = filterBySelector(filterByField(records, query, 'name'), query);
  for (const f of opts.filters ?? []) rs = f(rs);
  const sorted = sortItems(rs.map(render), query, opts.sortable ?? ['id', 'name', 'created']);
  const { items, meta } = paginate(sorted, query);
  return { status: 200, body: { [key]: items, meta } };
}

/** Parses a path id: Hetzner ids are positive integers; anything else is not found. */
export function pathId(raw: string, kind: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new ApiError('not_found', `${kind} with ID '${raw}' not found`);
  return n;
}

/** The record with the path's id, or Hetzner's not_found. */
export function recordById<T extends { id: number }>(records: readonly T[], raw: string | number, kind: string): T {
  const id = typeof raw === 'number' ? raw : pathId(raw, kind);
  const r = records.find((x) => x.id === id);
  if (!r) throw new ApiError('not_found', `${kind} with ID '${raw}' not found`);
  return r;
}
