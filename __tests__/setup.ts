// Registers the CDKTF jest matchers (toHaveResource, toPlanSuccessfully, ...).
import { setupJest } from '../constructs/cdk';
setupJest();
