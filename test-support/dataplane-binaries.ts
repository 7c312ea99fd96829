/**
 * The pinned binaries of the tenant data plane for the tests, in one
 * directory that plays the part of the platform's download site: MinIO and
 * mc as `npm run tools` built them, and the Qdrant STAND-IN (bundled from
 * test-support/qdrant-standin-server.ts) with the node that runs it. Also the
 * tenant_dataplane variables that point the role at them, with checksums.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { runOk, toolsEnv, which } from './ansible-proc';
import { REPO_ROOT } from './ansible-run';

const FILES = ['minio', 'mc', 'node', 'qdrant-standin.js'] as const;
export type DataplaneChecksums = Record<(typeof FILES)[number], string>;

const sha256 = (file: string) => new Promise<string>((resolve, reject) => {
  const h = createHash('sha256');
  fs.createReadStream(file).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')));
});

/** Hard-links `src` into the mirror (same filesystem), else copies it. */
function mirrorFile(src: string, dest: string): void {
  try {
    fs.linkSync(src, dest);
  } catch {
    fs.copyFileSync(src, dest);
  }
}

/** Fills `mirror` (an existing directory) with the binaries; returns each one's `sha256:<hex>`. */
export async function buildDataplaneMirror(mirror: string): Promise<DataplaneChecksums> {
  const tools = path.join(toolsEnv().TENANT_TOOLS_DIR!, 'bin');
  for (const b of ['minio', 'mc']) {
    if (!fs.existsSync(path.join(tools, b))) throw new Error(`${b} not found in ${tools}: run npm run tools`);
    mirrorFile(path.join(tools, b), path.join(mirror, b));
  }
  mirrorFile(which('node') ?? process.execPath, path.join(mirror, 'node'));
  await runOk(path.join(REPO_ROOT, 'node_modules/.bin/esbuild'), [
    '--bundle', '--platform=node', '--target=node18', '--log-level=warning',
    `--outfile=${path.join(mirror, 'qdrant-standin.js')}`, path.join(REPO_ROOT, 'test-support/qdrant-standin-server.ts'),
  ]);
  const out: Partial<DataplaneChecksums> = {};
  for (const f of FILES) out[f] = `sha256:${await sha256(path.join(mirror, f))}`;
  return out as DataplaneChecksums;
}

/** The tenant_dataplane variables for binaries at `base` (a file:// URL of the mirror, as the downloading side sees it); Qdrant is the STAND-IN. */
export function dataplaneBinaryVars(base: string, sums: DataplaneChecksums): Record<string, string> {
  return {
    tenant_dataplane_minio_url: `${base}/minio`,
    tenant_dataplane_minio_checksum: sums.minio,
    tenant_dataplane_mc_url: `${base}/mc`,
    tenant_dataplane_mc_checksum: sums.mc,
    tenant_dataplane_qdrant_flavour: 'standin',
    tenant_dataplane_qdrant_standin_url: `${base}/qdrant-standin.js`,
    tenant_dataplane_qdrant_standin_checksum: sums['qdrant-standin.js'],
    tenant_dataplane_qdrant_standin_node_url: `${base}/node`,
    tenant_dataplane_qdrant_standin_node_checksum: sums.node,
  };
}
