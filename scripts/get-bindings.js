#!/usr/bin/env node
// Generates the provider bindings in .gen/providers/<name> from the provider
// schemas stored in providers/schemas/ (made by running the real provider, see
// refresh-schemas.sh). No network and no provider binary are needed: this is
// what `cdktf get` does after its `tofu init` + `tofu providers schema -json`.
// Skips the work when the schema and generator are unchanged (--force redoes it).
require('./tools-env');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const root = path.resolve(__dirname, '..');
const schemaDir = path.join(root, 'providers', 'schemas');
const genDir = path.join(root, '.gen');
const force = process.argv.includes('--force');

async function main() {
  const { TerraformProviderGenerator, CodeMaker } = require('@cdktf/provider-generator');
  const { ConstructsMakerProviderTarget, TerraformProviderConstraint, LANGUAGES } = require('@cdktf/commons');
  const generatorVersion = require('@cdktf/provider-generator/package.json').version;

  for (const file of fs.readdirSync(schemaDir).filter((f) => f.endsWith('.json')).sort()) {
    const text = fs.readFileSync(path.join(schemaDir, file), 'utf8');
    const schema = JSON.parse(text);
    const [[fqpn, version]] = Object.entries(schema.provider_versions || {});
    if (!fqpn || !version) throw new Error(`${file}: provider_versions is missing; regenerate it with npm run schemas:refresh`);
    const name = fqpn.split('/').pop();
    const target = path.join(genDir, 'providers', name);
    const stamp = path.join(target, '.schema-hash');
    const hash = crypto.createHash('sha256').update(text).update(generatorVersion).digest('hex');
    if (!force && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) {
      console.error(`[get] ${name} ${version}: bindings up to date`);
      continue;
    }
    const started = Date.now();
    // Generate into a staging dir and swap, so an interrupted run leaves no half-written bindings.
    const staging = path.join(genDir, `.staging-${process.pid}`);
    fs.rmSync(staging, { recursive: true, force: true });
    const code = new CodeMaker();
    const generator = new TerraformProviderGenerator(code, schema);
    const constraint = new TerraformProviderConstraint({ name, source: fqpn, version });
    generator.generate(new ConstructsMakerProviderTarget(constraint, LANGUAGES[0]));
    await code.save(staging);
    const produced = path.join(staging, 'providers', name);
    if (!fs.existsSync(produced)) throw new Error(`generator wrote nothing for ${fqpn}`);
    fs.writeFileSync(path.join(produced, '.schema-hash'), hash);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(produced, target);
    fs.rmSync(staging, { recursive: true, force: true });
    console.error(`[get] ${name} ${version}: generated ${target} in ${Date.now() - started} ms`);
  }
}

main().catch((e) => {
  console.error(`[get] failed: ${e.stack || e}`);
  process.exit(1);
});
