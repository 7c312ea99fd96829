/**
 * Whether a stack's synthesized JSON (`cdk.tf.json`) differs between two
 * revisions, and where. Pure. The comparison is of what OpenTofu reads:
 * CDKTF's `//` comment keys (construct paths, the cdktf version) are dropped,
 * object keys are sorted, and a local state path is made relative to the
 * project root, so that a stack synthesized into another directory, or by a
 * refactor that moves a construct without changing a resource, compares equal.
 */
import * as path from 'path';

/** One top-level block of a stack: `resource`, `data`, `output`, `terraform`, ... */
type Blocks = Record<string, unknown>;

/** The stack without `//` keys, with sorted object keys: equal stacks give equal text. */
export function canonicalStack(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(canonicalStack);
  if (json === null || typeof json !== 'object') return json;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(json).sort()) {
    if (key === '//') continue;
    out[key] = canonicalStack((json as Record<string, unknown>)[key]);
  }
  return out;
}

/**
 * The stack with its local backend's state path relative to the project root
 * instead of to the stack directory (which depends on where it was
 * synthesized). Other backends are left as they are.
 */
export function withRootRelativeState(json: unknown, stackDir: string, projectRoot: string): unknown {
  const local = (json as { terraform?: { backend?: { local?: { path?: unknown } } } })?.terraform?.backend?.local;
  if (!local || typeof local.path !== 'string') return json;
  const rel = path.relative(projectRoot, path.resolve(stackDir, local.path)).split(path.sep).join('/');
  const j = json as { terraform: { backend: Record<string, unknown> } };
  return { ...j, terraform: { ...j.terraform, backend: { ...j.terraform.backend, local: { ...local, path: rel } } } };
}

/**
 * The same stack with its local state path written relative to another stack
 * directory: used to plan a base revision's stack against this project's state.
 */
export function withStateRelativeTo(json: unknown, fromStackDir: string, fromRoot: string, toStackDir: string, toRoot: string): unknown {
  const rooted = withRootRelativeState(json, fromStackDir, fromRoot);
  const local = (rooted as { terraform?: { backend?: { local?: { path?: unknown } } } })?.terraform?.backend?.local;
  if (!local || typeof local.path !== 'string') return json;
  const rel = path.relative(toStackDir, path.resolve(toRoot, local.path)).split(path.sep).join('/');
  const j = rooted as { terraform: { backend: Record<string, unknown> } };
  return { ...j, terraform: { ...j.terraform, backend: { ...j.terraform.backend, local: { ...local, path: rel } } } };
}

export interface StackDiff {
  /** Addresses (`hcloud_server.server_app_1`, `data.x.y`) only in the head stack. */
  readonly added: readonly string[];
  /** Addresses only in the base stack. */
  readonly removed: readonly string[];
  /** Addresses in both whose configuration differs. */
  readonly changed: readonly string[];
  /** Other blocks that differ: `terraform` (backend, providers), `provider`, `output.<name>`, `variable.<name>`, ... */
  readonly blocks: readonly string[];
}

const text = (v: unknown) => JSON.stringify(canonicalStack(v));

/** `{type: {name: config}}` as `type.name` -> config (`data.type.name` for data sources). */
function addresses(block: unknown, prefix: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [type, byName] of Object.entries((block ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [name, config] of Object.entries(byName ?? {})) out.set(`${prefix}${type}.${name}`, config);
  }
  return out;
}

/** Blocks keyed by name (`output`, `variable`, `locals`, `module`): name -> value. */
const NAMED_BLOCKS = new Set(['output', 'variable', 'locals', 'module']);

/** Where two stacks differ. Both are parsed `cdk.tf.json`s. */
export function diffStacks(base: unknown, head: unknown): StackDiff {
  const b = (canonicalStack(base) ?? {}) as Blocks;
  const h = (canonicalStack(head) ?? {}) as Blocks;
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  const compareAddresses = (x: Map<string, unknown>, y: Map<string, unknown>) => {
    for (const [a, v] of y) {
      if (!x.has(a)) added.push(a);
      else if (text(x.get(a)) !== text(v)) changed.push(a);
    }
    for (const a of x.keys()) if (!y.has(a)) removed.push(a);
  };
  compareAddresses(addresses(b.resource, ''), addresses(h.resource, ''));
  compareAddresses(addresses(b.data, 'data.'), addresses(h.data, 'data.'));

  const blocks: string[] = [];
  for (const key of [...new Set([...Object.keys(b), ...Object.keys(h)])].sort()) {
    if (key === 'resource' || key === 'data') continue;
    if (NAMED_BLOCKS.has(key)) {
      const bx = (b[key] ?? {}) as Record<string, unknown>;
      const hx = (h[key] ?? {}) as Record<string, unknown>;
      for (const name of [...new Set([...Object.keys(bx), ...Object.keys(hx)])].sort()) {
        if (text(bx[name]) !== text(hx[name])) blocks.push(`${key}.${name}`);
      }
    } else if (text(b[key]) !== text(h[key])) blocks.push(key);
  }
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort(), blocks };
}

export function isSameStack(d: StackDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length + d.blocks.length === 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `a, b, c, and 2 more` */
function list(names: readonly string[], show: number): string {
  return names.slice(0, show).join(', ') + (names.length > show ? `, and ${names.length - show} more` : '');
}

/**
 * One line for the review: `synthesized stack changed: 3 resources differ (1
 * added, 2 changed: hcloud_firewall.firewall, ...)`, at most `show` addresses.
 */
export function describeStackDiff(d: StackDiff, show = 5): string {
  const parts: string[] = [];
  const n = d.added.length + d.removed.length + d.changed.length;
  if (n > 0) {
    const kinds = [
      d.added.length ? `${d.added.length} added` : '',
      d.removed.length ? `${d.removed.length} removed` : '',
      d.changed.length ? `${d.changed.length} changed` : '',
    ].filter(Boolean).join(', ');
    parts.push(`${plural(n, 'resource')} differ${n === 1 ? 's' : ''} (${kinds}: ${list([...d.changed, ...d.added, ...d.removed], show)})`);
  }
  // Named blocks by kind (`5 outputs differ (a, b, ...)`), the others by name (`terraform differs`).
  const byKind = new Map<string, string[]>();
  for (const b of d.blocks) {
    const dot = b.indexOf('.');
    const kind = dot < 0 ? b : b.slice(0, dot);
    byKind.set(kind, [...(byKind.get(kind) ?? []), ...(dot < 0 ? [] : [b.slice(dot + 1)])]);
  }
  for (const [kind, names] of byKind) {
    if (names.length === 0) parts.push(`${kind} differs`);
    else parts.push(`${plural(names.length, kind)} differ${names.length === 1 ? 's' : ''} (${list(names, show)})`);
  }
  return `synthesized stack changed: ${parts.join('; ') || 'no difference'}`;
}
