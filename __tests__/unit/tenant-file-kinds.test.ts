/**
 * Files that are not what a tenant file must be: not a regular file (a FIFO, a
 * socket, a device, a directory), not UTF-8 (UTF-16, Latin-1), or naming a
 * DNS name longer than DNS allows. Each is refused at once, naming the file
 * and what it is; nothing hangs and nothing is written.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { REPO_ROOT } from '../../test-support/fleet';
import { diagnosticLines, SCRATCH_PLATFORM, scratchLines, tenantYaml, withTenantsDir } from '../../test-support/scratch-tenants';

/** Runs an npm entry point in a child process that is killed after 20 s, so a hang fails the test instead of stalling it. */
function run(entry: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'run.js'), entry, ...args], {
    cwd: REPO_ROOT, env: { ...process.env, TENANTS: undefined, ...env }, encoding: 'utf8', timeout: 20_000,
  });
  return { status: r.status, signal: r.signal, out: `${r.stdout}${r.stderr}` };
}

describe('files that are not regular files', () => {
  test('fails at once if a tenant file is a FIFO: validate, synth and tenant:new name it and exit 1', () => {
    withTenantsDir({ '_platform.yaml': SCRATCH_PLATFORM, 'ok.yaml': tenantYaml('ok', 10) }, (dir) => {
      expect(spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]).status).toBe(0);
      const outdir = path.join(dir, 'cdktf.out');
      const expected = `${path.join(dir, 'pipe.yaml')}:1:1: (file): is a FIFO (named pipe), not a regular file; expected a YAML file`;

      const validate = run('cli/validate.ts', [dir], {});
      expect(validate.signal).toBeNull();
      expect(validate.out).toContain(expected);
      expect(validate.status).toBe(1);

      const synth = run('main.ts', [], { TENANTS_DIR: dir, CDKTF_OUTDIR: outdir, TENANTS: 'ok' });
      expect(synth.signal).toBeNull();
      expect(synth.out).toContain(expected);
      expect(synth.out).toContain('nothing was synthesized');
      expect(synth.status).toBe(1);
      expect(fs.existsSync(outdir)).toBe(false);

      const created = run('cli/tenant-new.ts', ['newco'], { TENANTS_DIR: dir });
      expect(created.signal).toBeNull();
      expect(created.out).toContain(`cannot read the seq of ${path.join(dir, 'pipe.yaml')}, so the next free seq is unknown`);
      expect(created.status).toBe(1);
      expect(fs.existsSync(path.join(dir, 'newco.yaml'))).toBe(false);
    });
  });

  test('fails if a tenant file is a socket, a device or a directory, naming what it is', async () => {
    await withTenantsDir({ '_platform.yaml': SCRATCH_PLATFORM }, async (dir) => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(path.join(dir, 'sock.yaml'), resolve));
      try {
        fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
        fs.mkdirSync(path.join(dir, 'folder.yaml'));
        expect(diagnosticLines(dir)).toEqual([
          'folder.yaml:1:1: (file): is a directory, not a regular file; expected a YAML file',
          'sock.yaml:1:1: (file): is a socket, not a regular file; expected a YAML file',
          'zero.yaml:1:1: (file): is a character device, not a regular file; expected a YAML file',
        ]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  test('fails if the platform file is a FIFO, without hanging', () => {
    withTenantsDir({ 'ok.yaml': tenantYaml('ok', 10) }, (dir) => {
      expect(spawnSync('mkfifo', [path.join(dir, '_platform.yaml')]).status).toBe(0);
      const validate = run('cli/validate.ts', [dir], {});
      expect(validate.signal).toBeNull();
      expect(validate.out).toContain(`${path.join(dir, '_platform.yaml')}:1:1: (file): is a FIFO (named pipe), not a regular file; expected a YAML file`);
      expect(validate.status).toBe(1);
    });
  });
});

describe('files that are not UTF-8', () => {
  const yaml = tenantYaml('t', 10);
  const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();

  test('fails if a file is UTF-16 with a byte order mark, naming the encoding', () => {
    expect(scratchLines({ 't.yaml': Buffer.from(`\ufeff${yaml}`, 'utf16le') })).toEqual([
      't.yaml:1:1: (file): the file is UTF-16 little-endian (it starts with a byte order mark); allowed: UTF-8 only (save the file as UTF-8)',
    ]);
    expect(scratchLines({ 't.yaml': utf16be(`\ufeff${yaml}`) })).toEqual([
      't.yaml:1:1: (file): the file is UTF-16 big-endian (it starts with a byte order mark); allowed: UTF-8 only (save the file as UTF-8)',
    ]);
  });

  test('fails if a file is UTF-16 without a byte order mark (NUL bytes), naming the encoding', () => {
    expect(scratchLines({ 't.yaml': Buffer.from(yaml, 'utf16le') })).toEqual([
      't.yaml:1:1: (file): the file contains NUL bytes: it looks like UTF-16 little-endian; allowed: UTF-8 only (save the file as UTF-8)',
    ]);
    expect(scratchLines({ 't.yaml': utf16be(yaml) })).toEqual([
      't.yaml:1:1: (file): the file contains NUL bytes: it looks like UTF-16 big-endian; allowed: UTF-8 only (save the file as UTF-8)',
    ]);
  });

  test('fails if a file has a stray NUL byte, pointing at it', () => {
    expect(scratchLines({ 't.yaml': Buffer.from(`${yaml}# x\u0000y\n`) })).toEqual([
      't.yaml:6:4: (file): the file contains a NUL byte, which no text file has; allowed: UTF-8 text only (save the file as UTF-8)',
    ]);
  });

  test('fails if a file is not valid UTF-8 (Latin-1), pointing at the first bad byte', () => {
    const latin1 = Buffer.concat([Buffer.from(`${yaml}# caf`), Buffer.from([0xe9]), Buffer.from(' au lait\n')]);
    expect(scratchLines({ 't.yaml': latin1 })).toEqual([
      't.yaml:6:6: (file): the file is not valid UTF-8 (byte 0xE9 here; Latin-1 or Windows-1252?); allowed: UTF-8 only (save the file as UTF-8)',
    ]);
  });

  test('accepts UTF-8 with a byte order mark and non-ASCII text', () => {
    expect(scratchLines({ 't.yaml': Buffer.from(`\ufeff${yaml}# café, Zürich, 東京\n`) })).toEqual([]);
  });
});

describe('DNS names', () => {
  const label = (c: string, n = 63) => c.repeat(n);

  test('fails if a record name and the zone together exceed 253 characters', () => {
    const name = [label('a'), label('b'), label('c'), label('d', 45)].join('.');
    expect(`${name}.tenants.example.com`).toHaveLength(257);
    expect(scratchLines({ 't.yaml': tenantYaml('t', 10, 'dns:', '  records:', `    - { name: ${name}, target: app }`) })).toEqual([
      `t.yaml:8:15: dns.records[0].name: DNS name "${name}.tenants.example.com" is 257 characters; allowed: at most 253 characters in all, dot-separated labels of 1-63 lowercase letters, digits and "-"`,
    ]);
  });

  test('accepts a name of exactly 253 characters', () => {
    const name = [label('a'), label('b'), label('c'), label('d', 41)].join('.');
    expect(`${name}.tenants.example.com`).toHaveLength(253);
    expect(scratchLines({ 't.yaml': tenantYaml('t', 10, 'dns:', '  records:', `    - { name: ${name}, target: app }`) })).toEqual([]);
  });

  test('fails if a label of a record name has more than 63 characters', () => {
    const out = scratchLines({ 't.yaml': tenantYaml('t', 10, 'dns:', '  records:', `    - { name: ${label('a', 64)}, target: app }`) });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^t\.yaml:8:15: dns\.records\[0\]\.name: .* is not allowed; allowed: a DNS name inside the platform zone/);
  });

  test('fails if the platform zone is longer than 253 characters', () => {
    const zone = [label('a'), label('b'), label('c'), label('d', 62)].join('.');
    const platform = SCRATCH_PLATFORM.replace('example.com', zone);
    expect(scratchLines({ '_platform.yaml': platform })).toEqual([
      `_platform.yaml:2:9: dns.zone: "${zone}" is longer than 253 characters; allowed: a registered domain such as example.com or example.co.uk (the rest of a longer name goes into dns.suffix)`,
    ]);
  });
});
