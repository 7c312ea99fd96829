/**
 * Which tenants a synth covers: all of them, or the ones `TENANTS` names.
 * A selection that names no tenant, or a tenant the fleet does not have, is an
 * error: synthesizing an empty or partial fleet would replace the whole output
 * directory with less than was asked for. Pure.
 */
import { didYouMean, plural } from '../diagnostics';

/** Ids are separated by commas and/or whitespace: `acme,globex`, `acme globex`. */
const SEPARATORS = /[\s,]+/;

export type Selection = { readonly only?: readonly string[] } | { readonly error: string };

/** The problem with `only` against the fleet's ids, or undefined when every id is known and there is one. */
export function selectionProblem(only: readonly string[], known: readonly string[], what = 'the selection'): string | undefined {
  const allowed = `allowed: ${known.join(', ') || 'no tenant files found'}`;
  if (only.length === 0) return `${what} is set but names no tenant; ${allowed} (comma-separated), or leave it unset for every tenant`;
  const unknown = [...new Set(only.filter((id) => !known.includes(id)))];
  if (unknown.length === 0) return undefined;
  const named = unknown.map((id) => {
    const hint = didYouMean(id, known);
    return `"${id}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
  });
  const noun = unknown.length === 1 ? 'an unknown tenant' : `${plural(unknown.length, 'unknown tenant')}`;
  return `${what} names ${noun}: ${named.join(', ')}; ${allowed}`;
}

/**
 * Parses the `TENANTS` variable: undefined (unset) selects every tenant; any
 * other value must name at least one tenant, and only tenants of `known`.
 */
export function selectTenants(raw: string | undefined, known: readonly string[]): Selection {
  if (raw === undefined) return {};
  const only = raw.split(SEPARATORS).filter(Boolean);
  const error = selectionProblem(only, known, 'TENANTS');
  return error ? { error } : { only };
}
