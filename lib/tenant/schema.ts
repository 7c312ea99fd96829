/**
 * The schema of tenant files and of the platform file: the one source of the
 * TypeScript types (`z.infer`) and of the structural validation. Defaults are
 * documented here, once. Cross-field rules live in `check-tenant.ts`,
 * fleet-wide ones in `check-fleet.ts`.
 */
import { z } from 'zod';
import { ZONE_ALLOWED } from '../dns-names';
import { describeLocations, LIMITS, LOCATIONS, Location } from '../hetzner';

const ID = /^[a-z][a-z0-9-]{0,28}[a-z0-9]$|^[a-z]$/;
const SHORT_NAME = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$|^[a-z]$/;
const DNS_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
// scripts/with-tools.sh hands exactly the *_HCLOUD_TOKEN variables to OpenTofu (as TF_VAR_<name>).
const TOKEN_ENV = /^[A-Z][A-Z0-9_]*_HCLOUD_TOKEN$/;
const TOKEN_ENV_ALLOWED = 'an environment variable name ending in _HCLOUD_TOKEN, such as ACME_HCLOUD_TOKEN (scripts/with-tools.sh passes only those to OpenTofu)';

// What is allowed, said once: the loader puts these after "allowed:" in messages
// (zod keeps a `.describe()` text through .optional() and .default()).
const ID_ALLOWED = 'lowercase letters, digits and "-", starting with a letter, ending with a letter or digit, at most 30 characters (it is used in labels and DNS names)';
const SHORT_NAME_ALLOWED = 'lowercase letters, digits and "-", starting with a letter, at most 24 characters';
const DNS_NAME_ALLOWED = 'a DNS name inside the platform zone: dot-separated labels of lowercase letters, digits and "-"';
const SUFFIX_ALLOWED = 'dot-separated labels of lowercase letters, digits and "-" (e.g. tenants), not ending with the zone';
// A POSIX login name: it also goes into the ProxyCommand an offline tenant's servers are reached through.
const LOGIN_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const LOGIN_USER_ALLOWED = 'a login name: lowercase letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters (root, deploy)';
const PORT_ALLOWED = 'a port 1-65535 (443), a range ("80-85") or "any"';
const ADDRESS_ALLOWED = 'a list of CIDRs (203.0.113.0/24), IPs, or names of platform `sources`';

const location = z.enum(LOCATIONS as [Location, ...Location[]]).describe(describeLocations());

/** Where a tenant runs; also its `environment` label. Commands offer these same choices. */
export const ENVIRONMENTS = ['production', 'staging', 'development'] as const;
/** offline: no egress beyond the tenant's own network. */
export const MODES = ['online', 'offline'] as const;

const portSpec = z.union(
  [
    z.number().int().min(1).max(65535),
    z.string().regex(/^(any|[0-9]{1,5}(-[0-9]{1,5})?)$/, { message: PORT_ALLOWED }),
  ],
  { errorMap: () => ({ message: PORT_ALLOWED }) },
).describe(PORT_ALLOWED);

const protocol = z.enum(['tcp', 'udp', 'icmp', 'gre', 'esp']);

/** A list of addresses: CIDRs, bare IPs, or names of `sources` in the platform file. */
const addressList = z.array(z.string().min(1).describe('a CIDR, an IP or a platform source name')).min(1).describe(ADDRESS_ALLOWED);

export const ingressRuleSchema = z
  .object({
    /** Port, range "80-85" or "any". Required for tcp and udp, not allowed for icmp/gre/esp. */
    port: portSpec.optional(),
    /** @default tcp */
    protocol: protocol.default('tcp'),
    /** Where traffic may come from: CIDRs, IPs, or platform `sources` names. */
    from: addressList,
    /** Must be true to open a port other than 80/443 to the whole internet. @default false */
    public: z.boolean().default(false),
    /** Shown in the Hetzner console. */
    description: z.string().max(255).optional(),
  })
  .strict();

export const egressRuleSchema = z
  .object({
    port: portSpec.optional(),
    /** @default tcp */
    protocol: protocol.default('tcp'),
    /** Where the tenant's servers may connect to: CIDRs, IPs, or platform `sources` names. */
    to: addressList,
    description: z.string().max(255).optional(),
  })
  .strict();

export const serverGroupSchema = z
  .object({
    /**
     * Group name; servers become tenant-<id>-<name>-1..<count>. In an offline
     * tenant the group with `role: jump` (count 1) is its jump host, the one
     * server with a public interface (lib/tenant/jump-host.ts).
     */
    name: z.string().regex(SHORT_NAME, { message: SHORT_NAME_ALLOWED }).describe(SHORT_NAME_ALLOWED),
    /** Becomes the `role` label. @default the group name */
    role: z.string().optional(),
    /** Hetzner server type. @default platform `defaults.server_type` */
    type: z.string().regex(/^[a-z0-9-]+$/, { message: 'a Hetzner server type such as cx22' }).describe('a Hetzner server type such as cx22').optional(),
    /** Image name. @default platform `defaults.image` */
    image: z.string().min(1).optional(),
    /** How many servers of this group. @default 1 */
    count: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.serversPerNetwork)
      .describe(`an integer 1..${LIMITS.serversPerNetwork} (a Hetzner network holds at most ${LIMITS.serversPerNetwork} servers)`)
      .default(1),
  })
  .strict();

