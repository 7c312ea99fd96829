/**
 * `npm run tenant:new -- <id> [--environment ..] [--location ..] [--mode ..]`:
 * writes tenants/<id>.yaml (TENANTS_DIR honoured) with the next free seq and
 * commented defaults that validate. Refuses an invalid or existing id, a broken
 * platform file, or a fleet whose seq values cannot be read, writing nothing.
 * The file appears at once or not at all (temporary file, then link/rename).
 * cli/tenant-new.ts only prints what this returns.
 */
import * as fs from 'fs';
import * as path from 'path';
import { didYouMean, formatDiagnostic, redactSecrets } from '../lib/diagnostics';
import { LOCATIONS, Location } from '../lib/hetzner';
import { networkCidr } from '../lib/naming';
import { describeAllowed } from '../lib/tenant/issues';
import { loadPlatform, PLATFORM_FILE, readYamlFile, tenantFilesIn } from './tenant-files';
import { nextFreeSeq } from '../lib/tenant/check-fleet';
import { checkTenantSource } from '../lib/tenant/check-source';
import { scaffoldTenant } from '../lib/tenant/scaffold';
import { ENVIRONMENTS, MODES, tenantFileSchema, TenantFile } from '../lib/tenant/schema';
import type { CommandEnv, CommandResult } from './validate-command';
import { parseYamlSource } from '../lib/tenant/yaml-source';

export interface NewTenantResult extends CommandResult {
  /** The file written, when one was. */
  readonly written?: string;
}

export const TENANT_NEW_USAGE = [
  `usage: npm run tenant:new -- <id> [--environment ${ENVIRONMENTS.join('|')}] [--location <location>] [--mode ${MODES.join('|')}]`,
  '  Writes <TENANTS_DIR or tenants>/<id>.yaml with the next free seq and commented defaults.',
  '  Defaults: --environment development, --mode online, --location the platform default.',
];

interface Options {
  id?: string;
  environment?: string;
  location?: string;
  mode?: string;
}

function parseArgs(args: readonly string[]): { options: Options } | { error: string } | { help: true } {
  const options: Options = {};
  const named: Record<string, keyof Options> = { '--environment': 'environment', '-e': 'environment', '--location': 'location', '-l': 'location', '--mode': 'mode', '-m': 'mode' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') continue;
    if (a === '-h' || a === '--help') return { help: true };
    if (a.startsWith('-')) {
      const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      const key = named[flag];
      if (!key) {
        const hint = didYouMean(flag, Object.keys(named).filter((k) => k.startsWith('--')));
        return { error: `unknown option ${flag}${hint ? ` (did you mean ${hint}?)` : ''}` };
      }
      const value = inline ?? args[++i];
      if (value === undefined || value === '') return { error: `option ${flag} needs a value` };
      options[key] = value;
      continue;
    }
    if (options.id !== undefined) return { error: `only one tenant id may be given (got "${options.id}" and "${a}")` };
    options.id = a;
  }
  return { options };
}

function oneOf(flag: string, value: string, allowed: readonly string[]): string | undefined {
  if (allowed.includes(value)) return undefined;
  const hint = didYouMean(value, allowed);
  return `${flag} "${value}" is not allowed${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(' | ')}`;
}

const refuse = (...lines: string[]): NewTenantResult => ({ exitCode: 1, lines: [...lines.map(redactSecrets), 'nothing was written'] });

