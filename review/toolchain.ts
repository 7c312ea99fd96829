/**
 * Where the project's OpenTofu is and the environment it runs offline with:
 * the toolchain `scripts/install-tools.sh` builds, as `scripts/tools-env.js`
 * sets it up (our tofu first on PATH, the mirror-only CLI config).
 */
import * as fs from 'fs';

type Env = Record<string, string | undefined>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require('../scripts/tools-env.js') as { tofu: string; toolEnv: (base: Env) => Env };

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
  return { tofu: tools.tofu, env: tools.toolEnv(base) };
}
