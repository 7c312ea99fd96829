/**
 * The I/O shell around the tenant model: reads the platform file and every
 * tenant file, runs schema and rules, and returns the fleet or every problem
 * at once, each located at file:line:col.
 *
 * One pass: a file with a schema error is salvaged (salvage.ts) and still goes
 * through the semantic and fleet-wide rules, so that fixing one problem never
 * reveals the next.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Diagnostic, FieldPath } from '../lib/diagnostics';
import { dnsRecordFqdn } from '../lib/naming';
import { issueDiagnostics } from '../lib/tenant/issues';
import type { Fleet, Platform, Tenant } from '../lib/tenant/model';
import { checkFleet, checkPlatform, FleetMember, resolveTenant } from '../lib/tenant/rules';
import { isWithin, salvage } from '../lib/tenant/salvage';
import { platformFileSchema, PlatformFile, tenantFileSchema, TenantFile } from '../lib/tenant/schema';
import { MAX_FILE_BYTES, parseYamlSource, Position, unusable, YamlSource } from '../lib/tenant/yaml-source';

/** The platform file's name inside a tenants directory. */
export const PLATFORM_FILE = '_platform.yaml';

export interface LoadResult {
  /** Present only when there is no error. */
  readonly fleet?: Fleet;
  /** Errors and warnings: the platform file first, then file by file, each in line order. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadOptions {
  /**
   * Report diagnostics only for these tenant files (and the platform file). The
   * other files are still loaded, so that a seq or id a reported file shares
   * with any tenant of the fleet is found; such a conflict is reported in the
   * reported file.
   */
  readonly report?: readonly string[];
  /** How diagnostics name a file (e.g. relative to the user's directory). @default the path as given */
  readonly name?: (file: string) => string;
}

