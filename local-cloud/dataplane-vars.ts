/**
 * `npm run -s local-cloud -- dataplane-vars`: the Ansible settings that let
 * `tenant_dataplane` run on the local cloud's servers, which have no way to
 * the download sites: MinIO and mc as `npm run tools` built them, and in
 * Qdrant's place the Qdrant STAND-IN (test-support/qdrant-standin-server.ts,
 * bundled, run by this machine's node), each fetched on the control node
 * (`tenant_dataplane_download_on: control`), checked against its sha256 and
 * copied to the server over SSH.
 * Written to ansible/inventory/group_vars/tenant_servers/local-cloud.yml
 * (git-ignored) by the onboarding runbook.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { sh } from './machines/command';

/** One binary the data plane installs: where it is on the control node, and its sha256. */
export interface LocalBinary {
  readonly file: string;
  readonly sha256: string;
}

export interface DataplaneBinaries {
  readonly minio: LocalBinary;
  readonly mc: LocalBinary;
  readonly qdrantStandin: LocalBinary;
  readonly node: LocalBinary;
}

/** The group_vars text for these binaries. Pure. */
export function dataplaneVarsYaml(b: DataplaneBinaries): string {
  const pin = (prefix: string, x: LocalBinary) => [`${prefix}_url: ${JSON.stringify(`file://${x.file}`)}`, `${prefix}_checksum: "sha256:${x.sha256}"`];
  return [
    '# Written by `npm run -s local-cloud -- dataplane-vars` for the local cloud: its servers',
    '# reach no download site, so Ansible fetches each pinned binary on this control node',
    '# (file:// URLs here), checks its sha256 and copies it to the server.',
    '# Qdrant is the Qdrant STAND-IN here, not Qdrant (no Qdrant runs on these machines).',
    'tenant_dataplane_download_on: control',
    ...pin('tenant_dataplane_minio', b.minio),
    ...pin('tenant_dataplane_mc', b.mc),
    'tenant_dataplane_qdrant_flavour: standin',
    ...pin('tenant_dataplane_qdrant_standin', b.qdrantStandin),
    ...pin('tenant_dataplane_qdrant_standin_node', b.node),
    '',
  ].join('\n');
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Finds the toolchain's MinIO and mc (TENANT_TOOLS_DIR), bundles the Qdrant
 * STAND-IN into `outDir` and hashes everything. Throws naming what is missing.
 */
export async function localDataplaneBinaries(root: string, toolsDir: string, outDir: string): Promise<DataplaneBinaries> {
  const tool = (name: string) => {
    const file = path.join(toolsDir, 'bin', name);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run tools`);
    return file;
  };
  const minio = tool('minio');
  const mc = tool('mc');
  fs.mkdirSync(outDir, { recursive: true });
  const standin = path.join(outDir, 'qdrant-standin.js');
  await sh(path.join(root, 'node_modules', '.bin', 'esbuild'), [
    '--bundle', '--platform=node', '--target=node18', '--log-level=warning',
    `--outfile=${standin}`, path.join(root, 'test-support', 'qdrant-standin-server.ts'),
  ]);
  const pinned = async (file: string): Promise<LocalBinary> => ({ file, sha256: await sha256(file) });
  return { minio: await pinned(minio), mc: await pinned(mc), qdrantStandin: await pinned(standin), node: await pinned(process.execPath) };
}
