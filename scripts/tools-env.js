// Node twin of tools-env.sh: puts the project's toolchain first on PATH and
// points cdktf at OpenTofu, so no Node process of ours can fall back to a
// `terraform` binary that happens to be installed. Require it first; use
// toolEnv() to build the environment of a child process from another base.
const path = require('path');
const os = require('os');

const toolsDir = process.env.TENANT_TOOLS_DIR || path.join(os.homedir(), '.cache', 'tenant-platform-tools');
const bin = path.join(toolsDir, 'bin');
const tofu = path.join(bin, 'tofu');
/** What cdktf runs: our tofu, with SIGHUP ignored (see tofu-session.sh). */
const tofuForCdktf = path.join(__dirname, 'tofu-session.sh');

/** `base` with our toolchain first on PATH, our tofu for cdktf and our offline provider mirror. */
function toolEnv(base = process.env) {
  const dirs = (base.PATH || '').split(path.delimiter).filter(Boolean);
  return {
    ...base,
    TENANT_TOOLS_DIR: toolsDir,
    PATH: dirs.includes(bin) ? base.PATH : [bin, '/usr/lib/postgresql/15/bin', ...dirs].join(path.delimiter),
    // Always ours: an inherited one (often a missing ~/.terraformrc) would send tofu init to the registry.
    TF_CLI_CONFIG_FILE: path.join(toolsDir, 'tofurc'),
    // Always an absolute path to our tofu: @cdktf/commons runs `<binary> version` when loaded.
    TERRAFORM_BINARY_NAME: tofuForCdktf,
    CHECKPOINT_DISABLE: '1',
  };
}

Object.assign(process.env, toolEnv(process.env));
module.exports = { toolsDir, bin, tofu, tofuForCdktf, toolEnv };
