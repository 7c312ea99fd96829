/**
 * Host limits that a cloud of systemd containers outgrows. Every server's
 * systemd (PID 1) and its services take inotify instances of the host's root
 * user (the containers have no user namespace of their own); at the kernel's
 * default of 128 per user, about 20 servers on the host (several local clouds
 * count together) make the next server's systemd exit at once, and nspawn
 * says only "Container ... failed with error code 255". As kind advises for
 * its nodes, the limit is raised, never lowered.
 */
import * as fs from 'fs';

/** Enough for a few hundred servers. */
export const MIN_INOTIFY_INSTANCES = 1024;
const INOTIFY_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';

/** The new value when `current` is below the minimum, else undefined. Pure. */
export function raisedInotifyInstances(current: number): number | undefined {
  return Number.isFinite(current) && current >= MIN_INOTIFY_INSTANCES ? undefined : MIN_INOTIFY_INSTANCES;
}

/** Raises fs.inotify.max_user_instances when it is below the minimum; says so through `log`. */
export function raiseHostLimits(log: (line: string) => void): void {
  const current = Number(fs.readFileSync(INOTIFY_INSTANCES, 'utf8').trim());
  const raised = raisedInotifyInstances(current);
  if (raised === undefined) return;
  fs.writeFileSync(INOTIFY_INSTANCES, `${raised}\n`);
  log(`raised fs.inotify.max_user_instances from ${current} to ${raised}: each server's systemd needs inotify instances of the host's root user`);
}
