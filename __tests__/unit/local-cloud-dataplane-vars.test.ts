/** `npm run -s local-cloud -- dataplane-vars`: the settings text, from pinned local binaries. */
import YAML from 'yaml';
import { dataplaneVarsYaml } from '../../local-cloud/dataplane-vars';

const pinned = (file: string, digit: string) => ({ file, sha256: digit.repeat(64) });
const binaries = {
  minio: pinned('/tools/bin/minio', 'a'),
  mc: pinned('/tools/bin/mc', 'b'),
  qdrantStandin: pinned('/var/tmp/hetzner-local-cloud/local/dataplane/qdrant-standin.js', 'c'),
  node: pinned('/usr/bin/node', 'd'),
};

test('copies every binary from the control node, pinned by its sha256, with the Qdrant STAND-IN in Qdrant\'s place', () => {
  const text = dataplaneVarsYaml(binaries);
  expect(text).toMatch(/Qdrant STAND-IN/);
  expect(YAML.parse(text)).toEqual({
    tenant_dataplane_download_on: 'control',
    tenant_dataplane_minio_url: 'file:///tools/bin/minio',
    tenant_dataplane_minio_checksum: `sha256:${'a'.repeat(64)}`,
    tenant_dataplane_mc_url: 'file:///tools/bin/mc',
    tenant_dataplane_mc_checksum: `sha256:${'b'.repeat(64)}`,
    tenant_dataplane_qdrant_flavour: 'standin',
    tenant_dataplane_qdrant_standin_url: 'file:///var/tmp/hetzner-local-cloud/local/dataplane/qdrant-standin.js',
    tenant_dataplane_qdrant_standin_checksum: `sha256:${'c'.repeat(64)}`,
    tenant_dataplane_qdrant_standin_node_url: 'file:///usr/bin/node',
    tenant_dataplane_qdrant_standin_node_checksum: `sha256:${'d'.repeat(64)}`,
  });
});

test('keeps a path with YAML-special characters a plain string', () => {
  const text = dataplaneVarsYaml({ ...binaries, node: pinned("/opt/my node: 'x' #1/node", 'd') });
  expect(YAML.parse(text).tenant_dataplane_qdrant_standin_node_url).toBe("file:///opt/my node: 'x' #1/node");
});
