#!/usr/bin/env node
// Runs a TypeScript entry point: bundles it with esbuild into node_modules/.cache
// and executes it with the remaining arguments. Types are checked by
// `npm run typecheck`, not here. The bundle is rebuilt only when one of its
// input files changed, so a warm start costs a few stat() calls; ts-node
// (the CDKTF template's runner) takes seconds to start instead.
require('./tools-env');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run.js <entry.ts> [args...]');
  process.exit(2);
}
const cacheDir = path.join(root, 'node_modules', '.cache', 'run');
const outfile = path.join(cacheDir, entry.replace(/[\\/]/g, '__').replace(/\.ts$/, '.js'));
const inputsFile = `${outfile}.inputs.json`;

function upToDate() {
  try {
    const built = fs.statSync(outfile).mtimeMs;
    const inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
    return inputs.every((f) => fs.statSync(path.join(root, f)).mtimeMs < built);
  } catch {
    return false;
  }
}

if (process.env.RUN_REBUILD === '1' || !upToDate()) {
  const { buildSync } = require('esbuild');
  const result = buildSync({
    entryPoints: [path.resolve(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
    metafile: true,
    absWorkingDir: root,
  });
  fs.writeFileSync(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
}
process.argv.splice(1, 2, path.resolve(root, entry));
require(outfile);
