/**
 * The loading edge of the review: the fleet as it is now, keeping every
 * tenant file that loads (an invalid file costs its own tenant its plan, not
 * the whole review), and removed tenants as they were at the base.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatDiagnostic, type Diagnostic } from '../lib/diagnostics';
import { loadFleet, PLATFORM_FILE, tenantFilesIn } from '../app/tenant-files';
import type { Fleet } from '../lib/tenant/model';
import { fileAt, filesAt } from './git';

/** Error diagnostics per file, formatted `file:line:col: path: message` with the file relative to `root`. */
function errorsByFile(diags: readonly Diagnostic[], root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of diags) {
    if (d.severity !== 'error') continue;
    out.set(d.file, [...(out.get(d.file) ?? []), formatDiagnostic({ ...d, file: path.relative(root, d.file) || d.file })]);
  }
  return out;
}

/** Messages name paths relative to the project, so that the review reads the same on every machine. */
export function relativize(text: string, root: string): string {
  return text.split(`${path.resolve(root)}${path.sep}`).join('');
}

export interface CurrentFleet {
  /** The tenants that load, with the platform file; absent when the platform file does not load. */
  readonly fleet?: Fleet;
  /** Why a tenant file does not load, by tenant id. */
  readonly errors: ReadonlyMap<string, string>;
  readonly platformError?: string;
}

/** The fleet in `dir`, keeping every tenant file that loads. */
export function loadCurrentFleet(dir: string, root: string): CurrentFleet {
  const full = loadFleet(dir);
  if (full.fleet) return { fleet: full.fleet, errors: new Map() };
  const byFile = errorsByFile(full.diagnostics, root);
  const platformFile = path.join(dir, PLATFORM_FILE);
  if (byFile.has(platformFile)) return { errors: new Map(), platformError: byFile.get(platformFile)!.join('\n') };
  const errors = new Map<string, string>();
  for (const [file, lines] of byFile) {
    const id = path.basename(file).replace(/\.ya?ml$/, '');
    errors.set(id, lines.join('\n'));
  }
  const valid = tenantFilesIn(dir).filter((f) => !byFile.has(f));
  const rest = loadFleet(dir, valid);
  return { fleet: rest.fleet, errors };
}

/** Why an affected tenant of the current fleet has no stack to synthesize, if it has none. */
export function loadError(current: CurrentFleet, id: string): string | undefined {
  if (current.platformError) return `the platform file does not load:\n${current.platformError}`;
  if (current.errors.has(id)) return `the tenant file does not load:\n${current.errors.get(id)}`;
  if (!current.fleet?.tenants.some((t) => t.id === id)) return 'the tenant file does not load together with the rest of the fleet (see the other errors)';
  return undefined;
}

export interface BaseTenantsOptions {
  readonly projectDir: string;
  readonly commit: string;
  /** Tenants directory relative to the project. */
  readonly tenantsDir: string;
  /** Scratch directory (replaced) the files are written to. */
  readonly scratch: string;
}

/** The removed tenants as they were at the base, with today's platform file. */
export function loadBaseTenants(o: BaseTenantsOptions, ids: readonly string[]): { fleet?: Fleet; error?: string } {
  fs.rmSync(o.scratch, { recursive: true, force: true });
  fs.mkdirSync(o.scratch, { recursive: true });
  fs.copyFileSync(path.join(o.projectDir, o.tenantsDir, PLATFORM_FILE), path.join(o.scratch, PLATFORM_FILE));
  const names = filesAt(o.projectDir, o.commit, o.tenantsDir);
  for (const id of ids) {
    const name = names.find((n) => n === `${id}.yaml` || n === `${id}.yml`);
    const text = name ? fileAt(o.projectDir, o.commit, `${o.tenantsDir}/${name}`) : undefined;
    if (text === undefined) return { error: `${o.tenantsDir}/${id}.yaml not found at the base revision` };
    fs.writeFileSync(path.join(o.scratch, name!), text);
  }
  const r = loadFleet(o.scratch);
  if (r.fleet) return { fleet: r.fleet };
  const lines = r.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic({ ...d, file: `${o.tenantsDir}/${path.basename(d.file)}` }));
  return { error: `the tenant file as of the base revision does not load:\n${lines.join('\n')}` };
}
