/**
 * `npm run verify -- [tenant...] [--json] [--timeout <seconds>]`: the live
 * isolation verifier (app/verify-command.ts); exit 0 pass, 1 violations, 2 could
 * not verify. A thin shell: the rules are pure functions in isolation/live/.
 */
import { verifyCommand } from '../app/verify-command';

verifyCommand(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error((e as Error).stack);
    process.exitCode = 2;
  },
);
