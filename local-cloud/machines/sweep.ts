/**
 * Removes everything one local-cloud instance may have left on the host,
 * found by its names and its data directory rather than by memory, so it
 * works after a crash, a SIGKILL or a failed test: machines (systemd-nspawn
 * processes recorded in <dataDir>/servers/<id>/nspawn.pid), the world's
 * responder, mounts and loop devices under the data directory, every
 * `lc-<name>-*` namespace, the `lc-<name>` host link, the slot claim, and the
 * data directory itself. Idempotent; a no-op when nothing is there.
 */
import * as fs from 'fs';
import * as path from 'path';
import { removeNamespace } from '../network/fabric';
import type { CloudNames } from '../network/names';
import { trySh } from './command';
import { releaseSlot } from './slots';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when the pid runs a command line containing `marker` (so a recycled pid is never killed). */
function runs(pid: number, marker: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(marker);
  } catch {
    return false;
  }
}

async function stopProcess(pid: number, marker: string): Promise<void> {
  if (!runs(pid, marker)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && runs(pid, marker); i++) await sleep(100);
  if (runs(pid, marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
    for (let i = 0; i < 50 && runs(pid, marker); i++) await sleep(100);
  }
}

/** What `sweepInstance` found and removed (for `down` to report, and tests to assert on). */
export interface SweepReport {
  readonly machines: number;
  readonly mounts: number;
  readonly loops: number;
  readonly namespaces: number;
}

export async function sweepInstance(names: CloudNames, dataDir: string): Promise<SweepReport> {
  let machines = 0;
  const serversDir = path.join(dataDir, 'servers');
  const marker = `--machine=lc-${names.instance}-`;
  const recorded = fs.existsSync(serversDir) ? fs.readdirSync(serversDir).map((d) => readPid(path.join(serversDir, d, 'nspawn.pid'))) : [];
  // Also machines whose pid file is gone (a crash between spawn and record): found by their --machine name.
  const found = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => runs(pid, marker));
  await Promise.all(
    [...new Set([...recorded, ...found])].map(async (pid) => {
      if (pid && runs(pid, marker)) {
        machines++;
        await stopProcess(pid, marker);
      }
    }),
  );
  const responder = readPid(path.join(dataDir, 'responder.pid'));
  // The responder is `python3 -c <script>`; its script's reply text marks it.
  if (responder && runs(responder, 'outside world')) process.kill(responder, 'SIGKILL');

  // Mounts under the data directory, deepest first.
  const prefix = `${path.resolve(dataDir)}/`;
  const mounts = fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((m) => m && m.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await trySh('umount', ['-l', m]);

  // Loop devices backed by the instance's volume images.
  const loops = (await trySh('losetup', ['-l', '-n', '-O', 'NAME,BACK-FILE'])).stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([dev, file]) => dev && file && file.startsWith(prefix));
  for (const [dev] of loops) await trySh('losetup', ['-d', dev]);

  const namespaces = (await trySh('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(names.nsPrefix));
  for (const ns of namespaces) await removeNamespace(ns);
  await trySh('ip', ['link', 'del', names.hostLink]);
  releaseSlot(names.instance);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { machines, mounts: mounts.length, loops: loops.length, namespaces: namespaces.length };
}
