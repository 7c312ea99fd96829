/**
 * Volumes as real block devices: each volume is a sparse image file of its
 * size (formatted on creation when the API was given a format, as Hetzner
 * does), attached to a running server through a loop device that appears in
 * the server where Hetzner puts it:
 *
 *   /dev/sdb, /dev/sdc, ...                           the device
 *   /dev/disk/by-id/scsi-0HC_Volume_<id>              the stable name (linux_device in the API)
 *   /mnt/HC_Volume_<id>                               mounted there when attached with automount
 *
 * The image outlives detach, re-attach to another server and server deletion;
 * it is removed with the volume. A thin shell over truncate, mkfs, losetup and
 * nsenter (into the container's mount namespace, from the host).
 */
import * as fs from 'fs';
import * as path from 'path';
import { sh, trySh } from '../machines/command';

export function byIdPath(volumeId: number): string {
  return `/dev/disk/by-id/scsi-0HC_Volume_${volumeId}`;
}

export function mountPath(volumeId: number): string {
  return `/mnt/HC_Volume_${volumeId}`;
}

export class VolumeDisks {
  constructor(readonly dir: string) {}

  image(id: number): string {
    return path.join(this.dir, `${id}.img`);
  }

  exists(id: number): boolean {
    return fs.existsSync(this.image(id));
  }

  /** A sparse image of `sizeGb`, formatted when `format` is given. */
  async create(id: number, sizeGb: number, format: 'ext4' | 'xfs' | null): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    const img = this.image(id);
    const tmp = `${img}.partial`;
    await sh('truncate', ['-s', `${sizeGb}G`, tmp]);
    if (format === 'ext4') await sh('mkfs.ext4', ['-q', '-F', '-L', `HC_Volume_${id}`.slice(0, 16), '-E', 'lazy_itable_init=1,lazy_journal_init=1', tmp]);
    if (format === 'xfs') await sh('mkfs.xfs', ['-q', '-f', '-L', `vol${id}`.slice(0, 12), tmp]);
    fs.renameSync(tmp, img);
  }

  async resize(id: number, sizeGb: number): Promise<void> {
    await sh('truncate', ['-s', `${sizeGb}G`, this.image(id)]);
  }

  remove(id: number): void {
    fs.rmSync(this.image(id), { force: true });
  }

  /** Attaches the image to a free loop device; returns e.g. /dev/loop3. */
  async loopAttach(id: number): Promise<string> {
    return (await sh('losetup', ['--find', '--show', this.image(id)])).stdout.trim();
  }
}

export async function loopDetach(device: string): Promise<void> {
  await trySh('losetup', ['-d', device]);
}

/** Major and minor number of a block device node on the host. */
function deviceNumbers(device: string): { major: number; minor: number } {
  const rdev = fs.statSync(device).rdev;
  return { major: (rdev >> 8) & 0xfff, minor: (rdev & 0xff) | ((rdev >> 12) & 0xfff00) };
}

const inMachine = (leaderPid: number, script: string) => sh('nsenter', ['--target', String(leaderPid), '--mount', '--', 'sh', '-c', script]);

/**
 * Makes the loop device appear in the running machine as /dev/<devName> and
 * by-id; mounts it at /mnt/HC_Volume_<id> when `automount` (and formatted).
 */
export async function plugIntoMachine(leaderPid: number, volumeId: number, loopDevice: string, devName: string, automount: boolean): Promise<void> {
  const { major, minor } = deviceNumbers(loopDevice);
  const dev = `/dev/${devName}`;
  const steps = [
    'mkdir -p /dev/disk/by-id',
    `rm -f ${dev}`,
    `mknod -m 660 ${dev} b ${major} ${minor}`,
    `chgrp disk ${dev} 2>/dev/null || true`,
    `ln -sfn ../../${devName} ${byIdPath(volumeId)}`,
  ];
  if (automount) steps.push(`mkdir -p ${mountPath(volumeId)}`, `mount -o discard,defaults ${byIdPath(volumeId)} ${mountPath(volumeId)}`);
  await inMachine(leaderPid, steps.join(' && '));
}

/**
 * Unmounts (when mounted) the automount path and `targets` (the boot-time fstab
 * mounts, plain paths: boot-mounts.ts) and removes the device from the running machine.
 */
export async function unplugFromMachine(leaderPid: number, volumeId: number, devName: string | undefined, targets: readonly string[] = []): Promise<void> {
  const umounts = [mountPath(volumeId), ...targets].map((m) => `if grep -qs " ${m} " /proc/self/mounts; then umount ${m} || umount -l ${m}; fi`);
  await inMachine(leaderPid, [...umounts, `rm -f ${byIdPath(volumeId)}${devName ? ` /dev/${devName}` : ''}`].join('; '));
}
