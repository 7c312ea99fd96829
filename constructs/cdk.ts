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
export type { IAspect, ITerraformDependable, TerraformProvider } from 'cdktf';
export { setupJest } from 'cdktf/lib/testing/adapters/jest';

/**
 * CDKTF records a full stack trace for every token it creates, only to
 * decorate rare resolution errors; on a fleet that is a fifth of the synth
 * time. Off unless CDKTF_TOKEN_STACK_TRACES=1 (set it when debugging a
 * token that does not resolve).
 */
if (process.env.CDKTF_TOKEN_STACK_TRACES !== '1') {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  stackTrace.captureStackTrace = () => [];
}
