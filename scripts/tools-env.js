// Node twin of tools-env.sh: puts the project's toolchain first on PATH and
// points cdktf at OpenTofu, so no Node process of ours can fall back to a
// `terraform` binary that happens to be installed. Require it first.
const path = require('path');
const os = require('os');

const toolsDir = process.env.TENANT_TOOLS_DIR || path.join(os.homedir(), '.cache', 'tenant-platform-tools');
const bin = path.join(toolsDir, 'bin');
process.env.TENANT_TOOLS_DIR = toolsDir;
if (!(process.env.PATH || '').split(path.delimiter).includes(bin)) {
  process.env.PATH = [bin, '/usr/lib/postgresql/15/bin', process.env.PATH].join(path.delimiter);
}
// Always ours: an inherited one (often a missing ~/.terraformrc) would send tofu init to the registry.
process.env.TF_CLI_CONFIG_FILE = path.join(toolsDir, 'tofurc');
// Always an absolute path to our tofu: @cdktf/commons runs `<binary> version` when loaded.
process.env.TERRAFORM_BINARY_NAME = path.join(bin, 'tofu');
process.env.CHECKPOINT_DISABLE = '1';
module.exports = { toolsDir, bin, tofu: path.join(bin, 'tofu') };