export const tenantFileSchema = z
  .object({
    /** Must equal the file name; lowercase, starts with a letter, <= 30 chars. Cannot change after creation. */
    id: z.string().regex(ID, { message: ID_ALLOWED }).describe(ID_ALLOWED),
    /** 1..254, unique in the fleet: network 10.<seq>.0.0/16. Cannot change after creation. */
    seq: z.number().int().min(1).max(254).describe('an integer 1..254, unique in the fleet (network 10.<seq>.0.0/16)'),
    environment: z.enum(ENVIRONMENTS),
    /**
     * offline: no egress beyond the tenant's own network, and no public
     * interface but its jump host's, which admits SSH only. The jump host is
     * the group with `role: jump` (count 1); an offline tenant without one gets
     * the group { name: jump, role: jump, count: 1 } (platform defaults) after its own.
     * @default online
     */
    mode: z.enum(MODES).default('online'),
    /** Hetzner location; the network zone follows from it. @default platform `defaults.location` */
    location: location.optional(),
    servers: z.array(serverGroupSchema).min(1).describe('a list of at least one server group (name, role, type, image, count)'),
    /** One volume, attached to the data server (see storage.host). @default no volume */
    volume: z
      .object({
        size_gb: z.number().int().min(LIMITS.volumeMinGb).max(LIMITS.volumeMaxGb),
        /** @default ext4 */
        format: z.enum(['ext4', 'xfs']).default('ext4'),
      })
      .strict()
      .optional(),
    /** Records in the platform DNS zone. @default none */
    dns: z
      .object({
        records: z
          .array(
            z
              .object({
                /** Name inside the platform zone: `acme` -> acme.<dns.suffix>.<zone>. */
                name: z.string().regex(DNS_NAME, { message: DNS_NAME_ALLOWED }).describe(DNS_NAME_ALLOWED),
                /** Server group whose first server the record points at. */
                target: z.string().describe('the name of one of this tenant\'s server groups'),
                /** @default platform `dns.ttl` */
                ttl: z.number().int().min(60).max(86400).optional(),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({ records: [] }),
    /** Inbound and outbound rules. Traffic inside the tenant network is always allowed. */
    firewall: z
      .object({
        ingress: z.array(ingressRuleSchema).default([]),
        /** Only in online mode. With none, the servers reach only their own network. */
        egress: z.array(egressRuleSchema).default([]),
      })
      .strict()
      .default({ ingress: [], egress: [] }),
    storage: z
      .object({
        /**
         * Server group whose first server runs the tenant's data plane (PostgreSQL, MinIO, Qdrant: roles/tenant_dataplane)
         * and holds the volume. Never an offline tenant's jump host.
         * @default the group of the first server that is not the jump host
         */
        host: z.string().describe("the name of one of this tenant's server groups").optional(),
        /** Database tenant_<id> and role tenant_<id>_user. @default false */
        postgres: z.boolean().default(false),
        /** Bucket tenant-<id>-bucket with its own IAM user and policy. @default false */
        minio: z.boolean().default(false),
        /** Collection tenant_<id>. @default none */
        qdrant: z
          .object({
            vector_size: z.number().int().min(1).max(65536),
            distance: z.enum(['Cosine', 'Euclid', 'Dot', 'Manhattan']),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    /** Bring-your-own Hetzner project: the environment variable holding this tenant's token. @default the platform token HCLOUD_TOKEN */
    hcloud_token_env: z
      .string()
      .regex(TOKEN_ENV, { message: TOKEN_ENV_ALLOWED })
      .describe(TOKEN_ENV_ALLOWED)
      .optional(),
    /** The explicit override for a production tenant: lifts Hetzner delete/rebuild protection and lets the plan review accept destroying or replacing its servers, volume and network. @default false */
    allow_destroy: z.boolean().default(false),
  })
  .strict();

export const platformFileSchema = z
  .object({
    /** Value of the `managed_by` label. @default hetzner-tenants */
    managed_by: z.string().default('hetzner-tenants'),
    dns: z
      .object({
        /**
         * The platform zone, a registered domain (`example.com`): Hetzner DNS has no
         * subzones. Tenant records live inside it. Checked in rules.ts (lib/dns-names.ts).
         */
        zone: z
          .string()
          .regex(DNS_NAME, { message: ZONE_ALLOWED })
          .describe(ZONE_ALLOWED),
        /**
         * Appended to every tenant record name: with `tenants`, record `acme` is
         * `acme.tenants` in the zone, i.e. acme.tenants.example.com.
         * @default - none: records sit directly below the zone
         */
        suffix: z.string().regex(DNS_NAME, { message: SUFFIX_ALLOWED }).describe(SUFFIX_ALLOWED).optional(),
        /** @default 300 */
        ttl: z.number().int().min(60).max(86400).default(300),
      })
      .strict(),
    /** Named address lists that firewall rules may use by name (gateway, management, ...). */
    sources: z.record(z.array(z.string().min(1)).min(1)).default({}),
    /** Names of Hetzner SSH keys put on every server. @default none */
    ssh_keys: z.array(z.string().min(1)).default([]),
    defaults: z
      .object({
        /** @default ubuntu-24.04 */
        image: z.string().default('ubuntu-24.04'),
        /** @default cx22 */
        server_type: z.string().default('cx22'),
        /** @default nbg1 */
        location: location.default('nbg1'),
      })
      .strict()
      .default({}),
    quotas: z
      .object({
        /** @default 100 (the network limit) */
        max_servers_per_tenant: z.number().int().min(1).max(LIMITS.serversPerNetwork).default(LIMITS.serversPerNetwork),
        /** @default 10240 */
        max_volume_gb_per_tenant: z.number().int().min(LIMITS.volumeMinGb).default(LIMITS.volumeMaxGb),
      })
      .strict()
      .default({}),
    /** Where each tenant's OpenTofu state lives. @default local files state/tenant-<id>.tfstate */
    state: z
      .discriminatedUnion('backend', [
        z.object({ backend: z.literal('local'), dir: z.string().default('state') }).strict(),
        z
          .object({
            backend: z.literal('s3'),
            bucket: z.string().min(3),
            /** S3 endpoint, e.g. https://fsn1.your-objectstorage.com or a MinIO URL. */
            endpoint: z.string().url(),
            /** @default eu-central */
            region: z.string().default('eu-central'),
            /** State key is <key_prefix>/tenant-<id>.tfstate. @default tenants */
            key_prefix: z.string().default('tenants'),
            /** S3 lock files (OpenTofu >= 1.10). @default true */
            use_lockfile: z.boolean().default(true),
          })
          .strict(),
      ])
      .default({ backend: 'local', dir: 'state' }),
    secrets: z
      .object({
        /** Directory of private age keys, outside the repo. SOPS_AGE_KEY_DIR overrides. @default ~/.config/hetzner-tenants/age */
        age_key_dir: z.string().default('~/.config/hetzner-tenants/age'),
        /** Platform recovery recipient added to every tenant's secrets file. */
        recovery_recipient: z
          .string()
          .regex(/^age1[0-9a-z]{58}$/, { message: 'an age public key (age1 and 58 lowercase letters or digits)' })
          .describe('an age public key (age1 and 58 lowercase letters or digits)')
          .optional(),
      })
      .strict()
      .default({}),
    /** Run Ansible for the tenant after apply (also POST_APPLY=ansible). @default none */
    post_apply: z.enum(['none', 'ansible']).default('none'),
    /** How Ansible reaches the tenants' servers (lib/ansible-inventory.ts). */
    ansible: z
      .object({
        /**
         * The user Ansible logs in to servers as (`ansible_user`): root on a new
         * server, the baseline role's `deploy` once it has run.
         * @default root
         */
        user: z.string().regex(LOGIN_USER, { message: LOGIN_USER_ALLOWED }).describe(LOGIN_USER_ALLOWED).default('root'),
      })
      .strict()
      .default({}),
    /**
     * The platform's backup target: a Hetzner Storage Box, created once per
     * project like the DNS zone. Each tenant gets a subaccount on it, confined
     * to tenants/<id>, for its restic repository (roles/tenant_backup).
     * @default - no backups beyond Hetzner's server backups
     */
    backup: z
      .object({
        /** The Storage Box's numeric id (Hetzner Console or GET /storage_boxes). Cannot change while tenants have subaccounts on it. */
        storage_box_id: z.number().int().positive().describe('the numeric id of a Storage Box'),
        /**
         * The addresses the box's server name resolves to: tenant firewalls allow
         * TCP 23 (SFTP) out to exactly these (Hetzner firewalls take addresses,
         * not names). Hetzner says they can change: keep them current.
         */
        addresses: z.array(z.string().min(1)).min(1).describe('a list of IP addresses or CIDRs'),
        /** Days an offboarded tenant's archived repository is kept before playbooks/purge-expired.yml deletes it. @default 90 */
        archive_days: z.number().int().min(1).max(3650).default(90),
        /** URL a failed backup or check is posted to (JSON). @default - none: failures are only logged */
        webhook: z.string().url().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type TenantFile = z.infer<typeof tenantFileSchema>;
export type PlatformFile = z.infer<typeof platformFileSchema>;
