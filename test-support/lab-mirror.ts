/**
 * The "mirror" a lab's servers download the data plane's pinned binaries
 * from (test-support/dataplane-binaries.ts fills it): it stands in for the
 * download sites; the servers see it read-only at MIRROR_MOUNT, and the roles
 * get file:// URLs with real checksums.
 */
import * as fs from 'fs';
import { buildDataplaneMirror, dataplaneBinaryVars } from './dataplane-binaries';

/** Where a server sees the mirror (bind it read-only). */
export const MIRROR_MOUNT = '/opt/mirror';

/**
 * Fills the new directory `dir` with the binaries and returns the
 * tenant_dataplane variables that point the role at them.
 */
export async function createMirror(dir: string): Promise<Record<string, string>> {
  fs.mkdirSync(dir);
  return dataplaneBinaryVars(`file://${MIRROR_MOUNT}`, await buildDataplaneMirror(dir));
}