export function runTenantNew(args: readonly string[], env: CommandEnv): NewTenantResult {
  const parsed = parseArgs(args);
  if ('help' in parsed) return { exitCode: 0, lines: TENANT_NEW_USAGE };
  if ('error' in parsed) return { exitCode: 1, lines: [`tenant:new: ${parsed.error}`, ...TENANT_NEW_USAGE] };
  const { id, environment = 'development', mode = 'online' } = parsed.options;
  if (id === undefined) return { exitCode: 1, lines: ['tenant:new: the tenant id is missing', ...TENANT_NEW_USAGE] };

  const idCheck = tenantFileSchema.shape.id.safeParse(id);
  const problems = [
    idCheck.success ? undefined : `tenant id "${id}" is not valid; allowed: ${describeAllowed(tenantFileSchema.shape.id)}`,
    oneOf('--environment', environment, ENVIRONMENTS),
    oneOf('--mode', mode, MODES),
    parsed.options.location === undefined ? undefined : oneOf('--location', parsed.options.location, LOCATIONS),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) return refuse(...problems.map((p) => `tenant:new: ${p}`));

  const dir = path.resolve(env.cwd, env.tenantsDir ?? 'tenants');
  const shown = (p: string) => {
    const rel = path.relative(env.cwd, p);
    return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
  };
  const target = path.join(dir, `${id}.yaml`);
  for (const existing of [target, path.join(dir, `${id}.yml`)]) {
    if (fs.existsSync(existing)) return refuse(`tenant:new: tenant "${id}" already exists: ${shown(existing)}`);
  }

  const { platform, diagnostics: pd } = loadPlatform(path.join(dir, PLATFORM_FILE));
  if (!platform) {
    return refuse(...pd.map((d) => formatDiagnostic({ ...d, file: shown(d.file) })), `tenant:new: fix ${shown(path.join(dir, PLATFORM_FILE))} first`);
  }

  // Every seq in use, from every tenant file, valid or not.
  let files: string[];
  try {
    files = tenantFilesIn(dir);
  } catch (e) {
    return refuse(`tenant:new: cannot read ${shown(dir)} (${(e as Error).message})`);
  }
  const used: number[] = [];
  for (const file of files) {
    const src = readYamlFile(file);
    const data = src.data as { id?: unknown; seq?: unknown } | undefined;
    if (data === undefined || typeof data !== 'object' || data === null) {
      return refuse(`tenant:new: cannot read the seq of ${shown(file)}, so the next free seq is unknown; fix it first (npm run validate)`);
    }
    if (data.id === id) return refuse(`tenant:new: tenant "${id}" already exists: ${shown(file)} has id: ${id}`);
    if (typeof data.seq === 'number') used.push(data.seq);
  }
  const seq = nextFreeSeq(used);
  if (seq === undefined) return refuse('tenant:new: every seq 1..254 is taken; the fleet is full');

  const location = (parsed.options.location ?? platform.defaults.location) as Location;
  const content = scaffoldTenant({
    id,
    seq,
    environment: environment as TenantFile['environment'],
    mode: mode as TenantFile['mode'],
    location,
    platform,
  });
  // The scaffold must pass the same checks as every tenant file.
  const check = checkTenantSource(parseYamlSource(target, content), platform);
  if (check.diagnostics.length > 0) {
    return refuse(...check.diagnostics.map((d) => formatDiagnostic({ ...d, file: shown(d.file) })), 'tenant:new: internal error: the new file would not validate');
  }

  const written = writeNewFile(target, content);
  if (written !== undefined) return refuse(`tenant:new: cannot write ${shown(target)}: ${written}`);
  return {
    exitCode: 0,
    written: target,
    lines: [
      `created ${shown(target)}: seq ${seq} (network ${networkCidr(seq)}), ${environment}, ${mode}, ${location}`,
      `next: edit it, then run \`npm run validate -- ${shown(target)}\``,
    ],
  };
}

/**
 * Writes `content` to `target` all at once, never over an existing file:
 * a temporary file in the same directory, flushed, then hard-linked to the
 * target (which fails if the target appeared meanwhile), or renamed where
 * hard links are not available. Returns why it failed, or undefined.
 */
export function writeNewFile(target: string, content: string): string | undefined {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(tmp, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return 'it already exists';
      if (fs.existsSync(target)) return 'it already exists';
      fs.renameSync(tmp, target);
    }
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
