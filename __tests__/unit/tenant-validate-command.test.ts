/**
 * `npm run validate`: what it prints and how it exits, through the pure
 * function the CLI wraps (cli/validate.ts only prints its lines).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runValidate } from '../../app/validate-command';
import { fixture } from '../fixtures/tenants/check';

const REPO = path.resolve(__dirname, '../..');
const F = '__tests__/fixtures/tenants';

describe('npm run validate', () => {
  test('exits 0 on the example tenants/ directory', () => {
    const r = runValidate([], { cwd: REPO });
    expect(r.lines.filter((l) => !l.startsWith('OK: '))).toEqual([]);
    expect(r.lines.at(-1)).toMatch(/^OK: 0 errors, 0 warnings in \d+ tenant files and 1 platform file \(tenants\)$/);
    expect(r.exitCode).toBe(0);
  });

  test('honours TENANTS_DIR and prints every error as file:line:col: field.path: message, then a summary', () => {
    const r = runValidate([], { cwd: REPO, tenantsDir: `${F}/fleet-duplicates` });
    expect(r.exitCode).toBe(1);
    expect(r.lines).toHaveLength(7);
    expect(r.lines[0]).toBe(
      `${F}/fleet-duplicates/bravo.yaml:2:6: seq: seq 5 (network 10.5.0.0/16) is already used by ${F}/fleet-duplicates/alpha.yaml:2:6; allowed: a seq no other tenant uses (the next free one is 8)`,
    );
    for (const line of r.lines.slice(0, -1)) expect(line).toMatch(/^__tests__\/fixtures\/tenants\/fleet-duplicates\/[a-z]+\.yaml:\d+:\d+: [a-z_.[\]0-9]+: .+; (allowed|allowed keys): .+$/);
    expect(r.lines.at(-1)).toBe(`FAILED: 6 errors, 0 warnings in 4 tenant files and 1 platform file (${F}/fleet-duplicates)`);
  });

  test('checks a file named on the command line against the rest of its directory', () => {
    const r = runValidate(['--', `${F}/fleet-duplicates/alpha.yaml`], { cwd: REPO });
    // alpha.yaml sorts first, yet the conflicts are reported in it, the file asked about.
    expect(r.lines).toEqual([
      `${F}/fleet-duplicates/alpha.yaml:1:5: id: id "alpha" is already used by ${F}/fleet-duplicates/charlie.yaml:2:5; allowed: an id no other tenant uses`,
      `${F}/fleet-duplicates/alpha.yaml:2:6: seq: seq 5 (network 10.5.0.0/16) is already used by ${F}/fleet-duplicates/bravo.yaml:2:6; allowed: a seq no other tenant uses (the next free one is 8)`,
      `${F}/fleet-duplicates/alpha.yaml:8:13: dns.records[0].name: DNS name "www.tenants.example.com" is already used by ${F}/fleet-duplicates/bravo.yaml:10:13; allowed: a name no other tenant uses`,
      `FAILED: 3 errors, 0 warnings in 1 tenant file and 1 platform file (${F}/fleet-duplicates)`,
    ]);
    expect(r.exitCode).toBe(1);
  });

  test('exits 0 when there are only warnings, and prints them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-'));
    try {
      for (const f of ['_platform.yaml', 'cidr-normalize.yaml']) fs.copyFileSync(fixture('rules', f), path.join(dir, f));
      const r = runValidate([dir], { cwd: REPO });
      expect(r.lines).toEqual([
        `${dir}/cidr-normalize.yaml:12:11: warning: firewall.ingress[0].from[2]: "10.1.1.5/24" has host bits set; normalized to 10.1.1.0/24 (write that to silence this warning)`,
        `${dir}/cidr-normalize.yaml:13:11: warning: firewall.ingress[0].from[3]: "2001:db8:0:0:1::/48" has host bits set; normalized to 2001:db8::/48 (write that to silence this warning)`,
        `OK: 0 errors, 2 warnings in 1 tenant file and 1 platform file (${dir})`,
      ]);
      expect(r.exitCode).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails if a directory has no platform file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-'));
    try {
      fs.copyFileSync(fixture('rules', 'valid.yaml'), path.join(dir, 'valid.yaml'));
      const r = runValidate([dir], { cwd: dir });
      expect(r.lines).toEqual([
        '_platform.yaml:1:1: (file): platform file not found; every tenants directory needs a _platform.yaml (DNS zone, sources, defaults)',
        'FAILED: 1 error, 0 warnings in 1 tenant file and 1 platform file (.)',
      ]);
      expect(r.exitCode).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails if a path does not exist', () => {
    const r = runValidate(['no/such/file.yaml'], { cwd: REPO });
    expect(r.lines).toEqual([
      'no/such/file.yaml:1:1: (file): no such file or directory; expected a tenant file or a tenants directory',
      'FAILED: 1 error, 0 warnings in 0 tenant files and 0 platform files',
    ]);
    expect(r.exitCode).toBe(1);
  });

  test('prints its usage for --help (exit 0) and for an unknown option (exit 1)', () => {
    expect(runValidate(['--help'], { cwd: REPO })).toMatchObject({ exitCode: 0, lines: expect.arrayContaining(['usage: npm run validate [-- <file or dir>...]']) });
    expect(runValidate(['--fix'], { cwd: REPO })).toMatchObject({ exitCode: 1, lines: expect.arrayContaining(['validate: unknown option --fix']) });
  });
});
