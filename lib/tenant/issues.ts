/**
 * Turns zod issues into diagnostics that say what is wrong and what is allowed
 * (`"prod" is not allowed (did you mean "production"?); allowed: production | ...`).
 * The "allowed" part comes from the schema itself: its `.describe()` text, or
 * what its checks say (bounds, enum options, object keys). Pure.
 */
import type { ZodIssue, ZodTypeAny } from 'zod';
import { Diagnostic, didYouMean, FieldPath, plural } from '../diagnostics';
import type { Position } from './yaml-source';

// zod 3 keeps its structure in `_def`; this file is the one place that reads it.
type Def = { typeName?: string; [k: string]: any };
const defOf = (s: ZodTypeAny | undefined): Def | undefined => (s as unknown as { _def?: Def } | undefined)?._def;

const WRAPPERS = new Set(['ZodOptional', 'ZodDefault', 'ZodNullable', 'ZodCatch', 'ZodReadonly', 'ZodBranded', 'ZodEffects', 'ZodLazy', 'ZodPipeline']);

/** The schema a wrapper (optional, default, ...) wraps; undefined for anything else. */
function innerOf(s: ZodTypeAny): ZodTypeAny | undefined {
  const def = defOf(s);
  if (!def?.typeName || !WRAPPERS.has(def.typeName)) return undefined;
  switch (def.typeName) {
    case 'ZodEffects': return def.schema;
    case 'ZodLazy': return def.getter();
    case 'ZodPipeline': return def.in;
    case 'ZodBranded': return def.type;
    default: return def.innerType;
  }
}

/** The schema under optional/default/... wrappers. */
export function unwrapSchema(schema: ZodTypeAny | undefined): ZodTypeAny | undefined {
  let s = schema;
  for (let i = 0; i < 16 && s; i++) {
    const inner = innerOf(s);
    if (!inner) return s;
    s = inner;
  }
  return s;
}

/** The value at `path` in plain data, or undefined. */
export function valueAt(data: unknown, path: FieldPath): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(v, seg)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** The schema that checks the value at `path` (a discriminated union is resolved with `data`). */
export function schemaAt(root: ZodTypeAny, path: FieldPath, data: unknown): ZodTypeAny | undefined {
  let s: ZodTypeAny | undefined = root;
  const pick = (at: FieldPath) => {
    const u = unwrapSchema(s);
    const def = defOf(u);
    if (def?.typeName === 'ZodDiscriminatedUnion') {
      const tag = valueAt(valueAt(data, at), [def.discriminator]);
      return def.optionsMap.get(tag) as ZodTypeAny | undefined;
    }
    return u;
  };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const u = pick(path.slice(0, i));
    const def = defOf(u);
    if (!def) return undefined;
    if (def.typeName === 'ZodObject') s = def.shape()[seg];
    else if (def.typeName === 'ZodArray' && typeof seg === 'number') s = def.type;
    else if (def.typeName === 'ZodRecord') s = def.valueType;
    else return undefined;
  }
  if (s === undefined) return undefined;
  // Keep the wrappers (their descriptions) unless a union option must be chosen.
  return defOf(unwrapSchema(s))?.typeName === 'ZodDiscriminatedUnion' ? pick(path) ?? s : s;
}

/** The description set with `.describe()` on the schema or one of its wrappers. */
function descriptionOf(schema: ZodTypeAny | undefined): string | undefined {
  let s = schema;
  for (let i = 0; i < 16 && s; i++) {
    if (s.description) return s.description;
    s = innerOf(s);
  }
  return undefined;
}

/** Keys an object schema accepts. */
export function keysOf(schema: ZodTypeAny | undefined): string[] {
  const def = defOf(unwrapSchema(schema));
  if (def?.typeName === 'ZodObject') return Object.keys(def.shape());
  return [];
}

/** What a schema allows, in words. */
export function describeAllowed(schema: ZodTypeAny | undefined): string {
  const described = descriptionOf(schema);
  if (described) return described;
  const u = unwrapSchema(schema);
  const def = defOf(u);
  switch (def?.typeName) {
    case 'ZodNumber': {
      const checks = def.checks as { kind: string; value?: number }[];
      const isInt = checks.some((c) => c.kind === 'int');
      const min = checks.find((c) => c.kind === 'min')?.value;
      const max = checks.find((c) => c.kind === 'max')?.value;
      const noun = isInt ? 'an integer' : 'a number';
      if (min !== undefined && max !== undefined) return `${noun} ${min}..${max}`;
      if (min !== undefined) return `${noun} >= ${min}`;
      if (max !== undefined) return `${noun} <= ${max}`;
      return noun;
    }
    case 'ZodString': {
      const checks = def.checks as { kind: string; value?: number }[];
      if (checks.some((c) => c.kind === 'url')) return 'a URL such as https://example.com';
      const max = checks.find((c) => c.kind === 'max')?.value;
      const min = checks.find((c) => c.kind === 'min')?.value;
      if (max !== undefined) return `a string of at most ${max} characters`;
      if (min !== undefined && min > 0) return `a string of at least ${min} character${min === 1 ? '' : 's'}`;
      return 'a string';
    }
    case 'ZodBoolean':
      return 'true or false';
    case 'ZodEnum':
      return (def.values as string[]).join(' | ');
    case 'ZodLiteral':
      return JSON.stringify(def.value);
    case 'ZodArray':
      return `a list, each item ${describeAllowed(def.type)}`;
    case 'ZodObject':
      return `a mapping with the keys ${keysOf(u).join(', ')}`;
    case 'ZodRecord':
      return `a mapping of names to ${describeAllowed(def.valueType)}`;
    case 'ZodDiscriminatedUnion':
      return `a mapping with ${def.discriminator}: ${[...def.optionsMap.keys()].map(String).join(' | ')}`;
    case 'ZodUnion':
      return (def.options as ZodTypeAny[]).map(describeAllowed).join(', or ');
    default:
      return 'a valid value';
  }
}

