/**
 * The tenant file's free text (a firewall rule's description, a server's
 * image) reaches the stack as text: OpenTofu reads "${" and "%{" in a JSON
 * string as a template, so they are written "$${" and "%%{" and arrive at
 * Hetzner unchanged (lib/terraform-literal.ts, proven through the real tofu
 * in post-apply-tofu.test.ts).
 */
import { exampleFleet, synthTenant, tenant } from '../../test-support/fleet';
import { stackResources } from '../../isolation/synth/stack';

const TEMPLATE_TEXT = 'was ${var.port} %{ if true }x%{ endif }';
const ESCAPED = 'was $${var.port} %%{ if true }x%%{ endif }';

test('fails if a firewall description or an image from the tenant file is written into the stack as an OpenTofu template', () => {
  const fleet = exampleFleet();
  const acme = tenant(fleet, 'acme');
  const hostile = {
    ...acme,
    ingress: acme.ingress.map((r, i) => (i === 0 ? { ...r, description: TEMPLATE_TEXT } : r)),
    servers: acme.servers.map((s, i) => (i === 0 ? { ...s, image: 'ubuntu-${x}' } : s)),
  };
  const { json } = synthTenant(fleet, hostile);
  const firewall = stackResources(json).find((r) => r.type === 'hcloud_firewall')!.config as { rule: { description?: string }[] };
  const descriptions = firewall.rule.map((r) => r.description);
  expect(descriptions).toContain(ESCAPED);
  expect(descriptions).not.toContain(TEMPLATE_TEXT);
  const images = stackResources(json).filter((r) => r.type === 'hcloud_server').map((r) => (r.config as { image: string }).image);
  expect(images).toContain('ubuntu-$${x}');
  // Text without template sequences is left alone.
  expect(acme.ingress[0].description).not.toBe('node exporter');
  expect(descriptions).toContain('node exporter');
});
