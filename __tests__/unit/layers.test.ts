/**
 * The layers the README promises: `lib/` is pure (no file, process or network
 * I/O, no CDKTF, no constructs), and `cdktf` is imported by exactly one file,
 * constructs/cdk.ts, so that moving to the maintained fork is a one-file change.
 */
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../../test-support/fleet';

/** Every module a source text imports, requires or re-exports. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]);
  return out;
}

/** Source files below `dir` (relative to the repo), skipping generated and installed trees. */
function sources(dir = '.'): string[] {
  const skip = new Set(['node_modules', '.gen', 'cdktf.out', '.git', 'coverage']);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(REPO_ROOT, d), { withFileTypes: true })) {
      const rel = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!skip.has(e.name)) walk(rel);
      } else if (/\.(ts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path.normalize(rel));
    }
  };
  walk(dir);
  return out.sort();
}

const IO_MODULES = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'dgram', 'worker_threads'];
const isIo = (m: string) => IO_MODULES.includes(m.replace(/^node:/, ''));
const isCdktf = (m: string) => m === 'cdktf' || m.startsWith('cdktf/');

/** Why a module of lib/ may not import `spec`, or undefined when it may. */
function impurity(file: string, spec: string): string | undefined {
  if (isIo(spec)) return `${spec} (I/O)`;
  if (isCdktf(spec) || spec === 'constructs') return `${spec} (CDK)`;
  if (spec.startsWith('.')) {
    const target = path.relative(REPO_ROOT, path.resolve(REPO_ROOT, path.dirname(file), spec));
    if (!target.startsWith(`lib${path.sep}`)) return `${spec} (outside lib/)`;
  }
  return undefined;
}

describe('layers', () => {
  test('the import scanner sees every form of import (so the checks below can fail)', () => {
    // Built at run time, so that this file does not import what it names.
    const q = "'";
    const text = [
      `import * as fs from ${q}fs${q};`,
      `import type { X } from ${q}../constructs/cdk${q};`,
      `export { App } from ${q}cdktf${q};`,
      `import ${q}node:child_process${q};`,
      `const cp = require(${q}child_process${q});`,
      `const t = await import(${q}cdktf/lib/testing${q});`,
    ].join('\n');
    expect(importsOf(text)).toEqual(expect.arrayContaining(['fs', '../constructs/cdk', 'cdktf', 'node:child_process', 'child_process', 'cdktf/lib/testing']));
    expect(impurity('lib/x.ts', 'node:fs')).toBe('node:fs (I/O)');
    expect(impurity('lib/tenant/x.ts', '../../constructs/cdk')).toBe('../../constructs/cdk (outside lib/)');
    expect(impurity('lib/tenant/x.ts', '../naming')).toBeUndefined();
  });

  test('lib/ is pure: no file or process I/O, no CDKTF, no imports from outside lib/', () => {
    const files = sources('lib');
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => importsOf(fs.readFileSync(path.join(REPO_ROOT, f), 'utf8')).flatMap((spec) => {
      const why = impurity(f, spec);
      return why ? [`${f}: ${why}`] : [];
    }));
    expect(found).toEqual([]);
  });

  test('cdktf is imported by exactly one file, constructs/cdk.ts (generated bindings aside)', () => {
    const importers = sources().filter((f) => importsOf(fs.readFileSync(path.join(REPO_ROOT, f), 'utf8')).some(isCdktf));
    expect(importers).toEqual([path.join('constructs', 'cdk.ts')]);
  });
});
