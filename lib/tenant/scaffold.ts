/**
 * The text of a new tenant file: every key present or shown commented out,
 * each with what it means, what is allowed and what cannot change later.
 * Pure; `npm run tenant:new` (app/new-command.ts) writes it.
 */
import { describeLocations, LIMITS, NETWORK_ZONE_BY_LOCATION } from '../hetzner';
import { bucketName, collectionName, databaseName, databaseUser, dnsRecordFqdn, networkCidr, serverName, subnetCidr } from '../naming';
import { serverTypeFor } from './catalogue-rules';
import { JUMP_ROLE } from './jump-host';
import type { Platform, Tenant } from './model';

export interface ScaffoldInput extends Pick<Tenant, 'id' | 'seq' | 'environment' | 'mode' | 'location'> {
  /** What the comments and the firewall example refer to. */
  readonly platform: Pick<Platform, 'dns' | 'sources' | 'defaults' | 'quotas'>;
}

/** The management source opens SSH in a new tenant when the platform defines it. */
export const SSH_SOURCE = 'management';

/** The platform's default type, commented out, or a type offered in `location` when the default is not. */
function typeLine(defaultType: string, location: string): string {
  const type = serverTypeFor(location, defaultType);
  return type === defaultType
    ? `    # type: ${defaultType.padEnd(14)} # Hetzner server type; default: platform defaults.server_type`
    : `    type: ${type.padEnd(16)} # the platform default ${defaultType} is not offered in ${location}`;
}

/** Offline: the jump host, shown commented out, or declared when the platform default type is not offered in `location`. */
function jumpLines(defaultType: string, location: string): string[] {
  const type = serverTypeFor(location, defaultType);
  return [
    `  # Offline: the jump host, the one server with a public interface (SSH only). Default: a`,
    `  # group "${JUMP_ROLE}" (role ${JUMP_ROLE}, count 1, platform defaults) is added; declare one to choose its type.`,
    type === defaultType
      ? `  # - { name: ${JUMP_ROLE}, role: ${JUMP_ROLE}, type: ${defaultType} }`
      : `  - { name: ${JUMP_ROLE}, role: ${JUMP_ROLE}, type: ${type} }   # the platform default ${defaultType} is not offered in ${location}`,
  ];
}

export function scaffoldTenant(input: ScaffoldInput): string {
  const { id, seq, environment, mode, location, platform } = input;
  const sourceNames = Object.keys(platform.sources).sort();
  const sourcesText = sourceNames.length > 0 ? sourceNames.join(', ') : 'none defined yet';
  const exampleSource = sourceNames.includes('gateway') ? 'gateway' : sourceNames[0] ?? '203.0.113.0/24';
  const sshFromManagement = sourceNames.includes(SSH_SOURCE);
  const maxServers = Math.min(platform.quotas.max_servers_per_tenant, LIMITS.serversPerNetwork);
  const maxVolume = platform.quotas.max_volume_gb_per_tenant;

  const lines = [
    `# Tenant ${id}, created by \`npm run tenant:new\`. Check it with \`npm run validate\`.`,
    '# Keys marked (required) must stay; every other key may be removed to get its default.',
    '# Every key and default: lib/tenant/schema.ts. Fleet-wide settings: _platform.yaml.',
    '',
    '# (required) Must equal the file name. Used in names, labels and DNS. Cannot change after creation.',
    `id: ${id}`,
    `# (required) 1..254, unique in the fleet: network ${networkCidr(seq)}, subnet ${subnetCidr(seq)}.`,
    '# Cannot change after creation.',
    `seq: ${seq}`,
    '# (required) production | staging | development (becomes the environment label).',
    `environment: ${environment}`,
    '# online | offline. Offline: no egress beyond the tenant network, so no egress rules, and',
    '# no public interface but the jump host\'s, so SSH is the only ingress rule allowed.',
    `mode: ${mode}`,
    `# ${describeLocations()}.`,
    `# The network zone follows from it (here ${NETWORK_ZONE_BY_LOCATION[location]}). Cannot change after creation.`,
    `location: ${location}`,
    '',
    `# (required) Server groups. A group "app" with count 2 becomes ${serverName(id, 'app', 1)} and -2.`,
    `# At most ${maxServers} servers in all (platform quota and Hetzner network limit).`,
    'servers:',
    '  - name: app              # lowercase letters, digits, "-"; at most 24 characters',
    '    # role: app            # the role label; default: the group name',
    typeLine(platform.defaults.server_type, location),
    `    # image: ${platform.defaults.image.padEnd(13)} # default: platform defaults.image`,
    `    count: 1               # 1..${maxServers}`,
    ...(mode === 'offline' ? jumpLines(platform.defaults.server_type, location) : []),
    '',
    '# One volume, attached to the first server. Default: none. Uncomment to add one.',
    '# volume:',
    `#   size_gb: 10            # ${LIMITS.volumeMinGb}..${maxVolume} (platform quota)`,
    '#   format: ext4           # ext4 | xfs; cannot change after creation',
    '',
    `# Records in the platform zone ${platform.dns.zone}, each pointing at the first server of a group.`,
    'dns:',
    '  records: []',
    '  # records:',
    `  #   - name: ${id.padEnd(13)} # ${dnsRecordFqdn(platform.dns, id)} -> ${serverName(id, 'app', 1)}`,
    '  #     target: app',
    '',
    '# Traffic inside the tenant network is always allowed. Addresses: CIDRs, IPs, or the',
    `# platform sources (${sourcesText}).`,
    'firewall:',
    '  # Inbound. Only ports 80 and 443 may be open to the world (0.0.0.0/0, ::/0); any',
    '  # other port open to the world needs `public: true` on the rule.',
    ...(sshFromManagement
      ? ['  ingress:', `    - { port: 22, from: [${SSH_SOURCE}], description: SSH from the management network }`]
      : ['  ingress: []']),
    ...(mode === 'online' ? [`  #   - { port: 443, from: [${exampleSource}], description: HTTPS }`] : []),
    ...(mode === 'online'
      ? [
          '  # Outbound. With none, the servers reach only their own network.',
          '  egress: []',
          '  #   - { port: 443, to: [203.0.113.0/24], description: model API }',
        ]
      : ['  # Outbound: none, the tenant is offline (egress rules need mode: online).', '  egress: []']),
    '',
    'storage:',
    '  # host: app              # server group of the data server (its first server); default: the first group, which holds the volume',
    `  postgres: false          # true: database ${databaseName(id)} and role ${databaseUser(id)}`,
    `  minio: false             # true: bucket ${bucketName(id)} with its own user and policy`,
    `  # qdrant: { vector_size: 768, distance: Cosine }   # collection ${collectionName(id)}`,
    '',
  ];
  return lines.join('\n');
}
