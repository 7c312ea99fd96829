/**
 * Names of everything one local cloud makes on the host, all derived from its
 * instance name, so leftovers of a crashed run are identifiable (`lc-<name>-*`
 * namespaces, the `lc-<name>` host link, `lc-<name>-<id>` machines) and `down`
 * can find them without any record.
 */

/** Instance names: short, because the host link `lc-<name>` must fit Linux's 15 characters. */
export const INSTANCE_NAME = /^[a-z][a-z0-9]{0,11}$/;

export interface CloudNames {
  readonly instance: string;
  /** Prefix of every namespace of this cloud. */
  readonly nsPrefix: string;
  /** The outside world (and the public segment's router). */
  readonly world: string;
  /** The control node's link to the outside world, on the host. */
  readonly hostLink: string;
  /** Its other end, in the world namespace. */
  readonly worldControlLink: string;
  network(id: number): string;
  server(id: number): string;
  /** A Storage Box's namespace (its SFTP server). */
  storageBox(id: number): string;
  /** systemd-nspawn --machine name (servers and Storage Boxes). */
  machine(id: number): string;
}

export function cloudNames(instance: string): CloudNames {
  if (!INSTANCE_NAME.test(instance)) throw new Error(`instance name "${instance}" is not allowed; allowed: a lowercase letter, then up to 11 lowercase letters or digits`);
  const nsPrefix = `lc-${instance}-`;
  return {
    instance,
    nsPrefix,
    world: `${nsPrefix}world`,
    hostLink: `lc-${instance}`,
    worldControlLink: 'ctl',
    network: (id) => `${nsPrefix}net-${id}`,
    server: (id) => `${nsPrefix}srv-${id}`,
    storageBox: (id) => `${nsPrefix}sb-${id}`,
    machine: (id) => `lc-${instance}-${id}`,
  };
}
