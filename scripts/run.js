#!/usr/bin/env node
// Runs a TypeScript entry point: bundles it with esbuild (tens of milliseconds;
// types are checked by `npm run typecheck`, not here) into node_modules/.cache
// and executes it with the remaining arguments. Used by every npm script and by
// cdktf.json, because ts-node takes seconds to start.
const path = require('path');
const { buildSync } = require('esbuild');

const root = path.resolve(__dirname, '..');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run.js <entry.ts> [args...]');
  process.exit(2);
}
const outfile = path.join(root, 'node_modules', '.cache', 'run', entry.replace(/[\\/]/g, '__').replace(/\.ts$/, '.js'));
buildSync({
  entryPoints: [path.resolve(root, entry)],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.argv.splice(1, 2, path.resolve(root, entry));
require(outfile);