/** A value as the user wrote it, short. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'binary data';
  if (v instanceof Map) return 'a YAML map with complex keys';
  if (v instanceof Set) return 'a YAML set';
  if (v instanceof Date) return 'a date';
  return 'a mapping';
}

/** "got a list", "\"12\" is a string": what the wrong value is. */
function whatGot(v: unknown, expected: string): string {
  if (v === null) return 'the value is empty';
  if (expected === 'integer' && typeof v === 'number') return `${v} is not a whole number`;
  if (typeof v === 'string') return `${describeValue(v)} is a string${/^-?\d+(\.\d+)?$/.test(v) ? ' (remove the quotes for a number)' : ''}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${v} is a ${typeof v === 'number' ? 'number' : 'boolean'}`;
  return `got ${describeValue(v)}`;
}

export interface IssueDiagnostic extends Diagnostic {
  /** True when the diagnostic is about a key (an unknown key), not a value. */
  readonly atKey?: boolean;
}

/**
 * One diagnostic per problem. An unknown key that is a near miss of a missing
 * required key (`enviroment` for `environment`) is one problem, reported once.
 */
export function issueDiagnostics(
  issues: readonly ZodIssue[],
  schema: ZodTypeAny,
  data: unknown,
  file: string,
  locate?: (path: FieldPath, atKey?: boolean) => Position | undefined,
): Diagnostic[] {
  const out: IssueDiagnostic[] = [];
  const typoFor = new Set<string>();
  const push = (path: FieldPath, message: string, atKey = false) => out.push({ severity: 'error', file, path, message, ...(atKey ? { atKey } : {}) });
  const allowedAt = (path: FieldPath) => describeAllowed(schemaAt(schema, path, data));

  for (const issue of issues) {
    const path = issue.path;
    const value = valueAt(data, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = keysOf(schemaAt(schema, path, data));
        const present = new Set(Object.keys((valueAt(data, path) as object | undefined) ?? {}));
        for (const key of issue.keys) {
          const hint = didYouMean(key, allowed.filter((k) => !present.has(k)));
          if (hint) typoFor.add(JSON.stringify([...path, hint]));
          push([...path, key], `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed keys: ${allowed.join(', ')}`, true);
        }
        break;
      }
      case 'invalid_type':
        if (issue.received === 'undefined') push(path, `required field is missing; expected ${allowedAt(path)}`);
        else push(path, `${whatGot(value, issue.expected)}; expected ${allowedAt(path)}`);
        break;
      case 'invalid_enum_value': {
        const options = issue.options.map(String);
        const hint = didYouMean(String(issue.received), options);
        push(path, `${describeValue(issue.received)} is not allowed${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowedAt(path)}`);
        break;
      }
      case 'invalid_union_discriminator': {
        const options = issue.options.map(String);
        const hint = typeof value === 'string' ? didYouMean(value, options) : undefined;
        push(path, `${describeValue(value)} is not allowed${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${options.join(' | ')}`);
        break;
      }
      case 'too_small':
      case 'too_big': {
        if (issue.type === 'array') {
          const n = Array.isArray(value) ? value.length : 0;
          push(path, `the list ${n === 0 ? 'is empty' : `has ${plural(n, 'item')}`}; expected ${allowedAt(path)}`);
        } else if (issue.type === 'string') {
          const n = typeof value === 'string' ? value.length : 0;
          push(path, n === 0 ? `the string is empty; expected ${allowedAt(path)}` : `the string has ${plural(n, 'character')}; allowed: ${allowedAt(path)}`);
        } else {
          push(path, `${describeValue(value)} is out of range; allowed: ${allowedAt(path)}`);
        }
        break;
      }
      case 'invalid_string':
      case 'invalid_union':
      case 'invalid_literal':
        push(path, `${describeValue(value)} is not allowed; allowed: ${allowedAt(path)}`);
        break;
      default:
        push(path, `${issue.message}; allowed: ${allowedAt(path)}`);
    }
  }
  return out
    .filter((d) => !(d.message.startsWith('required field is missing') && typoFor.has(JSON.stringify(d.path))))
    .map(({ atKey, ...d }) => {
      const p = locate?.(d.path, atKey);
      return p ? { ...d, line: p.line, col: p.col } : d;
    });
}
