/**
 * The I/O shell around the tenant model: reads the platform file and every
 * tenant file, runs schema and rules, and returns the fleet or every problem
 * at once, each located at file:line:col.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ZodIssue, ZodType } from 'zod';
import { Diagnostic, didYouMean, FieldPath } from '../diagnostics';
import { checkFleet, checkPlatform, resolveTenant } from './rules';
import { platformFileSchema, tenantFileSchema } from './schema';
import type { Fleet, Platform, Tenant } from './model';
import { parseYamlSource, YamlSource } from './yaml-source';

/** The platform file's name inside a tenants directory. */
export const PLATFORM_FILE = '_platform.yaml';

export interface LoadResult {
  /** Present only when there is no error. */
  readonly fleet?: Fleet;
  /** Errors and warnings, in file order. */
  readonly diagnostics: readonly Diagnostic[];
}

function allowedKeys(schema: ZodType, issuePath: FieldPath): string[] {
  // Walk the schema along the path to list the keys the object there accepts.
  let s: any = schema;
  const unwrap = () => {
    for (;;) {
      const def = s?._def;
      if (!def) return;
      if (def.innerType) s = def.innerType;
      else if (def.schema && def.typeName === 'ZodEffects') s = def.schema;
      else return;
    }
  };
  unwrap();
  for (const seg of issuePath) {
    if (typeof seg === 'number') s = s?._def?.type ?? s?.element;
    else s = s?.shape?.[seg] ?? s?._def?.valueType;
    unwrap();
  }
  return s?.shape ? Object.keys(s.shape) : [];
}

/** Turns zod issues into diagnostics that say what is wrong and what is allowed. */
function schemaDiagnostics(issues: ZodIssue[], schema: ZodType, src: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (path: FieldPath, message: string, atKey = false) => {
    const p = src.locate(path, atKey);
    out.push({ severity: 'error', file: src.file, path, message, line: p?.line, col: p?.col });
  };
  for (const issue of issues) {
    const path = issue.path;
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeys(schema, path);
        for (const key of issue.keys) {
          const hint = didYouMean(key, allowed);
          push([...path, key], `unknown key "${key}"${hint ? `; did you mean "${hint}"?` : ''}; allowed keys: ${allowed.join(', ')}`, true);
        }
        break;
      }
      case 'invalid_type':
        push(path, issue.received === 'undefined'
          ? `required field is missing; expected ${issue.expected}`
          : `expected ${issue.expected}, got ${issue.received}`);
        break;
      case 'invalid_enum_value': {
        const options = issue.options.map(String);
        const hint = didYouMean(String(issue.received), options);
        push(path, `"${issue.received}" is not allowed; allowed: ${options.join(' | ')}${hint ? `; did you mean "${hint}"?` : ''}`);
        break;
      }
      case 'invalid_union_discriminator':
        push(path, `allowed: ${issue.options.map(String).join(' | ')}`);
        break;
      case 'too_small':
      case 'too_big': {
        const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
        const what = issue.type === 'number' ? 'value' : issue.type === 'array' ? 'list length' : issue.type === 'string' ? 'length' : 'size';
        push(path, issue.message && !issue.message.startsWith(issue.type === 'number' ? 'Number' : issue.type === 'array' ? 'Array' : 'String')
          ? issue.message
          : `${what} out of range; allowed: ${bound}`);
        break;
      }
      default:
        push(path, issue.message);
    }
  }
  return out;
}

function locateAll(diags: readonly Diagnostic[], src: YamlSource | undefined): Diagnostic[] {
  return diags.map((d) => {
    if (d.line !== undefined || !src) return d;
    const p = src.locate(d.path);
    return { ...d, line: p?.line, col: p?.col };
  });
}

function readSource(file: string): YamlSource {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { file, diagnostics: [{ severity: 'error', file, path: [], message: `cannot read: ${(e as Error).message}` }], locate: () => undefined };
  }
  return parseYamlSource(file, text);
}

/** Loads and checks the platform file. */
export function loadPlatform(file: string): { platform?: Platform; diagnostics: Diagnostic[] } {
  if (!fs.existsSync(file)) {
    return { diagnostics: [{ severity: 'error', file, path: [], message: `platform file not found; every tenants directory needs a ${PLATFORM_FILE} (DNS zone, sources, defaults)` }] };
  }
  const src = readSource(file);
  if (src.data === undefined) return { diagnostics: src.diagnostics };
  const parsed = platformFileSchema.safeParse(src.data);
  if (!parsed.success) return { diagnostics: schemaDiagnostics(parsed.error.issues, platformFileSchema, src) };
  const { platform, diagnostics } = checkPlatform(parsed.data, file);
  return { platform: diagnostics.some((d) => d.severity === 'error') ? undefined : platform, diagnostics: locateAll(diagnostics, src) };
}

/** Tenant files of a directory: every *.yaml / *.yml not starting with "_", sorted. */
export function tenantFilesIn(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('_') && !f.startsWith('.'))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Loads a fleet: the platform file of `dir` and the given tenant files
 * (default: every tenant file in `dir`).
 */
export function loadFleet(dir: string, files?: readonly string[]): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const { platform, diagnostics: pd } = loadPlatform(path.join(dir, PLATFORM_FILE));
  diagnostics.push(...pd);
  let tenantFiles: string[];
  try {
    tenantFiles = files ? [...files] : tenantFilesIn(dir);
  } catch (e) {
    diagnostics.push({ severity: 'error', file: dir, path: [], message: `cannot read the tenants directory: ${(e as Error).message}` });
    return { diagnostics };
  }
  const tenants: Tenant[] = [];
  const sources = new Map<string, YamlSource>();
  for (const file of tenantFiles) {
    const src = readSource(file);
    sources.set(file, src);
    diagnostics.push(...src.diagnostics);
    if (src.data === undefined) continue;
    const parsed = tenantFileSchema.safeParse(src.data);
    if (!parsed.success) {
      diagnostics.push(...schemaDiagnostics(parsed.error.issues, tenantFileSchema, src));
      continue;
    }
    if (!platform) continue; // Its errors are reported; tenant rules need it.
    const r = resolveTenant(parsed.data, platform, file);
    diagnostics.push(...locateAll(r.diagnostics, src));
    if (r.tenant) tenants.push(r.tenant);
  }
  for (const d of checkFleet(tenants)) diagnostics.push(...locateAll([d], sources.get(d.file)));
  if (!platform || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  tenants.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { fleet: { platform, tenants }, diagnostics };
}

/** The tenants directory: TENANTS_DIR, or ./tenants. */
export function tenantsDir(): string {
  return process.env.TENANTS_DIR ?? path.join(process.cwd(), 'tenants');
}
