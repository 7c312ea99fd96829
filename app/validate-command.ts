/**
 * `npm run validate [-- <files or dirs>]`: checks tenant files and prints every
 * error and warning, then a one-line summary. The CLI (cli/validate.ts) only
 * prints what this returns, so the whole behaviour is testable here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { countDiagnostics, Diagnostic, formatDiagnostic, plural } from '../lib/diagnostics';
import { loadFleet, PLATFORM_FILE, tenantFilesIn } from './tenant-files';

export interface CommandResult {
  /** 0: valid (warnings allowed); 1: errors, or the command was used wrongly. */
  readonly exitCode: number;
  /** What to print, one line each. */
  readonly lines: string[];
}

export interface CommandEnv {
  /** Relative paths in arguments and output are relative to this. */
  readonly cwd: string;
  /** TENANTS_DIR: the directory checked when no argument is given. @default <cwd>/tenants */
  readonly tenantsDir?: string;
}

export const VALIDATE_USAGE = [
  'usage: npm run validate [-- <file or dir>...]',
  '  Checks the tenant files and the platform file (_platform.yaml) of each directory;',
  '  with no argument, all of TENANTS_DIR (default: tenants/). A file is checked against',
  '  the rest of its directory (unique id, seq and DNS names) and the platform file there.',
  '  Prints every problem as file:line:col: field.path: what is wrong; what is allowed.',
  '  Exit code: 0 when valid (warnings allowed), 1 otherwise.',
];

/** How a path is shown: relative to cwd when it is inside it. */
function shown(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

interface Group {
  /** The directory as shown. */
  readonly dir: string;
  /** The whole directory is checked. */
  all: boolean;
  /** Single files named on the command line (absolute). */
  readonly files: string[];
}

export function runValidate(args: readonly string[], env: CommandEnv): CommandResult {
  const targets: string[] = [];
  for (const a of args) {
    if (a === '--') continue;
    if (a === '-h' || a === '--help') return { exitCode: 0, lines: VALIDATE_USAGE };
    if (a.startsWith('-')) return { exitCode: 1, lines: [`validate: unknown option ${a}`, ...VALIDATE_USAGE] };
    targets.push(a);
  }
  if (targets.length === 0) targets.push(env.tenantsDir ?? 'tenants');

  const diagnostics: Diagnostic[] = [];
  const groups = new Map<string, Group>();
  const group = (absDir: string) => {
    let g = groups.get(absDir);
    if (!g) groups.set(absDir, (g = { dir: shown(env.cwd, absDir), all: false, files: [] }));
    return g;
  };
  for (const t of targets) {
    const abs = path.resolve(env.cwd, t);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      diagnostics.push({ severity: 'error', file: shown(env.cwd, abs), path: [], message: 'no such file or directory; expected a tenant file or a tenants directory' });
      continue;
    }
    if (st.isDirectory()) group(abs).all = true;
    else {
      const g = group(path.dirname(abs));
      // Naming the platform file checks just it (it is always checked).
      if (path.basename(abs) !== PLATFORM_FILE && !g.files.includes(abs)) g.files.push(abs);
    }
  }

  const name = (file: string) => shown(env.cwd, path.resolve(env.cwd, file));
  let tenantFiles = 0;
  for (const [dir, g] of groups) {
    if (g.all) {
      diagnostics.push(...loadFleet(dir, undefined, { name }).diagnostics);
      tenantFiles += countFiles(dir);
    } else {
      // The named files are checked against the rest of their directory.
      const named = g.files.map((f) => path.resolve(env.cwd, f));
      let others: string[] = [];
      try {
        others = tenantFilesIn(dir).filter((f) => !named.includes(f));
      } catch {
        // An unreadable directory: its missing platform file is reported.
      }
      diagnostics.push(...loadFleet(dir, [...others, ...named], { report: named, name }).diagnostics);
      tenantFiles += named.length;
    }
  }

  const { errors, warnings } = countDiagnostics(diagnostics);
  const dirs = [...groups.values()].map((g) => g.dir);
  const summary =
    `${errors === 0 ? 'OK' : 'FAILED'}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ` +
    `${plural(tenantFiles, 'tenant file')} and ${plural(groups.size, 'platform file')}` +
    (dirs.length > 0 ? ` (${dirs.join(', ')})` : '');
  return { exitCode: errors === 0 ? 0 : 1, lines: [...diagnostics.map(formatDiagnostic), summary] };
}

function countFiles(dir: string): number {
  try {
    return tenantFilesIn(dir).length;
  } catch {
    return 0;
  }
}
