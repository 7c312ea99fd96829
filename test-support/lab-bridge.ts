/**
 * The network of a server lab: network namespaces the lab makes, joined by a
 * bridge inside the control node's namespace (where Ansible runs). Each
 * member gets a veth pair (`eth0` inside its namespace, `port` on the
 * bridge) and a route for 10.0.0.0/8 over it; nothing is routed out of the
 * lab. Every namespace made is handed to `undo` for removal.
 */
import { run, runOk } from './ansible-proc';
import type { UndoStack } from './undo-stack';

const inNs = (ns: string, args: string[]) => runOk('ip', ['-n', ns, ...args]);

/** Makes the namespace `ns` (removed through `undo`). */
export async function addNamespace(ns: string, undo: UndoStack): Promise<void> {
  await runOk('ip', ['netns', 'add', ns]);
  undo.push(() => run('ip', ['netns', 'del', ns]));
  await inNs(ns, ['link', 'set', 'lo', 'up']);
}

/** Makes the control namespace with the bridge `br0` at `cidr` (e.g. 10.250.0.1/24). */
export async function addControl(ns: string, cidr: string, undo: UndoStack): Promise<void> {
  await addNamespace(ns, undo);
  await inNs(ns, ['link', 'add', 'br0', 'type', 'bridge']);
  await inNs(ns, ['addr', 'add', cidr, 'dev', 'br0']);
  await inNs(ns, ['link', 'set', 'br0', 'up']);
  await inNs(ns, ['route', 'add', '10.0.0.0/8', 'dev', 'br0']);
}

/** Plugs the namespace `ns` into the control's bridge through `port` (at most 15 characters), with address `cidr`. */
export async function attach(control: string, ns: string, port: string, cidr: string): Promise<void> {
  await inNs(control, ['link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await inNs(control, ['link', 'set', port, 'master', 'br0', 'up']);
  await inNs(ns, ['addr', 'add', cidr, 'dev', 'eth0']);
  await inNs(ns, ['link', 'set', 'eth0', 'up']);
  await inNs(ns, ['route', 'add', '10.0.0.0/8', 'dev', 'eth0']);
}
