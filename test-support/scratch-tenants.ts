/**
 * A throw-away tenants directory for tests that need files the fixtures cannot
 * hold (a FIFO, bytes that are not UTF-8) or many small variations of one file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatDiagnostic } from '../lib/diagnostics';
import { loadFleet } from '../app/tenant-files';

/** A platform file with what every tenant file needs. */
export const SCRATCH_PLATFORM = [
  'dns:',
  '  zone: example.com',
  '  suffix: tenants',
  'sources:',
  '  management: [198.51.100.0/28]',
  'defaults:',
  '  location: nbg1',
  '',
].join('\n');

/** A valid tenant file `<id>.yaml` with `extra` lines appended; one server group `app` unless `extra` has `servers:`. */
export function tenantYaml(id: string, seq: number, ...extra: string[]): string {
  const servers = extra.some((l) => l.startsWith('servers:')) ? [] : ['servers:', '  - name: app'];
  return [`id: ${id}`, `seq: ${seq}`, 'environment: staging', ...servers, ...extra, ''].join('\n');
}

/** Makes a temp dir holding `files` (name -> content); removes it after `fn` (or the promise it returns), also when it fails. */
export function withTenantsDir<T>(files: Record<string, string | Buffer>, fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenants-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  let result: T;
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    result = fn(dir);
  } catch (e) {
    remove();
    throw e;
  }
  if (result instanceof Promise) return result.finally(remove) as T;
  remove();
  return result;
}

/** The diagnostics of loading `dir` as the user sees them, with file names relative to it. */
export function diagnosticLines(dir: string): string[] {
  return loadFleet(dir, undefined, { name: (f) => path.relative(dir, f) }).diagnostics.map(formatDiagnostic);
}

/** Loads `files` (with SCRATCH_PLATFORM unless given) and returns the formatted diagnostics. */
export function scratchLines(files: Record<string, string | Buffer>): string[] {
  return withTenantsDir({ '_platform.yaml': SCRATCH_PLATFORM, ...files }, diagnosticLines);
}
