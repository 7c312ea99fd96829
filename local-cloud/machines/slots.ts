/**
 * Slots: each running local cloud with machines claims one (0..63), which
 * picks its public address ranges (network/address-plan.ts), so several can
 * run on one host. A claim is a file /run/hetzner-local-cloud/slot-<n> holding
 * the owner's pid and instance name, made with O_EXCL; a claim whose process
 * is gone is stale and taken over.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MAX_SLOTS } from '../network/address-plan';

export const RUN_DIR = '/run/hetzner-local-cloud';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function slotFile(slot: number): string {
  return path.join(RUN_DIR, `slot-${slot}`);
}

/** The slot an instance holds, if any (read from the claim files). */
export function slotOf(instance: string): number | undefined {
  for (let i = 0; i < MAX_SLOTS; i++) {
    try {
      const [pid, name] = fs.readFileSync(slotFile(i), 'utf8').trim().split(' ');
      if (name === instance && alive(Number(pid))) return i;
    } catch {
      // no claim
    }
  }
  return undefined;
}

/**
 * Whether the host routes the slot's public IPv4 range (100.(64+slot).0.0/16,
 * network/address-plan.ts) already: another instance holds it without a claim
 * file (its claim was lost), and taking the slot would fail on "File exists".
 */
function slotRouted(slot: number): boolean {
  // /proc/net/route: destination and mask in hex, in host (little-endian) byte order.
  const dest = (((64 + slot) << 8) | 100).toString(16).toUpperCase().padStart(8, '0');
  try {
    return fs.readFileSync('/proc/net/route', 'utf8').split('\n').some((l) => {
      const f = l.split('\t');
      return f[1] === dest && f[7] === '0000FFFF';
    });
  } catch {
    return false;
  }
}

export function claimSlot(instance: string, pid = process.pid): number {
  fs.mkdirSync(RUN_DIR, { recursive: true });
  for (let i = 0; i < MAX_SLOTS; i++) {
    const file = slotFile(i);
    if (slotOf(instance) !== i && slotRouted(i)) continue;
    try {
      fs.writeFileSync(file, `${pid} ${instance}\n`, { flag: 'wx' });
      return i;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const [owner, name] = fs.readFileSync(file, 'utf8').trim().split(' ');
    // An empty claim is being written by its owner right now: not stale.
    if (name === instance || (Number(owner) > 0 && !alive(Number(owner)))) {
      // Stale (or our own from a crashed run of the same instance): take it over.
      fs.rmSync(file, { force: true });
      try {
        fs.writeFileSync(file, `${pid} ${instance}\n`, { flag: 'wx' });
        return i;
      } catch {
        // someone else was faster; keep looking
      }
    }
  }
  throw new Error(`all ${MAX_SLOTS} local-cloud slots in ${RUN_DIR} are taken`);
}

export function releaseSlot(instance: string): void {
  for (let i = 0; i < MAX_SLOTS; i++) {
    try {
      if (fs.readFileSync(slotFile(i), 'utf8').trim().split(' ')[1] === instance) fs.rmSync(slotFile(i), { force: true });
    } catch {
      // no claim
    }
  }
}
