/**
 * What the changed files say about each tenant. Pure: from the changed paths
 * (as `git diff --name-status` reports them, relative to the project root)
 * and the tenant ids before and after the change, to one entry per tenant
 * whose file or shared code changed. This is context for the review's
 * reasons, not its decision: which stacks are planned is decided by comparing
 * their synthesized output (`affected.ts`), since a shared file can change
 * without changing any stack, and a stack can change through a file that is
 * not listed here.
 *
 * - a tenant file added, changed or removed names that tenant;
 * - a change to shared code (constructs, lib, main.ts, the platform file,
 *   package versions, provider schemas, toolchain pins) names every tenant;
 * - anything else (docs, Ansible, tests) names none.
 */
import { PLATFORM_FILE } from '../lib/naming';
import type { AffectKind, AffectedTenant } from './affected';

/** One line of `git diff --name-status`, with the status letter decoded. */
export interface ChangedPath {
  readonly status: 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed';
  /** Path after the change (for deletions: the deleted path). */
  readonly path: string;
  /** Path before a rename or copy. */
  readonly oldPath?: string;
}

export interface ChangedFilesInput {
  readonly changes: readonly ChangedPath[];
  /** Tenant ids at the base revision. */
  readonly before: readonly string[];
  /** Tenant ids now (working tree). */
  readonly after: readonly string[];
  /** The tenants directory, relative to the project root. @default tenants */
  readonly tenantsDir?: string;
}

/**
 * Paths whose change affects every stack. A trailing `/` matches a folder.
 * Kept as data so that a reviewer sees the whole rule in one place.
 */
export const SHARED_PATHS: readonly { readonly pattern: string; readonly what: string }[] = [
  { pattern: 'constructs/', what: 'constructs' },
  { pattern: 'lib/', what: 'shared library code' },
  { pattern: 'main.ts', what: 'the CDKTF app' },
  { pattern: 'cdktf.json', what: 'the CDKTF app configuration' },
  { pattern: 'package.json', what: 'package versions' },
  { pattern: 'package-lock.json', what: 'package versions' },
  { pattern: 'providers/schemas/', what: 'provider schemas (bindings)' },
  { pattern: 'scripts/tool-versions.sh', what: 'OpenTofu/provider versions' },
];


/** A rename touches both its old and its new path; a copy only its new one. */
function touchedPaths(c: ChangedPath): string[] {
  return c.status === 'renamed' && c.oldPath !== undefined ? [c.oldPath, c.path] : [c.path];
}

const KIND_RANK: Record<AffectKind, number> = { removed: 0, added: 1, changed: 2, shared: 3 };

/** The shared-path entry a path falls under, if any. */
export function sharedPathMatch(path: string, tenantsDir = 'tenants'): { pattern: string; what: string } | undefined {
  if (path === `${tenantsDir}/${PLATFORM_FILE}`) return { pattern: path, what: 'the platform file' };
  return SHARED_PATHS.find((s) => (s.pattern.endsWith('/') ? path.startsWith(s.pattern) : path === s.pattern));
}

/** The tenant id a path names (`tenants/acme.yaml` -> `acme`), or undefined for any other path. */
export function tenantIdOfPath(path: string, tenantsDir = 'tenants'): string | undefined {
  const prefix = `${tenantsDir}/`;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  if (rest.includes('/') || rest.startsWith('_') || rest.startsWith('.')) return undefined;
  const m = /^(.+)\.ya?ml$/.exec(rest);
  return m ? m[1] : undefined;
}

/** Decodes `git diff --name-status -z`-less output (tab-separated lines). */
export function parseNameStatus(text: string): ChangedPath[] {
  const out: ChangedPath[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [code, a, b] = line.split('\t');
    const letter = code[0];
    switch (letter) {
      case 'A': out.push({ status: 'added', path: a }); break;
      case 'M': out.push({ status: 'modified', path: a }); break;
      case 'D': out.push({ status: 'deleted', path: a }); break;
      case 'T': out.push({ status: 'type-changed', path: a }); break;
      case 'R': out.push({ status: 'renamed', path: b, oldPath: a }); break;
      case 'C': out.push({ status: 'copied', path: b, oldPath: a }); break;
      default: out.push({ status: 'modified', path: b ?? a }); // U (unmerged), X: treat as a change
    }
  }
  return out;
}

/**
 * The tenants the changed files name, sorted by id, each with its strongest
 * kind and every reason. Removed tenants (in `before`, not in `after`) are
 * included when their file changed.
 */
export function tenantsByChangedFiles(input: ChangedFilesInput): AffectedTenant[] {
  const dir = input.tenantsDir ?? 'tenants';
  const before = new Set(input.before);
  const after = new Set(input.after);
  const found = new Map<string, { kind: AffectKind; reasons: string[] }>();
  const add = (tenant: string, kind: AffectKind, reason: string) => {
    const cur = found.get(tenant);
    if (!cur) { found.set(tenant, { kind, reasons: [reason] }); return; }
    if (KIND_RANK[kind] < KIND_RANK[cur.kind]) { cur.kind = kind; cur.reasons.unshift(reason); }
    else if (!cur.reasons.includes(reason)) cur.reasons.push(reason);
  };

  // What happened to one tenant file, judged by the ids on both sides rather
  // than by the status letter alone (a .yml -> .yaml rename changes nothing).
  const touchTenant = (id: string, path: string) => {
    const was = before.has(id);
    const is = after.has(id);
    if (was && !is) add(id, 'removed', `tenant file ${path} removed: offboarding`);
    else if (!was && is) add(id, 'added', `tenant file ${path} added: new tenant`);
    else if (is) add(id, 'changed', `tenant file ${path} changed`);
    // Neither before nor after: a file that never held a loadable tenant.
  };

  const shared: string[] = [];
  for (const c of input.changes) {
    for (const p of touchedPaths(c)) {
      const id = tenantIdOfPath(p, dir);
      if (id !== undefined) { touchTenant(id, p); continue; }
      const s = sharedPathMatch(p, dir);
      if (s && !shared.includes(p)) shared.push(p);
    }
  }

  if (shared.length > 0) {
    shared.sort();
    const first = sharedPathMatch(shared[0], dir)!;
    const more = shared.length > 1 ? ` (and ${shared.length - 1} more shared file${shared.length > 2 ? 's' : ''})` : '';
    const reason = `shared code changed: ${shared[0]} (${first.what})${more}`;
    for (const id of after) add(id, 'shared', reason);
  }

  return [...found.entries()]
    .map(([tenant, v]) => ({ tenant, kind: v.kind, reasons: v.reasons }))
    .sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
}

/** The shared files among the changes, sorted: what made every tenant affected. */
export function sharedChanges(changes: readonly ChangedPath[], tenantsDir = 'tenants'): string[] {
  const out = new Set<string>();
  for (const c of changes) {
    for (const p of touchedPaths(c)) if (sharedPathMatch(p, tenantsDir)) out.add(p);
  }
  return [...out].sort();
}
