/**
 * Keeps what is valid of a file that failed its schema, so that the semantic
 * rules can still run and every problem is reported in one pass:
 * - unknown keys are dropped;
 * - an invalid optional field falls back to its default;
 * - an invalid list item becomes a hole: the list keeps its length and every
 *   other item keeps its index (so positions in messages stay right);
 * - an invalid required field makes its object invalid, except at the top,
 *   where a placeholder may stand in for it.
 * Every path that was dropped or replaced is returned, so that findings which
 * depend on it can be left out (they would only repeat the schema error).
 * Pure.
 */
import type { ZodTypeAny } from 'zod';
import type { FieldPath } from '../diagnostics';
import { unwrapSchema } from './issues';

export interface Salvaged {
  /** Schema-shaped data, with holes in lists where items were invalid. */
  readonly value: unknown;
  /** Paths whose value was dropped, defaulted or replaced by a placeholder. */
  readonly dropped: readonly FieldPath[];
}

type Def = { typeName?: string; [k: string]: any };
const defOf = (s: ZodTypeAny | undefined): Def | undefined => (s as unknown as { _def?: Def } | undefined)?._def;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

const FAIL = { ok: false } as const;
type Result = { ok: true; value: unknown } | typeof FAIL;

function walk(schema: ZodTypeAny, raw: unknown, path: FieldPath, dropped: FieldPath[], placeholders?: Record<string, unknown>): Result {
  const direct = schema.safeParse(raw);
  if (direct.success) return { ok: true, value: direct.data };
  if (path.length > 32) return FAIL;
  const u = unwrapSchema(schema);
  const def = defOf(u);
  switch (def?.typeName) {
    case 'ZodObject': {
      if (!isPlainObject(raw)) return FAIL;
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape() as Record<string, ZodTypeAny>)) {
        const here = [...path, key];
        const r = Object.prototype.hasOwnProperty.call(raw, key) ? walk(field, raw[key], here, dropped) : walk(field, undefined, here, dropped);
        if (r.ok) {
          if (r.value !== undefined) out[key] = r.value;
          continue;
        }
        const fallback = field.safeParse(undefined);
        if (fallback.success) {
          dropped.push(here);
          if (fallback.data !== undefined) out[key] = fallback.data;
        } else if (placeholders && Object.prototype.hasOwnProperty.call(placeholders, key)) {
          dropped.push(here);
          out[key] = placeholders[key];
        } else {
          return FAIL;
        }
      }
      return { ok: true, value: out };
    }
    case 'ZodArray': {
      if (!Array.isArray(raw)) return FAIL;
      const out: unknown[] = new Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const r = walk(def.type, raw[i], [...path, i], dropped);
        if (r.ok) out[i] = r.value;
        else dropped.push([...path, i]);
      }
      return { ok: true, value: out };
    }
    case 'ZodRecord': {
      if (!isPlainObject(raw)) return FAIL;
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(raw)) {
        const r = walk(def.valueType, v, [...path, key], dropped);
        if (r.ok) out[key] = r.value;
        else dropped.push([...path, key]);
      }
      return { ok: true, value: out };
    }
    case 'ZodDiscriminatedUnion': {
      if (!isPlainObject(raw)) return FAIL;
      const option = def.optionsMap.get(raw[def.discriminator]) as ZodTypeAny | undefined;
      return option ? walk(option, raw, path, dropped) : FAIL;
    }
    default:
      return FAIL;
  }
}

/**
 * Salvages `raw` against `schema`. `placeholders` stand in for required
 * top-level fields that are missing or invalid. Undefined when even that is
 * not enough (the document is not a mapping).
 */
export function salvage(schema: ZodTypeAny, raw: unknown, placeholders: Record<string, unknown> = {}): Salvaged | undefined {
  const dropped: FieldPath[] = [];
  const r = walk(schema, raw, [], dropped, placeholders);
  return r.ok ? { value: r.value, dropped } : undefined;
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isWithin(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);
}
