// Registers the CDKTF jest matchers (toHaveResource, toPlanSuccessfully, ...).
import { setupJest } from '../lib/cdk';
setupJest();
