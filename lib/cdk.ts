/**
 * The one place that imports CDKTF. Everything else imports from here, so the
 * move to the maintained fork (CDK Terrain, `cdktn`) is a rename of the two
 * module names below and nothing else.
 */
export {
  App,
  Aspects,
  Fn,
  LocalBackend,
  S3Backend,
  TerraformElement,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  Token,
} from 'cdktf';
export type { IAspect, TerraformProvider } from 'cdktf';
export { setupJest } from 'cdktf/lib/testing/adapters/jest';
