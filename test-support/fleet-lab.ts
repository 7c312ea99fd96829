/**
 * A lab for whole fleets: every server of every tenant is a real Debian 12
 * server (TestServer, systemd-nspawn from the toolchain's root filesystem) in
 * a network namespace of its own, on one bridge in the control node's
 * namespace, at its private address (10.<seq>.1.x). Ansible runs in the
 * control namespace (10.250.0.1) against the inventory lib/ansible-inventory.ts
 * builds from the tenants' `ansible_vars`, with each server's private address
 * standing in for its public one: an offline tenant's servers are reached
 * through its jump host (ProxyCommand), as in production.
 *
 * Simplifications, none of which changes what Ansible does on the servers:
 * there is no Hetzner firewall and all tenants share the bridge (the host
 * firewall of roles/baseline is the real one); a volume is a directory bound
 * at /mnt/HC_Volume_<id> (the local cloud's fallback form); the data plane's
 * binaries come from the lab's mirror (test-support/lab-mirror.ts), Qdrant
 * is the STAND-IN. cleanup() removes every server, namespace and file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tenantInventory } from '../lib/ansible-inventory';
import { defaultRootfs, rootfsProblem } from '../local-cloud/machines/rootfs';
import { AnsibleWorld, createAnsibleWorld, FixtureTenant } from './ansible-fixture';
import { runOk, tempDir } from './ansible-proc';
import { PlaybookOptions, PlaybookRun, runPlaybook } from './ansible-run';
import { addControl, addNamespace, attach } from './lab-bridge';
import { createMirror, MIRROR_MOUNT } from './lab-mirror';
import { TestServer } from './test-server';
import { undoStack } from './undo-stack';

/** The control node's address on the lab's bridge. */
const CONTROL_CIDR = '10.250.0.1/24';
/** The volume id every tenant's volume has in the lab (each server has its own disk). */
const VOLUME_ID = 101;

export interface FleetLabSpec {
  /** Tenants written by the fixture. @default none */
  readonly fixtures?: readonly FixtureTenant[];
  /** Tenant files written as they are (file name -> text), e.g. the repository's examples. @default none */
  readonly tenantFiles?: Readonly<Record<string, string>>;
  /** Servers booted at once (each may take up to 5 minutes on a loaded machine). @default 4 */
  readonly bootConcurrency?: number;
}

export interface FleetLab {
  readonly world: AnsibleWorld;
  /** Every server's name, in tenant and file order. */
  readonly servers: readonly string[];
  readonly inventory: string;
  /** ansible-playbook in the control namespace against the lab's inventory. */
  play(playbook: string, opts?: Partial<PlaybookOptions>): Promise<PlaybookRun>;
  cleanup(): Promise<void>;
}

export async function createFleetLab(spec: FleetLabSpec): Promise<FleetLab> {
  // Checked before anything is made: nothing to remove when it is missing.
  const rootfs = defaultRootfs();
  const problem = rootfsProblem(rootfs);
  if (problem) throw new Error(problem);
  const undo = undoStack();
  const cleanup = () => undo.run();
  try {
    const world = await createAnsibleWorld(spec.fixtures ?? [], 'tp-fleet', spec.tenantFiles);
    undo.push(() => world.cleanup());
    const scratch = tempDir('tp-fleet-lab');
    undo.push(() => fs.rmSync(scratch, { recursive: true, force: true }));
    const tag = path.basename(scratch).slice(-6).replace(/[^a-zA-Z0-9]/g, 'x');
    const control = `tf-ctl-${tag}`;
    await addControl(control, CONTROL_CIDR, undo);

    const keyFile = path.join(scratch, 'platform-key');
    await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'platform-admin', '-f', keyFile]);
    const rootKeys = [fs.readFileSync(`${keyFile}.pub`, 'utf8').trim()];
    const mirror = path.join(scratch, 'mirror');
    const mirrorVars = await createMirror(mirror);

    const servers: TestServer[] = [];
    for (const t of world.tenants) {
      for (const s of t.tenant_servers) {
        const k = servers.length;
        const netns = `tf-${k}-${tag}`;
        await addNamespace(netns, undo);
        await attach(control, netns, `vs${k}`, `${s.private_ip}/16`);
        const binds = [{ host: mirror, server: MIRROR_MOUNT, readOnly: true }];
        if (t.tenant_volume.enabled && t.tenant_volume.server === s.name) {
          const volume = path.join(scratch, `volume-${s.name}`);
          fs.mkdirSync(volume);
          binds.push({ host: volume, server: `/mnt/HC_Volume_${VOLUME_ID}`, readOnly: false });
        }
        const server = new TestServer({ name: s.name, rootfs, dir: path.join(scratch, 'servers', s.name), netns, rootKeys, binds });
        undo.push(() => server.destroy());
        servers.push(server);
      }
    }
    const queue = [...servers];
    const boot = async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        await s.create();
        await s.boot(300_000).catch((e: Error) => {
          throw new Error(`${e.message}\n--- console of ${s.spec.name} ---\n${s.consoleTail(30)}`);
        });
      }
    };
    await Promise.all(Array.from({ length: spec.bootConcurrency ?? 4 }, boot));
    // sshd answers before the boot is over, and until then pam_nologin turns away every user
    // but root: the deploy user the baseline makes would fail its first login.
    const ssh = ['-i', keyFile, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];
    for (const t of world.tenants) {
      for (const s of t.tenant_servers) {
        await runOk('ip', ['netns', 'exec', control, 'ssh', ...ssh, `root@${s.private_ip}`, 'systemctl is-system-running --wait || true'], { timeoutMs: 300_000 });
      }
    }

    // Private addresses stand in for public ones; offline tenants' servers other than the jump host have none.
    const serverIpv4: Record<string, string> = {};
    for (const t of world.tenants) {
      for (const s of t.tenant_servers) if (t.tenant_mode === 'online' || s.name === t.tenant_jump_host) serverIpv4[s.name] = s.private_ip;
    }
    const inv = tenantInventory(world.tenants, {
      serverIpv4,
      user: 'root',
      sshKeyFile: keyFile,
      hostVars: { ansible_connection: 'local', ansible_python_interpreter: '{{ ansible_playbook_python }}' },
      groupVars: { tenant_secrets_root: world.secretsRoot },
      serverVars: {
        ansible_python_interpreter: '/usr/bin/python3',
        // The harness points ANSIBLE_REMOTE_TEMP at the control node's scratch directory; a server keeps its own.
        ansible_remote_tmp: '~/.ansible/tmp',
        tenant_secrets_root: world.secretsRoot,
        tenant_volume_id: VOLUME_ID,
        ...mirrorVars,
      },
    });
    const inventory = path.join(world.root, 'inventory.yml');
    fs.writeFileSync(inventory, `# Generated by test-support/fleet-lab.ts\n${JSON.stringify(inv, null, 1)}\n`);

    return {
      world,
      servers: servers.map((s) => s.spec.name),
      inventory,
      // Every lab's servers have new host keys at the same addresses: nothing is checked or recorded
      // (ssh would write root's own ~/.ssh/known_hosts, whatever HOME says).
      play: (playbook, o = {}) =>
        runPlaybook({ playbook, inventory, workDir: world.workDir, netns: control, ...o, env: { ANSIBLE_HOST_KEY_CHECKING: 'False', ...o.env } }),
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