/** Reads and parses one YAML file; never throws. Refuses files over MAX_FILE_BYTES before reading them. */
export function readYamlFile(file: string): YamlSource {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return unusable(file, 'is not a regular file; expected a YAML file');
    if (st.size > MAX_FILE_BYTES) {
      return unusable(file, `file is ${st.size} bytes; a tenant or platform file may be at most ${MAX_FILE_BYTES} bytes`);
    }
    // One byte more than allowed, in case the file grew since fstat.
    const buf = Buffer.allocUnsafe(Math.min(st.size, MAX_FILE_BYTES) + 1);
    let n = 0;
    for (let r; n < buf.length && (r = fs.readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += r;
    return parseYamlSource(file, buf.toString('utf8', 0, n));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return unusable(file, code === 'ENOENT' ? 'file does not exist' : code === 'EISDIR' ? 'is not a regular file; expected a YAML file' : `cannot read the file (${(e as Error).message})`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Fills in line:col from the source for diagnostics that have none yet. */
function locateAll(diags: readonly Diagnostic[], src: YamlSource | undefined): Diagnostic[] {
  return diags.map((d) => {
    if (d.line !== undefined || !src) return d;
    const p = src.locate(d.path);
    return p ? { ...d, line: p.line, col: p.col } : d;
  });
}

/** Stand-ins for required platform fields, so the rest of a broken platform file can still be checked. */
const PLATFORM_PLACEHOLDERS = { dns: { zone: 'invalid.invalid', ttl: 300 } };

interface PlatformCheck {
  /** The platform, when its file has no error. */
  readonly platform?: Platform;
  /** The platform as far as it is valid: good enough to check tenant files against. */
  readonly usable?: Platform;
  readonly diagnostics: Diagnostic[];
}

/** Checks a parsed platform file: schema, salvage, platform rules. */
export function checkPlatformSource(src: YamlSource): PlatformCheck {
  const diagnostics: Diagnostic[] = [...src.diagnostics];
  if (src.data === undefined) return { diagnostics };
  const parsed = platformFileSchema.safeParse(src.data);
  let input: PlatformFile;
  let dropped: readonly FieldPath[] = [];
  if (parsed.success) input = parsed.data;
  else {
    diagnostics.push(...issueDiagnostics(parsed.error.issues, platformFileSchema, src.data, src.file, src.locate));
    const s = salvage(platformFileSchema, src.data, PLATFORM_PLACEHOLDERS);
    if (!s) return { diagnostics };
    input = s.value as PlatformFile;
    dropped = s.dropped;
    // A source whose list is invalid still exists: tenant rules must not call it unknown.
    const sources = { ...input.sources };
    for (const p of dropped) if (p[0] === 'sources' && p.length === 2) sources[String(p[1])] = [];
    input = { ...input, sources };
  }
  const { platform, diagnostics: rd } = checkPlatform(input, src.file);
  diagnostics.push(...locateAll(rd.filter((d) => !dropped.some((p) => isWithin(d.path, p))), src));
  const usable = dropped.some((p) => p.length === 1 && p[0] === 'sources') ? undefined : platform;
  const ok = parsed.success && !diagnostics.some((d) => d.severity === 'error');
  return { platform: ok ? platform : undefined, usable, diagnostics };
}

/** Loads and checks the platform file. */
export function loadPlatform(file: string): { platform?: Platform; diagnostics: Diagnostic[] } {
  const { platform, diagnostics } = readPlatform(file);
  return { platform, diagnostics };
}

function readPlatform(file: string): PlatformCheck {
  if (!fs.existsSync(file)) {
    return {
      diagnostics: [{ severity: 'error', file, path: [], line: 1, col: 1, message: `platform file not found; every tenants directory needs a ${PLATFORM_FILE} (DNS zone, sources, defaults)` }],
    };
  }
  return checkPlatformSource(readYamlFile(file));
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
  return { id: path.basename(file).replace(/\.ya?ml$/, ''), seq: 1, environment: 'development', servers: [] };
}

const isDnsTarget = (p: FieldPath) => p.length === 4 && p[0] === 'dns' && p[1] === 'records' && p[3] === 'target';

/**
 * Checks one parsed tenant file: schema, then (on what is valid of it) the
 * tenant rules against `platform`. Without a platform only the schema is checked.
 */
export function checkTenantSource(src: YamlSource, platform: Platform | undefined): TenantCheck {
  const diagnostics: Diagnostic[] = [...src.diagnostics];
  if (src.data === undefined) return { diagnostics };
  const parsed = tenantFileSchema.safeParse(src.data);
  let input: TenantFile;
  let dropped: readonly FieldPath[] = [];
  if (parsed.success) input = parsed.data;
  else {
    diagnostics.push(...issueDiagnostics(parsed.error.issues, tenantFileSchema, src.data, src.file, src.locate));
    const s = salvage(tenantFileSchema, src.data, tenantPlaceholders(src.file));
    if (!s) return { diagnostics };
    input = s.value as TenantFile;
    dropped = s.dropped;
  }
  const isDropped = (p: FieldPath) => dropped.some((d) => d.length === p.length && isWithin(p, d));
  const records: { fqdn: string; index: number }[] = [];
  if (platform) input.dns.records.forEach((r, index) => records.push({ fqdn: dnsRecordFqdn(platform.dns, r.name), index }));
  const member: FleetMember = {
    sourceFile: src.file,
    ...(isDropped(['id']) ? {} : { id: input.id }),
    ...(isDropped(['seq']) ? {} : { seq: input.seq }),
    dnsRecords: records,
  };
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
  const ok = parsed.success && resolved.tenant !== undefined;
  return { diagnostics, member, ...(ok ? { tenant: resolved.tenant } : {}) };
}

/** Tenant files of a directory: every *.yaml / *.yml not starting with "_" or ".", sorted. */
export function tenantFilesIn(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('_') && !f.startsWith('.'))
    .sort()
    .map((f) => path.join(dir, f));
}

const byPosition = (a: Diagnostic, b: Diagnostic) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);

/**
 * Loads a fleet: the platform file of `dir` and the given tenant files
 * (default: every tenant file in `dir`).
 */
export function loadFleet(dir: string, files?: readonly string[], options: LoadOptions = {}): LoadResult {
  const platformFile = path.join(dir, PLATFORM_FILE);
  const pc = readPlatform(platformFile);
  const buckets = new Map<string, Diagnostic[]>([[platformFile, [...pc.diagnostics]]]);
  const add = (d: Diagnostic) => {
    const bucket = buckets.get(d.file);
    if (bucket) bucket.push(d);
    else buckets.set(d.file, [d]);
  };

  let listed: string[];
  try {
    listed = files ? [...files] : tenantFilesIn(dir);
  } catch (e) {
    add({ severity: 'error', file: dir, path: [], message: `cannot read the tenants directory (${(e as Error).message})` });
    return { diagnostics: [...buckets.values()].flat() };
  }
  // The same file named twice (tenants/a.yaml, ./tenants/a.yaml) is loaded once.
  const seen = new Set<string>();
  const tenantFiles = listed.filter((f) => {
    const abs = path.resolve(f);
    if (seen.has(abs)) return false;
    seen.add(abs);
    return true;
  });
  const report = options.report ? new Set(options.report.map((f) => path.resolve(f))) : undefined;
  const reported = (file: string) => !report || report.has(path.resolve(file)) || file === platformFile;

  const tenants: Tenant[] = [];
  const members: FleetMember[] = [];
  // Positions of what fleet-wide rules report on (id, seq, DNS names), so that
  // the parsed documents need not be kept until every file is read.
  const positions = new Map<string, Map<string, Position>>();
  for (const file of tenantFiles) {
    buckets.set(file, buckets.get(file) ?? []);
    const src = readYamlFile(file);
    const check = checkTenantSource(src, pc.usable);
    check.diagnostics.forEach(add);
    if (check.tenant) tenants.push(check.tenant);
    if (check.member) {
      members.push(check.member);
      const at = new Map<string, Position>();
      const keep = (p: FieldPath) => {
        const where = src.locate(p);
        if (where) at.set(JSON.stringify(p), where);
      };
      keep(['id']);
      keep(['seq']);
      check.member.dnsRecords.forEach((r, i) => keep(['dns', 'records', r.index ?? i, 'name']));
      positions.set(file, at);
    }
  }
  const positionOf = (file: string, p: FieldPath) => positions.get(file)?.get(JSON.stringify(p));

  // Conflicts are reported in the later file: put the files not reported first.
  const ordered = report ? [...members.filter((m) => !reported(m.sourceFile)), ...members.filter((m) => reported(m.sourceFile))] : members;
  const name = options.name ?? ((f: string) => f);
  const where = (file: string, p: FieldPath) => {
    const at = positionOf(file, p);
    return at ? `${name(file)}:${at.line}:${at.col}` : name(file);
  };
  for (const d of checkFleet(ordered, where)) {
    const at = positionOf(d.file, d.path);
    add(at ? { ...d, line: at.line, col: at.col } : d);
  }

  const all: Diagnostic[] = [];
  for (const [file, diags] of buckets) {
    if (reported(file)) for (const d of diags.sort(byPosition)) all.push(options.name ? { ...d, file: name(d.file) } : d);
  }
  const anyError = [...buckets.values()].some((ds) => ds.some((d) => d.severity === 'error'));
  if (!pc.platform || anyError) return { diagnostics: all };
  tenants.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { fleet: { platform: pc.platform, tenants }, diagnostics: all };
}

/** The tenants directory: TENANTS_DIR, or ./tenants. */
export function tenantsDir(): string {
  return process.env.TENANTS_DIR ?? path.join(process.cwd(), 'tenants');
}
