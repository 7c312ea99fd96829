/**
 * Everything the tenant playbooks need, on this machine: a temporary world
 * (tenants, secrets copy, key dir), PostgreSQL and MinIO on 127.0.0.1, the
 * Qdrant STAND-IN (test-support/qdrant-standin.ts: Qdrant itself cannot run
 * here), optionally one network namespace per tenant whose address lies in
 * the tenant's range, and the local inventory. `stop()` undoes all of it.
 */
import { randomBytes } from 'crypto';
import * as path from 'path';
import { AnsibleWorld, createAnsibleWorld, FixtureTenant, TWO_TENANTS } from './ansible-fixture';
import { localInventory, platformEnv, writeInventory } from './ansible-inventory';
import { PlaybookOptions, PlaybookRun, runPlaybook } from './ansible-run';
import { MinioServer, startMinio } from './minio';
import { createNamespaces, TestNamespace } from './netns';
import { PostgresServer, startPostgres } from './postgres';
import { QdrantStandin, startQdrantStandin } from './qdrant-standin';

export interface PlatformOptions {
  readonly tenants?: readonly FixtureTenant[];
  /** One network namespace per tenant (needs root). @default false */
  readonly namespaces?: boolean;
  /** The Qdrant stand-in accepts JWTs and the role mints tenant tokens. @default true */
  readonly jwtRbac?: boolean;
}

export interface AnsiblePlatform {
  readonly world: AnsibleWorld;
  readonly pg: PostgresServer;
  readonly minio: MinioServer;
  /** A STAND-IN for Qdrant, not Qdrant. */
  readonly qdrant: QdrantStandin;
  readonly qdrantApiKey: string;
  /** By tenant id; empty without `namespaces`. */
  readonly namespaces: Record<string, TestNamespace>;
  readonly inventory: string;
  /** Store credentials as the roles receive them. */
  readonly env: Record<string, string>;
  /** Runs a playbook against this platform (extra options override). */
  play(playbook: string, opts?: Partial<PlaybookOptions>): Promise<PlaybookRun>;
  stop(): Promise<void>;
}

/** Host-side address of a tenant's namespace: where PostgreSQL listens for it. */
export const hostSideIp = (seq: number) => `10.${seq}.255.254`;

export async function startAnsiblePlatform(opts: PlatformOptions = {}): Promise<AnsiblePlatform> {
  const undo: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const u of undo.reverse()) {
      try {
        await u();
      } catch {
        /* keep cleaning up */
      }
    }
  };
  try {
    const world = await createAnsibleWorld(opts.tenants ?? TWO_TENANTS);
    undo.push(() => world.cleanup());

    const namespaces: Record<string, TestNamespace> = {};
    if (opts.namespaces) {
      const specs = world.tenants.map((t) => ({
        label: t.tenant_id.replace(/[^a-z0-9]/g, '').slice(0, 3),
        hostAddress: `${hostSideIp(t.tenant_seq)}/16`,
        nsAddress: `${t.tenant_servers[0].private_ip}/16`,
      }));
      const made = await createNamespaces(specs);
      undo.push(made.cleanup);
      world.tenants.forEach((t, i) => (namespaces[t.tenant_id] = made.namespaces[i]));
    }

    const pg = await startPostgres({ extraListen: Object.values(namespaces).map((n) => n.hostIp) });
    undo.push(() => pg.stop());
    const minio = await startMinio();
    undo.push(() => minio.stop());
    const qdrantApiKey = randomBytes(24).toString('hex');
    const qdrant = await startQdrantStandin({ apiKey: qdrantApiKey, jwtRbac: opts.jwtRbac ?? true });
    undo.push(() => qdrant.stop());

    const inventory = writeInventory(
      path.join(world.root, 'inventory.yml'),
      localInventory(world.tenants, {
        secretsRoot: world.secretsRoot,
        stores: {
          postgres: { host: pg.host, port: pg.port, adminUser: pg.adminUser },
          minio: { endpoint: minio.endpoint },
          qdrant: { url: qdrant.url, jwtRbac: opts.jwtRbac ?? true },
        },
      }),
    );
    const env = platformEnv({
      postgresPassword: pg.adminPassword,
      minioRootUser: minio.rootUser,
      minioRootPassword: minio.rootPassword,
      qdrantApiKey,
    });
    return {
      world,
      pg,
      minio,
      qdrant,
      qdrantApiKey,
      namespaces,
      inventory,
      env,
      play: (playbook, o = {}) =>
        runPlaybook({ playbook, inventory, workDir: world.workDir, ...o, env: { ...env, ...(o.env ?? {}) } }),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

