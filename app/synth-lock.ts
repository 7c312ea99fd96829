/**
 * One synth at a time per output directory. The lock is a file beside the
 * output, `<outdir>.lock`, holding the pid of the synth that owns it; it is
 * created atomically (a hard link of a file already holding the pid, so no
 * reader ever sees it empty). A lock whose process is gone (a synth killed by
 * SIGKILL or a crash) is taken over; a live one makes the caller fail naming
 * the pid. Under the lock, the staging and old-output directories that dead
 * synths left behind (`<outdir>.staging-<pid>`, `<outdir>.old-<pid>`) are
 * removed.
 */
import * as fs from 'fs';
import * as path from 'path';

export class SynthBusyError extends Error {
  constructor(readonly pid: number, outdir: string, lock: string) {
    super(`another synth (pid ${pid}) is running on ${outdir}; wait for it to finish (if pid ${pid} is not a synth, remove ${lock})`);
    this.name = 'SynthBusyError';
  }
}

/** True when a process with this pid exists (EPERM: it exists, as another user). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const readPid = (file: string): number | undefined => {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
};

/** Creates `lock` holding our pid, or returns false when it exists. */
function tryCreate(lock: string): boolean {
  const tmp = `${lock}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, `${process.pid}\n`);
  } catch (e) {
    throw new Error(`${path.dirname(lock)} is not writable, so the lock ${lock} cannot be created (${(e as NodeJS.ErrnoException).code})`);
  }
  try {
    fs.linkSync(tmp, lock);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // No hard links here: exclusive create, then the pid (a reader may see it empty for a moment).
    try {
      fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Removes a lock whose owner `dead` is gone. It is moved aside first and
 * checked: if another synth took it over meanwhile, its lock is put back.
 */
function removeStale(lock: string, dead: number | undefined): void {
  const aside = `${lock}.stale-${process.pid}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return; // Gone already: someone else removed it.
  }
  const owner = readPid(aside);
  if (owner !== dead && owner !== undefined && isAlive(owner)) {
    try {
      fs.linkSync(aside, lock);
    } catch { /* a third synth holds it now; it is the owner */ }
  }
  fs.rmSync(aside, { force: true });
}

export interface SynthLock {
  readonly file: string;
  release(): void;
}

/** Takes the lock of `outdir` or throws SynthBusyError naming the synth that holds it. */
export function acquireSynthLock(outdir: string): SynthLock {
  const file = `${outdir}.lock`;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file)) {
      return {
        file,
        release: () => {
          if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    }
    const owner = readPid(file);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw new SynthBusyError(owner, outdir, file);
    if (owner === undefined) {
      // Being written by a synth without hard links, or garbage: look again shortly before calling it stale.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      const again = readPid(file);
      if (again !== undefined && isAlive(again)) throw new SynthBusyError(again, outdir, file);
    }
    removeStale(file, owner);
  }
  throw new Error(`could not take the lock ${file}: it keeps changing hands; try again`);
}

/** The pid in the name of a leftover of a synth (`.staging-<pid>`, `.old-<pid>`, `.lock.stale-<pid>`, `.lock.<pid>.tmp`). */
function leftoverPid(base: string, entry: string): number | undefined {
  if (!entry.startsWith(`${base}.`)) return undefined;
  const rest = entry.slice(base.length);
  const m = /^\.(?:staging|old|lock\.stale)-(\d+)$/.exec(rest) ?? /^\.lock\.(\d+)\.tmp$/.exec(rest);
  return m ? Number(m[1]) : undefined;
}

/**
 * Removes what synths that are gone left beside `outdir`: staging and old
 * output directories, lock temporaries. Call only while holding the lock.
 * Returns what it removed.
 */
export function removeLeftovers(outdir: string): string[] {
  const dir = path.dirname(outdir);
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const pid = leftoverPid(path.basename(outdir), entry);
    if (pid === undefined || pid === process.pid || isAlive(pid)) continue;
    removeTree(path.join(dir, entry));
    removed.push(path.join(dir, entry));
  }
  return removed;
}

/**
 * Removes a directory tree of our own, also when parts of it were made
 * read-only (chmod -R a-w): directories are made writable on the way.
 * Throws when it still cannot.
 */
export function removeTree(target: string): void {
  try {
    fs.rmSync(target, { recursive: true, force: true });
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EACCES' && (e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
  }
  const makeWritable = (p: string) => {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st?.isDirectory()) return;
    fs.chmodSync(p, st.mode | 0o700);
    for (const entry of fs.readdirSync(p)) makeWritable(path.join(p, entry));
  };
  makeWritable(target);
  fs.rmSync(target, { recursive: true, force: true });
}
