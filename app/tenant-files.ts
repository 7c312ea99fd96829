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
import { PLATFORM_FILE } from '../lib/naming';
import { checkFleet, FleetMember, fleetPaths } from '../lib/tenant/check-fleet';
import { checkPlatformSource, checkTenantSource, PlatformCheck } from '../lib/tenant/check-source';
import type { Fleet, Platform, Tenant } from '../lib/tenant/model';
import { decodeUtf8 } from '../lib/tenant/encoding';
import { MAX_FILE_BYTES, parseYamlSource, Position, unusable, YamlSource } from '../lib/tenant/yaml-source';

export { PLATFORM_FILE };

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

/** What a file that is not a regular file is, in words. */
function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a file';
}
const notRegular = (file: string, st: fs.Stats) => unusable(file, `is ${kindOf(st)}, not a regular file; expected a YAML file`);

/**
 * Reads and parses one YAML file; never throws, never blocks. Refuses what is
 * not a regular file before opening it (opening a FIFO waits for a writer
 * forever), opens without blocking in case the file was swapped meanwhile and
 * checks again, refuses files over MAX_FILE_BYTES before reading them, and
 * bytes that are not UTF-8.
 */
export function readYamlFile(file: string): YamlSource {
  let fd: number | undefined;
  try {
    const before = fs.statSync(file);
    if (!before.isFile()) return notRegular(file, before);
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return notRegular(file, st);
    if (st.size > MAX_FILE_BYTES) {
      return unusable(file, `file is ${st.size} bytes; a tenant or platform file may be at most ${MAX_FILE_BYTES} bytes`);
    }
    // One byte more than allowed, in case the file grew since fstat.
    const buf = Buffer.allocUnsafe(Math.min(st.size, MAX_FILE_BYTES) + 1);
    let n = 0;
    for (let r; n < buf.length && (r = fs.readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += r;
    const decoded = decodeUtf8(buf.subarray(0, n));
    if ('problem' in decoded) return unusable(file, decoded.problem, decoded.at);
    return parseYamlSource(file, decoded.text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return unusable(file, code === 'ENOENT' ? 'file does not exist' : code === 'EISDIR' ? 'is a directory, not a regular file; expected a YAML file' : `cannot read the file (${(e as Error).message})`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
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
  // Positions of what fleet-wide rules report on (id, seq, generated names), so that
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
      fleetPaths(check.member).forEach(keep);
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
