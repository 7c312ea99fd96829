/**
 * The synth lock in process (the same with real concurrent synths is in
 * __tests__/integration/synth-lock.test.ts): a live holder is named, a dead
 * one's lock is taken over, leftovers of dead synths are removed and nothing
 * else.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthFleet } from '../../app/synth';
import { acquireSynthLock, removeLeftovers, SynthBusyError } from '../../app/synth-lock';
import { exampleFleet } from '../../test-support/fleet';
import { deadPid, killLivePids, livePid } from '../../test-support/pids';

let work: string;
let outdir: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  outdir = path.join(work, 'cdktf.out');
});
afterEach(() => {
  killLivePids();
  fs.rmSync(work, { recursive: true, force: true });
});

const lockFile = () => `${outdir}.lock`;

test('fails if a live process holds the lock, naming its pid; the lock stays', () => {
  const holder = livePid();
  fs.writeFileSync(lockFile(), `${holder}\n`);
  expect(() => acquireSynthLock(outdir)).toThrow(new SynthBusyError(holder, outdir, lockFile()));
  expect(() => acquireSynthLock(outdir)).toThrow(`another synth (pid ${holder}) is running on ${outdir}`);
  expect(fs.readFileSync(lockFile(), 'utf8')).toBe(`${holder}\n`);
});

test('takes over the lock of a dead process (or an unreadable one), holds our pid, and releases it', () => {
  for (const stale of [`${deadPid()}\n`, 'garbage']) {
    fs.writeFileSync(lockFile(), stale);
    const lock = acquireSynthLock(outdir);
    expect(fs.readFileSync(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    expect(fs.readdirSync(work)).toEqual([]);
  }
});

test('removes staging and old directories and lock temporaries of dead synths, and nothing else', () => {
  const dead = deadPid();
  const live = livePid();
  const names = [`cdktf.out.staging-${dead}`, `cdktf.out.old-${dead}`, `cdktf.out.lock.${dead}.tmp`, `cdktf.out.lock.stale-${dead}`,
    `cdktf.out.staging-${live}`, 'cdktf.out.single', 'cdktf.out.staging-x', 'other.staging-1', 'cdktf.out'];
  for (const n of names) fs.mkdirSync(path.join(work, n, 'stacks'), { recursive: true });
  expect(removeLeftovers(outdir).map((p) => path.basename(p)).sort()).toEqual(names.slice(0, 4).sort());
  expect(fs.readdirSync(work).sort()).toEqual(names.slice(4).sort());
});

test('synthFleet fails if the lock is held, and writes nothing', () => {
  fs.mkdirSync(path.join(outdir, 'stacks', 'tenant-old'), { recursive: true });
  fs.writeFileSync(lockFile(), `${livePid()}\n`);
  expect(() => synthFleet(exampleFleet(), { outdir, projectRoot: work })).toThrow(/^another synth \(pid \d+\) is running/);
  expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['tenant-old']);
  expect(fs.readdirSync(work).sort()).toEqual(['cdktf.out', 'cdktf.out.lock']);
});
