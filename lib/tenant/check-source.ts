/**
 * Checks a parsed file (yaml-source.ts) from end to end, with no I/O: schema,
 * salvage of what is valid (salvage.ts), the semantic checks, and line:col
 * for every diagnostic. app/tenant-files.ts reads the files and calls these.
 *
 * One pass: a file with a schema error is salvaged and still goes through the
 * semantic and fleet-wide rules, so that fixing one problem never reveals the
 * next.
 */
import type { ZodTypeAny } from 'zod';
import type { Diagnostic, FieldPath } from '../diagnostics';
import { dnsRecordFqdn } from '../naming';
import type { FleetMember } from './check-fleet';
import { checkPlatform } from './check-platform';
import { generatedNames } from './generated-names';
import { issueDiagnostics } from './issues';
import type { Platform, Tenant } from './model';
import { resolveTenant } from './resolve-tenant';
import { isWithin, salvage } from './salvage';
import { platformFileSchema, PlatformFile, tenantFileSchema, TenantFile } from './schema';
import type { YamlSource } from './yaml-source';

/** Fills in line:col from the source for diagnostics that have none yet. */
function locateAll(diags: readonly Diagnostic[], src: YamlSource | undefined): Diagnostic[] {
  return diags.map((d) => {
    if (d.line !== undefined || !src) return d;
    const p = src.locate(d.path);
    return p ? { ...d, line: p.line, col: p.col } : d;
  });
}

/**
 * The document checked against its schema; on schema errors (added to
 * `diagnostics`) what is valid of it, with the paths that were dropped.
 * Undefined when nothing can be checked further.
 */
function parseSalvaged<T>(src: YamlSource, schema: ZodTypeAny, placeholders: Record<string, unknown>, diagnostics: Diagnostic[]): { input: T; valid: boolean; dropped: readonly FieldPath[] } | undefined {
  if (src.data === undefined) return undefined;
  const parsed = schema.safeParse(src.data);
  if (parsed.success) return { input: parsed.data as T, valid: true, dropped: [] };
  diagnostics.push(...issueDiagnostics(parsed.error.issues, schema, src.data, src.file, src.locate));
  const s = salvage(schema, src.data, placeholders);
  return s && { input: s.value as T, valid: false, dropped: s.dropped };
}

/** Stand-ins for required platform fields, so the rest of a broken platform file can still be checked. */
const PLATFORM_PLACEHOLDERS = { dns: { zone: 'invalid.invalid', ttl: 300 } };

export interface PlatformCheck {
  /** The platform, when its file has no error. */
  readonly platform?: Platform;
  /** The platform as far as it is valid: good enough to check tenant files against. */
  readonly usable?: Platform;
  readonly diagnostics: Diagnostic[];
}

/** Checks a parsed platform file: schema, salvage, platform rules. */
export function checkPlatformSource(src: YamlSource): PlatformCheck {
  const diagnostics: Diagnostic[] = [...src.diagnostics];
  const parsed = parseSalvaged<PlatformFile>(src, platformFileSchema, PLATFORM_PLACEHOLDERS, diagnostics);
  if (!parsed) return { diagnostics };
  const { valid, dropped } = parsed;
  // A source whose list is invalid still exists: tenant rules must not call it unknown.
  const sources = { ...parsed.input.sources };
  for (const p of dropped) if (p[0] === 'sources' && p.length === 2) sources[String(p[1])] = [];
  const input = { ...parsed.input, sources };
  const { platform, diagnostics: rd } = checkPlatform(input, src.file);
  diagnostics.push(...locateAll(rd.filter((d) => !dropped.some((p) => isWithin(d.path, p))), src));
  const usable = dropped.some((p) => p.length === 1 && p[0] === 'sources') ? undefined : platform;
  const ok = valid && !diagnostics.some((d) => d.severity === 'error');
  return { platform: ok ? platform : undefined, usable, diagnostics };
}

export interface TenantCheck {
  /** Located errors and warnings of this file. */
  readonly diagnostics: Diagnostic[];
  /** The normalized tenant, when the file has no error. */
  readonly tenant?: Tenant;
  /** What the fleet-wide rules need, as far as it is valid. */
  readonly member?: FleetMember;
}

/** Stand-ins for required tenant fields, so the rest of a broken file can still be checked. */
function tenantPlaceholders(file: string): Partial<TenantFile> {
  const base = file.split(/[\\/]/).pop()!.replace(/\.ya?ml$/, '');
  return { id: base, seq: 1, environment: 'development', servers: [] };
}

const isDnsTarget = (p: FieldPath) => p.length === 4 && p[0] === 'dns' && p[1] === 'records' && p[3] === 'target';

/** What the fleet-wide rules need of a (possibly salvaged) tenant file: only what is valid of it. */
function fleetMember(file: string, input: TenantFile, isDropped: (p: FieldPath) => boolean, platform: Platform | undefined): FleetMember {
  const records: { fqdn: string; index: number }[] = [];
  if (platform) input.dns.records.forEach((r, index) => records.push({ fqdn: dnsRecordFqdn(platform.dns, r.name), index }));
  const idValid = !isDropped(['id']);
  return {
    sourceFile: file,
    ...(idValid ? { id: input.id } : {}),
    ...(isDropped(['seq']) ? {} : { seq: input.seq }),
    dnsRecords: records,
    // DNS names are compared through dnsRecords; a placeholder id makes no names.
    ...(idValid ? { names: generatedNames(input, undefined) } : {}),
  };
}

/**
 * Checks one parsed tenant file: schema, then (on what is valid of it) the
 * tenant rules against `platform`. Without a platform only the schema is checked.
 */
export function checkTenantSource(src: YamlSource, platform: Platform | undefined): TenantCheck {
  const diagnostics: Diagnostic[] = [...src.diagnostics];
  const parsed = parseSalvaged<TenantFile>(src, tenantFileSchema, tenantPlaceholders(src.file), diagnostics);
  if (!parsed) return { diagnostics };
  const { input, valid, dropped } = parsed;
  const isDropped = (p: FieldPath) => dropped.some((d) => d.length === p.length && isWithin(p, d));
  const member = fleetMember(src.file, input, isDropped, platform);
  if (!platform) return { diagnostics, member };

  let resolved: ReturnType<typeof resolveTenant>;
  try {
    resolved = resolveTenant(input, platform, src.file);
  } catch (e) {
    // A rule must never crash the whole run; say where it happened instead.
    diagnostics.push({ severity: 'error', file: src.file, path: [], line: 1, col: 1, message: `internal error while checking this file (${(e as Error).message}); please report it` });
    return { diagnostics, member };
  }
  // Findings about what was dropped would only repeat the schema errors.
  const groupDropped = dropped.some((p) => p[0] === 'servers' && p.length <= 2);
  const relevant = resolved.diagnostics.filter((d) => !dropped.some((p) => isWithin(d.path, p)) && !(groupDropped && isDnsTarget(d.path)));
  diagnostics.push(...locateAll(relevant, src));
  const ok = valid && resolved.tenant !== undefined;
  return { diagnostics, member, ...(ok ? { tenant: resolved.tenant } : {}) };
}
