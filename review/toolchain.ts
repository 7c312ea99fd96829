/**
 * Where the project's OpenTofu is and the environment it runs offline with:
 * the toolchain `scripts/install-tools.sh` builds (`scripts/tools-env.js`),
 * with a TF_CLI_CONFIG_FILE that exists (an inherited one naming a missing
 * file would send `tofu init` to the registry instead of the local mirror).
 */
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require('../scripts/tools-env.js') as { tofu: string; toolsDir: string };

export interface Toolchain {
  /** Absolute path of the tofu binary. */
  readonly tofu: string;
  readonly env: Record<string, string | undefined>;
}

/** The toolchain, or an error that says how to install it. */
export function toolchain(base: Readonly<Record<string, string | undefined>> = process.env): Toolchain {
  if (!fs.existsSync(tools.tofu)) {
    throw new Error(`OpenTofu is not installed at ${tools.tofu}; run 'npm run tools' (scripts/install-tools.sh) first`);
  }
  const env: Record<string, string | undefined> = { ...base };
  if (!env.TF_CLI_CONFIG_FILE || !fs.existsSync(env.TF_CLI_CONFIG_FILE)) env.TF_CLI_CONFIG_FILE = path.join(tools.toolsDir, 'tofurc');
  env.PATH = [path.dirname(tools.tofu), env.PATH].filter(Boolean).join(path.delimiter);
  env.CHECKPOINT_DISABLE = '1';
  return { tofu: tools.tofu, env };
}
