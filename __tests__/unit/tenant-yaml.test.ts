/**
 * Hostile or broken YAML: a clear error at a useful position, no crash, no
 * hang, and nothing written.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadFleet } from '../../app/tenant-files';
import { runValidate } from '../../app/validate-command';
import { MAX_FILE_BYTES, parseYamlSource } from '../../lib/tenant/yaml-source';
import { fixture, lines } from '../fixtures/tenants/check';

const REPO = path.resolve(__dirname, '../..');

/** Every file under a directory with its size and modification time. */
function snapshotDir(dir: string): string[] {
  return fs.readdirSync(dir).sort().map((f) => {
    const st = fs.statSync(path.join(dir, f));
    return `${f} ${st.size} ${st.mtimeMs}`;
  });
}

describe('hostile YAML', () => {
  test('fails on a syntax error at the position the parser found it', () => {
    expect(lines('hostile', 'syntax-error.yaml')).toEqual([
      'hostile/syntax-error.yaml:3:1: (file): YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (BAD_INDENT); fix the YAML syntax',
    ]);
  });

  test('fails on a duplicate key, naming the key and its first line', () => {
    expect(lines('hostile', 'duplicate-keys.yaml')).toEqual([
      'hostile/duplicate-keys.yaml:4:1: seq: duplicate key "seq" (first at line 2); each key may appear only once in a mapping',
    ]);
  });

  test('fails on tabs used for indentation', () => {
    expect(lines('hostile', 'tabs.yaml')).toEqual([
      'hostile/tabs.yaml:5:1: (file): a tab is used for indentation; YAML allows only spaces for indentation',
    ]);
  });

  test('fails if the document is a list or a single value', () => {
    expect(lines('hostile', 'a-list.yaml', 'a-scalar.yaml')).toEqual([
      'hostile/a-list.yaml:1:1: (file): the document is a list; expected a YAML mapping (key: value lines)',
      'hostile/a-scalar.yaml:1:1: (file): the document is a single value; expected a YAML mapping (key: value lines)',
    ]);
  });

  test('fails on an empty file and on a file of comments only', () => {
    expect(lines('hostile', 'empty.yaml', 'comments-only.yaml')).toEqual([
      'hostile/empty.yaml:1:1: (file): file is empty; expected a YAML mapping (key: value lines), e.g. from `npm run tenant:new`',
      'hostile/comments-only.yaml:1:1: (file): file holds only comments; expected a YAML mapping (key: value lines)',
    ]);
  });

  test('fails on a file of several documents, pointing at the second', () => {
    expect(lines('hostile', 'several-documents.yaml')).toEqual([
      'hostile/several-documents.yaml:3:1: (file): file holds 2 YAML documents; expected exactly one (remove the "---" separators)',
    ]);
  });

  test('fails on an alias bomb (billion laughs) instead of expanding it', () => {
    expect(lines('hostile', 'alias-bomb.yaml')).toEqual([
      'hostile/alias-bomb.yaml:1:1: (file): YAML aliases expand too far (a "billion laughs" document?); allowed: at most 50 alias expansions per file',
    ]);
  });

  test('fails on deep nesting before the parser recurses (its message comes from the pre-scan)', () => {
    expect(lines('hostile', 'deep-nesting.yaml')).toEqual([
      'hostile/deep-nesting.yaml:1:69: (file): the YAML nests more than 64 levels deep; tenant and platform files need only a few levels',
    ]);
    const deep = parseYamlSource('deep.yaml', `id: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    const dashes = parseYamlSource('dashes.yaml', `id:\n${'- '.repeat(50_000)}x\n`);
    expect(deep.diagnostics[0].message).toMatch(/^the YAML nests more than 64 levels deep/);
    expect(dashes.diagnostics[0].message).toMatch(/^the YAML nests more than 64 levels deep/);
    // Brackets inside quotes and comments are text, not nesting.
    expect(parseYamlSource('q.yaml', `a: "${'['.repeat(100)}"\n# ${'{'.repeat(100)}\nb: '${'['.repeat(100)}'\n`).diagnostics).toEqual([]);
  });

  test('fails on a __proto__ key without polluting any prototype', () => {
    expect(lines('hostile', 'proto-key.yaml')).toEqual([
      'hostile/proto-key.yaml:1:1: __proto__: unknown key "__proto__"; allowed keys: id, seq, environment, mode, location, servers, volume, dns, firewall, storage, hcloud_token_env, allow_destroy',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('fails on a 10 MB file without reading it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-yaml-'));
    try {
      fs.copyFileSync(fixture('hostile', '_platform.yaml'), path.join(dir, '_platform.yaml'));
      fs.writeFileSync(path.join(dir, 'huge.yaml'), `id: huge\n${'# padding\n'.repeat(1024 * 1024)}`);
      const r = loadFleet(dir, undefined, { name: (f) => path.basename(f) });
      expect(r.diagnostics).toEqual([
        { severity: 'error', file: 'huge.yaml', path: [], line: 1, col: 1, message: `file is 10485769 bytes; a tenant or platform file may be at most ${MAX_FILE_BYTES} bytes` },
      ]);
      // Text handed over directly is refused by size too.
      expect(parseYamlSource('big.yaml', 'x'.repeat(MAX_FILE_BYTES + 1)).diagnostics[0].message).toMatch(/^file is 262145 bytes/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('validating the hostile directory reports one error per file, exits 1 and writes nothing', () => {
    const before = snapshotDir(fixture('hostile'));
    const r = runValidate([path.relative(REPO, fixture('hostile'))], { cwd: REPO });
    expect(r.exitCode).toBe(1);
    expect(r.lines.at(-1)).toBe('FAILED: 11 errors, 0 warnings in 11 tenant files and 1 platform file (__tests__/fixtures/tenants/hostile)');
    expect(snapshotDir(fixture('hostile'))).toEqual(before);
  });
});
