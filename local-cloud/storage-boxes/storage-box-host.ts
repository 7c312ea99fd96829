/**
 * One Storage Box as a real SFTP server: a machine booted from the same
 * Debian root filesystem as the servers (systemd-nspawn, in a namespace of
 * its own linked to the outside world), whose sshd serves internal-sftp on
 * ports 22 and 23 to one account per main account and subaccount, each
 * chrooted to its directory (sftp-accounts.ts). A thin shell: it writes the
 * accounts file into the machine's root and runs the sync script inside it.
 *
 *   dir/root ...                   the machine (see machines/machine.ts)
 *   /srv/storagebox/data           inside it: the box's files, kept with the box
 */
import * as fs from 'fs';
import * as path from 'path';
import type { AddressPlan } from '../network/address-plan';
import { addNamespace, connectStorageBox, disconnectStorageBox, removeNamespace } from '../network/fabric';
import type { CloudNames } from '../network/names';
import { sh } from '../machines/command';
import { Machine } from '../machines/machine';
import { ACCOUNTS_FILE, DesiredStorageBox, SSHD_CONFIG, SYNC_SCRIPT, SYNC_SCRIPT_PATH } from './sftp-accounts';

export class StorageBoxHost {
  private accountsJson?: string;

  private constructor(
    readonly box: Pick<DesiredStorageBox, 'id' | 'address'>,
    private readonly names: CloudNames,
    private readonly machine: Machine,
  ) {}

  /** Namespace, link, root, sshd configuration, boot; removes what it made and throws when a step fails. */
  static async start(names: CloudNames, plan: AddressPlan, box: DesiredStorageBox, dir: string, rootfs: string, bootTimeoutMs: number): Promise<StorageBoxHost> {
    const ns = names.storageBox(box.id);
    // Machine names share the `lc-<name>-` prefix `down` finds them by; `sb` keeps them apart from server ids.
    const machine = new Machine({ id: box.id, machineName: names.machine(box.id).replace(/-(\d+)$/, '-sb$1'), netns: ns, dir, rootfs });
    const host = new StorageBoxHost(box, names, machine);
    try {
      await addNamespace(ns);
      await connectStorageBox(names, plan, ns, box.id, box.address);
      await machine.mountRoot();
      await machine.seed({ name: box.name, sshKeys: [], userData: '' });
      const files: [string, string, number][] = [
        ['/etc/ssh/sshd_config', SSHD_CONFIG, 0o644],
        [SYNC_SCRIPT_PATH, SYNC_SCRIPT, 0o755],
      ];
      for (const [file, content, mode] of files) {
        const target = path.join(machine.root, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content, { mode });
        fs.chmodSync(target, mode);
      }
      await machine.boot(box.name, bootTimeoutMs);
      await host.sync(box);
      return host;
    } catch (e) {
      await host.destroy();
      throw e;
    }
  }

  /** Makes the box's accounts match (only when they changed). */
  async sync(box: DesiredStorageBox): Promise<void> {
    const json = JSON.stringify({ accounts: box.accounts }, null, 1);
    if (json === this.accountsJson) return;
    const file = path.join(this.machine.root, ACCOUNTS_FILE);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, json, { mode: 0o600 });
    const leader = this.machine.leaderPid();
    if (!leader) throw new Error(`storage box ${box.id} is not running`);
    // --pid too: the container's /proc only knows its own processes (the script reads /proc/self/mounts).
    await sh('nsenter', ['--target', String(leader), '--mount', '--pid', '--', SYNC_SCRIPT_PATH]);
    this.accountsJson = json;
  }

  /** Stops the machine and removes its disk (the box's files), namespace and routes. */
  async destroy(): Promise<void> {
    await this.machine.destroy();
    await disconnectStorageBox(this.names, this.box.id, this.box.address);
    await removeNamespace(this.names.storageBox(this.box.id));
  }
}
