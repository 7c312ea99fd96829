/**
 * `npm run -s inventory -- <tenant...>`: prints the Ansible inventory of
 * deployed tenants (app/inventory-command.ts). A thin shell: reads each
 * stack's outputs with the project's OpenTofu.
 */
import { execFileSync } from 'child_process';
import { inventoryCommand } from '../app/inventory-command';
import { toolchain } from '../review/toolchain';

process.exitCode = inventoryCommand(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  readOutputs(stackDir) {
    const { tofu, env } = toolchain();
    return JSON.parse(execFileSync(tofu, ['output', '-json'], { cwd: stackDir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  },
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
});
