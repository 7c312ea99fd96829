/**
 * Network namespaces that stand in for a tenant's servers, all on this
 * machine: `ip netns add` plus a veth pair whose host end carries an address
 * a test server can listen on and whose namespace end carries a client
 * address inside the tenant's private range. Needs root (CAP_NET_ADMIN).
 */
import { randomBytes } from 'crypto';
import { run, RunResult, runOk } from './ansible-proc';

export interface NamespaceSpec {
  /** Short label, used in names (a-z, 0-9). */
  readonly label: string;
  /** Address of the host end, with prefix: "10.201.255.254/16". */
  readonly hostAddress: string;
  /** Address inside the namespace, with prefix: "10.201.1.10/16". */
  readonly nsAddress: string;
}

export interface TestNamespace {
  readonly name: string;
  /** Host-end address without prefix: where a server on this machine listens. */
  readonly hostIp: string;
  /** Namespace-end address without prefix: what a server sees as the client. */
  readonly nsIp: string;
  /** Runs a command inside the namespace. */
  exec(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
}

const bare = (cidr: string) => cidr.split('/')[0];

/**
 * Creates the namespaces; on any failure removes what it made and throws.
 * Returns a cleanup function that removes every namespace and veth pair.
 */
export async function createNamespaces(specs: readonly NamespaceSpec[]): Promise<{ namespaces: TestNamespace[]; cleanup: () => Promise<void> }> {
  const tag = randomBytes(3).toString('hex');
  const made: { ns: string; veth: string }[] = [];
  const cleanup = async () => {
    for (const m of made.reverse()) {
      // Deleting one end of a veth pair deletes both; the namespace goes last.
      await run('ip', ['link', 'del', m.veth]).catch(() => undefined);
      await run('ip', ['netns', 'del', m.ns]).catch(() => undefined);
    }
  };
  const namespaces: TestNamespace[] = [];
  try {
    for (const spec of specs) {
      const ns = `tp-${spec.label}-${tag}`;
      // Interface names are limited to 15 characters.
      const hostIf = `tph${spec.label.slice(0, 3)}${tag}`.slice(0, 15);
      const nsIf = `tpn${spec.label.slice(0, 3)}${tag}`.slice(0, 15);
      await runOk('ip', ['netns', 'add', ns]);
      made.push({ ns, veth: hostIf });
      await runOk('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
      await runOk('ip', ['link', 'set', nsIf, 'netns', ns]);
      await runOk('ip', ['addr', 'add', spec.hostAddress, 'dev', hostIf]);
      await runOk('ip', ['link', 'set', hostIf, 'up']);
      await runOk('ip', ['-n', ns, 'addr', 'add', spec.nsAddress, 'dev', nsIf]);
      await runOk('ip', ['-n', ns, 'link', 'set', nsIf, 'up']);
      await runOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      namespaces.push({
        name: ns,
        hostIp: bare(spec.hostAddress),
        nsIp: bare(spec.nsAddress),
        exec: (cmd, args, env) => run('ip', ['netns', 'exec', ns, cmd, ...args], { env, timeoutMs: 30_000 }),
      });
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { namespaces, cleanup };
}
