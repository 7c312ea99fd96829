/**
 * The download site of tenant_dataplane's pinned binaries, for tests: a
 * directory holding MinIO and mc as `npm run tools` built them, and the
 * Qdrant STAND-IN (bundled from test-support/qdrant-standin-server.ts) with
 * the node that runs it. A test puts it on the server at `serverPath` (a
 * read-only bind, or a copy) and gives the role the variables this returns:
 * file:// URLs and their checksums.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { runOk, toolsEnv, which } from './ansible-proc';
import { REPO_ROOT } from './ansible-run';

/** Where the servers find the mirror. */
export const MIRROR_ON_SERVER = '/opt/mirror';

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

/** Fills `dir` (which must exist) and returns tenant_dataplane's variables for it, served at `serverPath` on the server. */
export async function buildDataplaneMirror(dir: string, serverPath = MIRROR_ON_SERVER): Promise<Record<string, string>> {
  const tools = path.join(toolsEnv().TENANT_TOOLS_DIR!, 'bin');
  for (const b of ['minio', 'mc']) {
    if (!fs.existsSync(path.join(tools, b))) throw new Error(`${b} not found in ${tools}: run npm run tools`);
    mirrorFile(path.join(tools, b), path.join(dir, b));
  }
  mirrorFile(which('node') ?? process.execPath, path.join(dir, 'node'));
  await runOk(path.join(REPO_ROOT, 'node_modules/.bin/esbuild'), [
    '--bundle', '--platform=node', '--target=node18', '--log-level=warning',
    `--outfile=${path.join(dir, 'qdrant-standin.js')}`, path.join(REPO_ROOT, 'test-support/qdrant-standin-server.ts'),
  ]);
  const checksum = async (f: string) => `sha256:${await sha256(path.join(dir, f))}`;
  return {
    tenant_dataplane_minio_url: `file://${serverPath}/minio`,
    tenant_dataplane_minio_checksum: await checksum('minio'),
    tenant_dataplane_mc_url: `file://${serverPath}/mc`,
    tenant_dataplane_mc_checksum: await checksum('mc'),
    tenant_dataplane_qdrant_flavour: 'standin',
    tenant_dataplane_qdrant_standin_url: `file://${serverPath}/qdrant-standin.js`,
    tenant_dataplane_qdrant_standin_checksum: await checksum('qdrant-standin.js'),
    tenant_dataplane_qdrant_standin_node_url: `file://${serverPath}/node`,
    tenant_dataplane_qdrant_standin_node_checksum: await checksum('node'),
  };
}
