/**
 * The Qdrant STAND-IN (qdrant-standin.ts) as a program, NOT Qdrant: what the
 * tenant_dataplane role installs in Qdrant's place on a test machine, where
 * Qdrant cannot run. It reads the same configuration file Qdrant would
 * (`--config-path /etc/qdrant/config.yaml`: service.host, service.http_port,
 * service.api_key, storage.storage_path, storage.snapshots_path) and keeps its
 * collections in <storage_path>/standin-collections.json, so they outlive a
 * restart as Qdrant's do, and collection snapshots in <snapshots_path>/<collection>/. Bundled into one file by the tests (esbuild) and run by node.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { startQdrantStandin } from './qdrant-standin';

function fail(message: string): never {
  process.stderr.write(`qdrant stand-in: ${message}\n`);
  process.exit(2);
}

async function main(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--config-path');
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (!file) fail('usage: qdrant-standin --config-path <config.yaml>');
  const config = parse(fs.readFileSync(file, 'utf8')) ?? {};
  const service = config.service ?? {};
  const storagePath: string | undefined = config.storage?.storage_path;
  const snapshotsPath: string | undefined = config.storage?.snapshots_path;
  if (typeof service.api_key !== 'string' || service.api_key.length === 0) fail(`${file}: service.api_key is required`);
  if (storagePath) fs.mkdirSync(storagePath, { recursive: true });
  const standin = await startQdrantStandin({
    apiKey: service.api_key,
    host: service.host ?? '0.0.0.0',
    port: service.http_port ?? 6333,
    storageFile: storagePath ? path.join(storagePath, 'standin-collections.json') : undefined,
    snapshotsDir: snapshotsPath,
  });
  process.stdout.write(`Qdrant STAND-IN (not Qdrant) listening on ${standin.url}\n`);
  const stop = () => void standin.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main(process.argv.slice(2)).catch((e) => fail((e as Error).message));
