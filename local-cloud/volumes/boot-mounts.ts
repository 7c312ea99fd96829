/**
 * Which volume mounts a server's /etc/fstab asks for at boot. On Hetzner a
 * volume is attached before the server boots and systemd mounts its fstab
 * line (`/dev/disk/by-id/scsi-0HC_Volume_<id> <path> ...`) before the
 * services that need it start. A systemd-nspawn container cannot do that:
 * systemd's fstab generator ignores device entries in a container, and the
 * local cloud plugs volumes in only once the machine runs. So the machine
 * layer reads these lines before the boot, mounts the volume on the host and
 * binds it at the path (machine-layer.ts). Pure.
 */
import { byIdPath } from './volume-disks';

export interface BootMount {
  readonly volumeId: number;
  /** Where the server wants it (the fstab line's second field). */
  readonly target: string;
  /** Filesystem type, as fstab names it (`auto` when it says so). */
  readonly fstype: string;
  /** mount(8) options, as fstab lists them (`nofail`, `x-*` are accepted and ignored by mount). */
  readonly options: string;
}

/** A path nspawn's `--bind=SRC:DST` takes literally: absolute, no `:`, `,`, spaces or `..` segments. */
const SAFE_TARGET = /^\/[A-Za-z0-9._/@+-]*$/;

/**
 * The fstab lines of `fstab` that mount one of `volumeIds` by its stable
 * name, in file order. Lines with `noauto`, swap, a target that is not a
 * plain absolute path, or `/` itself are left out (Hetzner's server would not
 * mount those at boot, or they cannot be bound).
 */
export function bootMounts(fstab: string, volumeIds: readonly number[]): BootMount[] {
  const byId = new Map(volumeIds.map((id) => [byIdPath(id), id]));
  const out: BootMount[] = [];
  for (const raw of fstab.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [source, target, fstype = 'auto', options = 'defaults'] = line.split(/\s+/);
    const volumeId = byId.get(source);
    if (volumeId === undefined || !target) continue;
    if (fstype === 'swap' || options.split(',').includes('noauto')) continue;
    const normal = target.replace(/\/+$/, '');
    if (!normal || !SAFE_TARGET.test(normal) || normal.split('/').includes('..')) continue;
    out.push({ volumeId, target: normal, fstype, options });
  }
  return out;
}
